import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_COLUMNS } from '../../lib/curated-schema';
import { createDuckDb, type DuckDbSettings } from '../../lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../lib/duckdb/duckdb-rows';
import {
  CURATED_TABLES,
  curatedPartitionPrefix,
  curatedTablePrefix,
  PRODUCTS_KEY,
  REFERENCE_PREFIX,
  runPrefix,
  runRecordKeys,
  STAGED_EVENTS_GLOB,
  stagingPrefix,
  STORES_KEY,
  type CuratedTable,
} from '../../lib/lake-layout';
import type { LakeFiles, ObjectStore } from '../../lib/ports';
import { writeJson } from '../../lib/pipeline/json-objects';
import { settingsFromEnv } from '../../lib/pipeline/pipeline-settings';
import { scratchDir } from '../../lib/pipeline/work-dir';
import type { CurateResult } from '../../lib/pipeline/state';
import { readSql, renderSql } from '../../lib/sql-files';
import { migrateFlatAcceptedIds, recordAcceptedIds, viewAcceptedIds } from './accepted-ids';
import { parquetFiles, viewOverParquet } from './parquet-files';

/** Columns of a staged line `{"seq":..,"event":{..}}` as read from NDJSON (explicit, never inferred). */
const STAGED_COLUMNS = `{
  seq: 'BIGINT',
  event: 'STRUCT(event_id VARCHAR, event_type VARCHAR, schema_version INTEGER, store_id VARCHAR, occurred_at VARCHAR,
    transaction_id VARCHAR, customer_id VARCHAR, payment_method VARCHAR,
    lines STRUCT(sku VARCHAR, quantity INTEGER, unit_price DOUBLE, discount DOUBLE)[],
    sku VARCHAR, on_hand_qty INTEGER, reorder_point INTEGER, quantity_change INTEGER, reason VARCHAR)'
}`;

/** Rewrites the partitions a batch touches: existing rows + new rows, deduplicated, each swapped in whole. */
async function mergeIntoPartitions(conn: DuckDBConnection, files: LakeFiles, table: CuratedTable, workDir: string): Promise<string[]> {
  const dates = (await readRows(conn, `SELECT DISTINCT CAST(business_date AS VARCHAR) AS d FROM new_${table} ORDER BY d`)).map((r) => String(r.d));
  if (dates.length === 0) return dates;
  const existing: string[] = [];
  for (const d of dates) existing.push(...(await parquetFiles(await files.materialize(curatedPartitionPrefix(table, d)))));
  await viewOverParquet(conn, 'existing_rows', existing, `SELECT * FROM new_${table} WHERE false`);
  await conn.run(`CREATE OR REPLACE TEMP VIEW new_rows AS SELECT * FROM new_${table}`);
  const columns = Object.keys(CURATED_COLUMNS[table]).join(', ');
  const merged = renderSql(readSql('transform/merge_partitions.sql'), { columns });
  // DuckDB names the partition folders the Hive way, as the lake's keys do: the work folder mirrors the lake
  const outDir = join(workDir, curatedTablePrefix(table));
  await mkdir(dirname(outDir), { recursive: true }); // COPY makes outDir itself, not its parents
  await conn.run(`COPY (${merged}) TO ${sqlString(outDir)}
    (FORMAT PARQUET, PARTITION_BY (business_date), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-{i}')`);
  for (const d of dates) await files.replacePrefix(curatedPartitionPrefix(table, d), join(workDir, curatedPartitionPrefix(table, d)));
  return dates;
}

/** `work`: the work folder (scratch, DuckDB's spill files) and DuckDB's memory and threads. */
export async function curateBatch(store: ObjectStore, files: LakeFiles, batchId: string, work: DuckDbSettings = settingsFromEnv()): Promise<CurateResult> {
  const workDir = await scratchDir(work.workDir, 'curate');
  const db = await createDuckDb(work);
  const conn = await db.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(readSql('transform/functions.duckdb.sql'));
    const refDir = await files.materialize(REFERENCE_PREFIX);
    const refPath = (key: string): string => join(refDir, key.slice(REFERENCE_PREFIX.length));
    await conn.run(`CREATE TEMP TABLE stores AS SELECT * FROM read_csv(${sqlString(refPath(STORES_KEY))}, header = true, all_varchar = true)`);
    await conn.run(`CREATE TEMP TABLE products AS SELECT sku, CAST(unit_cost AS DOUBLE) AS unit_cost FROM read_csv(${sqlString(refPath(PRODUCTS_KEY))}, header = true, all_varchar = true)`);

    // seq (set by Validate) is the arrival order the dedup keeps
    const stagedGlob = join(await files.materialize(stagingPrefix(batchId)), STAGED_EVENTS_GLOB);
    await conn.run(`CREATE TEMP TABLE staged_events AS
      SELECT seq, event.* FROM read_json(${sqlString(stagedGlob)}, format = 'newline_delimited', columns = ${STAGED_COLUMNS})`);

    // Event ids accepted by earlier batches on the batch's dates (a lake of the flat layout is moved over first).
    await migrateFlatAcceptedIds(conn, store, files, workDir);
    await viewAcceptedIds(conn, files, batchId);

    await conn.run(`CREATE TEMP TABLE new_events AS ${readSql('transform/new_events.sql')}`);
    await conn.run(`CREATE TEMP TABLE dated_events AS ${readSql('transform/dated_events.sql')}`);
    await conn.run(`CREATE TEMP VIEW new_event_lines AS ${readSql('transform/event_lines.duckdb.sql')}`);
    await conn.run(`CREATE TEMP TABLE new_sales_lines AS ${readSql('transform/sales_lines.sql')}`);
    await conn.run(`CREATE TEMP TABLE new_inventory_events AS ${readSql('transform/inventory_events.sql')}`);

    const [counts] = await readRows(conn, readSql('transform/batch_counts.duckdb.sql'));

    // Accepted ids are recorded before the partitions change: a crash in between leaves rows the merge's
    // natural-key dedup absorbs on the re-run, never rows counted twice.
    await recordAcceptedIds(conn, store, batchId, workDir);

    const affectedDates = {} as Record<CuratedTable, string[]>;
    for (const table of CURATED_TABLES) affectedDates[table] = await mergeIntoPartitions(conn, files, table, workDir);

    const result: CurateResult = {
      batchId,
      curatedEvents: Number(counts.curated_events),
      duplicates: Number(counts.staged) - Number(counts.curated_events),
      rows: { sales_lines: Number(counts.sales_lines), inventory_events: Number(counts.inventory_events) },
      netRevenue: Number(counts.net_revenue),
      affectedDates,
    };
    await writeJson(store, runRecordKeys(runPrefix(batchId)).curate, result);
    return result;
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
}
