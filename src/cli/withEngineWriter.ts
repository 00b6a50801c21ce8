import { applyEngineRequest, type EngineRequest, type EngineResponse } from '../core/engine/engineRequests';
import { openEngine } from '../core/engine/openEngine';
import { sendEngineRequest } from '../core/engine/requestInbox';
import { SchedulerLockHeldError } from '../core/store/schedulerLock';

/**
 * Applies a change to a workspace's metadata: directly when no scheduler runs there (taking the
 * lock for the moment it takes), or through the running scheduler's request inbox, so that two
 * processes never write the metadata database at once.
 */
export async function withEngineWriter(
  workspaceDir: string,
  request: EngineRequest,
): Promise<EngineResponse & { via: 'direct' | 'scheduler' }> {
  let engine;
  try {
    engine = await openEngine({ workspaceDir, mode: 'exclusive' });
  } catch (error) {
    if (error instanceof SchedulerLockHeldError) return { ...(await sendEngineRequest(workspaceDir, request)), via: 'scheduler' };
    throw error;
  }
  try {
    return { ...applyEngineRequest(engine.scheduler, engine.store, request), via: 'direct' };
  } finally {
    await engine.close();
  }
}
