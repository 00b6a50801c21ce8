import type { DidChangeRunViewsNotification, GanttTryDto } from '../../src/protocol/runViewsProtocol';
import { formatDuration, stateLabel } from '../canvas/taskStateStyle';

/**
 * The selected run's tries on a time axis: a faint bar while queued, a solid one while running (to
 * now for a try still running), one row per task in DAG order, tries of a task side by side.
 */
export function RunGantt({ data }: { data: DidChangeRunViewsNotification }) {
  const now = Date.parse(data.now);
  const tries = data.gantt;
  if (tries.length === 0) return <div className="rv-empty-inline">No task of this run has started yet.</div>;
  const startOf = (t: GanttTryDto): number => Date.parse(t.queuedAt ?? t.startDate);
  const endOf = (t: GanttTryDto): number => (t.endDate ? Date.parse(t.endDate) : now);
  const from = Math.min(...tries.map(startOf));
  const to = Math.max(...tries.map(endOf), from + 1);
  const span = to - from;
  const pct = (time: number): string => `${(((time - from) / span) * 100).toFixed(3)}%`;
  const rows = data.taskIds.filter((id) => tries.some((t) => t.taskId === id));
  return (
    <div className="rv-gantt" data-testid="run-gantt">
      <div className="rv-gantt-axis" aria-hidden="true">
        <span>0 s</span>
        <span>{formatDuration(span / 2)}</span>
        <span>{formatDuration(span)}</span>
      </div>
      {rows.map((taskId) => (
        <div className="rv-gantt-row" key={taskId}>
          <div className="rv-task">{taskId}</div>
          <div className="rv-gantt-track">
            {tries
              .filter((t) => t.taskId === taskId)
              .map((t) => {
                const start = Date.parse(t.startDate);
                const queued = t.queuedAt ? Date.parse(t.queuedAt) : start;
                const end = endOf(t);
                const title = `${taskId} try ${t.tryNumber}: ${stateLabel(t.state)}\nqueued ${formatDuration(start - queued)}, ran ${formatDuration(end - start)}${t.endDate ? '' : ' so far'}`;
                return (
                  <div key={t.tryNumber} className="rv-gantt-try" title={title} data-try={t.tryNumber}>
                    {start > queued && (
                      <div
                        className={`rv-gantt-queued state-${t.state}`}
                        style={{ left: pct(queued), width: pct(from + (start - queued)) }}
                      />
                    )}
                    <div
                      className={`rv-gantt-bar state-${t.state}`}
                      style={{ left: pct(start), width: `max(2px, ${pct(from + (end - start))})` }}
                      aria-label={title}
                    />
                  </div>
                );
              })}
          </div>
        </div>
      ))}
    </div>
  );
}
