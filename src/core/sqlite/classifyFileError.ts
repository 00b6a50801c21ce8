import { SqliteDatabaseError, type SqliteErrorKind } from './SqliteDatabaseError';

const KINDS: Readonly<Record<string, { kind: SqliteErrorKind; says: string; todo: string }>> = {
  ENOSPC: { kind: 'disk-full', says: 'the disk is full', todo: 'Free some disk space' },
  EDQUOT: { kind: 'disk-full', says: 'the disk quota is exhausted', todo: 'Free some space in your quota' },
  EFBIG: { kind: 'disk-full', says: 'the file is larger than the file system allows', todo: 'Move the database to another file system' },
  EROFS: { kind: 'read-only', says: 'the file system is read-only', todo: 'Move the database to a writable folder' },
  EACCES: { kind: 'read-only', says: 'permission denied', todo: "Check the folder's and the file's permissions" },
  EPERM: {
    kind: 'read-only',
    says: 'the operation is not permitted (read-only or immutable folder)',
    todo: "Check the folder's permissions and attributes",
  },
  ENOENT: { kind: 'not-found', says: 'the file or its folder does not exist', todo: 'Check the path' },
  EISDIR: { kind: 'io', says: 'a folder is in the way', todo: 'Remove or rename the folder' },
  ENOTDIR: { kind: 'io', says: 'part of the path is a file, not a folder', todo: 'Check the path' },
  EBUSY: { kind: 'locked', says: 'the file is busy', todo: 'Close the program that holds it' },
};

function errnoCode(error: unknown): string | undefined {
  for (let current: unknown = error; current instanceof Error; current = (current as Error & { cause?: unknown }).cause) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && (current as Error & { cause?: unknown }).cause instanceof Error)
    current = (current as Error & { cause?: unknown }).cause;
  return current instanceof Error ? current.message : String(current);
}

/**
 * A file-system error while `doing` something to `file`, as a SqliteDatabaseError that says what
 * happened in words and what to do (`consequence` says what the failure means for the data).
 */
export function classifyFileError(error: unknown, file: string, doing: string, consequence = ''): SqliteDatabaseError {
  if (error instanceof SqliteDatabaseError) return error;
  const code = errnoCode(error);
  const known = code === undefined ? undefined : KINDS[code];
  const detail = innermostMessage(error);
  const says = known ? `${known.says} (${detail})` : detail;
  const todo = known ? `${known.todo}, then try again.` : 'Check the disk and the path, then try again.';
  return new SqliteDatabaseError(
    { kind: known?.kind ?? 'io', message: `Could not ${doing} ${file}: ${says}.${consequence ? ` ${consequence}` : ''} ${todo}`, file },
    { cause: error },
  );
}
