import type { DidChangeRunViewsNotification } from '../../src/protocol/runViewsProtocol';
import { stateLabel, TASK_STATE_GLYPHS } from '../canvas/taskStateStyle';

/**
 * Runs (columns, oldest to newest, as in Airflow) by tasks (rows), one coloured cell per task
 * instance with its state's glyph; a run's header shows the run state. Clicking a column selects
 * the run here and on the canvas. A plain table: keyboard and screen readers get it for free.
 */
export function RunGrid({ data, onSelect }: { data: DidChangeRunViewsNotification; onSelect(runId: string): void }) {
  return (
    <div className="rv-grid-scroll">
      <table className="rv-grid" data-testid="run-grid">
        <thead>
          <tr>
            <th scope="col" className="rv-task-header">
              Task
            </th>
            {data.runs.map(({ run }) => (
              <th key={run.runId} scope="col" className={run.runId === data.selectedRunId ? 'selected' : ''}>
                <button
                  type="button"
                  className={`rv-run state-${run.state}`}
                  data-run-id={run.runId}
                  aria-pressed={run.runId === data.selectedRunId}
                  title={`${run.runId}\n${run.runType} run, ${run.state}${run.note ? `\n${run.note}` : ''}`}
                  onClick={() => onSelect(run.runId)}
                >
                  {TASK_STATE_GLYPHS[run.state]}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.taskIds.map((taskId) => (
            <tr key={taskId}>
              <th scope="row" className="rv-task">
                {taskId}
              </th>
              {data.runs.map(({ run, cells }) => {
                const cell = cells[taskId];
                const label = cell ? `${stateLabel(cell.state)}${cell.tryNumber > 1 ? `, try ${cell.tryNumber}` : ''}` : 'no instance';
                return (
                  <td
                    key={run.runId}
                    className={`rv-cell${run.runId === data.selectedRunId ? ' selected' : ''}`}
                    onClick={() => onSelect(run.runId)}
                  >
                    <span
                      className={`rv-swatch state-${cell?.state ?? 'none'}`}
                      title={`${taskId} in ${run.runId}: ${label}`}
                      aria-label={label}
                    >
                      {cell ? TASK_STATE_GLYPHS[cell.state] : ''}
                    </span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
