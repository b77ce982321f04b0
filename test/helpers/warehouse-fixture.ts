import { rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { columnDefinitions, CURATED_COLUMNS } from '../../functions/lib/curated-schema';
import { openDuckDb } from '../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import type { Warehouse } from '../../functions/lib/ports';
import { PRODUCTS_KEY, STORES_KEY, type CuratedTable } from '../../functions/lib/lake-layout';
import { SKU_DAY_SALES } from '../../dashboards/sales-datasets';
import { buildDerivedStatements, type ReferenceLoad } from '../../functions/lib/warehouse/load-statements';
import { PRODUCT_COLUMNS, STORE_COLUMNS, toCsv, type Product, type Store } from '../../functions/lib/reference/reference-data';

/** Test helpers: a throw-away lake folder with curated Parquet and reference CSVs written the way the
 * pipeline writes them (Hive partitions by business_date, the column also inside the files). */

export interface SalesLineRow {
  event_id: string;
  line_no: number;
  transaction_id: string;
  store_id: string;
  sku: string;
  occurred_at: string;
  business_date: string;
  event_type: 'sale' | 'return';
  quantity: number;
  unit_price: number;
  discount: number;
  net_revenue: number;
  unit_cost: number;
  gross_margin: number;
  customer_id: string | null;
  payment_method: string;
}

export interface InventoryEventRow {
  event_id: string;
  store_id: string;
  sku: string;
  occurred_at: string;
  business_date: string;
  event_type: 'inventory_snapshot' | 'inventory_adjustment';
  on_hand_qty: number | null;
  reorder_point: number | null;
  quantity_change: number | null;
  reason: string | null;
}

/** A curated purchase_orders row: an order line, or a receipt's link row (expected_date and supplier null). */
export interface PurchaseOrderRow {
  event_id: string;
  store_id: string;
  sku: string;
  occurred_at: string;
  business_date: string;
  event_type: 'purchase_order' | 'receipt';
  po_id: string;
  quantity: number;
  expected_date: string | null;
  supplier: string | null;
}

export const STORES: Store[] = [
  { store_id: 'S001', store_name: 'Downtown', region: 'North', manager_email: 'a@example.com', timezone: 'Europe/London', target_daily_revenue: 100 },
  { store_id: 'S002', store_name: 'Harbour, Quay "2"', region: 'South', manager_email: 'b@example.com', timezone: 'America/New_York', target_daily_revenue: 250.5 },
];

export const PRODUCTS: Product[] = [
  { sku: 'SKU-1', product_name: 'Milk 1L', category: 'Dairy', brand: 'Moo', unit_cost: 0.5, list_price: 1.2, supplier: 'Farm', lead_time_days: 2 },
  { sku: 'SKU-2', product_name: 'Bread', category: 'Bakery', brand: 'Loaf', unit_cost: 1, list_price: 2.5, supplier: 'Baker', lead_time_days: 1 },
  { sku: 'SKU-3', product_name: 'Coffee 250g', category: 'Grocery', brand: 'Bean', unit_cost: 3.25, list_price: 6.99, supplier: 'Roaster', lead_time_days: 5 },
  { sku: 'SKU-4', product_name: 'Tea', category: 'Grocery', brand: 'Leaf', unit_cost: 1.1, list_price: 2.2, supplier: 'Garden', lead_time_days: 3 },
];

export { tempLake } from './lake-fixture';

/**
 * A load for a warehouse at migration 0001 only, from this code's load, which needs newer tables (the stores'
 * currency, exchange rates, fact_basket, the category aggregates, the open order lines): its facts, products and calendar, and two stores as the load of that time wrote them.
 */
export function loadForInitialSchema(load: string[]): string[] {
  const newerTables = /\b(?:stg_store|dim_store|stg_exchange_rate|dim_exchange_rate|dim_reporting_currency|stg_purchase_orders|tmp_purchase_orders|fact_purchase_order|fact_basket|agg_category_day|stg_sales_agg_dates|po_open_line|po_line_touched|agg_store_day|agg_sku_day)\b/;
  return [
    ...load.filter((s) => !newerTables.test(s)),
    `INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue) VALUES ('S001', 'One', 'North', 'a@example.com', 'UTC', 100), ('S002', 'Two', 'South', 'b@example.com', 'UTC', 200)`,
  ];
}

/** A load as the pipeline sends it: the facts' batch, then (after it committed) the derived tables' batch. */
export async function runLoad(w: Warehouse, statements: string[]): Promise<void> {
  await w.execute(statements);
  await w.execute(buildDerivedStatements());
}

/** The reference load of a lake without exchange rates, reporting in USD (the defaults). */
export const USD_ONLY: ReferenceLoad = { reportingCurrency: 'USD', exchangeRates: false };

export async function writeReference(root: string, stores = STORES, products = PRODUCTS): Promise<void> {
  for (const [key, text] of [
    [STORES_KEY, toCsv(STORE_COLUMNS, stores)],
    [PRODUCTS_KEY, toCsv(PRODUCT_COLUMNS, products)],
  ] as const) {
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(join(root, key), text);
  }
}

/** A sale or return line with revenue and margin computed as curation does (returns negative). */
export function line(
  p: { event_id: string; line_no?: number; store_id: string; sku: string; occurred_at: string; business_date: string; quantity: number; unit_price: number; discount?: number; event_type?: 'sale' | 'return'; transaction_id?: string },
): SalesLineRow {
  const type = p.event_type ?? 'sale';
  const sign = type === 'return' ? -1 : 1;
  const cost = PRODUCTS.find((x) => x.sku === p.sku)?.unit_cost ?? 0;
  const discount = p.discount ?? 0;
  const r2 = (n: number): number => Math.round(n * 100) / 100;
  return {
    event_id: p.event_id,
    line_no: p.line_no ?? 1,
    transaction_id: p.transaction_id ?? `T-${p.event_id}`,
    store_id: p.store_id,
    sku: p.sku,
    occurred_at: p.occurred_at,
    business_date: p.business_date,
    event_type: type,
    quantity: sign * p.quantity,
    unit_price: p.unit_price,
    discount,
    net_revenue: r2(sign * (p.quantity * p.unit_price - discount)),
    unit_cost: cost,
    gross_margin: r2(sign * (p.quantity * p.unit_price - discount - p.quantity * cost)),
    customer_id: null,
    payment_method: 'card',
  };
}

export function inventoryEvent(p: Partial<InventoryEventRow> & Pick<InventoryEventRow, 'event_id' | 'store_id' | 'sku' | 'occurred_at' | 'business_date' | 'event_type'>): InventoryEventRow {
  return { on_hand_qty: null, reorder_point: null, quantity_change: null, reason: null, ...p };
}

const literal = (v: unknown): string => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : sqlString(String(v)));

/**
 * Writes curated partitions for the given rows with DuckDB (COPY ... PARTITION_BY business_date,
 * WRITE_PARTITION_COLUMNS), replacing any partition folder of the same date.
 */
export async function writeCurated(root: string, table: CuratedTable, rows: (SalesLineRow | InventoryEventRow | PurchaseOrderRow)[]): Promise<void> {
  if (rows.length === 0) return;
  const conn = await openDuckDb();
  try {
    const columns = Object.keys(CURATED_COLUMNS[table]);
    await conn.run(`CREATE TABLE t (${columnDefinitions(table)})`);
    const values = rows.map((r) => `(${columns.map((c) => literal((r as unknown as Record<string, unknown>)[c])).join(', ')})`).join(',\n');
    await conn.run(`INSERT INTO t VALUES ${values}`);
    const dir = join(root, 'curated', table);
    for (const d of new Set(rows.map((r) => r.business_date))) rmSync(join(dir, `business_date=${d}`), { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await conn.run(
      `COPY (SELECT * FROM t ORDER BY store_id, sku) TO ${sqlString(dir)} (FORMAT parquet, PARTITION_BY (business_date), WRITE_PARTITION_COLUMNS true, OVERWRITE_OR_IGNORE true)`,
    );
  } finally {
    conn.closeSync();
  }
}

export interface SalesTotals {
  lines: number;
  revenue: number;
  margin: number;
  qty: number;
}

/** The totals of the curated sales_lines Parquet in the lake folder (what reconcile compares the warehouse with). */
export async function curatedTotals(root: string): Promise<SalesTotals> {
  const conn = await openDuckDb();
  try {
    const [r] = await readRows(
      conn,
      `SELECT count(*) AS lines, sum(net_revenue) AS revenue, sum(gross_margin) AS margin, sum(quantity) AS qty
       FROM read_parquet(${sqlString(`${root}/curated/sales_lines/*/*.parquet`)}, hive_partitioning = false)`,
    );
    return { lines: Number(r.lines), revenue: Number(r.revenue), margin: Number(r.margin), qty: Number(r.qty) };
  } finally {
    conn.closeSync();
  }
}

/** The same totals over the warehouse's fact_sales. */
export async function warehouseTotals(w: Warehouse): Promise<SalesTotals> {
  const [r] = await w.query(
    `SELECT count(*) AS lines, COALESCE(sum(net_revenue), 0) AS revenue, COALESCE(sum(gross_margin), 0) AS margin, COALESCE(sum(qty_sold), 0) AS qty FROM fact_sales`,
  );
  return { lines: Number(r.lines), revenue: Number(r.revenue), margin: Number(r.margin), qty: Number(r.qty) };
}

/** fact_basket's definition (migration 0009), written again here: the sales lines grouped per transaction. */
const BASKET_COLUMNS = 'date_key, store_id, basket_id, event_type, customer_id, payment_method, lines, units';
const BASKETS_OF_SALES = `SELECT date_key, store_id, basket_id, event_type, MAX(customer_id) AS customer_id, MAX(payment_method) AS payment_method,
  COUNT(*) AS lines, SUM(qty_sold) AS units
FROM fact_sales GROUP BY date_key, store_id, basket_id, event_type`;

/** For a fixture that INSERTs fact_sales rows directly (as no load does): their fact_basket rows. */
export const FILL_BASKETS_SQL = `INSERT INTO fact_basket (${BASKET_COLUMNS}) ${BASKETS_OF_SALES}`;

/** How far a table kept at load is from its definition over the facts: its rows, and the rows in one and not the
 * other (both ways, every one of `columns`). */
async function tableGaps(w: Warehouse, table: string, columns: string, definition: string): Promise<{ rows: number; missing: number; extra: number }> {
  const [r] = await w.query(
    `SELECT (SELECT count(*) FROM ${table}) AS n,
       (SELECT count(*) FROM (${definition} EXCEPT ALL SELECT ${columns} FROM ${table}) m) AS missing,
       (SELECT count(*) FROM (SELECT ${columns} FROM ${table} EXCEPT ALL ${definition}) e) AS extra`,
  );
  return { rows: Number(r.n), missing: Number(r.missing), extra: Number(r.extra) };
}

/** How far fact_basket is from the GROUP BY of fact_sales. */
export async function basketFactGaps(w: Warehouse): Promise<{ baskets: number; missing: number; extra: number }> {
  const { rows, missing, extra } = await tableGaps(w, 'fact_basket', BASKET_COLUMNS, BASKETS_OF_SALES);
  return { baskets: rows, missing, extra };
}

/**
 * agg_category_day's definition (migration 0010), written again here another way (each basket's categories
 * counted by a GROUP BY, not a window): per store, date and category its lines' sums and the sale baskets holding
 * it (attached: with another category too); per pair of categories (category < paired_category), the sale baskets
 * holding both.
 */
const CATEGORY_AGGREGATE_COLUMNS = 'date_key, store_id, category, paired_category, net_units, net_revenue, gross_margin, baskets, attached_baskets';
const CATEGORY_AGGREGATES_OF_SALES = `SELECT * FROM (
WITH lines AS (
  SELECT f.*, COALESCE(p.category, '(unknown)') AS category FROM fact_sales f LEFT JOIN dim_product p ON p.sku = f.sku
),
held AS (SELECT DISTINCT date_key, store_id, basket_id, category FROM lines WHERE event_type = 'sale'),
spread AS (SELECT date_key, store_id, basket_id, COUNT(*) AS n FROM held GROUP BY date_key, store_id, basket_id),
holding AS (
  SELECT h.date_key, h.store_id, h.category, COUNT(*) AS baskets, SUM(CASE WHEN s.n > 1 THEN 1 ELSE 0 END) AS attached_baskets
  FROM held h JOIN spread s ON s.date_key = h.date_key AND s.store_id = h.store_id AND s.basket_id = h.basket_id
  GROUP BY h.date_key, h.store_id, h.category
)
SELECT l.date_key, l.store_id, l.category, l.category AS paired_category, SUM(l.qty_sold) AS net_units, SUM(l.net_revenue) AS net_revenue,
  SUM(l.gross_margin) AS gross_margin, COALESCE(MAX(b.baskets), 0) AS baskets, COALESCE(MAX(b.attached_baskets), 0) AS attached_baskets
FROM lines l
LEFT JOIN holding b ON b.date_key = l.date_key AND b.store_id = l.store_id AND b.category = l.category
GROUP BY l.date_key, l.store_id, l.category
UNION ALL
SELECT a.date_key, a.store_id, a.category, b.category, 0, 0, 0, COUNT(*), 0
FROM held a JOIN held b ON b.date_key = a.date_key AND b.store_id = a.store_id AND b.basket_id = a.basket_id AND b.category > a.category
GROUP BY a.date_key, a.store_id, a.category, b.category
) d`;

/** For a fixture that INSERTs fact_sales rows directly (as no load does): their agg_category_day rows. */
export const FILL_CATEGORY_AGGREGATES_SQL = `INSERT INTO agg_category_day (${CATEGORY_AGGREGATE_COLUMNS}) ${CATEGORY_AGGREGATES_OF_SALES}`;

/** How far agg_category_day is from its GROUP BY of fact_sales and dim_product. */
export async function categoryAggregateGaps(w: Warehouse): Promise<{ rows: number; missing: number; extra: number }> {
  return tableGaps(w, 'agg_category_day', CATEGORY_AGGREGATE_COLUMNS, CATEGORY_AGGREGATES_OF_SALES);
}

/**
 * agg_store_day's definition (migration 0012), written again here another way (from the lines alone, a CASE per
 * line, baskets counted as the distinct basket ids of sale lines rather than from fact_basket): per store and date
 * the sums of all its lines, of its sale lines and of its sale lines with a customer, its sale baskets and those
 * with a customer (loyalty visits).
 */
const STORE_AGGREGATE_COLUMNS =
  'date_key, store_id, net_units, net_revenue, gross_margin, basket_lines, basket_units, basket_revenue, loyalty_revenue, baskets, loyalty_visits';
const STORE_AGGREGATES_OF_SALES = `SELECT date_key, store_id, SUM(qty_sold) AS net_units, SUM(net_revenue) AS net_revenue, SUM(gross_margin) AS gross_margin,
  SUM(CASE WHEN event_type = 'sale' THEN 1 ELSE 0 END) AS basket_lines,
  SUM(CASE WHEN event_type = 'sale' THEN qty_sold ELSE 0 END) AS basket_units,
  SUM(CASE WHEN event_type = 'sale' THEN net_revenue ELSE 0 END) AS basket_revenue,
  SUM(CASE WHEN event_type = 'sale' AND customer_id IS NOT NULL THEN net_revenue ELSE 0 END) AS loyalty_revenue,
  COUNT(DISTINCT CASE WHEN event_type = 'sale' THEN basket_id END) AS baskets,
  COUNT(DISTINCT CASE WHEN event_type = 'sale' AND customer_id IS NOT NULL THEN basket_id END) AS loyalty_visits
FROM fact_sales GROUP BY date_key, store_id`;

/** For a fixture that INSERTs fact_sales rows directly (as no load does): their agg_store_day rows. */
export const FILL_STORE_AGGREGATES_SQL = `INSERT INTO agg_store_day (${STORE_AGGREGATE_COLUMNS}) ${STORE_AGGREGATES_OF_SALES}`;

/** How far agg_store_day is from its GROUP BY of fact_sales. */
export async function storeAggregateGaps(w: Warehouse): Promise<{ rows: number; missing: number; extra: number }> {
  return tableGaps(w, 'agg_store_day', STORE_AGGREGATE_COLUMNS, STORE_AGGREGATES_OF_SALES);
}

/**
 * agg_sku_day's definition (migration 0013), written as what it is for: the rows of the data set sku_day_sales
 * (store x date x SKU, each store's revenue converted at the date's rate) summed over the stores.
 */
const SKU_AGGREGATE_COLUMNS = 'date_key, sku, net_units, net_revenue_rpt';
const SKU_AGGREGATES_OF_SALES = `SELECT business_date AS date_key, sku, SUM(net_units) AS net_units, SUM(net_revenue_rpt) AS net_revenue_rpt
FROM (${SKU_DAY_SALES.sql}) d
GROUP BY business_date, sku`;

/** For a fixture that INSERTs fact_sales rows directly (as no load does): their agg_sku_day rows. */
export const FILL_SKU_AGGREGATES_SQL = `INSERT INTO agg_sku_day (${SKU_AGGREGATE_COLUMNS}) ${SKU_AGGREGATES_OF_SALES}`;

/** How far agg_sku_day is from sku_day_sales's rows (over fact_sales, the stores and the rates) summed per date and SKU. */
export async function skuAggregateGaps(w: Warehouse): Promise<{ rows: number; missing: number; extra: number }> {
  return tableGaps(w, 'agg_sku_day', SKU_AGGREGATE_COLUMNS, SKU_AGGREGATES_OF_SALES);
}

/**
 * po_open_line's definition (migration 0011), written again here: fact_purchase_order grouped per order line
 * (store, SKU, order), the lines with more units ordered than received. It is the po_lines of the
 * open_purchase_orders data set before the table existed.
 */
const OPEN_LINE_COLUMNS = 'store_id, sku, po_id, order_date, expected_date, supplier, ordered, received';
const OPEN_LINES_OF_ORDERS = `SELECT store_id, sku, po_id,
  MIN(CASE WHEN event_type = 'purchase_order' THEN date_key END) AS order_date,
  MAX(expected_date) AS expected_date,
  MAX(supplier) AS supplier,
  SUM(CASE WHEN event_type = 'purchase_order' THEN CAST(quantity AS BIGINT) ELSE 0 END) AS ordered,
  SUM(CASE WHEN event_type = 'receipt' THEN CAST(quantity AS BIGINT) ELSE 0 END) AS received
FROM fact_purchase_order GROUP BY store_id, sku, po_id
HAVING SUM(CASE WHEN event_type = 'purchase_order' THEN CAST(quantity AS BIGINT) ELSE 0 END)
  > SUM(CASE WHEN event_type = 'receipt' THEN CAST(quantity AS BIGINT) ELSE 0 END)`;

/** For a fixture that INSERTs fact_purchase_order rows directly (as no load does): their po_open_line rows. */
export const FILL_OPEN_LINES_SQL = `INSERT INTO po_open_line (${OPEN_LINE_COLUMNS}) ${OPEN_LINES_OF_ORDERS}`;

/** How far po_open_line is from the open lines of fact_purchase_order: its rows, and the rows in one and not the other. */
export async function openLineGaps(w: Warehouse): Promise<{ open: number; missing: number; extra: number }> {
  const [r] = await w.query(
    `SELECT (SELECT count(*) FROM po_open_line) AS open,
       (SELECT count(*) FROM (${OPEN_LINES_OF_ORDERS} EXCEPT ALL SELECT ${OPEN_LINE_COLUMNS} FROM po_open_line) m) AS missing,
       (SELECT count(*) FROM (SELECT ${OPEN_LINE_COLUMNS} FROM po_open_line EXCEPT ALL ${OPEN_LINES_OF_ORDERS}) e) AS extra`,
  );
  return { open: Number(r.open), missing: Number(r.missing), extra: Number(r.extra) };
}
