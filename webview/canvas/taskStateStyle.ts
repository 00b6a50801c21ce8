import type { TaskStateName } from '../../src/protocol/canvasRunProtocol';

/**
 * How a task state looks: Airflow's state colours (as CSS classes over `--vscode-*` variables, see
 * canvas.css) plus a glyph and a word, so states tell apart without colour too.
 */
export const TASK_STATE_GLYPHS: Record<TaskStateName, string> = {
  none: '○',
  scheduled: '◷',
  queued: '…',
  running: '▶',
  success: '✓',
  failed: '✗',
  up_for_retry: '↻',
  up_for_reschedule: '⟲',
  upstream_failed: '⚠',
  skipped: '»',
  removed: '⊘',
  restarting: '⟳',
  deferred: '⏸',
};

export function stateLabel(state: TaskStateName): string {
  return state === 'none' ? 'no status' : state.replaceAll('_', ' ');
}

/** `1.2 s`, `3 min 4 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A rate or a count in few characters: `950`, `12.3k`, `4.1M`. */
export function formatCount(value: number): string {
  if (Math.abs(value) < 1000) return String(Math.round(value * 10) / 10);
  if (Math.abs(value) < 1_000_000) return `${(value / 1000).toFixed(1)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}
