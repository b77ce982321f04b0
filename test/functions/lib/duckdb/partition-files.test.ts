import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDb, openDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../../../functions/lib/duckdb/duckdb-rows';
import { writePartitionFiles, type PartitionedTable } from '../../../../functions/lib/duckdb/partition-files';

describe('writePartitionFiles', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'partition-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // 40 dates of 1..3 rows and one date of 50 rows, in no particular order
  const rowsSql = `SELECT CAST(DATE '2023-01-01' + CAST(CASE WHEN i < 50 THEN 400 ELSE i % 40 END AS INTEGER) AS DATE) AS business_date,
      'S' || CAST(hash(i) % 7 AS VARCHAR) AS store_id, 'E' || lpad(CAST(i AS VARCHAR), 4, '0') AS event_id, i AS amount
    FROM range(130) r(i) ORDER BY hash(i * 31)`;
  const table: PartitionedTable = { table: 'rows', partitionColumn: 'business_date', columns: ['business_date', 'store_id', 'event_id', 'amount'], order: 'store_id, event_id' };

  it('writes one file per date whose rows are exactly the date’s, in the same bytes each time', async () => {
    const conn = await openDuckDb();
    await conn.run(`CREATE TEMP TABLE rows AS ${rowsSql}`);
    const threads = async (): Promise<unknown> => (await readRows(conn, `SELECT current_setting('threads') AS t`))[0].t;
    const threadsBefore = await threads();
    // 20 rows and up count as large: the 50-row date takes the own-COPY path, the others one partitioned COPY
    const first = await writePartitionFiles(conn, table, join(dir, 'a'), 20);
    const second = await writePartitionFiles(conn, table, join(dir, 'b'), 20);

    const dates = (await readRows(conn, `SELECT DISTINCT CAST(business_date AS VARCHAR) AS d FROM rows ORDER BY d`)).map((r) => String(r.d));
    expect(first.map((f) => f.value)).toEqual(dates);
    expect(dates).toHaveLength(41);
    for (const { value, path } of first) {
      const inFile = await readRows(conn, `SELECT CAST(business_date AS VARCHAR) AS business_date, store_id, event_id, amount FROM read_parquet(${sqlString(path)})`);
      const expected = await readRows(
        conn,
        `SELECT CAST(business_date AS VARCHAR) AS business_date, store_id, event_id, amount FROM rows WHERE business_date = CAST(${sqlString(value)} AS DATE) ORDER BY store_id, event_id`,
      );
      // same rows; the large date also in `order` (it was written by a COPY of its own)
      if (value === '2024-02-05') expect(inFile).toEqual(expected);
      else expect([...inFile].sort((a, b) => String(a.event_id).localeCompare(String(b.event_id)))).toEqual([...expected].sort((a, b) => String(a.event_id).localeCompare(String(b.event_id))));
    }
    expect(first.find((f) => f.value === '2024-02-05')!.path).toMatch(/large-2024-02-05\.parquet$/);
    // the same input gives the same files, whether the small dates go in one COPY or in groups of at most 10 rows
    expect(first.map((f) => readFileSync(f.path))).toEqual(second.map((f) => readFileSync(f.path)));
    const grouped = await writePartitionFiles(conn, table, join(dir, 'd'), 20, 10);
    expect(new Set(grouped.map((f) => f.path.split('/').at(-3))).size).toBeGreaterThan(5);
    expect(grouped.map((f) => readFileSync(f.path))).toEqual(first.map((f) => readFileSync(f.path)));
    // ... or in groups of at most 4 dates: 40 small dates, 10 COPYs
    const fewDates = await writePartitionFiles(conn, table, join(dir, 'f'), 20, 1_000_000, 4);
    expect(new Set(fewDates.filter((f) => !f.path.includes('large-')).map((f) => f.path.split('/').at(-3))).size).toBe(10);
    expect(fewDates.map((f) => readFileSync(f.path))).toEqual(first.map((f) => readFileSync(f.path)));
    // a column left out of the files (the accepted ids keep only event_id) stays out
    const idsOnly = await writePartitionFiles(conn, { ...table, columns: ['event_id'], order: 'event_id' }, join(dir, 'c'), 20);
    const columns = await readRows(conn, `SELECT name FROM parquet_schema(${sqlString(idsOnly[0].path)}) WHERE name <> 'duckdb_schema'`);
    expect(columns.map((c) => c.name)).toEqual(['event_id']);
    // every file has the table's columns in their order, the partition column where it was
    for (const f of [first[0], first.find((x) => x.value === '2024-02-05')!]) {
      const names = await readRows(conn, `SELECT name FROM parquet_schema(${sqlString(f.path)}) WHERE name <> 'duckdb_schema'`);
      expect(names.map((c) => c.name)).toEqual(table.columns);
    }
    // rows stored in (date, order) order already: the large date's file is the same without a second sort, even
    // with insertion order off for the session
    await conn.run(`CREATE TEMP TABLE sorted_rows AS SELECT * FROM rows ORDER BY business_date, store_id, event_id`);
    await conn.run(`SET preserve_insertion_order = false`);
    const presorted = await writePartitionFiles(conn, { ...table, table: 'sorted_rows', presorted: true }, join(dir, 'e'), 20);
    await conn.run(`RESET preserve_insertion_order`);
    expect(readFileSync(presorted.find((f) => f.value === '2024-02-05')!.path)).toEqual(readFileSync(first.find((f) => f.value === '2024-02-05')!.path));
    // the one-thread setting of the partitioned COPY is put back
    expect(await threads()).toEqual(threadsBefore);
    conn.closeSync();
  });

  it('writes the same files on two connections at once, each taking groups in turn, and puts their settings back', async () => {
    const db = await createDuckDb();
    const [one, two] = [await db.connect(), await db.connect()];
    // a table of the database (a TEMP table would be the first connection's own)
    await one.run(`CREATE TABLE rows AS ${rowsSql}`);
    const setting = async (c: typeof one, name: string): Promise<unknown> => (await readRows(c, `SELECT current_setting(${sqlString(name)}) AS v`))[0].v;
    const before = [await setting(one, 'threads'), await setting(one, 'partitioned_write_max_open_files'), await setting(two, 'partitioned_write_max_open_files')];
    const alone = await writePartitionFiles(one, table, join(dir, 'one'), 20, 1_000_000, 4);
    const both = await writePartitionFiles([one, two], table, join(dir, 'two'), 20, 1_000_000, 4);
    expect(both.map((f) => f.value)).toEqual(alone.map((f) => f.value));
    expect(both.map((f) => readFileSync(f.path))).toEqual(alone.map((f) => readFileSync(f.path)));
    // 40 small dates in groups of 4: ten COPYs, as with one connection
    expect(new Set(both.filter((f) => !f.path.includes('large-')).map((f) => f.path.split('/').at(-3))).size).toBe(10);
    expect([await setting(one, 'threads'), await setting(one, 'partitioned_write_max_open_files'), await setting(two, 'partitioned_write_max_open_files')]).toEqual(before);
    // a failing COPY on either connection fails the call, once both have stopped
    await one.run(`CREATE TABLE bad_rows AS SELECT * FROM rows`);
    await expect(writePartitionFiles([one, two], { ...table, table: 'bad_rows', order: 'no_such_column' }, join(dir, 'bad'), 20, 1_000_000, 4)).rejects.toThrow(/no_such_column/);
    expect(await setting(one, 'threads')).toEqual(before[0]);
    one.closeSync();
    two.closeSync();
    db.closeSync();
  });
});
