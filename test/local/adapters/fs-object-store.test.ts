import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CONTROL_PREFIX, CURATED_PREFIX, RAW_PREFIX, REFERENCE_PREFIX } from '../../../functions/lib/lake-layout';
import { scratchDir, workPaths } from '../../../functions/lib/pipeline/work-dir';
import { removeRunLeftovers } from '../../../local/adapters/run-leftovers';
import { tempLake } from '../../helpers/lake-fixture';

describe('the local object store', () => {
  it('replaces a prefix from a folder anywhere with puts and deletes: no rename of the folder, no folder set aside', async () => {
    const { root, store, cleanup } = tempLake('fs-replace');
    const local = mkdtempSync(join(tmpdir(), 'fs-replace-src-'));
    try {
      await store.put(`${CONTROL_PREFIX}staging/b/old.ndjson`, 'old');
      await store.put(`${CONTROL_PREFIX}staging/b/kept.ndjson`, 'was');
      mkdirSync(join(local, 'sub'));
      writeFileSync(join(local, 'kept.ndjson'), 'now');
      writeFileSync(join(local, 'sub', 'new.ndjson'), 'new');
      await store.replacePrefix(`${CONTROL_PREFIX}staging/b/`, local);
      const keys = (await store.list(`${CONTROL_PREFIX}staging/`)).map((o) => o.key);
      expect(keys).toEqual([`${CONTROL_PREFIX}staging/b/kept.ndjson`, `${CONTROL_PREFIX}staging/b/sub/new.ndjson`]);
      expect((await store.get(`${CONTROL_PREFIX}staging/b/kept.ndjson`)).toString()).toBe('now');
      expect(readdirSync(join(root, CONTROL_PREFIX, 'staging'))).toEqual(['b']);
      expect(existsSync(join(local, 'kept.ndjson'))).toBe(true); // copied, not moved
    } finally {
      rmSync(local, { recursive: true, force: true });
      cleanup();
    }
  });

  it('lists by any prefix as S3 does, also one that ends inside a folder name (a month of dates)', async () => {
    const { store, cleanup } = tempLake('fs-list');
    try {
      const table = `${CURATED_PREFIX}t/`;
      const keys = ['2024-01-31/a', '2024-02-01/a', '2024-02-01/sub/b', '2024-02-29/c', '2024-03-01/a'].map((k) => `${table}business_date=${k}.parquet`);
      for (const key of keys) await store.put(key, 'x');
      const list = async (prefix: string): Promise<string[]> => (await store.list(prefix)).map((o) => o.key);
      expect(await list(`${table}business_date=2024-02-`)).toEqual(keys.slice(1, 4));
      expect(await list(`${table}business_date=2024-02-01/s`)).toEqual([keys[2]]);
      expect(await list(`${table}business_date=2024-0`)).toEqual(keys);
      expect(await list(`${table}business_date=2024-02-01/a.parquet`)).toEqual([keys[1]]);
      expect(await list(`${table}business_date=2025`)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('puts many objects together: each body read once, every object in place, no temporary file left', async () => {
    const { root, store, cleanup } = tempLake('fs-put-many');
    try {
      const keys = ['2024-01-01', '2024-01-02', '2024-01-02b'].map((d) => `${CURATED_PREFIX}t/business_date=${d.slice(0, 10)}/${d}.parquet`);
      await store.put(keys[0], 'old');
      const reads: string[] = [];
      await store.putMany(keys.map((key) => ({ key, body: async () => (reads.push(key), `body of ${key}`) })));
      expect(reads.sort()).toEqual([...keys].sort());
      for (const key of keys) expect((await store.get(key)).toString()).toBe(`body of ${key}`);
      expect(readdirSync(join(root, CURATED_PREFIX, 't'), { recursive: true }).filter((f) => String(f).includes('.tmp-'))).toEqual([]);
      // a local file on the lake's file system is linked in, not written again (its body is never read)
      const local = join(root, '.work', 'f.parquet');
      mkdirSync(dirname(local), { recursive: true });
      writeFileSync(local, 'from a file');
      const linkedKey = `${CURATED_PREFIX}t/business_date=2024-01-03/f.parquet`;
      await store.putMany([{ key: linkedKey, path: local, body: () => Promise.reject(new Error('body read')) }]);
      expect((await store.get(linkedKey)).toString()).toBe('from a file');
      expect(statSync(store.pathOf(linkedKey)).ino).toBe(statSync(local).ino);
      // one handed over is moved in: the same file at the key, none left at its path, no temporary sibling
      const given = join(root, '.work', 'given.parquet');
      writeFileSync(given, 'handed over');
      const ino = statSync(given).ino;
      const givenKey = `${CURATED_PREFIX}t/business_date=2024-01-04/g.parquet`;
      await store.putMany([{ key: givenKey, path: given, handOver: true, body: () => Promise.reject(new Error('body read')) }]);
      expect((await store.get(givenKey)).toString()).toBe('handed over');
      expect(statSync(store.pathOf(givenKey)).ino).toBe(ino);
      expect(existsSync(given)).toBe(false);
      expect(readdirSync(dirname(store.pathOf(givenKey)))).toEqual(['g.parquet']);
    } finally {
      cleanup();
    }
  });

  it('copies an object by a link: at a new key directly, over an existing one through a temporary sibling', async () => {
    const { store, cleanup } = tempLake('fs-copy');
    try {
      const [from, fresh, existing] = ['a/f.parquet', 'b/business_date=2024-01-01/f.parquet', 'c/f.parquet'];
      await store.put(from, 'new bytes');
      await store.put(existing, 'old bytes');
      await store.copy(from, fresh);
      await store.copy(from, existing);
      for (const key of [fresh, existing]) {
        expect((await store.get(key)).toString()).toBe('new bytes');
        expect(statSync(store.pathOf(key)).ino).toBe(statSync(store.pathOf(from)).ino);
        expect(readdirSync(dirname(store.pathOf(key)))).toEqual(['f.parquet']);
      }
    } finally {
      cleanup();
    }
  });

  it('removes the temporary files of killed puts in the given zones only, and never lists them', async () => {
    const { root, store, cleanup } = tempLake('fs-temp');
    try {
      const partition = join(root, CURATED_PREFIX, 'sales_lines', 'business_date=2024-01-01');
      mkdirSync(partition, { recursive: true });
      writeFileSync(join(partition, 'part-b1.parquet.tmp-0a1b2c3d'), 'half');
      await store.put(`${CURATED_PREFIX}sales_lines/business_date=2024-01-01/part-b1.parquet`, 'whole');
      mkdirSync(join(root, RAW_PREFIX), { recursive: true });
      writeFileSync(join(root, RAW_PREFIX, 'x.gz.tmp-0a1b2c3d'), 'an ingest in progress');
      expect((await store.list(CURATED_PREFIX)).map((o) => o.key)).toEqual([`${CURATED_PREFIX}sales_lines/business_date=2024-01-01/part-b1.parquet`]);
      expect(await store.removeTempFiles([CURATED_PREFIX, CONTROL_PREFIX])).toBe(1);
      expect(readdirSync(partition)).toEqual(['part-b1.parquet']);
      expect(existsSync(join(root, RAW_PREFIX, 'x.gz.tmp-0a1b2c3d'))).toBe(true);
    } finally {
      cleanup();
    }
  });
});

describe('the leftovers of a killed local run', () => {
  it('are removed by the next run: temp files of the run’s zones and the steps’ scratch folders, nothing else', async () => {
    const { root, store, cleanup } = tempLake('leftovers');
    try {
      const workDir = join(root, '.work');
      const scratch = await scratchDir(workDir, 'curate');
      writeFileSync(join(scratch, 'sales_lines-2024-01-01.parquet'), 'x');
      mkdirSync(workPaths(workDir).duckdb, { recursive: true });
      writeFileSync(join(workPaths(workDir).duckdb, 'keep'), 'spill of a running query');
      await store.put(`${CONTROL_PREFIX}checkpoint.json`, '{}');
      writeFileSync(join(root, `${CONTROL_PREFIX}checkpoint.json.tmp-deadbeef`), '{');
      await store.put(`${REFERENCE_PREFIX}stores/stores.csv`, 'a');
      writeFileSync(join(root, `${REFERENCE_PREFIX}stores/stores.csv.tmp-deadbeef`), 'a reference load in progress');

      await removeRunLeftovers(root, workDir);
      expect(existsSync(workPaths(workDir).scratch)).toBe(false);
      expect(existsSync(join(workPaths(workDir).duckdb, 'keep'))).toBe(true);
      expect(readdirSync(join(root, CONTROL_PREFIX))).toEqual(['checkpoint.json']);
      expect(readdirSync(join(root, REFERENCE_PREFIX, 'stores')).sort()).toEqual(['stores.csv', 'stores.csv.tmp-deadbeef']);
      await removeRunLeftovers(root, workDir); // nothing left: no error
    } finally {
      cleanup();
    }
  });
});
