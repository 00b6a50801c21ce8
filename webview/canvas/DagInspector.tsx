import type { DagEdit } from '../../src/protocol/dagEditDto';
import type { CanvasFormSchemasDto, FormFieldDto } from '../../src/protocol/dagFormSchemaDto';
import type { DagGraphDto, ProblemDto } from '../../src/protocol/dagGraphDto';
import type { JsonPath, JsonValue } from '../../src/protocol/jsonValue';
import { FormField } from './FormField';
import { groupDagProblems } from './groupProblems';
import { ProblemList } from './ProblemList';

export interface DagInspectorProps {
  graph: DagGraphDto;
  schemas: CanvasFormSchemasDto;
  problems: readonly ProblemDto[];
  editable: boolean;
  sendEdit(edit: DagEdit): void;
}

/** DAG settings shown first, in the order a user sets them up; anything else the schema has follows. */
const FIRST = [
  'dag_id',
  'description',
  'schedule',
  'start_date',
  'end_date',
  'catchup',
  'max_active_runs',
  'max_active_tasks',
  'tags',
  'params',
];
const LABELS: Readonly<Record<string, string>> = { dag_id: 'dag_id' };

/**
 * DAG-level settings when no task is selected: id, description, schedule (with the cron in words),
 * dates, catchup, limits, tags, params, and `default_args` as a form of its own keys.
 */
export function DagInspector({ graph, schemas, problems, editable, sendEdit }: DagInspectorProps) {
  const grouped = groupDagProblems(problems);
  const settings = graph.settings;
  const set = (path: JsonPath) => (value: JsonValue | undefined) =>
    sendEdit(value === undefined ? { kind: 'setDagField', path } : { kind: 'setDagField', path, value });
  const ordered = [...schemas.dagFields].sort((a, b) => rank(a.key) - rank(b.key)).filter((f) => f.key !== 'default_args');
  const defaultArgs =
    settings.default_args !== null && typeof settings.default_args === 'object' && !Array.isArray(settings.default_args)
      ? settings.default_args
      : {};
  const field = (definition: FormFieldDto) => (
    <FormField
      key={definition.key}
      field={definition}
      label={LABELS[definition.key]}
      value={settings[definition.key]}
      inherited={
        definition.default === undefined || definition.kind === 'json' ? undefined : { value: definition.default, source: 'default' }
      }
      problems={grouped.byField.get(definition.key) ?? []}
      readOnly={!editable}
      onCommit={set([definition.key])}
    />
  );

  return (
    <div className="inspector-dag" data-testid="dag-inspector">
      <div className="inspector-heading">
        <h2 className="inspector-title">DAG settings</h2>
      </div>
      <p className="inspector-description">Select a task to edit it; these settings apply to the whole DAG.</p>
      <ProblemList problems={grouped.general} />
      <fieldset className="inspector-section">
        <legend>DAG</legend>
        {ordered.map(field)}
      </fieldset>
      <fieldset className="inspector-section">
        <legend>default_args</legend>
        <p className="form-note">Defaults for every task that does not set the key itself.</p>
        {schemas.defaultArgsFields.map((definition) => (
          <FormField
            key={`default_args.${definition.key}`}
            field={definition}
            value={defaultArgs[definition.key]}
            inherited={definition.default === undefined ? undefined : { value: definition.default, source: 'default' }}
            problems={grouped.byField.get(`default_args.${definition.key}`) ?? []}
            readOnly={!editable}
            onCommit={set(['default_args', definition.key])}
          />
        ))}
      </fieldset>
    </div>
  );
}

function rank(key: string): number {
  const index = FIRST.indexOf(key);
  return index < 0 ? FIRST.length : index;
}
