/**
 * The DuckDB session of a reprocess: the curate transforms of sql/transform/ over every re-validated event (as one
 * batch with no earlier accepted ids, so each event's first valid copy is kept, as the batches kept it), beside the
 * curated rows as they are, then the reprocess's own SQL (sql/recovery/).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_COLUMNS } from '../curated-schema';
import { readRows, sqlString } from '../duckdb/duckdb-rows';
import { CURATED_TABLES, curatedTablePrefix, type CuratedTable } from '../lake-layout';
import type { DateTotals } from '../pipeline/state';
import type { LakeFiles } from '../ports';
import { readSql, renderSql } from '../sql-files';
import { curateNewRows, openCurateSession } from '../../pipeline/curate-batch/curate-batch';
import { EMPTY_IDS } from '../../pipeline/curate-batch/accepted-ids';
import { receivedDate } from '../../pipeline/validate-batch/quarantine-keys';
import { parquetFiles, viewOverParquet } from '../../pipeline/curate-batch/parquet-files';

const columnsOf = (table: CuratedTable): string => Object.keys(CURATED_COLUMNS[table]).join(', ');
const ROW_ORDER: Record<CuratedTable, string> = {
  sales_lines: 'business_date, store_id, sku, event_id, line_no',
  inventory_events: 'business_date, store_id, sku, event_id',
  purchase_orders: 'business_date, store_id, sku, event_id',
};

/** new_sales_lines, new_inventory_events and new_purchase_orders: every staged event curated under the current rules. */
export async function recurate(conn: DuckDBConnection, files: LakeFiles, stagedGlob: string): Promise<void> {
  await openCurateSession(conn, files, stagedGlob);
  await viewOverParquet(conn, 'accepted_ids', [], EMPTY_IDS); // every staged event counts: none was accepted before
  await curateNewRows(conn);
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
    WHERE event_id IN (SELECT event_id FROM new_sales_lines UNION SELECT event_id FROM new_inventory_events UNION SELECT event_id FROM new_purchase_orders)`);
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

/** What the current rules refuse: the count by reason, and the records' dedup keys by the UTC date they arrived. */
export interface Refused {
  byReason: Record<string, number>;
  keysByDate: Map<string, string[]>;
}

/** Writes the refused records (sql/recovery/reprocess_refused_records.sql) to `path` as rejects NDJSON (without
 * their keys, as Validate's quarantine writer reads them). */
export async function writeRefused(conn: DuckDBConnection, rejectsPath: string, path: string): Promise<Refused> {
  await conn.run(`CREATE TEMP TABLE rejects AS SELECT row_number() OVER () AS ord, * FROM read_json(${sqlString(rejectsPath)}, format = 'newline_delimited',
    columns = {key: 'VARCHAR', reason: 'VARCHAR', detail: 'VARCHAR', raw: 'VARCHAR', received_at: 'VARCHAR', source_key: 'VARCHAR', batch_id: 'VARCHAR'})`);
  await conn.run(`CREATE TEMP TABLE refused AS ${readSql('recovery/reprocess_refused_records.sql')}`);
  await conn.run(`COPY (SELECT * EXCLUDE (key) FROM refused) TO ${sqlString(path)} (FORMAT JSON)`);
  const byReason: Record<string, number> = {};
  for (const r of await readRows(conn, 'SELECT reason, count(*) AS n FROM refused GROUP BY reason ORDER BY reason')) byReason[String(r.reason)] = Number(r.n);
  const keysByDate = new Map<string, string[]>();
  for (const r of await readRows(conn, 'SELECT key, received_at FROM refused ORDER BY key')) {
    const date = receivedDate(String(r.received_at));
    keysByDate.set(date, [...(keysByDate.get(date) ?? []), String(r.key)]);
  }
  return { byReason, keysByDate };
}
