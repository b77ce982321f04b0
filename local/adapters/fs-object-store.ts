import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PipelineStateError } from '../../functions/lib/errors';
import { forEachLimited, PUTS_IN_FLIGHT } from '../../functions/lib/for-each-limited';
import type { LakeFiles, ObjectInfo, ObjectStore, PendingObject, TaggedObject } from '../../functions/lib/ports';
import { fsyncDir, fsyncFile, syncFileSystem, writeFileAtomic } from './atomic-file';
import { faultPoint } from './fault-point';

/** A put's temporary sibling: `<file>.tmp-<8 hex>` (put and putIf). */
const TEMP_SIBLING = /\.tmp-[0-9a-f]{8}$/;

const tempSibling = (path: string): string => `${path}.tmp-${randomBytes(4).toString('hex')}`;

/** From this many objects, putMany and copyMany flush the whole file system once (syncFileSystem) instead of each
 * file and folder: a commit of a history puts thousands of small files, a batch of a day a few large ones. */
export const FLUSH_TOGETHER_FROM = 64;

/** The tail of each key's chain of conditional writes in this process. */
const conditionalWrites = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier call for the same path has finished. */
async function oneAtATime<T>(path: string, work: () => Promise<T>): Promise<T> {
  const before = conditionalWrites.get(path) ?? Promise.resolve();
  const mine = before.then(work, work);
  conditionalWrites.set(path, mine);
  try {
    return await mine;
  } finally {
    if (conditionalWrites.get(path) === mine) conditionalWrites.delete(path);
  }
}

/** A catch for a removal: a file already gone is what it wanted. */
function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

/** Links `from` at `to`: false where links are refused (another file system), and nothing was made. */
async function linkIfSameFs(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP') return false;
    throw err;
  }
}

/** The lake as folders: the object key is the path under the lake root, as it is the S3 key in the cloud. */
export class FsObjectStore implements ObjectStore, LakeFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  pathOf(key: string): string {
    const full = resolve(this.root, key);
    if (full !== this.root && !full.startsWith(this.root + sep)) throw new RangeError(`object key escapes the lake root: ${key}`);
    return full;
  }

  /** Atomic and durable: a temporary sibling (which list() skips) is flushed, then renamed into place. */
  async put(key: string, body: Buffer | string): Promise<void> {
    const path = this.pathOf(key);
    faultPoint('put', key);
    await writeFileAtomic(path, body, tempSibling(path));
  }

  /**
   * put's guarantees for each object, with the flushes done together instead of one file and one folder at a time:
   * every body goes to its temporary sibling and is flushed, then all are renamed into place, then each folder
   * they went to is flushed once. A crash before a rename leaves only temporary siblings (never listed; see
   * removeTempFiles); no object is visible before its bytes are on disk. An object with a local `path` on this
   * file system is linked in (its file flushed as it is) instead of written again: creating a file costs more
   * than its bytes here (ext4 allocates an inode), and a history's batch puts a file per date. One handed over
   * (`handOver`) is flushed where it is and renamed straight into place: no temporary sibling, and no second
   * name of it left for its owner to remove (a crash before its rename leaves it in the owner's folder).
   */
  async putMany(objects: PendingObject[]): Promise<void> {
    const temps = objects.map((o) => ({ path: this.pathOf(o.key), tmp: '', o }));
    const folders = [...new Set(temps.map((t) => dirname(t.path)))];
    // many objects: flushed with the whole file system, once before the renames and once after
    const together = objects.length >= FLUSH_TOGETHER_FROM;
    // each folder made once (a commit stages a history's thousand files in one)
    await forEachLimited(folders, PUTS_IN_FLIGHT, async (dir) => void (await mkdir(dir, { recursive: true })));
    await forEachLimited(temps, PUTS_IN_FLIGHT, async (t) => {
      if (t.o.path !== undefined && t.o.handOver === true) {
        if (!together) await fsyncFile(t.o.path);
        t.tmp = t.o.path;
      } else t.tmp = await this.toTempSibling(t.path, t.o, !together);
    });
    if (together && !(await syncFileSystem(this.root))) await forEachLimited(temps, PUTS_IN_FLIGHT, (t) => fsyncFile(t.tmp));
    // the fault point where each object becomes visible, as put's
    await forEachLimited(temps, PUTS_IN_FLIGHT, async (t) => {
      faultPoint('put', t.o.key);
      try {
        await rename(t.tmp, t.path);
      } catch (err) {
        // a file handed over from another file system: its bytes through a temporary sibling after all (flushed:
        // the file system's flush above was not its)
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV' || t.tmp !== t.o.path) throw err;
        await rename(await this.toTempSibling(t.path, { ...t.o, path: undefined }), t.path);
      }
    });
    if (!together || !(await syncFileSystem(this.root))) await forEachLimited(folders, PUTS_IN_FLIGHT, fsyncDir);
  }

  /** `o`'s bytes in a new temporary sibling of `path` (flushed, unless `flush` is false: the caller flushes the
   * file system): its local file linked, else its body written. */
  private async toTempSibling(path: string, o: PendingObject, flush = true): Promise<string> {
    const tmp = tempSibling(path);
    if (o.path !== undefined && (await linkIfSameFs(o.path, tmp))) {
      if (flush) await fsyncFile(tmp);
      return tmp;
    }
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(await o.body());
      if (flush) await handle.sync();
    } finally {
      await handle.close();
    }
    return tmp;
  }

  /**
   * Absent: the body is written to a temporary sibling, then hard-linked to the key (link() fails if the key
   * exists, and no reader sees a partial file). A tag: compared, then written atomically, the two steps one at a
   * time per key within this process; across processes the local lake relies on `run`'s lock file.
   */
  async putIf(key: string, body: Buffer | string, expectedTag: string | null): Promise<boolean> {
    const path = this.pathOf(key);
    if (expectedTag !== null) {
      return oneAtATime(path, async () => {
        const current = await this.getTagged(key);
        if (current?.tag !== expectedTag) return false;
        await this.put(key, body);
        return true;
      });
    }
    faultPoint('putIf', key);
    const tmp = tempSibling(path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, body);
    try {
      await link(tmp, path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await unlink(tmp);
    }
  }

  /** The tag is a hash of the content. */
  async getTagged(key: string): Promise<TaggedObject | null> {
    const body = await this.getIfExists(key);
    return body === null ? null : { body, tag: createHash('sha256').update(body).digest('hex') };
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PipelineStateError(`no object at key ${key}`, { cause: err });
      throw err;
    }
  }

  async getIfExists(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * The folder walk is synchronous: it is metadata only (a readdir per folder, a stat per file, each a few
   * microseconds), and awaiting each on libuv's pool cost a round trip apiece (listing a history's 1,200 date folders
   * took 0.15-0.26 s alone and 0.37 s in a pipeline run; 20-45 ms this way). A file gone between its folder's
   * readdir and its stat is not listed.
   */
  async list(prefix: string): Promise<ObjectInfo[]> {
    // Walk from the deepest folder the prefix names, then filter by the full prefix (S3 prefix semantics).
    const folder = prefix.endsWith('/') ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const start = this.pathOf(folder);
    const out: ObjectInfo[] = [];
    const walk = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          // only a folder whose keys can start with the prefix (a month's prefix skips the table's other dates)
          const folderKey = `${relative(this.root, full).split(sep).join('/')}/`;
          if (folderKey.startsWith(prefix) || prefix.startsWith(folderKey)) walk(full);
        } else if (entry.isFile() && !TEMP_SIBLING.test(entry.name)) {
          const key = relative(this.root, full).split(sep).join('/');
          if (!key.startsWith(prefix)) continue;
          const s = statSync(full, { throwIfNoEntry: false });
          if (s !== undefined) out.push({ key, size: s.size, lastModified: s.mtime });
        }
      }
    };
    walk(start);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * The object's content under another key, atomic and durable as put is, without writing the bytes again: a hard
   * link at the key when it has no object yet (link() makes the name whole or not at all), else to a temporary
   * sibling renamed over it. Safe because no object file is changed in place (a put renames a new file over its
   * key), so the linked file is already flushed. Where links are refused (another file system), a put of the content.
   */
  async copy(fromKey: string, toKey: string): Promise<void> {
    if (await this.linkAt(fromKey, toKey)) await fsyncDir(dirname(this.pathOf(toKey)));
  }

  /** copy for each pair, the new names flushed together when there are many (FLUSH_TOGETHER_FROM): a commit of a
   * history links a file into each of a thousand date folders. */
  async copyMany(copies: { from: string; to: string }[]): Promise<void> {
    if (copies.length < FLUSH_TOGETHER_FROM) {
      await forEachLimited(copies, PUTS_IN_FLIGHT, (c) => this.copy(c.from, c.to));
      return;
    }
    const linked = new Set<string>();
    await forEachLimited(copies, PUTS_IN_FLIGHT, async (c) => {
      if (await this.linkAt(c.from, c.to)) linked.add(dirname(this.pathOf(c.to)));
    });
    if (!(await syncFileSystem(this.root))) await forEachLimited([...linked], PUTS_IN_FLIGHT, fsyncDir);
  }

  /** copy's link, not flushed: true when it linked (the folder is then the caller's to flush), false when links are
   * refused and it put the content instead (durable as put is). */
  private async linkAt(fromKey: string, toKey: string): Promise<boolean> {
    const from = this.pathOf(fromKey);
    const path = this.pathOf(toKey);
    faultPoint('put', toKey);
    await mkdir(dirname(path), { recursive: true });
    let tmp: string | undefined;
    try {
      await link(from, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') tmp = tempSibling(path);
      else if (code === 'ENOENT') throw new PipelineStateError(`no object at key ${fromKey}`, { cause: err });
      else if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP') {
        await this.put(toKey, await this.get(fromKey));
        return false;
      } else throw err;
    }
    if (tmp !== undefined) {
      await link(from, tmp);
      await rename(tmp, path);
    }
    return true;
  }

  /** Deletes the objects, then the folders they leave empty (an S3 prefix with no objects does not exist). */
  async delete(keys: string[]): Promise<void> {
    faultPoint('delete', keys.join(' '));
    // unlink, not rm: one system call each (a commit of a history deletes a thousand staged files)
    await Promise.all(keys.map((k) => unlink(this.pathOf(k)).catch(ignoreMissing)));
    // the folders level by level, all of a level at once (a commit of a history deletes a file in each of a
    // thousand folders); a folder removed puts its parent in the next level
    let level = new Set(keys.map((k) => dirname(this.pathOf(k))));
    while (level.size > 0) {
      const parents = new Set<string>();
      await Promise.all(
        [...level].map(async (dir) => {
          if (dir === this.root || !dir.startsWith(this.root)) return;
          try {
            await rmdir(dir);
            parents.add(dirname(dir));
          } catch {
            // not empty, or already gone
          }
        }),
      );
      level = parents;
    }
  }

  async materialize(prefix: string): Promise<string> {
    const path = this.pathOf(prefix);
    // synchronous: a step that reads a history materializes a prefix per date, and each await is a pool round trip
    mkdirSync(path, { recursive: true });
    return path;
  }

  /**
   * Makes the objects under `prefix` the files of `localDir`: each file is put (atomically, through a temporary
   * sibling), then the keys it no longer has are deleted, as on S3. No rename across folders, so `localDir` may
   * be on another file system. The lake folder itself (what materialize returns) is already in place.
   */
  async replacePrefix(prefix: string, localDir: string): Promise<void> {
    const target = this.pathOf(prefix);
    if (resolve(localDir) === target) return;
    const base = prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`;
    const entries = await readdir(localDir, { withFileTypes: true, recursive: true });
    const keys = new Set<string>();
    for (const e of entries.filter((x) => x.isFile())) {
      const file = join(e.parentPath, e.name);
      const key = base + relative(localDir, file).split(sep).join('/');
      await this.put(key, await readFile(file));
      keys.add(key);
    }
    const stale = (await this.list(base)).map((o) => o.key).filter((k) => !keys.has(k));
    if (stale.length > 0) await this.delete(stale);
  }

  /**
   * Removes the temporary siblings (`.tmp-*`) that puts killed half way left under `prefixes`. Call it only while
   * nothing writes there (a local run holds the run lock; other commands write other zones).
   */
  async removeTempFiles(prefixes: string[]): Promise<number> {
    faultPoint('remove-temp', prefixes.join(' '));
    let removed = 0;
    for (const prefix of prefixes) {
      const dir = this.pathOf(prefix);
      if (!existsSync(dir)) continue;
      for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
        if (e.isFile() && TEMP_SIBLING.test(e.name)) {
          await rm(join(e.parentPath, e.name), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
