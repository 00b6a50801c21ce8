import { open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Replaces `file` with `data` so that, whatever happens (crash, power cut), the file holds either
 * the old content or the new one, never a mix: write a temp file in the same folder, fsync it,
 * rename it over the target, fsync the folder so that the rename itself is on disk.
 * Asynchronous on purpose: writing a large snapshot must not stall the engine's event loop.
 */
export async function writeFileAtomically(file: string, data: Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new Error(
      `Could not write ${file} (via ${path.basename(temp)}): ${error instanceof Error ? error.message : String(error)}. Check free disk space and the folder's permissions.`,
      { cause: error },
    );
  }
  await syncFolder(path.dirname(file));
}

async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    // Windows cannot open a folder; NTFS journals the rename itself.
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Some file systems do not support fsync on a folder.
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR')
      throw new Error(
        `Could not fsync the folder ${dir} after replacing a file in it: ${error instanceof Error ? error.message : String(error)}.`,
        { cause: error },
      );
  } finally {
    await handle.close();
  }
}
