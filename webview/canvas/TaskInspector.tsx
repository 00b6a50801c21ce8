import VscodeOption from '@vscode-elements/react-elements/dist/components/VscodeOption.js';
import VscodeSingleSelect from '@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js';
import type { DagEdit } from '../../src/protocol/dagEditDto';
import type { CanvasFormSchemasDto, FormFieldDto } from '../../src/protocol/dagFormSchemaDto';
import type { DagGraphDto, ProblemDto, TaskNodeDto } from '../../src/protocol/dagGraphDto';
import type { JsonValue } from '../../src/protocol/jsonValue';
import { findConnectionProblem } from '../../src/protocol/canvasConnectionRules';
import { FormField, type InheritedValue } from './FormField';
import { groupTaskProblems } from './groupProblems';
import { glyphFor } from './operatorGlyphs';
import { ProblemList } from './ProblemList';
import { postCommand } from './vscodeApi';

export interface TaskInspectorProps {
  task: TaskNodeDto;
  graph: DagGraphDto;
  schemas: CanvasFormSchemasDto;
  problems: readonly ProblemDto[];
  editable: boolean;
  sendEdit(edit: DagEdit, onApplied?: (select: string[]) => void): void;
  showNotice(severity: 'error' | 'info', text: string): void;
  onRenamed(taskId: string): void;
}

/** Airflow's rule for task ids, which the host and the schema enforce too. */
const TASK_ID_PATTERN = /^[A-Za-z0-9_.-]{1,250}$/;

const TASK_ID_FIELD: FormFieldDto = {
  key: 'task_id',
  kind: 'text',
  required: true,
  description: 'Unique within the DAG: letters, digits, "_", "." and "-". Renaming updates every task that runs after this one.',
};

/**
 * The selected task's form, generated from its operator's schema: the id (renaming follows
 * links), the operator's arguments (required first; code with "Edit code"), the links it waits
 * for, and the scheduling knobs every task has (trigger rule, retries, pool, priority...), with
 * `default_args` shown as placeholders and the host's problems beside the fields they are about.
 */
export function TaskInspector({ task, graph, schemas, problems, editable, sendEdit, showNotice, onRenamed }: TaskInspectorProps) {
  const operator = schemas.operators.find((o) => o.operator === task.operator);
  const grouped = groupTaskProblems(problems, task.taskId);
  const defaultArgs = graph.settings.default_args;
  const inheritedFor = (field: FormFieldDto): InheritedValue | undefined => {
    const fromDag =
      defaultArgs !== null && typeof defaultArgs === 'object' && !Array.isArray(defaultArgs) ? defaultArgs[field.key] : undefined;
    if (fromDag !== undefined) return { value: fromDag, source: 'default_args' };
    return field.default === undefined ? undefined : { value: field.default, source: 'default' };
  };
  const setField = (key: string) => (value: JsonValue | undefined) =>
    sendEdit(
      value === undefined
        ? { kind: 'setTaskField', taskId: task.taskId, path: [key] }
        : { kind: 'setTaskField', taskId: task.taskId, path: [key], value },
    );
  const field = (definition: FormFieldDto) => (
    <FormField
      key={`${task.taskId}:${definition.key}`}
      field={definition}
      value={task.values[definition.key]}
      inherited={inheritedFor(definition)}
      problems={grouped.byField.get(definition.key) ?? []}
      readOnly={!editable}
      onCommit={setField(definition.key)}
      onEditCode={
        editable && hasCode(definition, task)
          ? () => postCommand({ type: 'canvas/openTaskCode', taskId: task.taskId, field: definition.key })
          : undefined
      }
    />
  );
  const candidates = graph.tasks.filter((other) => other.taskId !== task.taskId && !task.upstream.includes(other.taskId));

  return (
    <div className="inspector-task" data-testid="task-inspector" data-task-id={task.taskId}>
      <div className="inspector-heading">
        <span className="task-node-glyph" aria-hidden="true">
          {glyphFor(task.operator)}
        </span>
        <h2 className="inspector-title">{operator?.title ?? task.operator}</h2>
        <button type="button" className="canvas-link" onClick={() => postCommand({ type: 'canvas/revealTask', taskId: task.taskId })}>
          Show in text
        </button>
      </div>
      {operator ? (
        <p className="inspector-description">{operator.description}</p>
      ) : (
        <p className="form-error">Unknown operator “{task.operator}”.</p>
      )}
      <ProblemList problems={grouped.general} />
      <FormField
        key={`${task.taskId}:task_id`}
        field={TASK_ID_FIELD}
        value={task.taskId}
        problems={problems.filter((p) => p.taskId === task.taskId && p.path?.[2] === 'task_id')}
        readOnly={!editable}
        onCommit={(value) => {
          const newTaskId = typeof value === 'string' ? value.trim() : '';
          if (!TASK_ID_PATTERN.test(newTaskId)) {
            showNotice(
              'error',
              `"${newTaskId}" cannot be a task id: use letters, digits, "_", "." and "-" only (no spaces), as Airflow ids do.`,
            );
            return;
          }
          if (graph.tasks.some((t) => t.taskId === newTaskId)) {
            showNotice('error', `A task "${newTaskId}" already exists in this DAG; choose another id.`);
            return;
          }
          sendEdit({ kind: 'renameTask', taskId: task.taskId, newTaskId }, (select) => select[0] && onRenamed(select[0]));
          // The renamed node is drawn at once; keep it selected (and this form open) meanwhile.
          onRenamed(newTaskId);
        }}
      />
      {operator && operator.exactlyOneOf.length > 0 && (
        <p className="form-note">{operator.exactlyOneOf.map((group) => `Set exactly one of ${group.join(' or ')}.`).join(' ')}</p>
      )}
      {operator && (
        <fieldset className="inspector-section">
          <legend>Arguments</legend>
          {operator.fields.length === 0 ? <p className="form-note">This operator takes no arguments.</p> : operator.fields.map(field)}
        </fieldset>
      )}
      <fieldset className="inspector-section">
        <legend>Runs after</legend>
        {task.upstream.length === 0 && <p className="form-note">Nothing: it starts as soon as its run does.</p>}
        <ul className="upstream-list">
          {task.upstream.map((parent) => (
            <li key={parent}>
              <span className="upstream-id">{parent}</span>
              {editable && (
                <button
                  type="button"
                  className="canvas-link"
                  aria-label={`Remove the link from ${parent}`}
                  onClick={() => sendEdit({ kind: 'deleteElements', taskIds: [], links: [{ source: parent, target: task.taskId }] })}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
        {editable && candidates.length > 0 && (
          <VscodeSingleSelect
            // Remounted when the links change, so that it offers a choice again after one.
            key={task.upstream.join('\u0000')}
            aria-label={`Make ${task.taskId} run after another task`}
            value=""
            onChange={(event) => {
              const source = (event.target as HTMLSelectElement).value;
              if (source === '') return;
              const problem = findConnectionProblem(graph.tasks, source, task.taskId);
              if (problem) showNotice('error', problem);
              else sendEdit({ kind: 'connect', source, target: task.taskId });
            }}
          >
            <VscodeOption value="">Add a task to wait for…</VscodeOption>
            {candidates.map((other) => (
              <VscodeOption key={other.taskId} value={other.taskId}>
                {other.taskId}
              </VscodeOption>
            ))}
          </VscodeSingleSelect>
        )}
      </fieldset>
      <fieldset className="inspector-section">
        <legend>Scheduling</legend>
        {schemas.taskFields.map(field)}
      </fieldset>
    </div>
  );
}

/** "Edit code" for a code field: inline code always (an empty one starts a new script), a code_file once it names a file. */
function hasCode(field: FormFieldDto, task: TaskNodeDto): boolean {
  if (!field.language) return false;
  if (field.key !== 'code_file') return true;
  const file = task.values.code_file;
  return typeof file === 'string' && file.trim() !== '';
}
