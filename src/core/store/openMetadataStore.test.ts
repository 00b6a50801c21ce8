import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DagRecord, DagRunRecord, PoolRecord, TaskInstanceRecord, TaskTryRecord, XComRecord } from './metadataRecords';
import { metadataPaths } from './metadataPaths';
import type { MetadataStore } from './MetadataStore';
import { MetadataStoreReadOnlyError } from './MetadataStoreReadOnlyError';
import { openMetadataStore } from './openMetadataStore';
import type { OpenMetadataStoreOptions } from './openMetadataStore';
import { SqlJsMetadataStore } from './SqlJsMetadataStore';

let workspace: string;
let warnings: string[];
const open: MetadataStore[] = [];

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'dagstream-store-'));
  warnings = [];
});

afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => undefined);
  rmSync(workspace, { recursive: true, force: true });
});

/** Timer checkpoints off unless asked for, so that tests decide when snapshots happen. */
async function openStore(options: Partial<OpenMetadataStoreOptions> = {}): Promise<SqlJsMetadataStore> {
  const store = await openMetadataStore({
    workspaceDir: workspace,
    checkpointIntervalMs: 0,
    onWarning: (m) => warnings.push(m),
    ...options,
  });
  open.push(store);
  expect(store).toBeInstanceOf(SqlJsMetadataStore);
  return store as SqlJsMetadataStore;
}

function crash(store: SqlJsMetadataStore): void {
  store.simulateCrash();
  open.splice(open.indexOf(store), 1);
}

const RUN = 'manual__2026-11-25T13:00:00+00:00';

function dag(overrides: Partial<DagRecord> = {}): DagRecord {
  return { dagId: 'weather', fileLoc: 'dags/weather.dag.json', isPaused: true, lastParsedAt: '2026-11-25T13:00:00.000Z', ...overrides };
}

function run(overrides: Partial<DagRunRecord> = {}): DagRunRecord {
  return {
    dagId: 'weather',
    runId: RUN,
    runType: 'manual',
    state: 'queued',
    logicalDate: '2026-11-25T13:00:00.000Z',
    dataIntervalStart: '2026-11-25T13:00:00.000Z',
    dataIntervalEnd: '2026-11-25T13:00:00.000Z',
    params: { city: 'Lisbon', days: 3, nested: { ok: true } },
    queuedAt: '2026-11-25T13:00:01.000Z',
    ...overrides,
  };
}

function ti(taskId: string, overrides: Partial<TaskInstanceRecord> = {}): TaskInstanceRecord {
  return {
    dagId: 'weather',
    runId: RUN,
    taskId,
    state: 'none',
    tryNumber: 0,
    maxTries: 3,
    operator: 'bash',
    pool: 'default_pool',
    poolSlots: 1,
    priorityWeight: 2,
    ...overrides,
  };
}

function attempt(tryNumber: number, overrides: Partial<TaskTryRecord> = {}): TaskTryRecord {
  return {
    dagId: 'weather',
    runId: RUN,
    taskId: 'extract',
    tryNumber,
    state: 'running',
    startDate: '2026-11-25T13:00:02.000Z',
    logPath: `.dagstream/logs/weather/${RUN}/extract/${tryNumber}.log`,
    ...overrides,
  };
}

function xcom(taskId: string, key: string, value: unknown): XComRecord {
  return { dagId: 'weather', runId: RUN, taskId, key, value, timestamp: '2026-11-25T13:00:03.000Z' };
}

/** One of everything, with every optional field set, for round trips and replays. */
function writeEverything(store: MetadataStore): void {
  store.upsertDag(dag());
  store.upsertDag(dag({ dagId: 'stream', fileLoc: 'stream.dag.json', isPaused: false }));
  store.insertRun(run());
  store.updateRun(run({ state: 'running', startDate: '2026-11-25T13:00:02.000Z', note: 'started by test' }));
  store.upsertTaskInstance(
    ti('extract', {
      state: 'running',
      tryNumber: 1,
      queuedAt: '2026-11-25T13:00:01.500Z',
      startDate: '2026-11-25T13:00:02.000Z',
      pid: 4242,
      processToken: '123456@boot',
      nextTryAt: '2026-11-25T13:05:00.000Z',
      error: 'exit code 1',
      endDate: '2026-11-25T13:00:04.000Z',
      durationMs: 2000.5,
    }),
  );
  store.upsertTaskInstance(ti('load'));
  store.upsertTry(
    attempt(1, { state: 'failed', endDate: '2026-11-25T13:00:04.000Z', durationMs: 2000, pid: 4242, exitCode: 1, error: 'exit code 1' }),
  );
  store.upsertTry(attempt(2));
  store.setXCom(xcom('extract', 'return_value', { temperature: 31.5, cities: ['Lisbon', 'Porto'], ok: true, none: null }));
  store.setXCom(xcom('extract', 'rows', 42));
  store.setXCom(xcom('load', 'return_value', 'text with "quotes", ünïcödé and a\nnewline'));
  store.upsertPool({ name: 'kafka', slots: 4, description: 'brokers' });
}

function expectEverything(store: MetadataStore): void {
  expect(store.listDags().map((d) => d.dagId)).toEqual(['stream', 'weather']);
  expect(store.getRun('weather', RUN)).toEqual(run({ state: 'running', startDate: '2026-11-25T13:00:02.000Z', note: 'started by test' }));
  expect(store.getTaskInstance('weather', RUN, 'extract')?.pid).toBe(4242);
  expect(store.listTaskInstances('weather', RUN).map((t) => t.taskId)).toEqual(['extract', 'load']);
  expect(store.listTries('weather', RUN, 'extract').map((t) => [t.tryNumber, t.state])).toEqual([
    [1, 'failed'],
    [2, 'running'],
  ]);
  expect(store.getXCom('weather', RUN, 'extract')?.value).toEqual({ temperature: 31.5, cities: ['Lisbon', 'Porto'], ok: true, none: null });
  expect(store.getXCom('weather', RUN, 'load')?.value).toBe('text with "quotes", ünïcödé and a\nnewline');
  expect(store.listPools()).toEqual([
    { name: 'default_pool', slots: 128, description: 'Default pool' },
    { name: 'kafka', slots: 4, description: 'brokers' },
  ]);
}

/** Retries `check` until it passes (background checkpoints finish when they finish). */
async function eventually(check: () => void, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function sqlite3(file: string, query: string): string {
  try {
    return execFileSync('sqlite3', [file, query], { encoding: 'utf8' }).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'The sqlite3 command-line tool is missing; install it (Debian/Ubuntu: sudo apt-get install sqlite3) to run this test.',
        { cause: error },
      );
    }
    throw error;
  }
}

describe('openMetadataStore: round trips', () => {
  it('creates the schema, the default pool and the snapshot on first open', async () => {
    const store = await openStore();
    const paths = metadataPaths(workspace);
    expect(store.path).toBe(paths.database);
    expect(store.readOnly).toBe(false);
    expect(store.listPools()).toEqual([{ name: 'default_pool', slots: 128, description: 'Default pool' }]);
    expect(existsSync(paths.database)).toBe(true);
    expect(sqlite3(paths.database, 'select version from schema_version')).toBe('1');
    expect(sqlite3(paths.database, "select name from sqlite_master where type = 'table' order by name").split('\n')).toEqual([
      'dag_runs',
      'dags',
      'pools',
      'schema_version',
      'store_meta',
      'task_instances',
      'task_tries',
      'xcoms',
    ]);
  });

  it('dags: upsert, get, list', async () => {
    const store = await openStore();
    expect(store.getDag('weather')).toBeUndefined();
    store.upsertDag(dag());
    expect(store.getDag('weather')).toEqual(dag());
    store.upsertDag(dag({ isPaused: false, lastParsedAt: '2026-11-26T00:00:00.000Z' }));
    expect(store.getDag('weather')).toEqual(dag({ isPaused: false, lastParsedAt: '2026-11-26T00:00:00.000Z' }));
    store.upsertDag(dag({ dagId: 'alpha' }));
    expect(store.listDags().map((d) => d.dagId)).toEqual(['alpha', 'weather']);
  });

  it('runs: insert refuses duplicates, update refuses unknown runs, optional fields round-trip', async () => {
    const store = await openStore();
    store.insertRun(run());
    expect(store.getRun('weather', RUN)).toEqual(run());
    expect(() => store.insertRun(run({ state: 'running' }))).toThrow(/a run with that id exists/);
    expect(store.getRun('weather', RUN)?.state).toBe('queued');
    const finished = run({
      state: 'failed',
      startDate: '2026-11-25T13:00:02.000Z',
      endDate: '2026-11-25T13:10:00.000Z',
      note: 'cancelled by alice',
    });
    store.updateRun(finished);
    expect(store.getRun('weather', RUN)).toEqual(finished);
    expect(() => store.updateRun(run({ runId: 'nope' }))).toThrow(/no such run/);
    expect(store.getRun('weather', 'nope')).toBeUndefined();
  });

  it('listRuns: newest first by logical date then queued time, filtered by DAG, state and limit', async () => {
    const store = await openStore();
    store.insertRun(run({ runId: 'a', logicalDate: '2026-01-01T00:00:00.000Z', queuedAt: '2026-01-05T00:00:00.000Z', state: 'success' }));
    store.insertRun(run({ runId: 'b', logicalDate: '2026-01-02T00:00:00.000Z', queuedAt: '2026-01-02T00:00:00.000Z', state: 'failed' }));
    store.insertRun(run({ runId: 'c', logicalDate: '2026-01-02T00:00:00.000Z', queuedAt: '2026-01-03T00:00:00.000Z', state: 'running' }));
    store.insertRun(run({ dagId: 'other', runId: 'z', logicalDate: '2026-02-01T00:00:00.000Z', state: 'queued' }));
    expect(store.listRuns('weather').map((r) => r.runId)).toEqual(['c', 'b', 'a']);
    expect(store.listRuns().map((r) => r.runId)).toEqual(['z', 'c', 'b', 'a']);
    expect(store.listRuns('weather', { states: ['success', 'failed'] }).map((r) => r.runId)).toEqual(['b', 'a']);
    expect(store.listRuns(undefined, { limit: 2 }).map((r) => r.runId)).toEqual(['z', 'c']);
    expect(store.listRuns('weather', { states: [] })).toEqual([]);
    expect(store.listRuns('missing')).toEqual([]);
  });

  it('latestAutomatedRun: the scheduled or backfill run with the latest data interval end', async () => {
    const store = await openStore();
    expect(store.latestAutomatedRun('weather')).toBeUndefined();
    store.insertRun(run({ runId: 'manual_late', runType: 'manual', dataIntervalEnd: '2027-01-01T00:00:00.000Z' }));
    expect(store.latestAutomatedRun('weather')).toBeUndefined();
    store.insertRun(run({ runId: 's1', runType: 'scheduled', dataIntervalEnd: '2026-01-02T00:00:00.000Z' }));
    store.insertRun(run({ runId: 'b1', runType: 'backfill', dataIntervalEnd: '2026-01-03T00:00:00.000Z' }));
    store.insertRun(run({ runId: 's0', runType: 'scheduled', dataIntervalEnd: '2026-01-01T00:00:00.000Z' }));
    store.insertRun(run({ dagId: 'other', runId: 'x', runType: 'scheduled', dataIntervalEnd: '2030-01-01T00:00:00.000Z' }));
    expect(store.latestAutomatedRun('weather')?.runId).toBe('b1');
  });

  it('task instances: upsert replaces the whole record, lists by run and by state across runs', async () => {
    const store = await openStore();
    store.upsertTaskInstance(
      ti('extract', { state: 'running', tryNumber: 1, pid: 10, processToken: 't', startDate: '2026-11-25T13:00:02.000Z' }),
    );
    store.upsertTaskInstance(ti('load', { state: 'scheduled' }));
    store.upsertTaskInstance(ti('other', { runId: 'second', state: 'running' }));
    expect(store.getTaskInstance('weather', RUN, 'extract')).toEqual(
      ti('extract', { state: 'running', tryNumber: 1, pid: 10, processToken: 't', startDate: '2026-11-25T13:00:02.000Z' }),
    );
    // Fields absent from the new record are cleared, not kept.
    store.upsertTaskInstance(
      ti('extract', { state: 'up_for_retry', tryNumber: 1, nextTryAt: '2026-11-25T13:05:00.000Z', error: 'exit code 2' }),
    );
    expect(store.getTaskInstance('weather', RUN, 'extract')).toEqual(
      ti('extract', { state: 'up_for_retry', tryNumber: 1, nextTryAt: '2026-11-25T13:05:00.000Z', error: 'exit code 2' }),
    );
    expect(store.listTaskInstances('weather', RUN).map((t) => t.taskId)).toEqual(['extract', 'load']);
    expect(store.listTaskInstancesByState(['running', 'scheduled']).map((t) => `${t.runId}/${t.taskId}`)).toEqual([
      `${RUN}/load`,
      'second/other',
    ]);
    expect(store.listTaskInstancesByState([])).toEqual([]);
    expect(store.getTaskInstance('weather', RUN, 'missing')).toBeUndefined();
  });

  it('tries: upsert per try number, listed in order', async () => {
    const store = await openStore();
    store.upsertTry(attempt(2));
    store.upsertTry(
      attempt(1, { state: 'failed', endDate: '2026-11-25T13:00:04.000Z', durationMs: 2000, pid: 7, exitCode: 1, error: 'boom' }),
    );
    store.upsertTry(attempt(2, { state: 'success', endDate: '2026-11-25T13:00:09.000Z', exitCode: 0 }));
    expect(store.listTries('weather', RUN, 'extract')).toEqual([
      attempt(1, { state: 'failed', endDate: '2026-11-25T13:00:04.000Z', durationMs: 2000, pid: 7, exitCode: 1, error: 'boom' }),
      attempt(2, { state: 'success', endDate: '2026-11-25T13:00:09.000Z', exitCode: 0 }),
    ]);
    expect(store.listTries('weather', RUN, 'load')).toEqual([]);
  });

  it('xcoms: JSON values, return_value by default, cleared per task instance', async () => {
    const store = await openStore();
    store.setXCom(xcom('extract', 'return_value', [1, 'two', { three: 3 }]));
    store.setXCom(xcom('extract', 'count', 3));
    store.setXCom(xcom('load', 'return_value', null));
    store.setXCom(xcom('empty', 'return_value', undefined));
    expect(store.getXCom('weather', RUN, 'extract')).toEqual(xcom('extract', 'return_value', [1, 'two', { three: 3 }]));
    expect(store.getXCom('weather', RUN, 'extract', 'count')?.value).toBe(3);
    expect(store.getXCom('weather', RUN, 'empty')?.value).toBeNull();
    store.setXCom(xcom('extract', 'count', 4));
    expect(store.getXCom('weather', RUN, 'extract', 'count')?.value).toBe(4);
    expect(store.listXComs('weather', RUN).map((x) => `${x.taskId}.${x.key}`)).toEqual([
      'empty.return_value',
      'extract.count',
      'extract.return_value',
      'load.return_value',
    ]);
    store.clearXComs('weather', RUN, 'extract');
    expect(store.listXComs('weather', RUN).map((x) => x.taskId)).toEqual(['empty', 'load']);
    expect(store.getXCom('weather', RUN, 'extract')).toBeUndefined();
  });

  it('pools: default_pool exists, upsert and list', async () => {
    const store = await openStore();
    expect(store.getPool('default_pool')).toEqual({ name: 'default_pool', slots: 128, description: 'Default pool' });
    const pool: PoolRecord = { name: 'api', slots: 2 };
    store.upsertPool(pool);
    store.upsertPool({ name: 'default_pool', slots: 16 });
    expect(store.getPool('api')).toEqual(pool);
    expect(store.listPools()).toEqual([pool, { name: 'default_pool', slots: 16 }]);
    expect(store.getPool('missing')).toBeUndefined();
  });

  it('keeps everything across close and reopen, and close is idempotent', async () => {
    const first = await openStore();
    writeEverything(first);
    await first.close();
    await first.close();
    expect(() => first.listDags()).toThrow(/closed/);
    const second = await openStore();
    expectEverything(second);
    expect(readFileSync(metadataPaths(workspace).journal).length).toBe(0);
  });

  it('refuses a second writer on the same workspace in one process', async () => {
    await openStore();
    await expect(openStore()).rejects.toThrow(/already has it open/);
  });
});

describe('openMetadataStore: journal and crash recovery', () => {
  it('replays the journal after a crash that left no checkpoint', async () => {
    const store = await openStore();
    writeEverything(store);
    store.flushJournal();
    const journal = readFileSync(metadataPaths(workspace).journal, 'utf8').trim().split('\n');
    expect(journal).toHaveLength(12);
    expect(JSON.parse(journal[0]!)).toEqual({ s: 1, m: 'upsertDag', a: [dag()] });
    crash(store);
    const reopened = await openStore();
    expectEverything(reopened);
    expect(warnings).toEqual([]);
  });

  it('writes the journal at the end of the event-loop turn without flushJournal()', async () => {
    const store = await openStore();
    store.upsertDag(dag());
    expect(readFileSync(metadataPaths(workspace).journal, 'utf8')).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(metadataPaths(workspace).journal, 'utf8')).toContain('"upsertDag"');
    crash(store);
    expect((await openStore()).getDag('weather')).toEqual(dag());
  });

  it('loses only the current turn when crashing before the turn ends', async () => {
    const store = await openStore();
    store.upsertDag(dag());
    store.flushJournal();
    store.upsertDag(dag({ dagId: 'unflushed' }));
    crash(store);
    expect((await openStore()).listDags().map((d) => d.dagId)).toEqual(['weather']);
  });

  it('ignores a torn last journal line with a warning and keeps appending after it', async () => {
    const store = await openStore();
    store.upsertDag(dag());
    store.upsertDag(dag({ dagId: 'second' }));
    store.flushJournal();
    crash(store);
    const journalPath = metadataPaths(workspace).journal;
    appendFileSync(journalPath, '{"s":3,"m":"upsertDag","a":[{"dagId":"torn","fileLoc":"x.dag.j');
    const reopened = await openStore();
    expect(reopened.listDags().map((d) => d.dagId)).toEqual(['second', 'weather']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/torn last line .*metadata\.journal \(line 3, \d+ bytes\)/);
    reopened.upsertDag(dag({ dagId: 'after' }));
    reopened.flushJournal();
    crash(reopened);
    expect((await openStore()).listDags().map((d) => d.dagId)).toEqual(['after', 'second', 'weather']);
    expect(warnings).toHaveLength(1);
  });

  it('accepts a last entry whose newline was cut off', async () => {
    const store = await openStore();
    store.upsertDag(dag());
    store.flushJournal();
    crash(store);
    const journalPath = metadataPaths(workspace).journal;
    writeFileSync(journalPath, readFileSync(journalPath, 'utf8').trimEnd());
    const reopened = await openStore();
    expect(reopened.getDag('weather')).toEqual(dag());
    expect(warnings).toEqual([]);
  });

  it('refuses a journal damaged in the middle, naming the file, the line and what to do', async () => {
    const store = await openStore();
    store.upsertDag(dag());
    store.upsertDag(dag({ dagId: 'second' }));
    store.flushJournal();
    crash(store);
    const journalPath = metadataPaths(workspace).journal;
    const lines = readFileSync(journalPath, 'utf8').split('\n');
    lines[0] = '{"s":1,"m":"upsertDag","a":[{"dagId"';
    writeFileSync(journalPath, lines.join('\n'));
    await expect(openStore()).rejects.toThrow(/metadata\.journal is damaged at line 1 .*Move it aside/);
  });

  it('replays idempotently after a crash between the snapshot rename and the journal truncation', async () => {
    const store = await openStore();
    const paths = metadataPaths(workspace);
    writeEverything(store);
    store.clearXComs('weather', RUN, 'load');
    store.flushJournal();
    const journalBefore = readFileSync(paths.journal);
    await store.checkpoint();
    expect(readFileSync(paths.journal).length).toBe(0);
    crash(store);
    // The snapshot is renamed into place, but the journal still holds what it covers.
    writeFileSync(paths.journal, journalBefore);
    const reopened = await openStore();
    expect(reopened.listDags().map((d) => d.dagId)).toEqual(['stream', 'weather']);
    expect(reopened.getRun('weather', RUN)?.state).toBe('running');
    expect(reopened.listTries('weather', RUN, 'extract')).toHaveLength(2);
    // The replayed delete removed the XCom again; the replayed upserts changed nothing.
    expect(reopened.listXComs('weather', RUN).map((x) => `${x.taskId}.${x.key}`)).toEqual(['extract.return_value', 'extract.rows']);
    // insertRun in the journal did not fail on the run that the snapshot already has.
    expect(reopened.listRuns('weather')).toHaveLength(1);
    // And the next entries continue the numbering: another crash and replay still work.
    reopened.upsertDag(dag({ dagId: 'later' }));
    reopened.flushJournal();
    crash(reopened);
    expect((await openStore()).getDag('later')).toBeDefined();
  });

  it('keeps entries written while a checkpoint is being written', async () => {
    const store = await openStore();
    const paths = metadataPaths(workspace);
    store.upsertDag(dag());
    const checkpoint = store.checkpoint();
    // The export already happened synchronously; these land in the journal during the write.
    store.upsertDag(dag({ dagId: 'during' }));
    store.flushJournal();
    await checkpoint;
    const journal = readFileSync(paths.journal, 'utf8');
    expect(journal).toContain('"during"');
    expect(journal).not.toContain('"weather"');
    crash(store);
    expect((await openStore()).listDags().map((d) => d.dagId)).toEqual(['during', 'weather']);
  });

  it('refuses a journal that does not continue the snapshot', async () => {
    const store = await openStore();
    const paths = metadataPaths(workspace);
    store.upsertDag(dag());
    await store.checkpoint();
    const oldSnapshot = readFileSync(paths.database);
    store.upsertDag(dag({ dagId: 'b' }));
    await store.checkpoint();
    store.upsertDag(dag({ dagId: 'c' }));
    store.flushJournal();
    crash(store);
    writeFileSync(paths.database, oldSnapshot);
    await expect(openStore()).rejects.toThrow(/continues at entry \d+ but .*metadata\.sqlite ends at entry \d+/);
  });

  it('fails with a clear message when metadata.sqlite is not a database', async () => {
    const paths = metadataPaths(workspace);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.database, 'this is not sqlite, just some text that is long enough to have a header'.repeat(20));
    await expect(openStore()).rejects.toThrow(/metadata\.sqlite is not a SQLite database \(.*\)\. .*Move it aside/);
    writeFileSync(paths.database, '');
    await expect(openStore()).rejects.toThrow(/is not a SQLite database \(the file is empty\)/);
  });

  it('removes temp files left by a process killed mid-checkpoint', async () => {
    const paths = metadataPaths(workspace);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(`${paths.database}.tmp-999999999`, 'partial');
    writeFileSync(`${paths.journal}.tmp-999999999`, 'partial');
    await openStore();
    expect(readdirSync(paths.dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('openMetadataStore: checkpoints', () => {
  it('writes a snapshot that the sqlite3 tool reads, and truncates the journal', async () => {
    const store = await openStore();
    const paths = metadataPaths(workspace);
    for (let i = 0; i < 250; i++) store.upsertTaskInstance(ti(`task_${i}`, { state: i % 2 === 0 ? 'success' : 'failed' }));
    writeEverything(store);
    await store.checkpoint();
    expect(statSync(paths.journal).size).toBe(0);
    expect(sqlite3(paths.database, 'select count(*) from task_instances')).toBe('252');
    expect(sqlite3(paths.database, "select count(*) from task_instances where state = 'success'")).toBe('125');
    expect(sqlite3(paths.database, 'pragma integrity_check')).toBe('ok');
    expect(
      sqlite3(paths.database, "select json_extract(value, '$.temperature') from xcoms where key = 'return_value' and task_id = 'extract'"),
    ).toBe('31.5');
    expect(sqlite3(paths.database, "select value from store_meta where key = 'journal_seq'")).toBe('262');
    expect(readdirSync(paths.dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('keeps prepared statements working after a checkpoint', async () => {
    const store = await openStore();
    store.upsertTaskInstance(ti('a'));
    expect(store.getTaskInstance('weather', RUN, 'a')?.state).toBe('none');
    await store.checkpoint();
    // Same statements as before the export: re-prepared behind the scenes.
    store.upsertTaskInstance(ti('a', { state: 'queued' }));
    store.upsertTaskInstance(ti('b'));
    expect(store.getTaskInstance('weather', RUN, 'a')?.state).toBe('queued');
    expect(store.listTaskInstances('weather', RUN)).toHaveLength(2);
    await store.checkpoint();
    await store.checkpoint();
    expect(store.listTaskInstancesByState(['queued'])).toHaveLength(1);
    await store.close();
    expect(sqlite3(metadataPaths(workspace).database, 'select task_id, state from task_instances order by task_id')).toBe(
      'a|queued\nb|none',
    );
  });

  it('coalesces concurrent checkpoints and includes every change made before each call', async () => {
    const store = await openStore();
    const paths = metadataPaths(workspace);
    store.upsertDag(dag({ dagId: 'one' }));
    const first = store.checkpoint();
    store.upsertDag(dag({ dagId: 'two' }));
    const second = store.checkpoint();
    store.upsertDag(dag({ dagId: 'three' }));
    const third = store.checkpoint();
    await Promise.all([first, second, third]);
    expect(sqlite3(paths.database, 'select dag_id from dags order by dag_id')).toBe('one\nthree\ntwo');
    expect(statSync(paths.journal).size).toBe(0);
  });

  it('checkpoints automatically after N entries and on a timer', async () => {
    const paths = metadataPaths(workspace);
    const byCount = await openStore({ checkpointEveryEntries: 100 });
    for (let i = 0; i < 150; i++) byCount.upsertTaskInstance(ti(`t${i}`));
    await eventually(() => expect(Number(sqlite3(paths.database, 'select count(*) from task_instances'))).toBeGreaterThanOrEqual(100));
    await byCount.close();
    open.splice(0);

    const byTimer = await openStore({ checkpointIntervalMs: 50 });
    byTimer.upsertDag(dag({ dagId: 'timed' }));
    await eventually(() => {
      expect(sqlite3(paths.database, 'select dag_id from dags')).toBe('timed');
      expect(statSync(paths.journal).size).toBe(0);
    });
    expect(warnings).toEqual([]);
  });
});

describe('openMetadataStore: responsiveness', () => {
  it('checkpoints 10,000 task instances repeatedly, each snapshot complete for sqlite3', async () => {
    // How long the export blocks is measured by the scheduler benchmark (event_loop_max_delay_ms),
    // not asserted here: test machines are shared and noisy.
    const store = await openStore({ checkpointEveryEntries: Number.MAX_SAFE_INTEGER });
    for (let i = 0; i < 10_000; i++)
      store.upsertTaskInstance(ti(`task_${i}`, { state: 'success', tryNumber: 1, startDate: '2026-11-25T13:00:00.000Z' }));
    await store.checkpoint();
    for (let round = 0; round < 5; round++) {
      store.upsertTaskInstance(ti(`task_${round}`, { state: 'running' }));
      await store.checkpoint();
    }
    expect(store.lastCheckpoint!.bytes).toBeGreaterThan(1_000_000);
    expect(sqlite3(store.path, 'select count(*) from task_instances')).toBe('10000');
    expect(sqlite3(store.path, "select count(*) from task_instances where state = 'running'")).toBe('5');
  });
});

describe('openMetadataStore: read-only', () => {
  it('sees the data, refuses writes with a clear error and never writes a file', async () => {
    const writer = await openStore();
    writeEverything(writer);
    await writer.checkpoint();
    writer.upsertTaskInstance(ti('journal_only', { runId: 'second' }));
    writer.flushJournal();
    const paths = metadataPaths(workspace);
    const before = readdirSync(paths.dir).map((name) => [name, statSync(path.join(paths.dir, name)).mtimeMs]);

    const reader = await openStore({ readOnly: true });
    expect(reader.readOnly).toBe(true);
    expectEverything(reader);
    expect(reader.getTaskInstance('weather', 'second', 'journal_only')).toBeDefined();
    expect(() => reader.upsertDag(dag())).toThrow(MetadataStoreReadOnlyError);
    expect(() => reader.upsertTaskInstance(ti('x'))).toThrow(
      /Cannot upsertTaskInstance: the metadata store .*metadata\.sqlite is open read-only/,
    );
    expect(() => reader.clearXComs('weather', RUN, 'extract')).toThrow(MetadataStoreReadOnlyError);
    await expect(reader.checkpoint()).rejects.toThrow(MetadataStoreReadOnlyError);
    reader.flushJournal();
    await reader.close();
    expect(readdirSync(paths.dir).map((name) => [name, statSync(path.join(paths.dir, name)).mtimeMs])).toEqual(before);
  });

  it('reload() picks up journal entries and new snapshots of the writer', async () => {
    const writer = await openStore();
    const reader = await openStore({ readOnly: true });
    expect(reader.listDags()).toEqual([]);
    writer.upsertDag(dag({ dagId: 'a' }));
    writer.flushJournal();
    reader.reload();
    expect(reader.listDags().map((d) => d.dagId)).toEqual(['a']);
    writer.upsertDag(dag({ dagId: 'b' }));
    await writer.checkpoint();
    writer.upsertDag(dag({ dagId: 'c' }));
    writer.flushJournal();
    reader.reload();
    expect(reader.listDags().map((d) => d.dagId)).toEqual(['a', 'b', 'c']);
    reader.reload();
    expect(reader.listDags()).toHaveLength(3);
    writer.upsertDag(dag({ dagId: 'd', isPaused: false }));
    writer.flushJournal();
    reader.reload();
    expect(reader.getDag('d')?.isPaused).toBe(false);
    // A line being written right now is left for the next reload.
    appendFileSync(metadataPaths(workspace).journal, '{"s":99,"m":"upsertDag","a":[');
    reader.reload();
    expect(reader.listDags()).toHaveLength(4);
  });

  it('opens an empty store when the workspace has no metadata yet, and creates nothing', async () => {
    const reader = await openStore({ readOnly: true });
    expect(reader.listPools().map((p) => p.name)).toEqual(['default_pool']);
    expect(reader.listRuns()).toEqual([]);
    reader.reload();
    expect(existsSync(metadataPaths(workspace).dir)).toBe(false);
  });

  it('reads a workspace whose writer crashed with a torn journal line', async () => {
    const writer = await openStore();
    writer.upsertDag(dag());
    writer.flushJournal();
    crash(writer);
    appendFileSync(metadataPaths(workspace).journal, '{"s":2,"m":"upsertDag"');
    const reader = await openStore({ readOnly: true });
    expect(reader.listDags().map((d) => d.dagId)).toEqual(['weather']);
  });
});

describe('openMetadataStore: copies of the files', () => {
  it('a copy of snapshot plus journal (as a backup would take) opens elsewhere', async () => {
    const store = await openStore();
    writeEverything(store);
    await store.checkpoint();
    store.upsertTaskInstance(ti('journal_only', { runId: 'second' }));
    store.flushJournal();
    const other = mkdtempSync(path.join(tmpdir(), 'dagstream-store-copy-'));
    try {
      const from = metadataPaths(workspace);
      const to = metadataPaths(other);
      mkdirSync(to.dir);
      copyFileSync(from.database, to.database);
      copyFileSync(from.journal, to.journal);
      const copy = await openMetadataStore({ workspaceDir: other, readOnly: true });
      expectEverything(copy);
      expect(copy.getTaskInstance('weather', 'second', 'journal_only')).toBeDefined();
      await copy.close();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
