/**
 * The contract of the run views panel (Airflow's Grid and Gantt views of one DAG): the host sends
 * the DAG's recent runs with each task's state, and the tries of the selected run; the webview
 * reports which run the user picked.
 */
import type { RunSummaryDto, TaskStateName } from './canvasRunProtocol';

/** One cell of the grid: a task instance of a run. */
export interface GridCellDto {
  state: TaskStateName;
  tryNumber: number;
}

export interface GridRunDto {
  run: RunSummaryDto;
  /** By task id; a task with no instance in the run is absent. */
  cells: Record<string, GridCellDto>;
}

/** One bar of the Gantt chart: a try, from queued through running to its end (or now). */
export interface GanttTryDto {
  taskId: string;
  tryNumber: number;
  state: TaskStateName;
  queuedAt?: string;
  startDate: string;
  endDate?: string;
}

export interface DidChangeRunViewsNotification {
  type: 'runViews/didChange';
  dagId: string;
  /** Task ids in the DAG's order (upstream first). */
  taskIds: string[];
  /** Oldest first, as Airflow's grid reads left to right. */
  runs: GridRunDto[];
  selectedRunId?: string;
  gantt: GanttTryDto[];
  /** When the data was read, for bars of tries still running. */
  now: string;
}

export interface RunViewsReadyCommand {
  type: 'runViews/ready';
}

export interface RunViewsSelectRunCommand {
  type: 'runViews/selectRun';
  runId: string;
}

export type RunViewsCommand = RunViewsReadyCommand | RunViewsSelectRunCommand;
export type RunViewsNotification = DidChangeRunViewsNotification;

export function isRunViewsCommand(value: unknown): value is RunViewsCommand {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === 'runViews/ready') return true;
  return message.type === 'runViews/selectRun' && typeof message.runId === 'string';
}

export function isRunViewsNotification(value: unknown): value is RunViewsNotification {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'runViews/didChange';
}
