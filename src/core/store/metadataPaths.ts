import * as path from 'node:path';

/** Where a workspace keeps Dagstream's metadata, journal and scheduler lock. */
export interface MetadataPaths {
  /** `<workspace>/.dagstream` */
  dir: string;
  /** The snapshot that `sqlite3` opens. */
  database: string;
  /** Mutations since the last snapshot, one JSON line each. */
  journal: string;
  /** Held by the one scheduler of the workspace. */
  lock: string;
}

export function metadataPaths(workspaceDir: string): MetadataPaths {
  const dir = path.join(path.resolve(workspaceDir), '.dagstream');
  return {
    dir,
    database: path.join(dir, 'metadata.sqlite'),
    journal: path.join(dir, 'metadata.journal'),
    lock: path.join(dir, 'scheduler.lock'),
  };
}
