/**
 * The event ids Curate has accepted (the idempotency keys that make a replay of any age count once), kept by the
 * UTC date of occurred_at under control/accepted_ids/, one file per UTC month and batch (functions/lib/lake-layout.ts).
 * A batch reads only the month partitions of its own dates, and of their files only the row groups of its dates
 * (each file's rows are in utc_date order), so its cost follows the batch, not the lake's age; and a batch of a
 * long history writes a file per month, not per date. glue/curate_batch.py keeps the same layout.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, sqlString } from '../../lib/duckdb/duckdb-rows';
import { withSettings } from '../../lib/duckdb/duckdb-settings';
import {
  ACCEPTED_IDS_PREFIX,
  acceptedIdsFile,
  acceptedIdsKey,
  acceptedIdsPrefix,
  CURATED_TABLES,
  curatedTablePrefix,
  DAILY_ACCEPTED_IDS_PREFIX,
  UNDATED_ACCEPTED_IDS,
  utcMonthOf,
} from '../../lib/lake-layout';
import { forEachLimited, putObjects, PUTS_IN_FLIGHT } from '../../lib/for-each-limited';
import type { CommitFile } from '../../lib/pipeline/curated-commit';
import type { LakeFiles, ObjectStore } from '../../lib/ports';
import { readSql } from '../../lib/sql-files';
import { parquetFiles } from './parquet-files';
import { writePartitionFiles } from '../../lib/duckdb/partition-files';

/** The accepted_ids view with no id (its one column, event_id): no earlier batch, or a re-curation from scratch. */
export const EMPTY_IDS = `SELECT CAST(NULL AS VARCHAR) AS event_id WHERE false`;

/**
 * Creates the view `accepted_ids` (event_id) over the ids accepted by earlier batches on the UTC dates of
 * `staged_events`, plus the undated ones: the files of those dates' months, filtered to those dates (the filter
 * skips the row groups of other dates). This batch's own files are left out, so a re-run sees the same input.
 */
export async function viewAcceptedIds(conn: DuckDBConnection, files: LakeFiles, batchId: string): Promise<void> {
  const dates = (await readRows(conn, `SELECT CAST(utc_date AS VARCHAR) AS d FROM (${readSql('transform/batch_utc_dates.sql')}) ORDER BY d`)).map((r) => String(r.d));
  const months = [...new Set(dates.map(utcMonthOf)), UNDATED_ACCEPTED_IDS];
  const own = acceptedIdsFile(batchId);
  const byMonth = new Map<string, string[]>();
  await forEachLimited(months, PUTS_IN_FLIGHT, async (month) => {
    byMonth.set(month, (await parquetFiles(await files.materialize(acceptedIdsPrefix(month)))).filter((f) => basename(f) !== own));
  });
  const read = (paths: string[], where = ''): string[] =>
    paths.length === 0 ? [] : [`SELECT event_id FROM read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = false)${where}`];
  // the dates as constants, which DuckDB compares with each row group's statistics before reading it
  const parts = [
    ...read(months.filter((m) => m !== UNDATED_ACCEPTED_IDS).flatMap((m) => byMonth.get(m) ?? []), ` WHERE utc_date IN (${dates.map((d) => `DATE ${sqlString(d)}`).join(', ')})`),
    ...read(byMonth.get(UNDATED_ACCEPTED_IDS) ?? []),
  ];
  await conn.run(`CREATE OR REPLACE TEMP VIEW accepted_ids AS ${parts.length === 0 ? EMPTY_IDS : parts.join('\nUNION ALL\n')}`);
}

/** Writes the ids of `rows` (a query giving event_id, and utc_date as a DATE, null for undated ids) as one local
 * Parquet file per UTC month, in utc_date order, each bound for its key of the batch. */
async function idFilesByMonth(conn: DuckDBConnection, rows: string, batchId: string, workDir: string): Promise<CommitFile[]> {
  // the rows' order here does not matter (each file's COPY sorts them): without insertion order DuckDB stores them
  // as its threads deliver them, instead of holding row groups back to keep the query's order
  await withSettings(conn, { preserve_insertion_order: false }, () =>
    conn.run(`CREATE OR REPLACE TEMP TABLE ids_to_write AS SELECT event_id, utc_date,
      COALESCE(strftime(utc_date, '%Y-%m'), ${sqlString(UNDATED_ACCEPTED_IDS)}) AS utc_month FROM (${rows})`),
  );
  const written = await writePartitionFiles(
    conn,
    { table: 'ids_to_write', partitionColumn: 'utc_month', columns: ['event_id', 'utc_date'], order: 'utc_date, event_id', copyOptions: 'COMPRESSION ZSTD' },
    await mkdtemp(join(workDir, 'accepted-ids-')),
  );
  return written.map(({ value, path }) => ({ key: acceptedIdsKey(value, batchId), path }));
}

/** Puts the id files (acceptedIdFiles) together: once it returns, the ids are recorded. */
export async function putAcceptedIds(store: ObjectStore, files: CommitFile[]): Promise<void> {
  await putObjects(store, files.map(({ key, path }) => ({ key, body: () => readFile(path), path })));
}

/** The batch's accepted ids (sql/transform/accepted_ids.sql) as local files, one per UTC month, for putAcceptedIds. */
export async function acceptedIdFiles(conn: DuckDBConnection, batchId: string, workDir: string): Promise<CommitFile[]> {
  return idFilesByMonth(conn, readSql('transform/accepted_ids.sql'), batchId, workDir);
}

/** A file of the flat layout that came before the dated one: `accepted_ids/batch=<id>.parquet`. */
const FLAT_FILE = /^batch=(.+)\.parquet$/;

/**
 * Moves ids of the flat layout into the monthly one, once: each id goes under the UTC date of its curated rows'
 * occurred_at, an id with no curated row to the undated partition
 * every batch reads. Each flat file becomes files of the same batch id, so a resumed batch still leaves its
 * own out. New files are written before the flat one is deleted: a crash in between repeats the move.
 * Returns the number of flat files moved.
 */
export async function migrateFlatAcceptedIds(conn: DuckDBConnection, store: ObjectStore, files: LakeFiles, workDir: string): Promise<number> {
  // only the flat files' own prefix: listing the dated folders too would grow with every date and batch
  const flat = (await store.list(`${ACCEPTED_IDS_PREFIX}batch=`)).map((o) => o.key).filter((k) => FLAT_FILE.test(k.slice(ACCEPTED_IDS_PREFIX.length)));
  if (flat.length === 0) return 0;
  const dir = join(workDir, 'flat-accepted-ids');
  await mkdir(dir, { recursive: true });
  // the curated tables are read this one time: an id's date is the UTC date of its rows' occurred_at
  const curated: string[] = [];
  for (const table of CURATED_TABLES) curated.push(...(await parquetFiles(await files.materialize(curatedTablePrefix(table)), true)));
  const eventDates = curated.length === 0
    ? `SELECT CAST(NULL AS VARCHAR) AS event_id, CAST(NULL AS DATE) AS utc_date WHERE false`
    : `SELECT event_id, CAST(min(occurred_at) AS DATE) AS utc_date
       FROM read_parquet([${curated.map(sqlString).join(', ')}], union_by_name = true, hive_partitioning = false) GROUP BY event_id`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE curated_event_dates AS ${eventDates}`);
  for (const key of flat) {
    const path = join(dir, key.slice(ACCEPTED_IDS_PREFIX.length));
    await writeFile(path, await store.get(key));
    const rows = `SELECT i.event_id, d.utc_date FROM read_parquet(${sqlString(path)}) i LEFT JOIN curated_event_dates d ON d.event_id = i.event_id`;
    await putAcceptedIds(store, await idFilesByMonth(conn, rows, FLAT_FILE.exec(key.slice(ACCEPTED_IDS_PREFIX.length))![1], workDir));
    await store.delete([key]);
  }
  return flat.length;
}

/** A file of the daily layout (DAILY_ACCEPTED_IDS_PREFIX): its date (or undated) and batch. */
const DAILY_FILE = /^utc_date=([^/]+)\/batch=(.+)\.parquet$/;

/**
 * Moves ids of the daily layout (`accepted_ids/utc_date=<date>/batch=<id>.parquet`) into the monthly one, once:
 * each batch's daily files become its files per month (the same batch id, so a resumed batch still leaves its own
 * out). A batch's monthly files are written before its daily ones are deleted; a crash in between repeats the
 * move, which takes in the monthly files it already wrote, so no id of a daily file deleted by then is lost.
 * Returns the number of daily files moved.
 */
export async function migrateDailyAcceptedIds(conn: DuckDBConnection, store: ObjectStore, workDir: string): Promise<number> {
  const daily = (await store.list(DAILY_ACCEPTED_IDS_PREFIX)).map((o) => o.key).filter((k) => DAILY_FILE.test(k.slice(ACCEPTED_IDS_PREFIX.length)));
  if (daily.length === 0) return 0;
  const byBatch = new Map<string, { key: string; date: string }[]>();
  for (const key of daily) {
    const [, date, batch] = DAILY_FILE.exec(key.slice(ACCEPTED_IDS_PREFIX.length))!;
    byBatch.set(batch, [...(byBatch.get(batch) ?? []), { key, date }]);
  }
  const dir = await mkdtemp(join(workDir, 'daily-accepted-ids-'));
  for (const [b, [batch, dailyFiles]] of [...byBatch].entries()) {
    const parts: string[] = [];
    for (const [i, { key, date }] of dailyFiles.entries()) {
      const path = join(dir, `${b}-${i}.parquet`);
      await writeFile(path, await store.get(key));
      const utcDate = date === UNDATED_ACCEPTED_IDS ? 'CAST(NULL AS DATE)' : `CAST(${sqlString(date)} AS DATE)`;
      parts.push(`SELECT event_id, ${utcDate} AS utc_date FROM read_parquet(${sqlString(path)})`);
    }
    // the batch's monthly files of a move cut short
    for (const month of new Set(dailyFiles.map((f) => utcMonthOf(f.date)))) {
      const moved = await store.getIfExists(acceptedIdsKey(month, batch));
      if (moved === null) continue;
      const path = join(dir, `${b}-moved-${month}.parquet`);
      await writeFile(path, moved);
      parts.push(`SELECT event_id, utc_date FROM read_parquet(${sqlString(path)})`);
    }
    await putAcceptedIds(store, await idFilesByMonth(conn, `SELECT DISTINCT * FROM (${parts.join(' UNION ALL ')})`, batch, workDir));
    await store.delete(dailyFiles.map((f) => f.key));
  }
  return daily.length;
}
