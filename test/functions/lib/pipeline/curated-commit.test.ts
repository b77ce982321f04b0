import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMITS_PREFIX, commitIntentKey, curatedPartitionPrefix } from '../../../../functions/lib/lake-layout';
import { commitFiles, replacePartitionFiles, rollForward, type CommitFile, type CommitIntent } from '../../../../functions/lib/pipeline/curated-commit';
import type { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { CrashingStore, SimulatedCrash } from '../../../helpers/crashing-store';
import { tempLake } from '../../../helpers/lake-fixture';

const D1 = curatedPartitionPrefix('sales_lines', '2024-01-01');
const D2 = curatedPartitionPrefix('sales_lines', '2024-01-02');

/** Every object of the lake with its text. */
async function snapshot(store: FsObjectStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const o of await store.list('')) out[o.key] = (await store.get(o.key)).toString('utf8');
  return out;
}

/** Local files with these keys and contents. */
function localFiles(contents: Record<string, string>): { files: CommitFile[]; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'commit-files-'));
  const files = Object.entries(contents).map(([key, body], i) => {
    const path = join(dir, `f${i}`);
    writeFileSync(path, body);
    return { key, path };
  });
  return { files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A lake with two partitions of old files. */
async function lakeWithOldFiles(): Promise<{ store: FsObjectStore; cleanup: () => void }> {
  const { store, cleanup } = tempLake('commit');
  await store.put(`${D1}part-a.parquet`, 'a1');
  await store.put(`${D1}part-b.parquet`, 'b1');
  await store.put(`${D2}part-a.parquet`, 'a2');
  return { store, cleanup };
}

const NEW_FILES = { [`${D1}part-r.parquet`]: 'r1', [`${D2}part-r.parquet`]: 'r2' };
const REPLACED = { [`${D1}part-r.parquet`]: 'r1', [`${D2}part-r.parquet`]: 'r2' };

describe('curated commits', () => {
  it('append: puts the files, leaves the old ones, and leaves no commit folder', async () => {
    const { store, cleanup } = await lakeWithOldFiles();
    const local = localFiles(NEW_FILES);
    try {
      await commitFiles(store, 'c1', local.files);
      expect(await snapshot(store)).toEqual({ [`${D1}part-a.parquet`]: 'a1', [`${D1}part-b.parquet`]: 'b1', [`${D2}part-a.parquet`]: 'a2', ...NEW_FILES });
      expect(await store.list(COMMITS_PREFIX)).toEqual([]);
    } finally {
      local.cleanup();
      cleanup();
    }
  });

  it('replacePartitionFiles: the partitions hold exactly the new files afterwards, and it returns the keys it deleted', async () => {
    const { store, cleanup } = await lakeWithOldFiles();
    await store.put(curatedPartitionPrefix('sales_lines', '2024-01-03') + 'part-a.parquet', 'untouched');
    const local = localFiles(REPLACED);
    try {
      const deleted = await replacePartitionFiles(store, 'reprocess-1', [D1, D2], local.files);
      expect(deleted.sort()).toEqual([`${D1}part-a.parquet`, `${D1}part-b.parquet`, `${D2}part-a.parquet`]);
      expect(await snapshot(store)).toEqual({ ...REPLACED, [curatedPartitionPrefix('sales_lines', '2024-01-03') + 'part-a.parquet']: 'untouched' });
      await expect(replacePartitionFiles(store, 'reprocess-2', [D1], local.files)).rejects.toThrow(/outside the partitions/);
    } finally {
      local.cleanup();
      cleanup();
    }
  });

  it('replacePartitionFiles with alsoPut: keys outside the partitions, from files or bodies, go in the same commit and are never deleted', async () => {
    const { store, cleanup } = await lakeWithOldFiles();
    await store.put('control/records/r.json', 'old record');
    const local = localFiles({ ...REPLACED, 'control/ids/a.parquet': 'ids' });
    const [partitionFiles, outside] = [local.files.filter((f) => f.key.startsWith('curated/')), local.files.filter((f) => !f.key.startsWith('curated/'))];
    try {
      await replacePartitionFiles(store, 'with-records', [D1, D2], partitionFiles, [...outside, { key: 'control/records/r.json', body: 'new record' }]);
      expect(await snapshot(store)).toEqual({ ...REPLACED, 'control/ids/a.parquet': 'ids', 'control/records/r.json': 'new record' });
      // a crash after the intent: the roll-forward puts the bodies too
      const { store: fresh, cleanup: cleanFresh } = await lakeWithOldFiles();
      try {
        const body = { key: 'control/records/r.json', body: Buffer.from('from memory') };
        await expect(replacePartitionFiles(new CrashingStore(fresh, partitionFiles.length + 3), 'b', [D1, D2], partitionFiles, [body])).rejects.toThrow(SimulatedCrash);
        expect(await rollForward(fresh)).toEqual(['b']);
        expect(await snapshot(fresh)).toEqual({ ...REPLACED, 'control/records/r.json': 'from memory' });
      } finally {
        cleanFresh();
      }
    } finally {
      local.cleanup();
      cleanup();
    }
  });

  it('writes an intent that names every put, its staged copy and every delete, before the first curated key changes', async () => {
    const local = localFiles(REPLACED);
    try {
      // writes: the staged copies, the intent, the first put; the crash is at the second put
      const { store: fresh, cleanup: cleanFresh } = await lakeWithOldFiles();
      try {
        await expect(replacePartitionFiles(new CrashingStore(fresh, local.files.length + 3), 'r', [D1, D2], local.files)).rejects.toThrow(SimulatedCrash);
        const intent = JSON.parse((await fresh.get(commitIntentKey('r'))).toString()) as CommitIntent;
        expect(intent).toMatchObject({ version: 1, commitId: 'r', deletes: [`${D1}part-a.parquet`, `${D1}part-b.parquet`, `${D2}part-a.parquet`] });
        expect(intent.puts.map((p) => p.key)).toEqual(Object.keys(REPLACED));
        for (const p of intent.puts) expect(await fresh.get(p.staged)).toEqual(Buffer.from(REPLACED[p.key]));
        // the old files are all still there, and one new file is
        expect(Object.keys(await snapshot(fresh)).filter((k) => k.startsWith('curated/')).sort()).toEqual(
          [`${D1}part-a.parquet`, `${D1}part-b.parquet`, `${D1}part-r.parquet`, `${D2}part-a.parquet`].sort(),
        );
      } finally {
        cleanFresh();
      }
    } finally {
      local.cleanup();
    }
  });

  it('a crash at any write of a replacement, then rollForward: the old files, or exactly the new ones, never a mix', async () => {
    const local = localFiles(REPLACED);
    try {
      const { store: clean, cleanup: cleanClean } = await lakeWithOldFiles();
      const counting = new CrashingStore(clean);
      await replacePartitionFiles(counting, 'r', [D1, D2], local.files);
      const expected = await snapshot(clean);
      cleanClean();
      const { store: untouched, cleanup: cleanUntouched } = await lakeWithOldFiles();
      const before = await snapshot(untouched);
      cleanUntouched();

      expect(counting.writes).toBeGreaterThan(5);
      for (let n = 1; n <= counting.writes; n++) {
        const { store, cleanup } = await lakeWithOldFiles();
        try {
          await expect(replacePartitionFiles(new CrashingStore(store, n), 'r', [D1, D2], local.files)).rejects.toThrow(SimulatedCrash);
          await rollForward(store);
          const after = await snapshot(store);
          // before the intent nothing a reader sees has changed; from the intent on, the commit is finished
          expect({ n, same: JSON.stringify(after) === JSON.stringify(expected) || JSON.stringify(after) === JSON.stringify(before) }).toEqual({ n, same: true });
          expect(await store.list(COMMITS_PREFIX)).toEqual([]);
        } finally {
          cleanup();
        }
      }
    } finally {
      local.cleanup();
    }
  });

  it('rollForward is idempotent: run twice, or crashed at any of its own writes and run again, it ends the same', async () => {
    const local = localFiles(REPLACED);
    /** A lake whose replacement died right after its intent was written. */
    const interrupted = async (): Promise<{ store: FsObjectStore; cleanup: () => void }> => {
      const lake = await lakeWithOldFiles();
      await expect(replacePartitionFiles(new CrashingStore(lake.store, local.files.length + 2), 'r', [D1, D2], local.files)).rejects.toThrow(SimulatedCrash);
      return lake;
    };
    try {
      const { store: once, cleanup: cleanOnce } = await interrupted();
      expect(await rollForward(once)).toEqual(['r']);
      const expected = await snapshot(once);
      expect(await rollForward(once)).toEqual([]);
      expect(await snapshot(once)).toEqual(expected);
      cleanOnce();
      expect(Object.keys(expected).sort()).toEqual(Object.keys(REPLACED).sort());

      const { store: counted, cleanup: cleanCounted } = await interrupted();
      const counting = new CrashingStore(counted);
      await rollForward(counting);
      cleanCounted();
      expect(counting.writes).toBeGreaterThan(2);
      for (let n = 1; n <= counting.writes; n++) {
        const { store, cleanup } = await interrupted();
        try {
          await expect(rollForward(new CrashingStore(store, n))).rejects.toThrow(SimulatedCrash);
          await rollForward(store);
          expect({ n, lake: await snapshot(store) }).toEqual({ n, lake: expected });
        } finally {
          cleanup();
        }
      }
    } finally {
      local.cleanup();
    }
  });

  it('rollForward removes the staged copies of a commit that never wrote its intent, and touches nothing else', async () => {
    const { store, cleanup } = await lakeWithOldFiles();
    const local = localFiles(NEW_FILES);
    try {
      const before = await snapshot(store);
      await expect(commitFiles(new CrashingStore(store, 2), 'c', local.files)).rejects.toThrow(SimulatedCrash);
      expect((await store.list(COMMITS_PREFIX)).length).toBe(1);
      expect(await rollForward(store)).toEqual([]);
      expect(await snapshot(store)).toEqual(before);
    } finally {
      local.cleanup();
      cleanup();
    }
  });

  it('a commit under the id of an interrupted one finishes that one first', async () => {
    const { store, cleanup } = tempLake('commit-again');
    const first = localFiles({ [`${D1}part-x.parquet`]: 'x' });
    const second = localFiles({ [`${D2}part-y.parquet`]: 'y' });
    try {
      // the staged copy and the intent are written, the put is not
      await expect(commitFiles(new CrashingStore(store, 3), 'same', first.files)).rejects.toThrow(SimulatedCrash);
      await commitFiles(store, 'same', second.files);
      expect(await snapshot(store)).toEqual({ [`${D1}part-x.parquet`]: 'x', [`${D2}part-y.parquet`]: 'y' });
    } finally {
      first.cleanup();
      second.cleanup();
      cleanup();
    }
  });

  it('refuses a commit id that is not one key segment', async () => {
    const { store, cleanup } = tempLake('commit-id');
    try {
      await expect(commitFiles(store, 'a/b', [])).rejects.toThrow(/one key segment/);
      await expect(commitFiles(store, '', [])).rejects.toThrow(/one key segment/);
    } finally {
      cleanup();
    }
  });
});
