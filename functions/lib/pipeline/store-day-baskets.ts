/**
 * store_day_baskets, the lake's sale baskets per store, business date and payment method
 * (sql/transform/store_day_baskets.duckdb.sql), kept whole for every date that has sales lines: a date's one file
 * (storeDayBasketsKey) is computed again from all of the date's sales_lines files each time a run touches the date,
 * and replaced. Why a table of its own: a basket is a distinct transaction id, and counting those over a month of
 * lines (30M at the seed's scale) took 3 s on every query; a date's baskets cost 0.1-0.2 s once, when it changes.
 *
 * It is derived and recomputed, so it needs no commit protocol: each file is put whole (atomically, on S3 and
 * locally), and a step that fails part-way is run again over the same dates (PlanBatch resumes a committed batch's
 * later steps; reprocess summarizes its dates before it records the warehouse reload done). A date left with no
 * sale lines loses its file.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CURATED_COLUMNS, CURATED_PARTITION_COLUMN } from '../curated-schema';
import { createDuckDb, type DuckDbSettings } from '../duckdb/duckdb-factory';
import { readRows, sqlString } from '../duckdb/duckdb-rows';
import { writePartitionFiles } from '../duckdb/partition-files';
import { forEachLimited, putObjects } from '../for-each-limited';
import { curatedPartitionDate, curatedPartitionPrefix, curatedTablePrefix, queryableTablePrefix, STORE_DAY_BASKETS_COMPLETE_KEY, storeDayBasketsKey } from '../lake-layout';
import type { LakeFiles, ObjectStore } from '../ports';
import { readSql } from '../sql-files';
import { writeJson } from './json-objects';
import { scratchDir } from './work-dir';

/** Dates listed or materialized at once (each is a list, and in Lambda a download). */
const DATES_IN_FLIGHT = 16;
/** At most this many bytes of sales_lines Parquet summarized in one statement (about 12M lines at the seed's
 * shape), so that a lake's first summary of years of history holds a bounded number of transactions at a time. */
const CHUNK_BYTES = 256 * 1024 * 1024;

export interface BasketsSummary {
  /** the dates whose file was written (the rest of those asked had no sale lines and have none) */
  dates: number;
  rows: number;
  /** dates of an older lake still without a file after this call (summarized by the next runs) */
  missingLeft: number;
}

interface DateFiles {
  date: string;
  paths: string[];
  bytes: number;
}

/** Each date's sales_lines files as local paths (none: the date has no lines). */
async function dateFiles(store: ObjectStore, files: LakeFiles, dates: string[]): Promise<DateFiles[]> {
  const out: DateFiles[] = [];
  await forEachLimited(dates, DATES_IN_FLIGHT, async (date) => {
    const prefix = curatedPartitionPrefix('sales_lines', date);
    const objects = (await store.list(prefix)).filter((o) => o.key.endsWith('.parquet'));
    if (objects.length === 0) {
      out.push({ date, paths: [], bytes: 0 });
      return;
    }
    const dir = await files.materialize(prefix);
    out.push({ date, paths: objects.map((o) => join(dir, o.key.slice(prefix.length))), bytes: objects.reduce((a, o) => a + o.size, 0) });
  });
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** Consecutive groups of dates of at most CHUNK_BYTES each (a group holds at least one date). */
function chunks(dates: DateFiles[]): DateFiles[][] {
  const groups: DateFiles[][] = [];
  let bytes = Infinity;
  for (const d of dates) {
    if (bytes + d.bytes > CHUNK_BYTES) {
      groups.push([]);
      bytes = 0;
    }
    groups[groups.length - 1].push(d);
    bytes += d.bytes;
  }
  return groups;
}

/** Dates of a lake older than the table summarized in one run besides the run's own, newest first (a query's
 * default range is the latest 28 days): a Lambda's 15 minutes bound what one run may take on. */
export const MISSING_DATES_PER_RUN = 400;

/** Every business date sales_lines has a file on that store_day_baskets has none for, newest first. */
async function missingDates(store: ObjectStore): Promise<string[]> {
  const dates = new Set<string>();
  for (const o of await store.list(curatedTablePrefix('sales_lines'))) {
    const date = curatedPartitionDate('sales_lines', o.key);
    if (date !== null && o.key.endsWith('.parquet')) dates.add(date);
  }
  for (const o of await store.list(queryableTablePrefix('store_day_baskets'))) {
    const date = /business_date=(\d{4}-\d{2}-\d{2})\//.exec(o.key)?.[1];
    if (date !== undefined) dates.delete(date);
  }
  return [...dates].sort().reverse();
}

/**
 * Summarizes `dates` (the dates a batch or a reprocess touched) into store_day_baskets. On a lake older than the
 * table (STORE_DAY_BASKETS_COMPLETE_KEY absent), also up to `missingPerRun` dates of sales_lines that have
 * no file yet, newest first; the run that leaves none missing records the table complete.
 */
export async function summarizeStoreDayBaskets(
  store: ObjectStore,
  files: LakeFiles,
  dates: readonly string[],
  work: DuckDbSettings,
  missingPerRun = MISSING_DATES_PER_RUN,
): Promise<BasketsSummary> {
  const wanted = new Set(dates);
  let missing: string[] = [];
  if ((await store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)) === null) {
    missing = (await missingDates(store)).filter((d) => !wanted.has(d));
    for (const d of missing.slice(0, missingPerRun)) wanted.add(d);
  }
  const found = await dateFiles(store, files, [...wanted]);
  const summary: BasketsSummary = { dates: 0, rows: 0, missingLeft: Math.max(0, missing.length - missingPerRun) };
  const gone = found.filter((d) => d.paths.length === 0).map((d) => storeDayBasketsKey(d.date));

  const workDir = await scratchDir(work.workDir, 'baskets');
  const db = await createDuckDb(work);
  const conn = await db.connect();
  try {
    for (const [i, group] of chunks(found.filter((d) => d.paths.length > 0)).entries()) {
      const paths = group.flatMap((d) => d.paths).map(sqlString).join(', ');
      // the files carry business_date: no partition column from the path
      await conn.run(`CREATE OR REPLACE TEMP VIEW date_sales_lines AS SELECT * FROM read_parquet([${paths}], hive_partitioning = false, union_by_name = true)`);
      await conn.run(`CREATE OR REPLACE TEMP TABLE baskets AS ${readSql('transform/store_day_baskets.duckdb.sql')}`);
      const written = await writePartitionFiles(
        conn,
        { table: 'baskets', partitionColumn: CURATED_PARTITION_COLUMN, columns: Object.keys(CURATED_COLUMNS.store_day_baskets), order: 'store_id, payment_method' },
        join(workDir, `chunk-${i}`),
      );
      const [{ n }] = await readRows(conn, 'SELECT count(*) AS n FROM baskets');
      summary.rows += Number(n);
      summary.dates += written.length;
      const have = new Set(written.map((w) => w.value));
      // a date whose lines are all returns has no baskets: its old file goes
      gone.push(...group.filter((d) => !have.has(d.date)).map((d) => storeDayBasketsKey(d.date)));
      await putObjects(
        store,
        written.map((w) => ({ key: storeDayBasketsKey(w.value), path: w.path, handOver: true, body: () => readFile(w.path) })),
      );
    }
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
  if (gone.length > 0) await store.delete(gone);
  if (summary.missingLeft === 0 && (await store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)) === null) {
    await writeJson(store, STORE_DAY_BASKETS_COMPLETE_KEY, { completedAt: new Date().toISOString() });
  }
  return summary;
}
