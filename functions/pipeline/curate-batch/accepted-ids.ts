/**
 * The event ids Curate has accepted (the idempotency keys that make a replay of any age count once), kept by the
 * UTC date of occurred_at under control/accepted_ids/ (functions/lib/lake-layout.ts). A batch reads only the
 * partitions of its own dates, so its cost follows the batch, not the lake's age. glue/curate_batch.py keeps
 * the same layout.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, sqlString } from '../../lib/duckdb/duckdb-rows';
import {
  ACCEPTED_IDS_PREFIX,
  acceptedIdsFile,
  acceptedIdsKey,
  acceptedIdsPrefix,
  CURATED_TABLES,
  curatedTablePrefix,
  UNDATED_ACCEPTED_IDS,
} from '../../lib/lake-layout';
import { forEachLimited, putObjects, PUTS_IN_FLIGHT } from '../../lib/for-each-limited';
import type { CommitFile } from '../../lib/pipeline/curated-commit';
import type { LakeFiles, ObjectStore } from '../../lib/ports';
import { readSql } from '../../lib/sql-files';
import { parquetFiles, viewOverParquet } from './parquet-files';
import { writePartitionFiles } from './partition-files';

/** The accepted_ids view with no id (its one column, event_id): no earlier batch, or a re-curation from scratch. */
export const EMPTY_IDS = `SELECT CAST(NULL AS VARCHAR) AS event_id WHERE false`;

/**
 * Creates the view `accepted_ids` (event_id) over the ids accepted by earlier batches on the UTC dates of
 * `staged_events`, plus the undated ones. This batch's own files are left out, so a re-run sees the same input.
 */
export async function viewAcceptedIds(conn: DuckDBConnection, files: LakeFiles, batchId: string): Promise<void> {
  const dates = (await readRows(conn, `SELECT CAST(utc_date AS VARCHAR) AS d FROM (${readSql('transform/batch_utc_dates.sql')}) ORDER BY d`)).map((r) => String(r.d));
  const own = acceptedIdsFile(batchId);
  const byDate = new Map<string, string[]>();
  await forEachLimited([...dates, UNDATED_ACCEPTED_IDS], PUTS_IN_FLIGHT, async (date) => {
    byDate.set(date, (await parquetFiles(await files.materialize(acceptedIdsPrefix(date)))).filter((f) => basename(f) !== own));
  });
  const idFiles = [...dates, UNDATED_ACCEPTED_IDS].flatMap((d) => byDate.get(d) ?? []);
  await viewOverParquet(conn, 'accepted_ids', idFiles, EMPTY_IDS);
}

/** Writes the ids of `rows` (a query giving event_id and utc_date as text) as one local Parquet file per date, each
 * bound for its key of the batch. */
async function idFilesByDate(conn: DuckDBConnection, rows: string, batchId: string, workDir: string): Promise<CommitFile[]> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ids_to_write AS ${rows}`);
  const written = await writePartitionFiles(conn, { table: 'ids_to_write', partitionColumn: 'utc_date', columns: ['event_id'], order: 'event_id', copyOptions: 'COMPRESSION ZSTD' }, await mkdtemp(join(workDir, 'accepted-ids-')));
  return written.map(({ value, path }) => ({ key: acceptedIdsKey(value, batchId), path }));
}

/** Puts the id files (acceptedIdFiles), PUTS_IN_FLIGHT at a time: once it returns, the ids are recorded. */
export async function putAcceptedIds(store: ObjectStore, files: CommitFile[]): Promise<void> {
  await putObjects(store, files.map(({ key, path }) => ({ key, body: () => readFile(path) })));
}

/** The batch's accepted ids (sql/transform/accepted_ids.sql) as local files, one per UTC date, for putAcceptedIds. */
export async function acceptedIdFiles(conn: DuckDBConnection, batchId: string, workDir: string): Promise<CommitFile[]> {
  const rows = `SELECT event_id, CAST(utc_date AS VARCHAR) AS utc_date FROM (${readSql('transform/accepted_ids.sql')})`;
  return idFilesByDate(conn, rows, batchId, workDir);
}

/** A file of the flat layout that came before the dated one: `accepted_ids/batch=<id>.parquet`. */
const FLAT_FILE = /^batch=(.+)\.parquet$/;

/**
 * Moves ids of the flat layout into the dated one, once: each id goes under the UTC date of its curated rows'
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
    const rows = `SELECT i.event_id, COALESCE(CAST(d.utc_date AS VARCHAR), ${sqlString(UNDATED_ACCEPTED_IDS)}) AS utc_date
      FROM read_parquet(${sqlString(path)}) i
      LEFT JOIN curated_event_dates d ON d.event_id = i.event_id`;
    await putAcceptedIds(store, await idFilesByDate(conn, rows, FLAT_FILE.exec(key.slice(ACCEPTED_IDS_PREFIX.length))![1], workDir));
    await store.delete([key]);
  }
  return flat.length;
}
