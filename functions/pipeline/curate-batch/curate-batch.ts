import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_COLUMNS, CURATED_PARTITION_COLUMN } from '../../lib/curated-schema';
import { createDuckDb, duckDbMemoryMb, type DuckDbSettings } from '../../lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../lib/duckdb/duckdb-rows';
import { PipelineStateError } from '../../lib/errors';
import { withSettings } from '../../lib/duckdb/duckdb-settings';
import {
  curateCommitId,
  curatedBatchFileKey,
  CURATED_TABLES,
  PRODUCTS_KEY,
  REFERENCE_PREFIX,
  runPrefix,
  runRecordKeys,
  STAGED_EVENTS_GLOB,
  isStagedPart,
  stagingPrefix,
  STORES_KEY,
  type CuratedTable,
} from '../../lib/lake-layout';
import type { LakeFiles, ObjectInfo, ObjectStore } from '../../lib/ports';
import { commitFiles, type CommitFile } from '../../lib/pipeline/curated-commit';
import { writeJson } from '../../lib/pipeline/json-objects';
import { settingsFromEnv } from '../../lib/pipeline/pipeline-settings';
import { scratchDir } from '../../lib/pipeline/work-dir';
import type { CurateResult, DateTotals } from '../../lib/pipeline/state';
import { readSql } from '../../lib/sql-files';
import { acceptedIdFiles, migrateDailyAcceptedIds, migrateFlatAcceptedIds, putAcceptedIds, viewAcceptedIds } from './accepted-ids';
import { writePartitionFiles } from '../../lib/duckdb/partition-files';
import { packInOrder } from '../../lib/pack-in-order';

/** Columns of a staged line `{"seq":..,"event":{..}}` as read from NDJSON (explicit, never inferred). */
export const STAGED_COLUMNS = `{
  seq: 'BIGINT',
  event: 'STRUCT(event_id VARCHAR, event_type VARCHAR, schema_version INTEGER, store_id VARCHAR, occurred_at VARCHAR,
    transaction_id VARCHAR, customer_id VARCHAR, payment_method VARCHAR,
    lines STRUCT(sku VARCHAR, quantity INTEGER, unit_price DOUBLE, discount DOUBLE)[],
    sku VARCHAR, on_hand_qty INTEGER, reorder_point INTEGER, quantity_change INTEGER, reason VARCHAR,
    po_id VARCHAR, quantity INTEGER, expected_date VARCHAR, supplier VARCHAR)'
}`;

/** The order of a batch file's rows: the same input gives the same file. */
const FILE_ORDER: Record<CuratedTable, string> = {
  sales_lines: 'store_id, sku, event_id, line_no',
  inventory_events: 'store_id, sku, event_id',
  purchase_orders: 'store_id, sku, event_id',
};

/**
 * The start of a Curate session: the transforms' functions, the reference data (stores, products) and the staged
 * events of `stagedGlob` (staged_events; seq, set by Validate, is the arrival order the dedup keeps).
 * With `scratch` (a folder of the session's own, and the batch's staged part files in `chunks`), each chunk's staged
 * events are parsed once into a Parquet file there and staged_events is a view over them all: each later read takes
 * only the columns it needs, and memory does not grow with the batch. Returns those files (for curateNewRows), none
 * for the table.
 * Without it (a batch whose staged events take a small share of DuckDB's memory, stagedInMemoryBytes, and
 * recovery's sessions), staged_events is a table in DuckDB's memory, one chunk: encoding and decoding the file cost
 * more than the table (a seed day's 785,000 events, 254 MB of NDJSON: 1.0-1.1 s against 0.55-0.6 s), but the table
 * spills uncompressed (a 10M-line day's Curate: 35 s with the file, 43 s with the table) and needs more memory to
 * go on at all.
 */
export async function openCurateSession(
  conn: DuckDBConnection,
  files: LakeFiles,
  stagedGlob: string,
  scratch?: { dir: string; chunks: string[][] },
): Promise<string[]> {
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(readSql('transform/functions.duckdb.sql'));
  const refDir = await files.materialize(REFERENCE_PREFIX);
  const refPath = (key: string): string => join(refDir, key.slice(REFERENCE_PREFIX.length));
  await conn.run(`CREATE TEMP TABLE stores AS SELECT * FROM read_csv(${sqlString(refPath(STORES_KEY))}, header = true, all_varchar = true)`);
  await conn.run(`CREATE TEMP TABLE products AS SELECT sku, CAST(unit_cost AS DOUBLE) AS unit_cost FROM read_csv(${sqlString(refPath(PRODUCTS_KEY))}, header = true, all_varchar = true)`);
  const staged = (source: string): string => `SELECT seq, event.* FROM read_json(${source}, format = 'newline_delimited', columns = ${STAGED_COLUMNS})`;
  if (scratch === undefined) {
    // the rows' order is seq's, not the files': without insertion order the parse streams instead of buffering
    await withoutInsertionOrder(conn, () => conn.run(`CREATE TEMP TABLE staged_events AS ${staged(sqlString(stagedGlob))}`));
    return [];
  }
  const chunkFiles: string[] = [];
  for (const [i, parts] of scratch.chunks.entries()) {
    const path = join(scratch.dir, `staged_events-${i}.parquet`);
    // the rows' order is seq's, not the file's: without insertion order the COPY streams instead of buffering
    await withoutInsertionOrder(conn, () => conn.run(`COPY (${staged(`[${parts.map(sqlString).join(', ')}]`)}) TO ${sqlString(path)} (FORMAT PARQUET)`));
    chunkFiles.push(path);
  }
  await viewStagedEvents(conn, chunkFiles);
  return chunkFiles;
}

/** staged_events as the view over `files`, staged events parsed to Parquet. */
const viewStagedEvents = (conn: DuckDBConnection, files: string[]): Promise<unknown> =>
  conn.run(`CREATE OR REPLACE TEMP VIEW staged_events AS SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}])`);

/** Runs `work` with DuckDB free to reorder rows of results without ORDER BY. */
const withoutInsertionOrder = <T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> => withSettings(conn, { preserve_insertion_order: false }, work);

/** The transforms whose rows are a curated table's: new_<table> is the batch's new rows of <table>. */
const NEW_ROWS: Record<CuratedTable, string> = {
  sales_lines: 'transform/sales_lines.sql',
  inventory_events: 'transform/inventory_events.sql',
  purchase_orders: 'transform/purchase_orders.sql',
};

/**
 * The transforms of sql/transform/ over staged_events, minus the ids in accepted_ids (a view the caller makes):
 * new_sales_lines, new_inventory_events and new_purchase_orders, tables in DuckDB's memory (spilled beyond its
 * memory_limit; in chunks, below, views over Parquet files). `byDate` (Curate) stores their rows in business date
 * order, and within a date in the files' order (FILE_ORDER), so that a date's rows sit in row groups of their own:
 * writeBatchFiles then reads only those for each date, and the writes cost the rows, not rows times dates; and a
 * date's file is written in that order as stored, with no second sort.
 * `chunks` (openCurateSession's files, when there are several): the rows are made and ordered a chunk at a time,
 * each chunk's written to a Parquet file beside its staged events, and new_<table> is a view over those files in
 * the chunks' order. No sort holds more than a chunk, and the rows are not kept in DuckDB's memory, which would
 * spill them (one sort of a 10M-line day's 10.7M rows spilled 2.8 GB and took 20-23 s, twice its time per row at
 * 1M; sorted a chunk at a time into one table, 10-11 s, but the date's COPY then read the spilled table in 7-9 s,
 * against 4 s from these files). A date's file then holds one run in the files' order per chunk. The dedup and the dating still see the whole batch
 * (new_events, dated_events).
 */
export async function curateNewRows(conn: DuckDBConnection, byDate = false, chunks: string[] = []): Promise<void> {
  await withoutInsertionOrder(conn, async () => {
    await conn.run(`CREATE TEMP TABLE new_events AS ${readSql('transform/new_events.sql')}`);
    await conn.run(`CREATE TEMP TABLE dated_events AS ${readSql('transform/dated_events.sql')}`);
  });
  const undated = await readRows(conn, readSql('transform/undated_stores.sql'));
  if (undated.length > 0) {
    const stores = undated.map((r) => `${String(r.store_id)} (${Number(r.events)} events)`).join(', ');
    throw new PipelineStateError(
      `store_id: ${stores} not in reference/stores.csv, which Validate found them in: restore the stores (with their timezone) and run again; nothing of this batch was curated`,
    );
  }
  await conn.run(`CREATE TEMP VIEW new_event_lines AS ${readSql('transform/event_lines.duckdb.sql')}`);
  const rows = (table: CuratedTable): string => `SELECT * FROM (${readSql(NEW_ROWS[table])}\n)${byDate ? `\nORDER BY business_date, ${FILE_ORDER[table]}` : ''}`;
  if (chunks.length <= 1) {
    // a table of the database, not TEMP (a connection's own): Curate writes its dates' files on two connections
    for (const table of CURATED_TABLES) await conn.run(`CREATE TABLE new_${table} AS ${rows(table)}`);
    return;
  }
  const files = new Map(CURATED_TABLES.map((table) => [table, [] as string[]]));
  // staged_events (which new_event_lines and the transforms read) is each chunk's file in turn, then all of them again
  for (const [i, chunk] of chunks.entries()) {
    await viewStagedEvents(conn, [chunk]);
    for (const table of CURATED_TABLES) {
      const path = join(dirname(chunk), `new_${table}-${i}.parquet`);
      await conn.run(`COPY (${rows(table)}) TO ${sqlString(path)} (FORMAT PARQUET)`);
      files.get(table)?.push(path);
    }
  }
  await viewStagedEvents(conn, chunks);
  // a view of the database, not TEMP, as the table above; in the files' order, which a read keeps while
  // preserve_insertion_order is on
  for (const [table, paths] of files) await conn.run(`CREATE VIEW new_${table} AS SELECT * FROM read_parquet([${paths.map(sqlString).join(', ')}])`);
}

/**
 * Writes the batch's new rows of `table` as one local Parquet file per business date, each bound for the batch's
 * own key in that date's partition (curatedBatchFileKey), in statements whose number does not grow with the dates
 * (functions/lib/duckdb/partition-files.ts). Rows already in the partitions are never read or rewritten: the accepted ids kept them
 * out of the new rows. Returns the files and their dates.
 */
async function writeBatchFiles(conns: DuckDBConnection[], table: CuratedTable, batchId: string, workDir: string): Promise<{ dates: string[]; files: CommitFile[] }> {
  const written = await writePartitionFiles(
    conns,
    { table: `new_${table}`, partitionColumn: CURATED_PARTITION_COLUMN, columns: Object.keys(CURATED_COLUMNS[table]), order: FILE_ORDER[table], presorted: true },
    join(workDir, table),
  );
  // handed over: the commit moves each file into its staging, so the scratch folder holds no second name of it to remove
  return { dates: written.map((w) => w.value), files: written.map((w) => ({ key: curatedBatchFileKey(table, w.value, batchId), path: w.path, handOver: true })) };
}

/** The batch's totals per business date (sql/transform/date_totals.sql). */
async function dateTotalsOf(conn: DuckDBConnection): Promise<DateTotals> {
  const totals: DateTotals = {};
  for (const r of await readRows(conn, `SELECT CAST(business_date AS VARCHAR) AS d, * EXCLUDE (business_date) FROM (${readSql('transform/date_totals.sql')})`)) {
    totals[String(r.d)] = { salesLines: Number(r.sales_lines), netRevenueCents: Number(r.net_revenue_cents), inventoryEvents: Number(r.inventory_events) };
  }
  return totals;
}

/** The batch's staged NDJSON part files (STAGED_EVENTS_GLOB), in seq order, as the store lists them. */
async function stagedParts(store: ObjectStore, batchId: string): Promise<ObjectInfo[]> {
  return (await store.list(stagingPrefix(batchId))).filter((o) => isStagedPart(o.key.slice(o.key.lastIndexOf('/') + 1)));
}

/** The least NDJSON bytes of a chunk of staged events that Curate orders at a time (see curateNewRows), whatever its
 * memory limit: each chunk's statements join the whole batch's dated_events, so a small limit (a test's, a small
 * Lambda's) must not make a chunk of every part file. */
export const MIN_CHUNK_BYTES = 64 * 1024 * 1024;

/**
 * The most NDJSON bytes of staged events Curate parses into a table of DuckDB's memory under a memory limit of
 * `memoryMb` (larger batches go through a Parquet file in scratch): half the limit, less 32 MiB. Measured from the
 * Lambda bundle (test/infra/lambda-environment.test.ts): 11.1 MiB of staged events curated through the table at a
 * limit of 56 MB (spilling) but ran out of memory at 46 MB, where the file spills and still fits; 140 MiB at 512 MB,
 * and the seed day's 254 MB at 640 MB, took the table with the RSS the file took.
 */
export const stagedInMemoryBytes = (memoryMb: number): number => Math.max(0, (memoryMb / 2 - 32) * 1024 * 1024);

/**
 * `work`: the work folder (scratch, DuckDB's spill files) and DuckDB's memory and threads. `inMemoryBytes`: staged
 * events of at most this many NDJSON bytes are parsed into a table of DuckDB's memory, larger ones into Parquet
 * files in scratch (openCurateSession); by default stagedInMemoryBytes of DuckDB's memory limit. `chunkBytes`: the
 * latter's part files go in chunks of consecutive parts of at most this many bytes (a part larger makes a chunk
 * alone), whose rows are ordered a chunk at a time (curateNewRows); by default the larger of inMemoryBytes and
 * MIN_CHUNK_BYTES.
 */
export async function curateBatch(
  store: ObjectStore,
  files: LakeFiles,
  batchId: string,
  work: DuckDbSettings = settingsFromEnv(),
  inMemoryBytes = stagedInMemoryBytes(duckDbMemoryMb(work)),
  chunkBytes = Math.max(inMemoryBytes, MIN_CHUNK_BYTES),
): Promise<CurateResult> {
  const workDir = await scratchDir(work.workDir, 'curate');
  const db = await createDuckDb(work);
  const conn = await db.connect();
  // a second connection writes half of a long history's small date files at the same time (partition-files.ts)
  const second = availableParallelism() > 1 ? await db.connect() : undefined;
  try {
    const stagedDir = await files.materialize(stagingPrefix(batchId));
    const parts = await stagedParts(store, batchId);
    const inMemory = parts.reduce((bytes, o) => bytes + o.size, 0) <= inMemoryBytes;
    // a larger batch in chunks of consecutive parts, each of about what the table would have held
    const chunks = packInOrder(parts, (o) => o.size, chunkBytes).map((chunk) => chunk.map((o) => join(stagedDir, basename(o.key))));
    const chunkFiles = await openCurateSession(conn, files, join(stagedDir, STAGED_EVENTS_GLOB), inMemory ? undefined : { dir: workDir, chunks });

    // Event ids accepted by earlier batches on the batch's dates (a lake of the flat or daily layout is moved over first).
    await migrateFlatAcceptedIds(conn, store, files, workDir);
    await migrateDailyAcceptedIds(conn, store, workDir);
    await viewAcceptedIds(conn, files, batchId);

    await curateNewRows(conn, true, chunkFiles);

    const [counts] = await readRows(conn, readSql('transform/batch_counts.duckdb.sql'));
    // the staged events are in the new rows now: their memory goes to the writes (a seed day's table is 233 MB of 640)
    await conn.run(inMemory ? 'DROP TABLE staged_events' : 'DROP VIEW staged_events');

    // Accepted ids are recorded before the curated files are committed: a re-run leaves its own out, so it writes the
    // same files. Their puts overlap the writing of the curated files, which stay local until the commit.
    const idFiles = await acceptedIdFiles(conn, batchId, workDir);
    // what the accepted ids were read from is not read again: its memory, too, goes to the writes
    for (const table of ['ids_to_write', 'new_events', 'dated_events']) await conn.run(`DROP TABLE ${table}`);
    const writeAll = async (): Promise<{ affectedDates: Record<CuratedTable, string[]>; files: CommitFile[] }> => {
      const affectedDates = {} as Record<CuratedTable, string[]>;
      const files: CommitFile[] = [];
      for (const table of CURATED_TABLES) {
        const written = await writeBatchFiles(second ? [conn, second] : [conn], table, batchId, workDir);
        affectedDates[table] = written.dates;
        files.push(...written.files);
      }
      return { affectedDates, files };
    };
    // both settle before either's failure is thrown: nothing of this batch still runs once Curate has failed
    const [idsPut, written] = await Promise.allSettled([putAcceptedIds(store, idFiles), writeAll()]);
    if (idsPut.status === 'rejected') throw idsPut.reason;
    if (written.status === 'rejected') throw written.reason;
    const { affectedDates } = written.value;
    await commitFiles(store, curateCommitId(batchId), written.value.files);

    const result: CurateResult = {
      batchId,
      curatedEvents: Number(counts.curated_events),
      duplicates: Number(counts.staged) - Number(counts.curated_events),
      rows: { sales_lines: Number(counts.sales_lines), inventory_events: Number(counts.inventory_events), purchase_orders: Number(counts.purchase_orders) },
      netRevenue: Number(counts.net_revenue),
      affectedDates,
      dateTotals: await dateTotalsOf(conn),
    };
    await writeJson(store, runRecordKeys(runPrefix(batchId)).curate, result);
    return result;
  } finally {
    second?.closeSync();
    conn.closeSync();
    db.closeSync();
    // synchronous: a history's partitioned writes leave a folder per date, and the promise form awaits each removal
    rmSync(workDir, { recursive: true, force: true });
  }
}
