/**
 * The hand-built warehouse of the dashboard data sets' tests (test/dashboards/dataset-sql.test.ts): INSERTs in
 * Redshift's dialect, run after the migrations. Every data set returns rows from it; the known answers sit next
 * to the test.
 *
 * Reporting currency USD (the migrations' default row). Stores: NYC East USD target 100; LON Europe GBP target 80,
 * GBP = 1.25 USD from 2026-03-01. Calendar: 2026-03-02 (Mon, weight 0.85), 2026-03-03 (Tue, 0.90).
 * Products (category, unit cost in USD, lead time): A Dairy 1.00 2d, B Bakery 2.00 4d.
 * Sales (basket, sku qty@price, customer): NYC 03-02 T1 A2@3 + B1@5 (C1), T2 A1@3, return R1 A-1@3;
 * LON 03-02 L1 A2@4 + B1@6 (C9); LON 03-03 L2 B2@6. NYC has no sale on 03-03.
 * Margin = revenue - quantity x unit cost (as curation computes it, the cost in USD).
 * Stock risk: 03-02 NYC/A high, LON/B critical; 03-03 (latest) NYC/A critical, NYC/B ok overstock 40 on hand,
 * LON/A ok dead 8 on hand, LON/B high. alert_state: NYC/A critical since 03-03, LON/B high since 03-03.
 * Orders: PO1 NYC/A 10 ordered 03-02, expected 03-05, 4 received 03-03; PO2 LON/B 5 ordered 03-02, expected 03-02.
 */
import type { Row } from '../../functions/lib/ports';
import { FILL_BASKETS_SQL, FILL_CATEGORY_AGGREGATES_SQL, FILL_SKU_AGGREGATES_SQL, FILL_STORE_AGGREGATES_SQL, FILL_OPEN_LINES_SQL } from './warehouse-fixture';

const date = (d: string): string => `CAST('${d}' AS DATE)`;
const ts = (d: string): string => `CAST('${d} 10:00:00' AS TIMESTAMP)`;
const COST: Record<string, number> = { A: 1, B: 2 };

// date, store, basket, sku, quantity (negative: return), unit price, customer
type Line = [string, string, string, string, number, number, string | null];
const LINES: Line[] = [
  ['2026-03-02', 'NYC', 'T1', 'A', 2, 3, 'C1'],
  ['2026-03-02', 'NYC', 'T1', 'B', 1, 5, 'C1'],
  ['2026-03-02', 'NYC', 'T2', 'A', 1, 3, null],
  ['2026-03-02', 'NYC', 'R1', 'A', -1, 3, null],
  ['2026-03-02', 'LON', 'L1', 'A', 2, 4, 'C9'],
  ['2026-03-02', 'LON', 'L1', 'B', 1, 6, 'C9'],
  ['2026-03-03', 'LON', 'L2', 'B', 2, 6, null],
];

// date, store, sku, on hand, risk flag, stock flag, forecast daily
type Snapshot = [string, string, string, number, string, string | null, number];
const SNAPSHOTS: Snapshot[] = [
  ['2026-03-02', 'NYC', 'A', 3, 'high', null, 1],
  ['2026-03-02', 'LON', 'B', 1, 'critical', null, 1],
  ['2026-03-03', 'NYC', 'A', 1, 'critical', null, 2],
  ['2026-03-03', 'NYC', 'B', 40, 'ok', 'overstock', 2],
  ['2026-03-03', 'LON', 'A', 8, 'ok', 'dead', 0],
  ['2026-03-03', 'LON', 'B', 3, 'high', null, 1],
];

const q = (s: string | null): string => (s === null ? 'NULL' : `'${s}'`);

export function dashboardFixtureStatements(): string[] {
  const sales = LINES.map(([d, store, basket, sku, qty, price, customer], i) => {
    const type = qty < 0 ? 'return' : 'sale';
    return `(${date(d)}, ${ts(d)}, '${store}', '${sku}', '${basket}', ${qty}, ${price}, ${qty * price}, ${qty * (price - COST[sku])}, ${q(customer)}, 'e${i}', 1, '${type}', 0, 'card')`;
  });
  const snapshots = SNAPSHOTS.map(
    ([d, store, sku, onHand, risk, flag, forecast]) =>
      `(${date(d)}, ${ts(d)}, '${store}', '${sku}', ${onHand}, 2, ${(onHand / Math.max(forecast, 1)).toFixed(2)}, '${risk}', ${forecast}, 0, ${q(flag)}, ${forecast})`,
  );
  return [
    `INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue, currency) VALUES ('NYC', 'New York', 'East', 'n@example.com', 'America/New_York', 100, 'USD'), ('LON', 'London', 'Europe', 'l@example.com', 'Europe/London', 80, 'GBP')`,
    `INSERT INTO dim_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days) VALUES ('A', 'Milk', 'Dairy', 'Moo', 1, 3, 'Farm', 2), ('B', 'Bread', 'Bakery', 'Loaf', 2, 6, 'Baker', 4)`,
    `INSERT INTO dim_calendar (date_key, day_of_week, week_num, month, quarter, year, fiscal_period, is_weekend) VALUES (${date('2026-03-02')}, 1, 9, 3, 1, 2026, 'FY2026-P03', FALSE), (${date('2026-03-03')}, 2, 9, 3, 1, 2026, 'FY2026-P03', FALSE)`,
    `INSERT INTO dim_exchange_rate (rate_date, currency, rate) VALUES (${date('2026-03-01')}, 'GBP', 1.25)`,
    `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method) VALUES ${sales.join(', ')}`,
    FILL_BASKETS_SQL, // as the load writes them with the lines
    FILL_CATEGORY_AGGREGATES_SQL,
    FILL_STORE_AGGREGATES_SQL,
    FILL_SKU_AGGREGATES_SQL,
    `INSERT INTO fact_inventory_snapshot (date_key, timestamp_utc, store_id, sku, on_hand_qty, reorder_point, days_of_supply, risk_flag, avg_daily_demand, on_order_qty, stock_flag, forecast_daily) VALUES ${snapshots.join(', ')}`,
    `INSERT INTO alert_state (store_id, sku, level, since, notified_level) VALUES ('NYC', 'A', 'critical', ${date('2026-03-03')}, 'critical'), ('LON', 'B', 'high', ${date('2026-03-03')}, 'critical')`,
    `INSERT INTO fact_purchase_order (date_key, timestamp_utc, store_id, sku, event_id, event_type, po_id, quantity, expected_date, supplier) VALUES
      (${date('2026-03-02')}, ${ts('2026-03-02')}, 'NYC', 'A', 'o1', 'purchase_order', 'PO1', 10, ${date('2026-03-05')}, 'Farm'),
      (${date('2026-03-03')}, ${ts('2026-03-03')}, 'NYC', 'A', 'r1', 'receipt', 'PO1', 4, NULL, NULL),
      (${date('2026-03-02')}, ${ts('2026-03-02')}, 'LON', 'B', 'o2', 'purchase_order', 'PO2', 5, ${date('2026-03-02')}, 'Baker')`,
    FILL_OPEN_LINES_SQL, // as the load keeps them with the orders
  ];
}

/** A warehouse value as plain JSON: numbers as numbers (DECIMAL and BIGINT differ by engine), dates as YYYY-MM-DD. */
export function plainValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const s = String(v);
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return /^\d{4}-\d\d-\d\d[ T]00:00:00/.test(s) ? s.slice(0, 10) : s;
}

export const plainRows = (rows: Row[]): Record<string, string | number | null>[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)])));
