import type { TaskActionName } from '../../src/protocol/canvasRunProtocol';
import { useTaskRunState } from './RunStatesStore';
import { formatDuration, stateLabel, TASK_STATE_GLYPHS } from './taskStateStyle';
import type { RunState } from './useRunState';

const ACTIONS: Array<{ action: TaskActionName; label: string; title: string; changes: boolean }> = [
  { action: 'log', label: 'Log', title: 'Show the log of the latest try, following it while it runs', changes: false },
  { action: 'xcom', label: 'XCom', title: 'Show the values this task pushed in the shown run', changes: false },
  { action: 'why', label: 'Why not running?', title: "The scheduler's reasons why this task waits (or why it ended)", changes: false },
  { action: 'clear', label: 'Clear', title: 'Clear this task so it runs again (downstream tasks keep their state)', changes: true },
  { action: 'clearDownstream', label: 'Clear + downstream', title: 'Clear this task and every task after it', changes: true },
  {
    action: 'runTaskOnly',
    label: 'Run task only',
    title: "Run this task alone now with the run's params, without its upstream tasks and without recording it (like airflow tasks test)",
    changes: true,
  },
  { action: 'markSuccess', label: 'Mark success', title: 'Set this task instance to success', changes: true },
  { action: 'markFailed', label: 'Mark failed', title: 'Set this task instance to failed', changes: true },
];

/** The selected task's state in the shown run, and what can be done to it. */
export function TaskRunActions({ taskId, run }: { taskId: string; run: RunState }) {
  const state = useTaskRunState(taskId);
  const canRun = run.status?.canRun ?? false;
  const hasRun = run.selectedRunId !== undefined;
  return (
    <div
      className="task-run-actions"
      data-testid="task-run-actions"
      data-task-id={taskId}
      role="toolbar"
      aria-label={`Run actions for ${taskId}`}
    >
      <span className="task-run-summary">
        <span className="task-run-id">{taskId}</span>
        {state ? (
          <span className={`state-chip state-${state.state}`}>
            {TASK_STATE_GLYPHS[state.state]} {stateLabel(state.state)}
            {state.tryNumber > 0 ? ` · try ${state.tryNumber}/${state.maxTries}` : ''}
            {state.durationMs !== undefined ? ` · ${formatDuration(state.durationMs)}` : ''}
          </span>
        ) : (
          <span className="state-chip state-none">{hasRun ? 'no status' : 'no run yet'}</span>
        )}
      </span>
      {ACTIONS.map(({ action, label, title, changes }) => (
        <button
          key={action}
          type="button"
          className="canvas-button"
          data-action={action}
          disabled={!hasRun || (changes && !canRun) || run.status === undefined}
          title={hasRun ? title : 'Trigger a run first'}
          onClick={() => run.send({ type: 'run/taskAction', action, taskId })}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
