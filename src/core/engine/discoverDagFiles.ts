import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { DAG_FILE_SUFFIX } from '../dag/dagFile';

/** Folders that never hold a user's DAGs and can be huge. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.dagstream', '.venv', 'venv', '__pycache__', 'dist', 'out']);

/** Every `*.dag.json` under `workspaceDir`, as absolute paths in a stable order. */
export async function discoverDagFiles(workspaceDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folders are not the scheduler's business
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && entry.name.endsWith(DAG_FILE_SUFFIX)) {
        found.push(full);
      }
    }
  };
  await walk(workspaceDir);
  return found.sort();
}
