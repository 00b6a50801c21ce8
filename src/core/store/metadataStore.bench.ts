import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import type { TaskInstanceRecord } from './metadataRecords';
import { openMetadataStore } from './openMetadataStore';
import type { SqlJsMetadataStore } from './SqlJsMetadataStore';

/**
 * `npx vitest bench src/core/store`: the store's hot path (upsertTaskInstance, journal included)
 * and a checkpoint of a database holding 10,000 task instances.
 */
const workspace = mkdtempSync(path.join(tmpdir(), 'dagstream-bench-'));
let store: SqlJsMetadataStore;
let n = 0;

function taskInstance(i: number, state: TaskInstanceRecord['state']): TaskInstanceRecord {
  return {
    dagId: 'scale',
    runId: 'manual__2026-11-25T13:00:00+00:00',
    taskId: `task_${i % 10_000}`,
    state,
    tryNumber: 1,
    maxTries: 1,
    operator: 'empty',
    pool: 'default_pool',
    poolSlots: 1,
    priorityWeight: 1,
    queuedAt: '2026-11-25T13:00:00.000Z',
    startDate: '2026-11-25T13:00:00.100Z',
  };
}

beforeAll(async () => {
  store = (await openMetadataStore({
    workspaceDir: workspace,
    checkpointIntervalMs: 0,
    checkpointEveryEntries: Number.MAX_SAFE_INTEGER,
  })) as SqlJsMetadataStore;
  for (let i = 0; i < 10_000; i++) store.upsertTaskInstance(taskInstance(i, 'success'));
  await store.checkpoint();
});

afterAll(async () => {
  await store.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('metadata store', () => {
  bench('upsertTaskInstance x1000 (one turn, journal written)', () => {
    for (let i = 0; i < 1000; i++) store.upsertTaskInstance(taskInstance(n++, n % 2 === 0 ? 'running' : 'success'));
    store.flushJournal();
  });

  bench('checkpoint, 10,000 task instances', async () => {
    await store.checkpoint();
  });
});
