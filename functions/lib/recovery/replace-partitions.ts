import { readFile } from 'node:fs/promises';
import type { ObjectStore } from '../ports';

/** A file to put: the key it goes to and the local file that holds it. */
export interface PartitionFile {
  key: string;
  path: string;
}

/**
 * Makes the objects under each of `partitionPrefixes` exactly `files`: every file is put, then every other key
 * under the prefixes is deleted. Repeating it after a crash finishes it (the puts overwrite, the deletes spare the
 * new keys), but between the crash and the repeat a reader sees old and new files together: this is the one call
 * to switch to the crash-safe commit protocol's partition replacement, which has the same arguments (`commitId`
 * names the commit there). Returns the keys deleted.
 */
export async function replacePartitionFiles(store: ObjectStore, commitId: string, partitionPrefixes: string[], files: PartitionFile[]): Promise<string[]> {
  const prefixes = partitionPrefixes.map((p) => (p.endsWith('/') ? p : `${p}/`));
  const outside = files.filter((f) => !prefixes.some((p) => f.key.startsWith(p)));
  if (outside.length > 0) throw new RangeError(`commit ${commitId}: file outside the partitions it replaces: ${outside[0].key}`);
  const keep = new Set(files.map((f) => f.key));
  const old: string[] = [];
  for (const prefix of prefixes) old.push(...(await store.list(prefix)).map((o) => o.key).filter((k) => !keep.has(k)));
  for (const f of files) await store.put(f.key, await readFile(f.path));
  if (old.length > 0) await store.delete(old);
  return old;
}
