/**
 * store_day_baskets, the lake's sale baskets per store, business date and payment method
 * (sql/transform/store_day_baskets.duckdb.sql), kept for every month that has sales lines, in one file per month
 * (storeDayBasketsKey; a month whose lines are all returns has an empty one). Each run rebuilds the dates it touched
 * from all of each date's sales_lines files, keeps the month's other dates as the file has them, and replaces the
 * month's file. Why a table of its own: a basket is a distinct transaction id, and counting those over a month of
 * lines (30M at the seed's scale) took 3 s a query; a date's baskets cost 0.1-0.2 s once, when it changes. Why a
 * file a month, not a date: a history of a thousand sparse dates would be a thousand more files to create, which on
 * a local disk costs more than their rows.
 *
 * It is derived and recomputed, so it needs no commit protocol: each file is put whole (atomically, on S3 and
 * locally), and a step that fails part-way is run again over the same dates (PlanBatch resumes a committed batch's
 * later steps; a reprocess's dates are summarized by the warehouse reload that finishes it).
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_COLUMNS, PARTITION_COLUMN } from '../curated-schema';
import { createDuckDb, type DuckDbSettings } from '../duckdb/duckdb-factory';
import { readRows, sqlString } from '../duckdb/duckdb-rows';
import { forEachLimited, putObjects } from '../for-each-limited';
import {
  curatedDatePrefix,
  curatedPartitionDate,
  curatedPartitionPrefix,
  curatedTablePrefix,
  monthStart,
  queryableTablePrefix,
  STORE_DAY_BASKETS_COMPLETE_KEY,
  storeDayBasketsKey,
} from '../lake-layout';
import type { LakeFiles, ObjectInfo, ObjectStore, PendingObject } from '../ports';
import { readSql } from '../sql-files';
import { writePartitionFiles } from '../duckdb/partition-files';
import { writeJson } from './json-objects';
import { scratchDir } from './work-dir';

/** Partitions materialized at once (in Lambda each is a download). */
const PREFIXES_IN_FLIGHT = 16;
/** At most this many bytes of sales_lines Parquet read at once (about 12M lines at the seed's shape): it bounds
 * DuckDB's work and, in Lambda, the /tmp copies (each part is released before the next is fetched). */
const CHUNK_BYTES = 256 * 1024 * 1024;
/** Lines of a lake older than the table summarized in one run besides the run's own, as whole months, newest first
 * (a query's default range is the latest 28 days), at least one month: a Lambda's 15 minutes read 8 GiB (a year at
 * the seed's scale, a month at 10x). */
export const MISSING_BYTES_PER_RUN = 8 * 1024 ** 3;

export interface BasketsSummary {
  /** the dates rebuilt that have baskets */
  dates: number;
  /** the months whose file was written */
  months: number;
  rows: number;
  /** months of an older lake still without a file after this call (summarized by the next runs) */
  missingLeft: number;
}

const FILE_COLUMNS = Object.entries(CURATED_COLUMNS.store_day_baskets).filter(([c]) => c !== PARTITION_COLUMN.store_day_baskets);
const dateList = (dates: string[]): string => dates.map((d) => `DATE ${sqlString(d)}`).join(', ');
const ascending = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The Parquet files of `objects` (sales_lines keys) by business date. */
function lineFilesByDate(objects: ObjectInfo[]): Map<string, ObjectInfo[]> {
  const dates = new Map<string, ObjectInfo[]>();
  for (const o of objects) {
    const date = curatedPartitionDate('sales_lines', o.key);
    if (date !== null && o.key.endsWith('.parquet')) dates.set(date, [...(dates.get(date) ?? []), o]);
  }
  return dates;
}

const bytesOf = (objects: ObjectInfo[] | undefined): number => (objects ?? []).reduce((a, o) => a + o.size, 0);

/** The months of sales_lines without a store_day_baskets file, newest first, each with all its dates and bytes; and
 * the table's files by date, as listed for that. */
async function missingMonths(store: ObjectStore): Promise<{ missing: Map<string, { dates: string[]; bytes: number }>; lines: Map<string, ObjectInfo[]> }> {
  const months = new Map<string, { dates: string[]; bytes: number }>();
  const lines = lineFilesByDate(await store.list(curatedTablePrefix('sales_lines')));
  for (const [date, objects] of lines) {
    const month = months.get(monthStart(date)) ?? { dates: [], bytes: 0 };
    months.set(monthStart(date), { dates: [...month.dates, date], bytes: month.bytes + bytesOf(objects) });
  }
  const files = new Set((await store.list(queryableTablePrefix('store_day_baskets'))).map((o) => o.key));
  for (const month of [...months.keys()]) if (files.has(storeDayBasketsKey(month))) months.delete(month);
  return { missing: new Map([...months].sort(([a], [b]) => ascending(b, a))), lines };
}

/** Consecutive groups of items of at most `limit` bytes each (a group holds at least one item). */
function groupsByBytes<T>(items: T[], bytes: (item: T) => number, limit: number): T[][] {
  const groups: T[][] = [];
  let size = Infinity;
  for (const item of items) {
    if (size + bytes(item) > limit) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1].push(item);
    size += bytes(item);
  }
  return groups;
}

/** Runs `work` over the local copies of the listed objects (each prefix's, materialized whole), then releases them. */
async function withLocalFiles<T>(files: LakeFiles, parts: { prefix: string; objects: ObjectInfo[] }[], work: (paths: string[]) => Promise<T>): Promise<T> {
  const paths: string[] = [];
  try {
    await forEachLimited(parts, PREFIXES_IN_FLIGHT, async ({ prefix, objects }) => {
      const dir = await files.materialize(prefix);
      paths.push(...objects.map((o) => join(dir, o.key.slice(prefix.length))));
    });
    return await work(paths.sort());
  } finally {
    await forEachLimited(parts, PREFIXES_IN_FLIGHT, async ({ prefix }) => files.release?.(prefix));
  }
}

/** A month to summarize: the dates to rebuild, and the month's sales_lines files by date (all of its dates). */
interface MonthWork {
  month: string;
  touched: string[];
  lines: Map<string, ObjectInfo[]>;
}

/** The months of `byMonth` in order, each with its touched dates and all its lines files: taken from `listed` (the
 * table's files by date) when the caller has listed the whole table, else listed a month at a time (a month prefix is
 * one listing, where a date each would be thirty). */
async function monthsToSummarize(store: ObjectStore, byMonth: Map<string, Set<string>>, listed?: Map<string, ObjectInfo[]>): Promise<MonthWork[]> {
  const months: MonthWork[] = [];
  await forEachLimited([...byMonth.keys()], PREFIXES_IN_FLIGHT, async (month) => {
    const lines = listed
      ? new Map([...listed].filter(([date]) => monthStart(date) === month))
      : lineFilesByDate(await store.list(curatedDatePrefix('sales_lines', month.slice(0, 8))));
    months.push({ month, touched: [...(byMonth.get(month) ?? [])].sort(ascending), lines });
  });
  return months.sort((a, b) => ascending(a.month, b.month));
}

/** The bytes of sales_lines a month's rebuild reads. */
const touchedBytes = (m: MonthWork): number => m.touched.reduce((a, d) => a + bytesOf(m.lines.get(d)), 0);

/** month_rows as a local file per month that has rows (by month_start), in statements that do not grow with the
 * months: a history's 41 months took 0.3 s as a COPY each. */
async function writeMonthFiles(conn: DuckDBConnection, outDir: string): Promise<Map<string, string>> {
  const columns = FILE_COLUMNS.map(([c]) => c);
  await conn.run(`CREATE OR REPLACE TEMP TABLE month_files AS SELECT CAST(date_trunc('month', business_date) AS DATE) AS month_start, ${columns.join(', ')} FROM month_rows`);
  const table = { table: 'month_files', partitionColumn: 'month_start', columns, order: 'business_date, store_id, payment_method' };
  return new Map((await writePartitionFiles(conn, table, await mkdtemp(join(outDir, 'months-')))).map((w) => [w.value, w.path]));
}

/**
 * Some months at once: each one's touched dates rebuilt from their lines, its other dates kept from its current file
 * (`current`: the table's files by key), written as its new file; a month's key deleted when it has no sales lines left.
 * The lines are read in chunks of at most CHUNK_BYTES, each in one statement, whatever the number of dates or months
 * (a history of a thousand sparse dates is a few statements, not a few for each date). Returns what it wrote.
 */
async function summarizeMonths(conn: DuckDBConnection, store: ObjectStore, files: LakeFiles, months: MonthWork[], current: Map<string, ObjectInfo>, outDir: string): Promise<BasketsSummary> {
  const columns = FILE_COLUMNS.map(([c]) => c).join(', ');
  const touched = months.flatMap((m) => m.touched);
  await conn.run(`CREATE OR REPLACE TEMP TABLE month_rows (${FILE_COLUMNS.map(([c, type]) => `${c} ${type}`).join(', ')})`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE touched_dates AS SELECT unnest([${dateList(touched)}]) AS business_date`);
  const lines = new Map(months.flatMap((m) => [...m.lines]));
  for (const chunk of groupsByBytes(touched.filter((d) => lines.has(d)), (d) => bytesOf(lines.get(d)), CHUNK_BYTES)) {
    const parts = chunk.map((d) => ({ prefix: curatedPartitionPrefix('sales_lines', d), objects: lines.get(d) ?? [] }));
    await withLocalFiles(files, parts, async (paths) => {
      // the files carry business_date: no partition column from the path
      await conn.run(`CREATE OR REPLACE TEMP VIEW date_sales_lines AS SELECT * FROM read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = false, union_by_name = true)`);
      await conn.run(`INSERT INTO month_rows SELECT ${columns} FROM (${readSql('transform/store_day_baskets.duckdb.sql')}\n)`);
    });
  }
  const kept = months.flatMap((m) => current.get(storeDayBasketsKey(m.month)) ?? []);
  const keptParts = kept.map((o) => ({ prefix: o.key.slice(0, o.key.lastIndexOf('/') + 1), objects: [o] }));
  await withLocalFiles(files, keptParts, async (paths) => {
    if (paths.length === 0) return;
    await conn.run(
      `INSERT INTO month_rows SELECT ${columns} FROM read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = false) WHERE business_date NOT IN (SELECT business_date FROM touched_dates)`,
    );
  });
  const counts = new Map<string, { n: number; d: number }>();
  for (const r of await readRows(
    conn,
    `SELECT CAST(date_trunc('month', business_date) AS VARCHAR) AS month, count(*) AS n,
       count(DISTINCT business_date) FILTER (WHERE business_date IN (SELECT business_date FROM touched_dates)) AS d
     FROM month_rows GROUP BY ALL`,
  )) {
    counts.set(String(r.month).slice(0, 10), { n: Number(r.n), d: Number(r.d) });
  }
  const summary: BasketsSummary = { dates: 0, months: 0, rows: 0, missingLeft: 0 };
  const puts: PendingObject[] = [];
  const gone: string[] = [];
  const written = await writeMonthFiles(conn, outDir);
  for (const m of months) {
    const key = storeDayBasketsKey(m.month);
    const { n, d } = counts.get(m.month) ?? { n: 0, d: 0 };
    // no rows left: the file stays (empty) while the month has lines, returns only, and goes when it has none
    if (n === 0 && m.lines.size === 0) {
      gone.push(key);
      continue;
    }
    const path = written.get(m.month) ?? join(outDir, `${m.month}.parquet`);
    if (!written.has(m.month)) await conn.run(`COPY (SELECT ${columns} FROM month_rows WHERE false) TO ${sqlString(path)} (FORMAT PARQUET)`);
    puts.push({ key, path, handOver: true, body: () => readFile(path) });
    summary.rows += n;
    summary.dates += d;
    summary.months++;
  }
  await putObjects(store, puts);
  if (gone.length > 0) await store.delete(gone);
  return summary;
}

/**
 * Summarizes `dates` (the dates a batch or a reprocess touched) into store_day_baskets. On a lake older than the
 * table (STORE_DAY_BASKETS_COMPLETE_KEY absent), a touched month without a file is summarized whole, and so are
 * other months without one, newest first, up to `missingBytesPerRun` of lines (at least one month); the run that
 * leaves none missing records the table complete.
 */
export async function summarizeStoreDayBaskets(
  store: ObjectStore,
  files: LakeFiles,
  dates: readonly string[],
  work: DuckDbSettings,
  missingBytesPerRun = MISSING_BYTES_PER_RUN,
  /** called before each group of months read together and at the end (a long rebuild shows its progress) */
  progress?: (done: number, total: number, month: string) => void,
): Promise<BasketsSummary> {
  const byMonth = new Map<string, Set<string>>();
  for (const date of dates) byMonth.set(monthStart(date), (byMonth.get(monthStart(date)) ?? new Set()).add(date));
  let missingLeft = 0;
  let listed: Map<string, ObjectInfo[]> | undefined;
  const complete = (await store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)) !== null;
  if (!complete) {
    const found = await missingMonths(store);
    const missing = found.missing;
    listed = found.lines;
    // a touched month without a file: all of it, or its other dates would never get one
    for (const [month, { dates: monthDates }] of missing) {
      const touched = byMonth.get(month);
      if (touched) for (const d of monthDates) touched.add(d);
    }
    // the touched months without a file count against the budget; a month more only when none of them is missing
    const touchedMissing = [...missing].filter(([month]) => byMonth.has(month));
    const others = [...missing].filter(([month]) => !byMonth.has(month));
    let taken = 0;
    let bytes = touchedMissing.reduce((a, [, m]) => a + m.bytes, 0);
    while (taken < others.length && ((taken === 0 && touchedMissing.length === 0) || bytes + others[taken][1].bytes <= missingBytesPerRun)) {
      const [month, m] = others[taken++];
      byMonth.set(month, new Set(m.dates));
      bytes += m.bytes;
    }
    missingLeft = others.length - taken;
  }
  const summary: BasketsSummary = { dates: 0, months: 0, rows: 0, missingLeft };
  const months = await monthsToSummarize(store, byMonth, listed);
  const current = new Map((await store.list(queryableTablePrefix('store_day_baskets'))).map((o) => [o.key, o]));
  const workDir = await scratchDir(work.workDir, 'baskets');
  const db = await createDuckDb(work);
  const conn = await db.connect();
  try {
    // the view over a chunk's files reads each one's footer (union_by_name), and its INSERT would read them again
    await conn.run('SET parquet_metadata_cache = true');
    let done = 0;
    for (const group of groupsByBytes(months, touchedBytes, CHUNK_BYTES)) {
      progress?.(done, months.length, group[0].month.slice(0, 7));
      const written = await summarizeMonths(conn, store, files, group, current, workDir);
      summary.rows += written.rows;
      summary.dates += written.dates;
      summary.months += written.months;
      done += group.length;
    }
    progress?.(months.length, months.length, '');
  } finally {
    conn.closeSync();
    db.closeSync();
    rmSync(workDir, { recursive: true, force: true });
  }
  if (!complete && missingLeft === 0) {
    await writeJson(store, STORE_DAY_BASKETS_COMPLETE_KEY, { completedAt: new Date().toISOString() });
  }
  return summary;
}
