import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { forEachLimited } from '../for-each-limited';
import type { LakeFiles, ObjectStore } from '../ports';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Lake prefixes as local directories for the steps that run DuckDB over files (in Lambda, a copy under /tmp).
 * Built on the ObjectStore port, so it routes keys to buckets the same way the store does.
 */
export class S3LakeFiles implements LakeFiles {
  constructor(
    private readonly store: ObjectStore,
    /** local root that mirrors the lake's keys, e.g. /tmp/lake */
    private readonly root: string,
    private readonly concurrency = 16,
  ) {}

  /** Downloads every object under `prefix` to `<root>/<key>`; files left from an earlier (warm) invocation go first. */
  async materialize(prefix: string): Promise<string> {
    const dir = join(this.root, prefix);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const objects = await this.store.list(prefix);
    await forEachLimited(objects, this.concurrency, async ({ key }) => {
      if (key.endsWith('/')) return; // folder placeholder objects
      const path = join(this.root, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await this.store.get(key));
    });
    return dir;
  }

  /** Removes the local copy of `prefix` (a step that reads a lake's history a part at a time keeps /tmp bounded). */
  async release(prefix: string): Promise<void> {
    await rm(join(this.root, prefix), { recursive: true, force: true });
  }

  /** Uploads the files of `localDir` under `prefix`, then deletes the keys under `prefix` it no longer has. */
  async replacePrefix(prefix: string, localDir: string): Promise<void> {
    const base = prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`;
    const files = await filesUnder(localDir);
    const uploaded = new Set<string>();
    await forEachLimited(files, this.concurrency, async (file) => {
      const key = base + relative(localDir, file).split(sep).join('/');
      await this.store.put(key, await readFile(file));
      uploaded.add(key);
    });
    const stale = (await this.store.list(base)).map((o) => o.key).filter((key) => !uploaded.has(key));
    if (stale.length > 0) await this.store.delete(stale);
  }
}
