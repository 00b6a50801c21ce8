import * as vscode from 'vscode';
import type { SqliteDatabase } from '../../core/sqlite/SqliteDatabase';
import { loadExtensionServices } from '../services/loadExtensionServices';

/**
 * The databases the explorer and the query runner have open: one handle per file, opened on
 * first use through the core's database service (sql.js in a worker thread, so that reading a
 * big file or running a big query never blocks the extension host), closed on dispose.
 */
export class SqliteConnections implements vscode.Disposable {
  private readonly handles = new Map<string, Promise<SqliteDatabase>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** A database whose content Dagstream changed (a query that wrote, a dropped table): refresh what shows it. */
  readonly onDidChange = this.changed.event;

  open(file: string): Promise<SqliteDatabase> {
    let handle = this.handles.get(file);
    if (!handle) {
      // An existing file only: the explorer lists files, and a typo must not create an empty database.
      handle = loadExtensionServices().then((services) => services.openSqliteDatabase(file, { create: false }));
      this.handles.set(file, handle);
      handle.catch(() => this.handles.delete(file));
    }
    return handle;
  }

  /** Closes a database (removed from the list, or to read it afresh after an error). */
  async close(file: string): Promise<void> {
    const handle = this.handles.get(file);
    this.handles.delete(file);
    const db = await handle?.catch(() => undefined);
    await db?.close().catch(() => undefined);
  }

  notifyChanged(file: string): void {
    this.changed.fire(file);
  }

  dispose(): void {
    for (const file of [...this.handles.keys()]) void this.close(file);
    this.changed.dispose();
  }
}
