/**
 * store_day_baskets, the lake's sale baskets per store, business date and payment method
 * (sql/transform/store_day_baskets.duckdb.sql), kept for every date that has sales lines, in one file per month
 * (storeDayBasketsKey). Each run rebuilds the dates it touched from all of each date's sales_lines files, keeps the
 * month's other dates as the file has them, and replaces the month's file. Why a table of its own: a basket is a
 * distinct transaction id, and counting those over a month of lines (30M at the seed's scale) took 3 s a query; a
 * date's baskets cost 0.1-0.2 s once, when it changes. Why a file a month, not a date: a history of a thousand
 * sparse dates would be a thousand more files to create, which on a local disk costs more than their rows.
 *
 * It is derived and recomputed, so it needs no commit protocol: each file is put whole (atomically, on S3 and
 * locally), and a step that fails part-way is run again over the same dates (PlanBatch resumes a committed batch's
 * later steps; reprocess summarizes its dates before it records the warehouse reload done). A month left with no
 * sale lines loses its file.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_COLUMNS, PARTITION_COLUMN } from '../curated-schema';
import { createDuckDb, type DuckDbSettings } from '../duckdb/duckdb-factory';
import { readRows, sqlString } from '../duckdb/duckdb-rows';
import { writePartitionFiles } from '../duckdb/partition-files';
import { forEachLimited, putObjects } from '../for-each-limited';
import {
  curatedPartitionDate,
  curatedPartitionPrefix,
  curatedTablePrefix,
  monthStart,
  queryableTablePrefix,
  STORE_DAY_BASKETS_COMPLETE_KEY,
  storeDayBasketsKey,
} from '../lake-layout';
import type { LakeFiles, ObjectStore } from '../ports';
import { readSql } from '../sql-files';
import { writeJson } from './json-objects';
import { scratchDir } from './work-dir';

/** Partitions listed or materialized at once (each is a list, and in Lambda a download). */
const PREFIXES_IN_FLIGHT = 16;
/** At most this many bytes of sales_lines Parquet summarized in one statement (about 12M lines at the seed's
 * shape), so that a lake's first summary of a year of history holds a bounded number of transactions at a time. */
const CHUNK_BYTES = 256 * 1024 * 1024;
/** Months of a lake older than the table summarized in one run besides the run's own, newest first (a query's
 * default range is the latest 28 days): a Lambda's 15 minutes bound what one run may take on. */
export const MISSING_MONTHS_PER_RUN = 12;

export interface BasketsSummary {
  /** the dates rebuilt (those with sale lines) */
  dates: number;
  /** the months whose file was written */
  months: number;
  rows: number;
  /** months of an older lake still without a file after this call (summarized by the next runs) */
  missingLeft: number;
}

interface MonthWork {
  month: string;
  /** the dates rebuilt from their lines; the file's other dates are kept */
  dates: string[];
  /** the local paths of those dates' sales_lines files */
  lineFiles: string[];
  bytes: number;
  /** the month's current file, local (null: none) */
  current: string | null;
}

const byName = <T extends { month: string }>(a: T, b: T): number => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0);

/** Local paths of the Parquet files under `prefix`, and their bytes (none: nothing there). */
async function localFiles(store: ObjectStore, files: LakeFiles, prefix: string): Promise<{ paths: string[]; bytes: number }> {
  const objects = (await store.list(prefix)).filter((o) => o.key.endsWith('.parquet'));
  if (objects.length === 0) return { paths: [], bytes: 0 };
  const dir = await files.materialize(prefix);
  return { paths: objects.map((o) => join(dir, o.key.slice(prefix.length))), bytes: objects.reduce((a, o) => a + o.size, 0) };
}

/** The months of sales_lines without a store_day_baskets file, newest first, each with its dates. */
async function missingMonths(store: ObjectStore): Promise<Map<string, string[]>> {
  const months = new Map<string, string[]>();
  for (const o of await store.list(curatedTablePrefix('sales_lines'))) {
    const date = curatedPartitionDate('sales_lines', o.key);
    if (date === null || !o.key.endsWith('.parquet')) continue;
    const dates = months.get(monthStart(date)) ?? [];
    if (!dates.includes(date)) dates.push(date);
    months.set(monthStart(date), dates);
  }
  const partition = `${PARTITION_COLUMN.store_day_baskets}=`;
  for (const o of await store.list(queryableTablePrefix('store_day_baskets'))) {
    const at = o.key.indexOf(partition);
    if (at >= 0) months.delete(o.key.slice(at + partition.length, at + partition.length + 10));
  }
  return new Map([...months].sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0)));
}

/** What to read for each month: its touched dates' line files and its current file. */
async function monthWork(store: ObjectStore, files: LakeFiles, datesByMonth: Map<string, string[]>): Promise<MonthWork[]> {
  const out: MonthWork[] = [];
  await forEachLimited([...datesByMonth], PREFIXES_IN_FLIGHT, async ([month, dates]) => {
    const work: MonthWork = { month, dates, lineFiles: [], bytes: 0, current: null };
    for (const date of dates) {
      const found = await localFiles(store, files, curatedPartitionPrefix('sales_lines', date));
      work.lineFiles.push(...found.paths);
      work.bytes += found.bytes;
    }
    const key = storeDayBasketsKey(month);
    const current = await localFiles(store, files, key.slice(0, key.lastIndexOf('/') + 1));
    work.current = current.paths[0] ?? null;
    out.push(work);
  });
  return out.sort(byName);
}

/** Consecutive groups of months of at most CHUNK_BYTES of lines each (a group holds at least one month). */
function chunks(months: MonthWork[]): MonthWork[][] {
  const groups: MonthWork[][] = [];
  let bytes = Infinity;
  for (const m of months) {
    if (bytes + m.bytes > CHUNK_BYTES) {
      groups.push([]);
      bytes = 0;
    }
    groups[groups.length - 1].push(m);
    bytes += m.bytes;
  }
  return groups;
}

const FILE_COLUMNS = Object.keys(CURATED_COLUMNS.store_day_baskets).filter((c) => c !== PARTITION_COLUMN.store_day_baskets);
const dateList = (dates: string[]): string => dates.map((d) => `DATE ${sqlString(d)}`).join(', ');

/**
 * One chunk of months: their rebuilt dates from the lines, their other dates from their current files, written as
 * one file a month and put. Returns the rows written, the rebuilt dates that have baskets, and the keys of the
 * months left with none (for the caller to delete).
 */
async function summarizeMonths(conn: DuckDBConnection, store: ObjectStore, group: MonthWork[], outDir: string): Promise<{ rows: number; dates: number; gone: string[] }> {
  const lineFiles = group.flatMap((m) => m.lineFiles);
  const rebuilt = group.flatMap((m) => m.dates);
  const current = group.flatMap((m) => (m.current === null ? [] : [m.current]));
  const columns = FILE_COLUMNS.join(', ');
  const parts = [];
  if (lineFiles.length > 0) {
    // the files carry business_date: no partition column from the path
    await conn.run(`CREATE OR REPLACE TEMP VIEW date_sales_lines AS SELECT * FROM read_parquet([${lineFiles.map(sqlString).join(', ')}], hive_partitioning = false, union_by_name = true)`);
    parts.push(`SELECT ${columns} FROM (${readSql('transform/store_day_baskets.duckdb.sql')}\n)`);
  }
  if (current.length > 0) {
    parts.push(`SELECT ${columns} FROM read_parquet([${current.map(sqlString).join(', ')}], hive_partitioning = false) WHERE business_date NOT IN (${dateList(rebuilt)})`);
  }
  if (parts.length === 0) return { rows: 0, dates: 0, gone: group.map((m) => storeDayBasketsKey(m.month)) };
  await conn.run(`CREATE OR REPLACE TEMP TABLE baskets AS
    SELECT CAST(date_trunc('month', business_date) AS DATE) AS ${PARTITION_COLUMN.store_day_baskets}, * FROM (${parts.join('\nUNION ALL\n')})`);
  const written = await writePartitionFiles(
    conn,
    { table: 'baskets', partitionColumn: PARTITION_COLUMN.store_day_baskets, columns: FILE_COLUMNS, order: 'business_date, store_id, payment_method' },
    outDir,
  );
  const [{ n, d }] = await readRows(conn, `SELECT count(*) AS n, count(DISTINCT business_date) FILTER (WHERE business_date IN (${dateList(rebuilt)})) AS d FROM baskets`);
  await putObjects(
    store,
    written.map((w) => ({ key: storeDayBasketsKey(w.value), path: w.path, handOver: true, body: () => readFile(w.path) })),
  );
  // a month whose lines are all returns, or gone, has no baskets: its old file goes
  const have = new Set(written.map((w) => w.value));
  return { rows: Number(n), dates: Number(d), gone: group.filter((m) => !have.has(m.month)).map((m) => storeDayBasketsKey(m.month)) };
}

/**
 * Summarizes `dates` (the dates a batch or a reprocess touched) into store_day_baskets. On a lake older than the
 * table (STORE_DAY_BASKETS_COMPLETE_KEY absent), also up to `missingPerRun` months of sales_lines that have no
 * file yet, newest first, each whole; the run that leaves none missing records the table complete.
 */
export async function summarizeStoreDayBaskets(
  store: ObjectStore,
  files: LakeFiles,
  dates: readonly string[],
  work: DuckDbSettings,
  missingPerRun = MISSING_MONTHS_PER_RUN,
): Promise<BasketsSummary> {
  const datesByMonth = new Map<string, string[]>();
  for (const date of new Set(dates)) datesByMonth.set(monthStart(date), [...(datesByMonth.get(monthStart(date)) ?? []), date]);
  let missingLeft = 0;
  if ((await store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)) === null) {
    const missing = [...(await missingMonths(store))].filter(([month]) => !datesByMonth.has(month));
    for (const [month, monthDates] of missing.slice(0, missingPerRun)) datesByMonth.set(month, monthDates);
    missingLeft = Math.max(0, missing.length - missingPerRun);
  }
  const months = await monthWork(store, files, datesByMonth);
  const summary: BasketsSummary = { dates: 0, months: 0, rows: 0, missingLeft };
  const gone: string[] = [];

  const workDir = await scratchDir(work.workDir, 'baskets');
  const db = await createDuckDb(work);
  const conn = await db.connect();
  try {
    for (const [i, group] of chunks(months).entries()) {
      const done = await summarizeMonths(conn, store, group, join(workDir, `chunk-${i}`));
      summary.rows += done.rows;
      summary.dates += done.dates;
      summary.months += group.length - done.gone.length;
      gone.push(...done.gone);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
  if (gone.length > 0) await store.delete(gone);
  if (missingLeft === 0 && (await store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)) === null) {
    await writeJson(store, STORE_DAY_BASKETS_COMPLETE_KEY, { completedAt: new Date().toISOString() });
  }
  return summary;
}

