import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totalmem } from 'node:os';
import { besideWarehouse, createDuckDb, DEFAULT_MEMORY_BUDGET_MB, MIN_DUCKDB_MEMORY_MB, duckDbConfig, DUCKDB_RSS_PER_LIMIT_MB, localDuckDbMemoryMb, NODE_RESERVE_MB, WAREHOUSE_RSS_PER_LIMIT_MB, withDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { duckdbMemoryLimitMb, LOCAL_MAX_BATCH_BYTES } from '../../../../functions/lib/pipeline/batch-sizing';
import { readRows } from '../../../../functions/lib/duckdb/duckdb-rows';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { projectPath } from '../../../../infra/lib/common/paths';
import { localSettings, warehouseSettings } from '../../../../local/local-runtime';

describe('the DuckDB factory', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'retail-lake-duckdb-factory-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('spills under <work>/duckdb, in a folder of each instance’s own, with the memory and threads of the settings', async () => {
    const settings = settingsFromEnv({ WORK_DIR: workDir, DUCKDB_MEMORY_MB: '200', DUCKDB_THREADS: '1' });
    const query = `SELECT current_setting('temp_directory') AS temp, current_setting('memory_limit') AS memory, current_setting('threads') AS threads`;
    const [first, second] = [await withDuckDb(settings, (conn) => readRows(conn, query)), await withDuckDb(settings, (conn) => readRows(conn, query))];
    expect(first).toEqual([{ temp: expect.stringMatching(new RegExp(`^${join(workDir, 'duckdb')}/\\d+-\\d+$`)), memory: expect.stringMatching(/^19\d\.\d MiB$/), threads: 1 }]);
    expect(second[0].temp).not.toBe(first[0].temp); // instances of one process never share spill files
    expect(existsSync(join(workDir, 'duckdb'))).toBe(true);
  });

  it('prefetches a Parquet row group’s column chunks in one read for local files too, without keeping them in the cache of remote files, on every connection, in memory and from a read-only file', async () => {
    const settings = settingsFromEnv({ WORK_DIR: workDir, DUCKDB_MEMORY_MB: '200' });
    const query = `SELECT current_setting('prefetch_all_parquet_files') AND NOT current_setting('enable_external_file_cache') AS prefetch`;
    expect(await withDuckDb(settings, (conn) => readRows(conn, query))).toEqual([{ prefetch: true }]);
    const path = join(workDir, 'w.duckdb');
    (await createDuckDb(settings, path)).closeSync();
    const readOnly = await createDuckDb(settings, path, { access_mode: 'READ_ONLY' });
    const [a, b] = [await readOnly.connect(), await readOnly.connect()];
    expect([...(await readRows(a, query)), ...(await readRows(b, query))]).toEqual([{ prefetch: true }, { prefetch: true }]);
    a.closeSync();
    b.closeSync();
    readOnly.closeSync();
  });

  it('sets a memory limit when the settings say 0: the Lambda’s share of its memory in Lambda, the process budget’s elsewhere', async () => {
    const settings = settingsFromEnv({ WORK_DIR: workDir });
    const local = localDuckDbMemoryMb(DEFAULT_MEMORY_BUDGET_MB, totalmem() / 2 ** 20);
    expect(duckDbConfig(settings, {})).toEqual({ temp_directory: expect.stringContaining(join(workDir, 'duckdb')), memory_limit: `${local}MB`, allocator_background_threads: 'true' });
    expect(duckDbConfig(settings, { MEMORY_BUDGET_MB: '4096' }).memory_limit).toBe(`${localDuckDbMemoryMb(4096, totalmem() / 2 ** 20)}MB`);
    expect(() => duckDbConfig(settings, { MEMORY_BUDGET_MB: 'lots' })).toThrow(/MEMORY_BUDGET_MB/);
    expect(duckDbConfig(settings, { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008' }).memory_limit).toBe(`${duckdbMemoryLimitMb(3008)}MB`);
    expect(duckDbConfig({ ...settings, duckdbMemoryMb: 300 }, { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008' }).memory_limit).toBe('300MB');
    const db = await createDuckDb(settings, join(workDir, 'file.duckdb'));
    const conn = await db.connect();
    const [row] = await readRows(conn, `SELECT current_setting('temp_directory') AS temp, current_setting('memory_limit') AS memory`);
    expect(String(row.temp).startsWith(join(workDir, 'duckdb'))).toBe(true);
    const explicit = await withDuckDb({ ...settings, duckdbMemoryMb: local }, (c) => readRows(c, `SELECT current_setting('memory_limit') AS memory`));
    expect(row.memory).toBe(explicit[0].memory);
    conn.closeSync();
    db.closeSync();
  });

  it('derives a local memory limit from the process budget: what Node leaves, over DuckDB’s RSS per MB of limit, at most half the machine', () => {
    const roomy = 64 * 1024;
    expect(localDuckDbMemoryMb(2048, roomy)).toBe(Math.floor((2048 - NODE_RESERVE_MB) / DUCKDB_RSS_PER_LIMIT_MB));
    // the limit times DuckDB's RSS per MB of it, plus Node's reserve, is the budget
    expect(localDuckDbMemoryMb(2048, roomy) * DUCKDB_RSS_PER_LIMIT_MB + NODE_RESERVE_MB).toBeLessThanOrEqual(2048);
    expect(localDuckDbMemoryMb(8192, roomy)).toBeGreaterThan(localDuckDbMemoryMb(2048, roomy));
    expect(localDuckDbMemoryMb(8192, 2048)).toBe(1024); // a small machine: half of it
    expect(localDuckDbMemoryMb(600, roomy)).toBe(256); // never below the floor
    // the local warehouse's limit, under the same budget
    const warehouse = warehouseSettings(localSettings('/data/lake', {}), {}).duckdbMemoryMb;
    expect(warehouse).toBe(localDuckDbMemoryMb(2048 - MIN_DUCKDB_MEMORY_MB, totalmem() / 2 ** 20, WAREHOUSE_RSS_PER_LIMIT_MB));
    expect(warehouse * WAREHOUSE_RSS_PER_LIMIT_MB + NODE_RESERVE_MB).toBeLessThanOrEqual(2048 - MIN_DUCKDB_MEMORY_MB);
    expect(warehouseSettings(localSettings('/data/lake', { DUCKDB_MEMORY_MB: '300' }), {}).duckdbMemoryMb).toBe(300);
  });

  it('gives a DuckDB that works beside the local warehouse’s load the floor, which the warehouse’s share leaves out', () => {
    const local = localSettings('/data/lake', {});
    expect(besideWarehouse(local, {})).toEqual({ ...local, duckdbMemoryMb: MIN_DUCKDB_MEMORY_MB });
    expect(duckDbConfig(besideWarehouse(local, {}), {}).memory_limit).toBe(`${MIN_DUCKDB_MEMORY_MB}MB`);
    // Node's reserve, the warehouse's share and the floor beside it fill the default budget, and no more
    const together = warehouseSettings(local, {}).duckdbMemoryMb * WAREHOUSE_RSS_PER_LIMIT_MB + NODE_RESERVE_MB + MIN_DUCKDB_MEMORY_MB;
    expect(together).toBeLessThanOrEqual(2048);
    expect(together).toBeGreaterThan(2048 - 2);
    // a Lambda has its memory to itself; DUCKDB_MEMORY_MB is kept as set
    const lambda = settingsFromEnv({});
    expect(besideWarehouse(lambda, { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008' })).toBe(lambda);
    expect(duckDbConfig(besideWarehouse(lambda, { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008' }), { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008' }).memory_limit).toBe(`${duckdbMemoryLimitMb(3008)}MB`);
    expect(besideWarehouse(localSettings('/data/lake', { DUCKDB_MEMORY_MB: '300' }), {}).duckdbMemoryMb).toBe(300);
  });

  it('spills work larger than its memory limit to the temp directory (and fails without one), leaving no spill files', async () => {
    const settings = settingsFromEnv({ WORK_DIR: workDir, DUCKDB_MEMORY_MB: '32', DUCKDB_THREADS: '1' });
    // a sort of 300,000 rows of 64-character strings: about 30 MB of keys, plus the sort's own
    const sort = `SELECT count(*) AS n, max(r) AS last FROM (SELECT row_number() OVER (ORDER BY h) AS r
      FROM (SELECT md5(CAST(i AS VARCHAR)) || md5(CAST(i + 1 AS VARCHAR)) AS h FROM range(300000) t(i)))`;
    expect(await withDuckDb(settings, (conn) => readRows(conn, sort))).toEqual([{ n: 300000, last: 300000 }]);
    expect(readdirSync(join(workDir, 'duckdb'))).toEqual([]);
    const noSpill = await createDuckDb(settings, ':memory:', { temp_directory: '' });
    const conn = await noSpill.connect();
    await expect(readRows(conn, sort)).rejects.toThrow(/Out of Memory/);
    conn.closeSync();
    noSpill.closeSync();
  });

  it('puts a local lake’s work folder inside the lake, unless WORK_DIR says otherwise', () => {
    expect(localSettings('/data/lake', {}).workDir).toBe('/data/lake/.work');
    expect(localSettings('/data/lake', { WORK_DIR: '/scratch' }).workDir).toBe('/scratch');
  });

  it('caps a local batch at LOCAL_MAX_BATCH_BYTES of raw objects, unless MAX_BATCH_BYTES says otherwise (0: no cap)', () => {
    expect(localSettings('/data/lake', {}).maxBatchBytes).toBe(LOCAL_MAX_BATCH_BYTES);
    expect(localSettings('/data/lake', { MAX_BATCH_BYTES: '0' }).maxBatchBytes).toBe(0);
    expect(settingsFromEnv({}).maxBatchBytes).toBe(0); // the cloud's comes from the CDK
  });
});

describe('every DuckDB of the code base', () => {
  it('is opened through the factory (no DuckDBInstance.create elsewhere in functions/, local/ or bench/)', () => {
    const openers: string[] = [];
    for (const folder of ['functions', 'local', 'bench']) {
      for (const file of readdirSync(projectPath(folder), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
        if (/DuckDBInstance\.create\(/.test(readFileSync(projectPath(folder, file), 'utf8'))) openers.push(`${folder}/${file}`);
      }
    }
    expect(openers).toEqual(['functions/lib/duckdb/duckdb-factory.ts']);
  });
});
