import * as path from 'node:path';
import * as vscode from 'vscode';

const ADDED_KEY = 'dagstream.sqlite.addedDatabases';
export const DATABASE_GLOB = '**/*.{sqlite,db,sqlite3,db3}';
/** Dependencies, git's own files, and Dagstream's metadata (the scheduler's store) are not the user's databases. */
const EXCLUDE_GLOB = '**/{node_modules,.git,.dagstream}/**';

export interface DatabaseEntry {
  file: string;
  /** Workspace-relative path, or the absolute path of a file outside the workspace. */
  label: string;
  /** Added by the user (and removable from the list), rather than found in the workspace. */
  added: boolean;
}

/** The databases the SQLite view lists: found in the workspace, plus the ones the user added (remembered per workspace). */
export class SqliteDatabaseList {
  constructor(private readonly state: vscode.Memento) {}

  async list(): Promise<DatabaseEntry[]> {
    const found = await vscode.workspace.findFiles(DATABASE_GLOB, EXCLUDE_GLOB, 500);
    const entries = new Map<string, DatabaseEntry>();
    for (const uri of found) entries.set(uri.fsPath, { file: uri.fsPath, label: labelOf(uri.fsPath), added: false });
    for (const file of this.added()) if (!entries.has(file)) entries.set(file, { file, label: labelOf(file), added: true });
    return [...entries.values()].sort((a, b) => a.label.localeCompare(b.label));
  }

  added(): string[] {
    return this.state.get<string[]>(ADDED_KEY, []);
  }

  async add(files: readonly string[]): Promise<void> {
    await this.state.update(ADDED_KEY, [...new Set([...this.added(), ...files.map((f) => path.resolve(f))])]);
  }

  async remove(file: string): Promise<void> {
    await this.state.update(
      ADDED_KEY,
      this.added().filter((f) => f !== file),
    );
  }
}

export function labelOf(file: string): string {
  return vscode.workspace.asRelativePath(file, false);
}
