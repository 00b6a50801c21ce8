import { finishedTask } from '../executor/finishedTask';
import type { Operator, TaskOutcome } from '../executor/taskExecution';

const SUCCESS: TaskOutcome = Object.freeze({ state: 'success' });

/** Airflow's EmptyOperator: succeeds at once; no process, no log, no XCom. */
export const emptyOperator: Operator = {
  name: 'empty',
  start: () => finishedTask(SUCCESS),
};
