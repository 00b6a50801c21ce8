import type { DagRunRecord } from '../store/metadataRecords';
import type { DagScheduler } from '../scheduler/DagScheduler';
import type { MetadataStore } from '../store/MetadataStore';
import { resolveRunParams } from './resolveRunParams';

/**
 * Changes a command asks of the engine. The CLI applies them itself when no scheduler runs in
 * the workspace, or hands them to the running scheduler through the request inbox: either way
 * one process, the lock holder, writes the metadata.
 */
export type EngineRequest =
  | { kind: 'trigger'; dagId: string; params: Record<string, unknown>; logicalDate?: string }
  | { kind: 'pause'; dagId: string; paused: boolean }
  | { kind: 'backfill'; dagId: string; from: string; to: string; rerunFailed: boolean; reset: boolean }
  | { kind: 'clear'; dagId: string; runId: string; taskId: string; downstream: boolean }
  | { kind: 'mark'; dagId: string; runId: string; taskId: string; state: 'success' | 'failed' }
  | { kind: 'cancel'; dagId: string; runId: string }
  | { kind: 'poolSet'; name: string; slots: number; description?: string };

export type EngineResponse = { ok: true; message: string; runs?: DagRunRecord[] } | { ok: false; error: string };

/** Applies a request; never throws, so that a bad request cannot take a scheduler down. */
export function applyEngineRequest(scheduler: DagScheduler, store: MetadataStore, request: EngineRequest): EngineResponse {
  try {
    switch (request.kind) {
      case 'trigger': {
        const dag = scheduler.getDag(request.dagId);
        if (!dag) return { ok: false, error: `Unknown DAG "${request.dagId}": no valid DAG file in the workspace has this dag_id.` };
        const resolved = resolveRunParams(dag, request.params);
        if (!resolved.ok) return { ok: false, error: resolved.errors.join('\n') };
        const run = scheduler.triggerRun(request.dagId, resolved.params, request.logicalDate ? new Date(request.logicalDate) : undefined);
        const paused = scheduler.isPaused(request.dagId) ? ` DAG "${request.dagId}" is paused: the run waits until you unpause it.` : '';
        return { ok: true, message: `Queued run ${run.runId} of DAG "${request.dagId}".${paused}`, runs: [run] };
      }
      case 'pause':
        scheduler.setPaused(request.dagId, request.paused);
        return { ok: true, message: `DAG "${request.dagId}" is ${request.paused ? 'paused' : 'unpaused'}.` };
      case 'backfill': {
        const runs = scheduler.backfill(request.dagId, new Date(request.from), new Date(request.to), {
          rerunFailed: request.rerunFailed,
          reset: request.reset,
        });
        return { ok: true, message: `Backfill of DAG "${request.dagId}": ${runs.length} run(s) queued.`, runs };
      }
      case 'clear': {
        const cleared = scheduler.clearTask(request.dagId, request.runId, request.taskId, { downstream: request.downstream });
        return { ok: true, message: `Cleared ${cleared.join(', ')} in run ${request.runId}.` };
      }
      case 'mark':
        scheduler.markTask(request.dagId, request.runId, request.taskId, request.state);
        return { ok: true, message: `Marked ${request.taskId} ${request.state} in run ${request.runId}.` };
      case 'cancel':
        scheduler.cancelRun(request.dagId, request.runId);
        return { ok: true, message: `Cancelled run ${request.runId} of DAG "${request.dagId}".` };
      case 'poolSet':
        if (!Number.isInteger(request.slots) || request.slots < 0)
          return { ok: false, error: `Pool slots must be a whole number >= 0, got ${request.slots}.` };
        store.upsertPool({
          name: request.name,
          slots: request.slots,
          ...(request.description === undefined ? {} : { description: request.description }),
        });
        return { ok: true, message: `Pool "${request.name}" has ${request.slots} slot(s).` };
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
