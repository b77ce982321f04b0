import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Flushes what is at `path` to disk (a folder opens read-only, a file for writing). */
async function fsyncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (a rename or link into it) to disk. */
export const fsyncDir = (dir: string): Promise<void> => fsyncPath(dir, 'r');

/** Flushes a file's bytes to disk. */
export const fsyncFile = (file: string): Promise<void> => fsyncPath(file, 'r+');

/**
 * Writes `body` to `tmpPath`, flushes it to disk, then renames it to `finalPath`: readers see the whole file
 * or nothing, and a crash never leaves a partial file at `finalPath`. Both paths must be on the same file
 * system; the temporary file should live outside any directory that readers list. `mode`: the file's permissions
 * (e.g. 0o600 for a file of secrets' hashes), set before any byte is written.
 */
export async function writeFileAtomic(finalPath: string, body: Buffer | string, tmpPath = `${finalPath}.tmp`, mode?: number): Promise<void> {
  await mkdir(dirname(tmpPath), { recursive: true });
  const handle = await open(tmpPath, 'w', mode);
  try {
    if (mode !== undefined) await handle.chmod(mode); // the umask may have narrowed it: make it exact
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await mkdir(dirname(finalPath), { recursive: true });
  await rename(tmpPath, finalPath);
  await fsyncDir(dirname(finalPath));
}
