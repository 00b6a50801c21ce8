import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRIGGER_RULES, type TriggerRule } from '../dag/dagFile';
import { evaluateTriggerRule, summarizeUpstream, type TriggerRuleDecision, type UpstreamStates } from './evaluateTriggerRule';
import { TASK_STATES, type TaskState } from './taskStates';

type Kind = TriggerRuleDecision['kind'];
interface Case {
  rule: TriggerRule;
  upstream: TaskState[];
  expected: Kind;
}
const c = (rule: TriggerRule, upstream: TaskState[], expected: Kind): Case => ({ rule, upstream, expected });

/*
 * Each case is drawn: the direct upstream tasks with their states on the left, the evaluated task
 * with its trigger rule in brackets, and the decision Airflow 2 (TriggerRuleDep with
 * flag_upstream_failed=True) reaches. `running` stands for any unfinished state.
 */
const CASES: Case[] = [
  // ── all_success ──────────────────────────────────────────────────────────
  //   (no upstream) ──> c[all_success] => run
  c('all_success', [], 'run'),
  // a(success) ─┐
  // b(success) ─┴─> c[all_success] => run
  c('all_success', ['success', 'success'], 'run'),
  // a(success) ─┐
  // b(failed)  ─┴─> c[all_success] => upstream_failed
  c('all_success', ['success', 'failed'], 'upstream_failed'),
  // a(running) ─┐
  // b(failed)  ─┴─> c[all_success] => upstream_failed   (decided before a finishes)
  c('all_success', ['running', 'failed'], 'upstream_failed'),
  // a(upstream_failed) ──> c[all_success] => upstream_failed   (the failure cascades)
  c('all_success', ['upstream_failed'], 'upstream_failed'),
  // a(success) ─┐
  // b(skipped) ─┴─> c[all_success] => skipped   (skip propagation)
  c('all_success', ['success', 'skipped'], 'skip'),
  // a(skipped) ─┐
  // b(failed)  ─┴─> c[all_success] => upstream_failed   (failure wins over skip)
  c('all_success', ['skipped', 'failed'], 'upstream_failed'),
  // a(success) ─┐
  // b(running) ─┤
  // c(queued)  ─┴─> d[all_success] => wait
  c('all_success', ['success', 'running', 'queued'], 'wait'),
  // a(success) ─┐
  // b(removed) ─┴─> c[all_success] => wait forever (Airflow: the run deadlocks)
  c('all_success', ['success', 'removed'], 'wait'),

  // ── all_failed ───────────────────────────────────────────────────────────
  //   (no upstream) ──> c[all_failed] => run
  c('all_failed', [], 'run'),
  // a(failed) ──────────┐
  // b(upstream_failed) ─┴─> c[all_failed] => run
  c('all_failed', ['failed', 'upstream_failed'], 'run'),
  // a(success) ─┐
  // b(running) ─┴─> c[all_failed] => skipped   (decided before b finishes)
  c('all_failed', ['success', 'running'], 'skip'),
  // a(failed)  ─┐
  // b(skipped) ─┴─> c[all_failed] => skipped
  c('all_failed', ['failed', 'skipped'], 'skip'),
  // a(failed)       ─┐
  // b(up_for_retry) ─┴─> c[all_failed] => wait
  c('all_failed', ['failed', 'up_for_retry'], 'wait'),

  // ── all_done ─────────────────────────────────────────────────────────────
  //   (no upstream) ──> c[all_done] => run
  c('all_done', [], 'run'),
  // a(success) ─┐
  // b(failed)  ─┤
  // c(skipped) ─┴─> d[all_done] => run
  c('all_done', ['success', 'failed', 'skipped'], 'run'),
  // a(upstream_failed) ─┐
  // b(removed)         ─┴─> c[all_done] => run   (removed counts as done)
  c('all_done', ['upstream_failed', 'removed'], 'run'),
  // a(failed)  ─┐
  // b(running) ─┴─> c[all_done] => wait
  c('all_done', ['failed', 'running'], 'wait'),
  // a(none) ──> c[all_done] => wait
  c('all_done', ['none'], 'wait'),

  // ── all_skipped ──────────────────────────────────────────────────────────
  //   (no upstream) ──> c[all_skipped] => run
  c('all_skipped', [], 'run'),
  // a(skipped) ─┐
  // b(skipped) ─┴─> c[all_skipped] => run
  c('all_skipped', ['skipped', 'skipped'], 'run'),
  // a(skipped) ─┐
  // b(success) ─┴─> c[all_skipped] => skipped
  c('all_skipped', ['skipped', 'success'], 'skip'),
  // a(upstream_failed) ─┐
  // b(running)         ─┴─> c[all_skipped] => skipped   (Airflow 2.8+, apache/airflow#34392)
  c('all_skipped', ['upstream_failed', 'running'], 'skip'),
  // a(skipped) ─┐
  // b(running) ─┴─> c[all_skipped] => wait
  c('all_skipped', ['skipped', 'running'], 'wait'),

  // ── one_success ──────────────────────────────────────────────────────────
  //   (no upstream) ──> c[one_success] => run
  c('one_success', [], 'run'),
  // a(success) ─┐
  // b(running) ─┴─> c[one_success] => run   (does not wait for b)
  c('one_success', ['success', 'running'], 'run'),
  // a(failed)  ─┐
  // b(running) ─┴─> c[one_success] => wait
  c('one_success', ['failed', 'running'], 'wait'),
  // a(failed)  ─┐
  // b(skipped) ─┴─> c[one_success] => upstream_failed   (all done, none succeeded)
  c('one_success', ['failed', 'skipped'], 'upstream_failed'),
  // a(skipped) ─┐
  // b(skipped) ─┴─> c[one_success] => skipped   (all done and all skipped)
  c('one_success', ['skipped', 'skipped'], 'skip'),
  // a(skipped) ─┐
  // b(removed) ─┴─> c[one_success] => upstream_failed   (not *all* skipped)
  c('one_success', ['skipped', 'removed'], 'upstream_failed'),

  // ── one_failed ───────────────────────────────────────────────────────────
  //   (no upstream) ──> c[one_failed] => run
  c('one_failed', [], 'run'),
  // a(failed)  ─┐
  // b(running) ─┴─> c[one_failed] => run   (does not wait for b)
  c('one_failed', ['failed', 'running'], 'run'),
  // a(upstream_failed) ─┐
  // b(success)         ─┴─> c[one_failed] => run
  c('one_failed', ['upstream_failed', 'success'], 'run'),
  // a(success) ─┐
  // b(running) ─┴─> c[one_failed] => wait
  c('one_failed', ['success', 'running'], 'wait'),
  // a(success) ─┐
  // b(skipped) ─┴─> c[one_failed] => skipped   (all done, none failed)
  c('one_failed', ['success', 'skipped'], 'skip'),

  // ── one_done ─────────────────────────────────────────────────────────────
  //   (no upstream) ──> c[one_done] => run
  c('one_done', [], 'run'),
  // a(success) ─┐
  // b(running) ─┴─> c[one_done] => run
  c('one_done', ['success', 'running'], 'run'),
  // a(failed)  ─┐
  // b(running) ─┴─> c[one_done] => run
  c('one_done', ['failed', 'running'], 'run'),
  // a(skipped) ─┐
  // b(running) ─┴─> c[one_done] => wait
  c('one_done', ['skipped', 'running'], 'wait'),
  // a(skipped)         ─┐
  // b(upstream_failed) ─┴─> c[one_done] => skipped   (upstream_failed is not "done" for one_done)
  c('one_done', ['skipped', 'upstream_failed'], 'skip'),

  // ── none_failed ──────────────────────────────────────────────────────────
  //   (no upstream) ──> c[none_failed] => run
  c('none_failed', [], 'run'),
  // a(success) ─┐
  // b(skipped) ─┴─> c[none_failed] => run
  c('none_failed', ['success', 'skipped'], 'run'),
  // a(skipped) ─┐
  // b(skipped) ─┴─> c[none_failed] => run   (skips do not propagate)
  c('none_failed', ['skipped', 'skipped'], 'run'),
  // a(failed)  ─┐
  // b(running) ─┴─> c[none_failed] => upstream_failed   (decided before b finishes)
  c('none_failed', ['failed', 'running'], 'upstream_failed'),
  // a(success) ─┐
  // b(queued)  ─┴─> c[none_failed] => wait
  c('none_failed', ['success', 'queued'], 'wait'),

  // ── none_failed_min_one_success ──────────────────────────────────────────
  //   (no upstream) ──> c[none_failed_min_one_success] => run
  c('none_failed_min_one_success', [], 'run'),
  // a(success) ─┐
  // b(skipped) ─┴─> c[none_failed_min_one_success] => run   (the usual join after a branch)
  c('none_failed_min_one_success', ['success', 'skipped'], 'run'),
  // a(skipped) ─┐
  // b(skipped) ─┴─> c[none_failed_min_one_success] => skipped
  c('none_failed_min_one_success', ['skipped', 'skipped'], 'skip'),
  // a(upstream_failed) ─┐
  // b(success)         ─┴─> c[none_failed_min_one_success] => upstream_failed
  c('none_failed_min_one_success', ['upstream_failed', 'success'], 'upstream_failed'),
  // a(skipped) ─┐
  // b(running) ─┴─> c[none_failed_min_one_success] => wait
  c('none_failed_min_one_success', ['skipped', 'running'], 'wait'),

  // ── none_skipped ─────────────────────────────────────────────────────────
  //   (no upstream) ──> c[none_skipped] => run
  c('none_skipped', [], 'run'),
  // a(success) ─┐
  // b(failed)  ─┴─> c[none_skipped] => run   (failures are fine, only skips matter)
  c('none_skipped', ['success', 'failed'], 'run'),
  // a(skipped) ─┐
  // b(running) ─┴─> c[none_skipped] => skipped   (decided before b finishes)
  c('none_skipped', ['skipped', 'running'], 'skip'),
  // a(success) ─┐
  // b(running) ─┴─> c[none_skipped] => wait
  c('none_skipped', ['success', 'running'], 'wait'),

  // ── always ───────────────────────────────────────────────────────────────
  //   (no upstream) ──> c[always] => run
  c('always', [], 'run'),
  // a(running) ─┐
  // b(none)    ─┴─> c[always] => run   (does not even wait for its upstream)
  c('always', ['running', 'none'], 'run'),
  // a(failed)          ─┐
  // b(upstream_failed) ─┴─> c[always] => run
  c('always', ['failed', 'upstream_failed'], 'run'),
  // a(skipped) ──> c[always] => run
  c('always', ['skipped'], 'run'),
];

describe('evaluateTriggerRule', () => {
  it.each(CASES)('$rule with upstream [$upstream] => $expected', ({ rule, upstream, expected }) => {
    expect(evaluateTriggerRule(rule, summarizeUpstream(upstream)).kind).toBe(expected);
  });

  it('covers every trigger rule with at least four drawn cases, including one without upstream', () => {
    for (const rule of TRIGGER_RULES) {
      const cases = CASES.filter((x) => x.rule === rule);
      expect(cases.length, rule).toBeGreaterThanOrEqual(4);
      expect(
        cases.some((x) => x.upstream.length === 0),
        rule,
      ).toBe(true);
    }
  });

  it('explains a wait like Airflow task instance details', () => {
    expect(evaluateTriggerRule('all_success', summarizeUpstream(['success', 'success', 'running']))).toEqual({
      kind: 'wait',
      reason: 'Trigger rule all_success: 1 of 3 upstream tasks not done yet (success 2, skipped 0, failed 0, upstream_failed 0)',
    });
    expect(evaluateTriggerRule('one_failed', summarizeUpstream(['success', 'running']))).toEqual({
      kind: 'wait',
      reason:
        'Trigger rule one_failed: 1 of 2 upstream tasks not done yet, none failed so far (success 1, skipped 0, failed 0, upstream_failed 0)',
    });
  });

  it('explains a decision and a deadlock', () => {
    expect(evaluateTriggerRule('all_success', summarizeUpstream(['success', 'failed']))).toEqual({
      kind: 'upstream_failed',
      reason:
        'Trigger rule all_success: 1 upstream task failed or upstream_failed, so not all can succeed (success 1, skipped 0, failed 1, upstream_failed 0)',
    });
    expect(evaluateTriggerRule('none_failed_min_one_success', summarizeUpstream(['skipped', 'skipped']))).toEqual({
      kind: 'skip',
      reason:
        'Trigger rule none_failed_min_one_success: all 2 upstream tasks skipped, so none can succeed (success 0, skipped 2, failed 0, upstream_failed 0)',
    });
    const deadlock = evaluateTriggerRule('all_success', summarizeUpstream(['success', 'removed']));
    expect(deadlock.kind).toBe('wait');
    expect(deadlock.kind === 'wait' && deadlock.reason).toContain('can never be met');
  });
});

describe('summarizeUpstream', () => {
  it('counts finished states as Airflow does (removed is done, unfinished states are not)', () => {
    expect(
      summarizeUpstream([
        'success',
        'skipped',
        'failed',
        'upstream_failed',
        'removed',
        'none',
        'scheduled',
        'queued',
        'running',
        'up_for_retry',
        'up_for_reschedule',
        'restarting',
        'deferred',
      ]),
    ).toEqual({ total: 13, success: 1, skipped: 1, failed: 1, upstreamFailed: 1, removed: 1, done: 5 });
  });
});

/** The conditions under which Airflow lets a task with this rule run (the dependency passes). */
function runAllowed(rule: TriggerRule, u: UpstreamStates): boolean {
  const allDone = u.done === u.total;
  switch (rule) {
    case 'all_success':
      return u.success === u.total;
    case 'all_failed':
      return u.failed + u.upstreamFailed === u.total;
    case 'all_done':
      return allDone;
    case 'all_skipped':
      return u.skipped === u.total;
    case 'one_success':
      return u.success >= 1;
    case 'one_failed':
      return u.failed + u.upstreamFailed >= 1;
    case 'one_done':
      return u.success + u.failed >= 1;
    case 'none_failed':
      return u.success + u.skipped === u.total;
    case 'none_failed_min_one_success':
      return u.success + u.skipped === u.total && u.success >= 1;
    case 'none_skipped':
      return allDone && u.skipped === 0;
    case 'always':
      return true;
  }
}

/** What each rule may decide while some upstream task is still unfinished (flag_upstream_failed). */
const EARLY_DECISIONS: Record<TriggerRule, readonly Kind[]> = {
  all_success: ['wait', 'upstream_failed', 'skip'],
  all_failed: ['wait', 'skip'],
  all_done: ['wait'],
  all_skipped: ['wait', 'skip'],
  one_success: ['wait', 'run'],
  one_failed: ['wait', 'run'],
  one_done: ['wait', 'run'],
  none_failed: ['wait', 'upstream_failed'],
  none_failed_min_one_success: ['wait', 'upstream_failed'],
  none_skipped: ['wait', 'skip'],
  always: ['run'],
};

describe('evaluateTriggerRule properties', () => {
  const states = fc.array(fc.constantFrom(...TASK_STATES), { maxLength: 10 });
  const rules = fc.constantFrom(...TRIGGER_RULES);

  it('runs only when Airflow would let the dependency pass, and `always` always runs', () => {
    fc.assert(
      fc.property(rules, states, (rule, upstream) => {
        const u = summarizeUpstream(upstream);
        const decision = evaluateTriggerRule(rule, u);
        if (rule === 'always' || u.total === 0) expect(decision.kind).toBe('run');
        if (decision.kind === 'run' && u.total > 0) expect(runAllowed(rule, u)).toBe(true);
        if (rule === 'all_success' && decision.kind === 'run') expect(u.success).toBe(u.total);
      }),
      { numRuns: 5_000 },
    );
  });

  it('decides early only where flag_upstream_failed allows it', () => {
    fc.assert(
      fc.property(rules, states, (rule, upstream) => {
        const u = summarizeUpstream(upstream);
        const decision = evaluateTriggerRule(rule, u);
        if (u.done < u.total) expect(EARLY_DECISIONS[rule]).toContain(decision.kind);
      }),
      { numRuns: 5_000 },
    );
  });

  it('marks upstream_failed only for a failed upstream (or one_success without success), skipped otherwise', () => {
    fc.assert(
      fc.property(rules, states, (rule, upstream) => {
        const u = summarizeUpstream(upstream);
        const decision = evaluateTriggerRule(rule, u);
        const anyFailed = u.failed + u.upstreamFailed > 0;
        if (decision.kind === 'upstream_failed') {
          if (rule === 'one_success') expect(u.done === u.total && u.success === 0 && u.done !== u.skipped).toBe(true);
          else expect(anyFailed).toBe(true);
        }
        // all_success: failure wins over skip, and either is decided without waiting.
        if (rule === 'all_success' && u.total > 0) {
          if (anyFailed) expect(decision.kind).toBe('upstream_failed');
          else if (u.skipped > 0) expect(decision.kind).toBe('skip');
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('never waits once every upstream is finished, unless an upstream was removed (Airflow deadlock)', () => {
    fc.assert(
      fc.property(rules, states, (rule, upstream) => {
        const u = summarizeUpstream(upstream);
        const decision = evaluateTriggerRule(rule, u);
        if (u.done === u.total && u.removed === 0) expect(decision.kind).not.toBe('wait');
        if (decision.kind !== 'run') expect(decision.reason).toMatch(new RegExp(`^Trigger rule ${rule}[: ]`));
      }),
      { numRuns: 5_000 },
    );
  });
});
