import type { DagRunRecord, TaskInstanceRecord } from '../store/metadataRecords';
import type { TaskProgress } from '../executor/taskExecution';
import type { RunState, TaskState } from './taskStates';

/**
 * What the engine tells its subscribers (the extension's views, the CLI's progress output).
 * Events are notifications after the fact; the metadata store already holds the new state.
 */
export interface SchedulerEvents {
  runCreated: { run: DagRunRecord };
  runStateChanged: { dagId: string; runId: string; state: RunState; previous: RunState; run: DagRunRecord };
  taskStateChanged: {
    dagId: string;
    runId: string;
    taskId: string;
    state: TaskState;
    previous: TaskState;
    tryNumber: number;
    startDate?: string;
    endDate?: string;
    /**
     * When the state changed, as epoch milliseconds with sub-millisecond precision. Events are
     * delivered at the end of the scheduling pass that made them (after the rows are written),
     * so this, not the time of delivery, is when it happened.
     */
    at: number;
    ti: TaskInstanceRecord;
  };
  /** New output in a running try's log (complete lines; the rest when the try ends). */
  logAppended: { dagId: string; runId: string; taskId: string; tryNumber: number; text: string };
  /** A running streaming task's progress (messages/s, lag, dead letters). */
  taskProgress: { dagId: string; runId: string; taskId: string; tryNumber: number; progress: TaskProgress };
  xcomPushed: { dagId: string; runId: string; taskId: string; key: string; value: unknown };
  /** A DAG file could not be loaded; the scheduler keeps running the others. */
  dagFileProblem: { fileLoc: string; messages: string[] };
  /** Something the scheduler did that a person watching should know (orphans recovered, ...). */
  notice: { message: string };
}

export type SchedulerEventName = keyof SchedulerEvents;
export type SchedulerListener<K extends SchedulerEventName> = (event: SchedulerEvents[K]) => void;
