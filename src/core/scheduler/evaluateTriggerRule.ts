/**
 * Trigger rules: may a task run, given the states of its direct upstream task instances?
 *
 * A faithful port of Apache Airflow 2.x `airflow/ti_deps/deps/trigger_rule_dep.py`
 * (`TriggerRuleDep._evaluate_direct_relatives`) as the scheduler calls it, that is with
 * `DepContext(flag_upstream_failed=True)`. Airflow evaluates a rule in two steps and so do we:
 *
 * 1. With `flag_upstream_failed`, some upstream combinations make the rule impossible; Airflow
 *    then sets the task's new state (`upstream_failed` or `skipped`) on the spot, often before all
 *    upstream tasks have finished (e.g. `all_success` turns `upstream_failed` as soon as one
 *    upstream fails, even while its siblings still run). That state wins: the scheduler only
 *    schedules task instances that are still in a schedulable state afterwards
 *    (`DagRun._get_ready_tis`: `schedulable.state in SCHEDULEABLE_STATES`).
 * 2. Otherwise the dependency either passes (`run`) or yields a failing status (`wait`), whose
 *    reason the task instance details show.
 *
 * Only direct upstream tasks count (Airflow's `task.upstream_task_ids`); `removed` upstreams count
 * as finished (`State.finished`) but never as success, exactly as in Airflow. Setup/teardown
 * (`ALL_DONE_SETUP_SUCCESS`) and mapped-task refinements are not part of Dagstream's DAG file.
 */
import type { TriggerRule } from '../dag/dagFile';
import type { TaskState } from './taskStates';

/** Counts over a task's DIRECT upstream task instances (Airflow's `_UpstreamTIStates`). */
export interface UpstreamStates {
  /** Number of direct upstream tasks (Airflow's `upstream = len(upstream_tasks)`). */
  total: number;
  success: number;
  skipped: number;
  failed: number;
  upstreamFailed: number;
  removed: number;
  /**
   * Finished upstream tasks: success + skipped + failed + upstreamFailed + removed. Airflow counts
   * every upstream in `State.finished` (`done=sum(counter.values())`), and `removed` is one of them.
   */
  done: number;
}

/** What the scheduler should do with a task whose trigger rule it just evaluated. */
export type TriggerRuleDecision =
  { kind: 'run' } | { kind: 'wait'; reason: string } | { kind: 'skip'; reason: string } | { kind: 'upstream_failed'; reason: string };

/** Counts the states of a task's direct upstream task instances. */
export function summarizeUpstream(states: readonly TaskState[]): UpstreamStates {
  let success = 0;
  let skipped = 0;
  let failed = 0;
  let upstreamFailed = 0;
  let removed = 0;
  for (const state of states) {
    switch (state) {
      case 'success':
        success++;
        break;
      case 'skipped':
        skipped++;
        break;
      case 'failed':
        failed++;
        break;
      case 'upstream_failed':
        upstreamFailed++;
        break;
      case 'removed':
        removed++;
        break;
      default:
        // Unfinished (none, scheduled, queued, running, up_for_retry, up_for_reschedule,
        // restarting, deferred): Airflow only counts `State.finished` task instances.
        break;
    }
  }
  return {
    total: states.length,
    success,
    skipped,
    failed,
    upstreamFailed,
    removed,
    done: success + skipped + failed + upstreamFailed + removed,
  };
}

const RUN: TriggerRuleDecision = Object.freeze({ kind: 'run' });

/**
 * Decides a task's fate from its trigger rule and its direct upstream states, as Airflow 2's
 * scheduler does (`TriggerRuleDep` with `flag_upstream_failed=True`).
 */
export function evaluateTriggerRule(rule: TriggerRule, upstream: UpstreamStates): TriggerRuleDecision {
  // Airflow: "The task instance did not have any upstream tasks." passes for every rule, and it is
  // checked before the rule itself.
  if (upstream.total === 0) return RUN;
  // Airflow: "The task had a always trigger rule set." passes at once, even while upstream tasks
  // are still running; an `always` task does not wait for anything.
  if (rule === 'always') return RUN;
  return decideNewState(rule, upstream) ?? waitOrRun(rule, upstream);
}

type FinalDecision = Extract<TriggerRuleDecision, { kind: 'skip' | 'upstream_failed' }>;

/**
 * Step 1: the `if dep_context.flag_upstream_failed:` block of `_evaluate_direct_relatives`, one
 * branch per rule, in Airflow's order. Returns undefined when Airflow leaves the state alone.
 */
function decideNewState(rule: Exclude<TriggerRule, 'always'>, u: UpstreamStates): FinalDecision | undefined {
  const upstreamDone = u.done >= u.total;
  const anyFailed = u.failed > 0 || u.upstreamFailed > 0;
  switch (rule) {
    case 'all_success':
      // Airflow: `if upstream_failed or failed: UPSTREAM_FAILED elif skipped: SKIPPED`, decided as
      // soon as one such upstream exists; failure takes precedence over skip.
      if (anyFailed)
        return upstreamFailed(
          rule,
          u,
          `${plural(u.failed + u.upstreamFailed, 'upstream task')} failed or upstream_failed, so not all can succeed`,
        );
      if (u.skipped > 0) return skip(rule, u, `${plural(u.skipped, 'upstream task')} skipped; the skip propagates downstream`);
      return undefined;
    case 'all_failed':
      // Airflow: `if success or skipped: SKIPPED`.
      if (u.success > 0 || u.skipped > 0)
        return skip(rule, u, `${plural(u.success + u.skipped, 'upstream task')} succeeded or skipped, so not all can fail`);
      return undefined;
    case 'all_done':
      // Airflow sets no state for all_done: it only waits until every upstream is finished.
      return undefined;
    case 'all_skipped':
      // Airflow (2.8+, apache/airflow#34392): `if success or failed or upstream_failed: SKIPPED`.
      // A `removed` upstream does not trigger it.
      if (u.success > 0 || anyFailed)
        return skip(rule, u, `${plural(u.success + u.failed + u.upstreamFailed, 'upstream task')} did not skip, so not all can be skipped`);
      return undefined;
    case 'one_success':
      // Airflow: only once all upstreams are done; `done == skipped` (all skipped) gives SKIPPED,
      // otherwise no success gives UPSTREAM_FAILED (apache/airflow#15467).
      if (upstreamDone && u.done === u.skipped) return skip(rule, u, `all ${plural(u.total, 'upstream task')} skipped`);
      if (upstreamDone && u.success <= 0) return upstreamFailed(rule, u, 'all upstream tasks are done and none succeeded');
      return undefined;
    case 'one_failed':
      // Airflow: `if upstream_done and not (failed or upstream_failed): SKIPPED`.
      if (upstreamDone && !anyFailed) return skip(rule, u, 'all upstream tasks are done and none failed');
      return undefined;
    case 'one_done':
      // Airflow: `if upstream_done and not (failed or success): SKIPPED`. Note that
      // `upstream_failed` does not count as "done" for this rule, only success and failed do.
      if (upstreamDone && u.failed === 0 && u.success === 0)
        return skip(rule, u, 'all upstream tasks are done and none succeeded or failed');
      return undefined;
    case 'none_failed':
      // Airflow: `if upstream_failed or failed: UPSTREAM_FAILED`; skips never propagate here.
      if (anyFailed) return upstreamFailed(rule, u, `${plural(u.failed + u.upstreamFailed, 'upstream task')} failed or upstream_failed`);
      return undefined;
    case 'none_failed_min_one_success':
      // Airflow: `if upstream_failed or failed: UPSTREAM_FAILED elif skipped == upstream: SKIPPED`.
      if (anyFailed) return upstreamFailed(rule, u, `${plural(u.failed + u.upstreamFailed, 'upstream task')} failed or upstream_failed`);
      if (u.skipped === u.total) return skip(rule, u, `all ${plural(u.total, 'upstream task')} skipped, so none can succeed`);
      return undefined;
    case 'none_skipped':
      // Airflow: `if skipped: SKIPPED`, as soon as one upstream is skipped.
      if (u.skipped > 0) return skip(rule, u, `${plural(u.skipped, 'upstream task')} skipped`);
      return undefined;
  }
}

/**
 * Step 2: the failing statuses Airflow yields after the state update. No failing status means the
 * dependency is met and the task may run.
 */
function waitOrRun(rule: Exclude<TriggerRule, 'always'>, u: UpstreamStates): TriggerRuleDecision {
  const upstreamDone = u.done >= u.total;
  switch (rule) {
    case 'all_success':
      // Airflow: `num_failures = upstream - success; if num_failures > 0: failing`.
      return u.total - u.success > 0 ? wait(rule, u, '') : RUN;
    case 'all_failed':
      // Airflow: `num_success = upstream - failed - upstream_failed; if num_success > 0: failing`.
      return u.total - u.failed - u.upstreamFailed > 0 ? wait(rule, u, '') : RUN;
    case 'all_done':
      // Airflow: `if not upstream_done: failing`.
      return upstreamDone ? RUN : wait(rule, u, '');
    case 'all_skipped':
      // Airflow: `num_non_skipped = upstream - skipped; if num_non_skipped > 0: failing`.
      return u.total - u.skipped > 0 ? wait(rule, u, '') : RUN;
    case 'one_success':
      // Airflow: `if success <= 0: failing`; one success is enough, the others may still run.
      return u.success <= 0 ? wait(rule, u, ', none succeeded so far') : RUN;
    case 'one_failed':
      // Airflow: `if not failed and not upstream_failed: failing`; one failure is enough.
      return u.failed === 0 && u.upstreamFailed === 0 ? wait(rule, u, ', none failed so far') : RUN;
    case 'one_done':
      // Airflow: `if success + failed <= 0: failing`.
      return u.success + u.failed <= 0 ? wait(rule, u, ', none succeeded or failed so far') : RUN;
    case 'none_failed':
    case 'none_failed_min_one_success':
      // Airflow: `num_failures = upstream - success - skipped; if num_failures > 0: failing`.
      return u.total - u.success - u.skipped > 0 ? wait(rule, u, '') : RUN;
    case 'none_skipped':
      // Airflow: `if not upstream_done or (skipped > 0): failing` (skipped > 0 was decided above),
      // so it waits for every upstream and then runs even if some failed.
      return upstreamDone && u.skipped === 0 ? RUN : wait(rule, u, '');
  }
}

function wait(rule: TriggerRule, u: UpstreamStates, sofar: string): TriggerRuleDecision {
  const notDone = u.total - u.done;
  if (notDone > 0) {
    return { kind: 'wait', reason: `Trigger rule ${rule}: ${notDone} of ${u.total} upstream tasks not done yet${sofar} (${counts(u)})` };
  }
  // Every upstream is finished and the rule is still unmet: only `removed` upstreams do that (they
  // are done but never success/failed/skipped). Airflow keeps the dependency failing forever, and
  // its DagRun.update_state then finds no runnable task and fails the run as deadlocked.
  return {
    kind: 'wait',
    reason: `Trigger rule ${rule} can never be met: all upstream tasks are done but ${plural(u.removed, 'upstream task')} ${u.removed === 1 ? 'was' : 'were'} removed (${counts(u)})`,
  };
}

function skip(rule: TriggerRule, u: UpstreamStates, why: string): FinalDecision {
  return { kind: 'skip', reason: `Trigger rule ${rule}: ${why} (${counts(u)})` };
}

function upstreamFailed(rule: TriggerRule, u: UpstreamStates, why: string): FinalDecision {
  return { kind: 'upstream_failed', reason: `Trigger rule ${rule}: ${why} (${counts(u)})` };
}

function counts(u: UpstreamStates): string {
  const base = `success ${u.success}, skipped ${u.skipped}, failed ${u.failed}, upstream_failed ${u.upstreamFailed}`;
  return u.removed > 0 ? `${base}, removed ${u.removed}` : base;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
