import type { MetadataDatabase } from './MetadataDatabase';
import type { DagRecord, DagRunRecord, PoolRecord, TaskInstanceRecord, TaskTryRecord, XComRecord } from './metadataRecords';

/** One mutating call of the store, as journaled: the method name and its arguments. */
export type JournalOp =
  | { m: 'upsertDag'; a: [DagRecord] }
  | { m: 'insertRun'; a: [DagRunRecord] }
  | { m: 'updateRun'; a: [DagRunRecord] }
  | { m: 'upsertTaskInstance'; a: [TaskInstanceRecord] }
  | { m: 'upsertTry'; a: [TaskTryRecord] }
  | { m: 'setXCom'; a: [XComRecord] }
  | { m: 'clearXComs'; a: [dagId: string, runId: string, taskId: string] }
  | { m: 'upsertPool'; a: [PoolRecord] };

/**
 * A journal line: `{"s":42,"m":"upsertTaskInstance","a":[{...}]}`. `s` numbers entries from 1
 * across the life of the store; a snapshot records the last one it contains, so that replay
 * starts right after it and a gap (entries lost between snapshot and journal) is detected.
 */
export type JournalEntry = JournalOp & { s: number };

export const JOURNAL_METHODS: ReadonlySet<string> = new Set<JournalOp['m']>([
  'upsertDag',
  'insertRun',
  'updateRun',
  'upsertTaskInstance',
  'upsertTry',
  'setXCom',
  'clearXComs',
  'upsertPool',
]);

/**
 * Re-applies an entry. Every operation is an idempotent upsert or delete (insertRun and
 * updateRun both become insert-or-replace), so replaying an entry the database already holds,
 * as after a crash between a snapshot's rename and the journal's truncation, changes nothing.
 */
export function applyJournalEntry(db: MetadataDatabase, entry: JournalOp): void {
  switch (entry.m) {
    case 'upsertDag':
      return db.upsertDag(entry.a[0]);
    case 'insertRun':
    case 'updateRun':
      return db.replaceRun(entry.a[0]);
    case 'upsertTaskInstance':
      return db.upsertTaskInstance(entry.a[0]);
    case 'upsertTry':
      return db.upsertTry(entry.a[0]);
    case 'setXCom':
      return db.setXCom(entry.a[0]);
    case 'clearXComs':
      return db.clearXComs(...entry.a);
    case 'upsertPool':
      return db.upsertPool(entry.a[0]);
  }
}
