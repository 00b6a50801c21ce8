import { memo } from 'react';
import type { DagEdit } from '../../src/protocol/dagEditDto';
import type { CanvasFormSchemasDto } from '../../src/protocol/dagFormSchemaDto';
import type { DagGraphDto, LinkDto, ProblemDto } from '../../src/protocol/dagGraphDto';
import { DagInspector } from './DagInspector';
import { TaskInspector } from './TaskInspector';

export interface CanvasSelection {
  taskIds: string[];
  links: LinkDto[];
}

export interface InspectorProps {
  graph: DagGraphDto;
  schemas: CanvasFormSchemasDto;
  problems: readonly ProblemDto[];
  editable: boolean;
  selection: CanvasSelection;
  sendEdit(edit: DagEdit, onApplied?: (select: string[]) => void): void;
  showNotice(severity: 'error' | 'info', text: string): void;
  onSelect(selection: CanvasSelection): void;
  onClose(): void;
}

/**
 * The panel beside the canvas: the selected task's form, a summary of a multiple selection or of a
 * selected link, or the DAG's settings when nothing is selected. Memoised: run state changes
 * re-render the canvas many times a second and the forms have nothing to do with them.
 */
export const Inspector = memo(function Inspector(props: InspectorProps) {
  const { graph, selection, editable, sendEdit, onSelect } = props;
  const tasks = selection.taskIds.map((id) => graph.tasks.find((t) => t.taskId === id)).filter((t) => t !== undefined);
  let body;
  if (tasks.length === 1) {
    body = (
      <TaskInspector
        task={tasks[0]!}
        graph={graph}
        schemas={props.schemas}
        problems={props.problems}
        editable={editable}
        sendEdit={sendEdit}
        showNotice={props.showNotice}
        onRenamed={(taskId) => onSelect({ taskIds: [taskId], links: [] })}
      />
    );
  } else if (tasks.length > 1) {
    const ids = tasks.map((t) => t.taskId);
    body = (
      <div className="inspector-summary">
        <h2 className="inspector-title">{tasks.length} tasks selected</h2>
        <p className="inspector-description">{ids.join(', ')}</p>
        {editable && (
          <div className="inspector-actions">
            <button
              type="button"
              className="canvas-button"
              onClick={() => sendEdit({ kind: 'duplicateTasks', taskIds: ids }, (select) => onSelect({ taskIds: select, links: [] }))}
            >
              Duplicate
            </button>
            <button type="button" className="canvas-button" onClick={() => sendEdit({ kind: 'deleteElements', taskIds: ids, links: [] })}>
              Delete
            </button>
          </div>
        )}
      </div>
    );
  } else if (selection.links.length > 0) {
    body = (
      <div className="inspector-summary">
        <h2 className="inspector-title">{selection.links.length === 1 ? 'Link' : `${selection.links.length} links`}</h2>
        <ul className="upstream-list">
          {selection.links.map((link) => (
            <li key={`${link.source}->${link.target}`}>
              <span className="upstream-id">{link.target}</span> runs after <span className="upstream-id">{link.source}</span>
            </li>
          ))}
        </ul>
        {editable && (
          <button
            type="button"
            className="canvas-button"
            onClick={() => sendEdit({ kind: 'deleteElements', taskIds: [], links: selection.links })}
          >
            Remove {selection.links.length === 1 ? 'link' : 'links'}
          </button>
        )}
      </div>
    );
  } else {
    body = <DagInspector graph={graph} schemas={props.schemas} problems={props.problems} editable={editable} sendEdit={sendEdit} />;
  }
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      <div className="panel-header">
        <span className="panel-title">Inspector</span>
        <button type="button" className="panel-close" aria-label="Close the inspector" title="Close the inspector" onClick={props.onClose}>
          ×
        </button>
      </div>
      {/* Keyed by what is inspected, so that another task's form starts at its top. */}
      <div
        className="inspector-body"
        key={tasks.length === 1 ? `task:${tasks[0]!.taskId}` : tasks.length > 1 ? 'tasks' : selection.links.length > 0 ? 'links' : 'dag'}
      >
        {body}
      </div>
    </aside>
  );
});
