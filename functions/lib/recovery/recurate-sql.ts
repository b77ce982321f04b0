/**
 * The DuckDB session of a reprocess: the curate transforms of sql/transform/ over every re-validated event (as one
 * batch with no earlier accepted ids, so each event's first valid copy is kept, as the batches kept it), beside the
 * curated rows as they are, then the reprocess's own SQL (sql/recovery/).
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_COLUMNS } from '../curated-schema';
import { readRows, sqlString } from '../duckdb/duckdb-rows';
import { CURATED_TABLES, curatedTablePrefix, PRODUCTS_KEY, REFERENCE_PREFIX, STORES_KEY, type CuratedTable } from '../lake-layout';
import type { DateTotals } from '../pipeline/state';
import type { LakeFiles } from '../ports';
import { readSql, renderSql } from '../sql-files';
import { STAGED_COLUMNS } from '../../pipeline/curate-batch/curate-batch';
import { parquetFiles, viewOverParquet } from '../../pipeline/curate-batch/parquet-files';

const columnsOf = (table: CuratedTable): string => Object.keys(CURATED_COLUMNS[table]).join(', ');
const ROW_ORDER: Record<CuratedTable, string> = {
  sales_lines: 'business_date, store_id, sku, event_id, line_no',
  inventory_events: 'business_date, store_id, sku, event_id',
};

/** new_sales_lines and new_inventory_events: every staged event curated under the current rules. */
export async function recurate(conn: DuckDBConnection, files: LakeFiles, stagedGlob: string): Promise<void> {
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(readSql('transform/functions.duckdb.sql'));
  const refDir = await files.materialize(REFERENCE_PREFIX);
  const refPath = (key: string): string => join(refDir, key.slice(REFERENCE_PREFIX.length));
  await conn.run(`CREATE TEMP TABLE stores AS SELECT * FROM read_csv(${sqlString(refPath(STORES_KEY))}, header = true, all_varchar = true)`);
  await conn.run(`CREATE TEMP TABLE products AS SELECT sku, CAST(unit_cost AS DOUBLE) AS unit_cost FROM read_csv(${sqlString(refPath(PRODUCTS_KEY))}, header = true, all_varchar = true)`);
  await conn.run(`CREATE TEMP TABLE staged_events AS
    SELECT seq, event.* FROM read_json(${sqlString(stagedGlob)}, format = 'newline_delimited', columns = ${STAGED_COLUMNS})`);
  await conn.run(`CREATE TEMP VIEW accepted_ids AS SELECT CAST(NULL AS VARCHAR) AS event_id WHERE false`);
  await conn.run(`CREATE TEMP TABLE new_events AS ${readSql('transform/new_events.sql')}`);
  await conn.run(`CREATE TEMP TABLE dated_events AS ${readSql('transform/dated_events.sql')}`);
  await conn.run(`CREATE TEMP VIEW new_event_lines AS ${readSql('transform/event_lines.duckdb.sql')}`);
  await conn.run(`CREATE TEMP TABLE new_sales_lines AS ${readSql('transform/sales_lines.sql')}`);
  await conn.run(`CREATE TEMP TABLE new_inventory_events AS ${readSql('transform/inventory_events.sql')}`);
}

/** old_<table>: the curated rows as they are; selected_events, replaced_dates, kept_events and next_<table>. */
export async function planReplacement(conn: DuckDBConnection, files: LakeFiles, range: { from: string; to: string }): Promise<string[]> {
  for (const table of CURATED_TABLES) {
    const existing = await parquetFiles(await files.materialize(curatedTablePrefix(table)), true);
    await viewOverParquet(conn, `old_${table}`, existing, `SELECT ${columnsOf(table)} FROM new_${table} WHERE false`);
  }
  await conn.run(`CREATE TEMP TABLE selected_events AS ${renderSql(readSql('recovery/reprocess_selected_events.sql'), { from_date: range.from, to_date: range.to })}`);
  await conn.run(`CREATE TEMP TABLE replaced_dates AS ${readSql('recovery/reprocess_replaced_dates.sql')}`);
  await conn.run(`CREATE TEMP TABLE kept_events AS
    SELECT event_id FROM selected_events
    WHERE event_id IN (SELECT event_id FROM new_sales_lines UNION SELECT event_id FROM new_inventory_events)`);
  for (const table of CURATED_TABLES) {
    const rows = renderSql(readSql('recovery/reprocess_partition_rows.sql'), { columns: columnsOf(table), table, order_by: ROW_ORDER[table] });
    await conn.run(`CREATE TEMP TABLE next_${table} AS ${rows}`);
  }
  return (await readRows(conn, 'SELECT CAST(d AS VARCHAR) AS d FROM replaced_dates ORDER BY d')).map((r) => String(r.d));
}

/** Per replaced date, new minus old (sql/recovery/reprocess_date_deltas.sql). */
export async function dateDeltas(conn: DuckDBConnection): Promise<DateTotals> {
  const out: DateTotals = {};
  for (const r of await readRows(conn, readSql('recovery/reprocess_date_deltas.sql'))) {
    out[String(r.business_date)] = { salesLines: Number(r.sales_lines), netRevenueCents: Number(r.net_revenue_cents), inventoryEvents: Number(r.inventory_events) };
  }
  return out;
}

/** Writes next_<table>'s rows of `date` to `path`; false (and no file) when it has none. */
export async function writeDateFile(conn: DuckDBConnection, table: CuratedTable, date: string, path: string): Promise<boolean> {
  const where = `business_date = CAST(${sqlString(date)} AS DATE)`;
  const [{ n }] = await readRows(conn, `SELECT count(*) AS n FROM next_${table} WHERE ${where}`);
  if (Number(n) === 0) return false;
  await conn.run(`COPY (SELECT * FROM next_${table} WHERE ${where} ORDER BY ${ROW_ORDER[table]}) TO ${sqlString(path)} (FORMAT PARQUET)`);
  return true;
}

/** Writes the refused records (sql/recovery/reprocess_refused_records.sql) to `path` as rejects NDJSON; their count by reason. */
export async function writeRefused(conn: DuckDBConnection, rejectsPath: string, path: string): Promise<Record<string, number>> {
  await conn.run(`CREATE TEMP TABLE rejects AS SELECT row_number() OVER () AS ord, * FROM read_json(${sqlString(rejectsPath)}, format = 'newline_delimited',
    columns = {reason: 'VARCHAR', detail: 'VARCHAR', raw: 'VARCHAR', received_at: 'VARCHAR', source_key: 'VARCHAR', batch_id: 'VARCHAR'})`);
  await conn.run(`CREATE TEMP TABLE refused AS ${readSql('recovery/reprocess_refused_records.sql')}`);
  await conn.run(`COPY refused TO ${sqlString(path)} (FORMAT JSON)`);
  const byReason: Record<string, number> = {};
  for (const r of await readRows(conn, 'SELECT reason, count(*) AS n FROM refused GROUP BY reason ORDER BY reason')) byReason[String(r.reason)] = Number(r.n);
  return byReason;
}
