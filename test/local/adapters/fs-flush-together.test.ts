import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURATED_PREFIX } from '../../../functions/lib/lake-layout';
import { FLUSH_TOGETHER_FROM } from '../../../local/adapters/fs-object-store';
import { tempLake } from '../../helpers/lake-fixture';

// the flushes, counted: syncFileSystem can be made unavailable, as it is off Linux
const flushes = { fileSystem: 0, files: 0, folders: 0, unavailable: false };
jest.mock('../../../local/adapters/atomic-file', () => {
  const actual = jest.requireActual<typeof import('../../../local/adapters/atomic-file')>('../../../local/adapters/atomic-file');
  return {
    ...actual,
    syncFileSystem: async (path: string) => {
      if (flushes.unavailable) return false;
      flushes.fileSystem++;
      return actual.syncFileSystem(path);
    },
    fsyncFile: async (path: string) => {
      flushes.files++;
      return actual.fsyncFile(path);
    },
    fsyncDir: async (path: string) => {
      flushes.folders++;
      return actual.fsyncDir(path);
    },
  };
});

const dateKey = (i: number): string => `${CURATED_PREFIX}t/business_date=2024-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}/f.parquet`;

/** Puts `n` objects (a body, a local file linked, a file handed over, in turn) and copies each to a second key (the
 * first of them over an object already there); returns the flushes each took. */
async function putAndCopy(n: number) {
  const { root, store, cleanup } = tempLake('fs-flush');
  try {
    const keys = Array.from({ length: n }, (_, i) => dateKey(i));
    const work = join(root, '.work');
    mkdirSync(work, { recursive: true });
    const objects = keys.map((key, i) => {
      const body = async (): Promise<string> => `body ${i}`;
      if (i % 3 === 0) return { key, body };
      const path = join(work, `f${i}.parquet`);
      writeFileSync(path, `body ${i}`);
      return { key, body, path, handOver: i % 3 === 2 };
    });
    Object.assign(flushes, { fileSystem: 0, files: 0, folders: 0 });
    await store.putMany(objects);
    const put = { ...flushes };
    const copies = keys.map((key) => ({ from: key, to: key.replace('/t/', '/copied/') }));
    await store.put(copies[0].to, 'old bytes');
    Object.assign(flushes, { fileSystem: 0, files: 0, folders: 0 });
    await store.copyMany(copies);
    const copied = { ...flushes };
    for (const [i, key] of keys.entries()) expect((await store.get(key)).toString()).toBe(`body ${i}`);
    for (const c of copies) expect(statSync(store.pathOf(c.to)).ino).toBe(statSync(store.pathOf(c.from)).ino);
    expect(readdirSync(join(root, CURATED_PREFIX), { recursive: true }).filter((f) => String(f).includes('.tmp-'))).toEqual([]);
    expect(readdirSync(work).sort()).toEqual(keys.flatMap((_, i) => (i % 3 === 1 ? [`f${i}.parquet`] : [])).sort());
    return { put, copied };
  } finally {
    cleanup();
  }
}

describe('the local object store, flushing many objects together', () => {
  afterEach(() => (flushes.unavailable = false));

  it('puts and copies many objects with two flushes of the file system and one, not one per file and folder', async () => {
    const { put, copied } = await putAndCopy(FLUSH_TOGETHER_FROM + 6);
    expect(put).toEqual({ fileSystem: 2, files: 0, folders: 0, unavailable: false });
    expect(copied).toEqual({ fileSystem: 1, files: 0, folders: 0, unavailable: false });
  });

  it('flushes each file and folder where the file system cannot be flushed whole', async () => {
    flushes.unavailable = true;
    const n = FLUSH_TOGETHER_FROM + 6;
    const { put, copied } = await putAndCopy(n);
    // each object's file once, each date's folder once; the copied object that was there is replaced through a put
    expect(put).toEqual({ fileSystem: 0, files: n, folders: n, unavailable: true });
    expect(copied).toEqual({ fileSystem: 0, files: 0, folders: n, unavailable: true });
  });

  it('flushes a few objects one by one (a flush of the file system would take what else is waiting)', async () => {
    const n = FLUSH_TOGETHER_FROM - 1;
    const { put, copied } = await putAndCopy(n);
    // a body written is flushed through its own handle, every third object: the others' files by fsyncFile
    expect(put).toEqual({ fileSystem: 0, files: n - Math.ceil(n / 3), folders: n, unavailable: false });
    expect(copied).toEqual({ fileSystem: 0, files: 0, folders: n, unavailable: false });
  });

  it('flushes the whole file system on Linux', async () => {
    const { syncFileSystem } = jest.requireActual<typeof import('../../../local/adapters/atomic-file')>('../../../local/adapters/atomic-file');
    expect(await syncFileSystem(process.cwd())).toBe(process.platform === 'linux');
  });
});
