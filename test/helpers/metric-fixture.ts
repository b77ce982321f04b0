import { FILL_BASKETS_SQL, FILL_CATEGORY_AGGREGATES_SQL, FILL_STORE_AGGREGATES_SQL } from './warehouse-fixture';

/**
 * The hand-built warehouse of the metric views' known-answer tests (test/local/warehouse/metric-views.test.ts):
 * INSERTs in Redshift's dialect, run as the admin after the migrations. Small enough to compute every metric by
 * hand; the expected values sit next to the test.
 *
 * Stores: S1 North USD target 100, S2 North EUR target 200, S3 South USD target 50. Reporting currency USD,
 * EUR = 1.10 USD from 2026-03-01. Calendar: 2026-02-01 (Sun), 2026-03-02 (Mon), 2026-03-07 (Sat).
 * Products (category, unit cost, lead time): A Dairy 1.00 2d, B Bakery 2.00 1d, C Grocery 5.00 45d, D Grocery 10.00 2d.
 *
 * Sale baskets (customer): S1 03-02 T1 A2@3 + B1@5 (C1), T2 A1@3 + B1@5 (C1), T3 A1@3 + B1@5 (C2), T4 C1@8,
 * return R1 A-1@3; S1 03-07 T5 A1@3 + C1@8 (C3); S2 03-02 T6 D2@20 (EUR); S3 02-01 T7 D1@15 (C3).
 * Margin = revenue - quantity x unit cost. Stock (fact_inventory_snapshot): S1 03-02 A10 B5 C4 D0; S1 03-07 A8
 * B20 C9 D6; S3 03-07 A0 D5.
 */
const STORES = [
  ['S1', 'North', 'USD', 100],
  ['S2', 'North', 'EUR', 200],
  ['S3', 'South', 'USD', 50],
] as const;

const PRODUCTS = [
  ['A', 'Dairy', 1, 2],
  ['B', 'Bakery', 2, 1],
  ['C', 'Grocery', 5, 45],
  ['D', 'Grocery', 10, 2],
] as const;

// date_key, ISO day of week
const DAYS = [
  ['2026-02-01', 7],
  ['2026-03-02', 1],
  ['2026-03-07', 6],
] as const;

const COST: Record<string, number> = Object.fromEntries(PRODUCTS.map(([sku, , cost]) => [sku, cost]));

// date, store, basket, sku, quantity (negative: return), unit price, customer
type Line = [string, string, string, string, number, number, string | null];
const LINES: Line[] = [
  ['2026-03-02', 'S1', 'T1', 'A', 2, 3, 'C1'],
  ['2026-03-02', 'S1', 'T1', 'B', 1, 5, 'C1'],
  ['2026-03-02', 'S1', 'T2', 'A', 1, 3, 'C1'],
  ['2026-03-02', 'S1', 'T2', 'B', 1, 5, 'C1'],
  ['2026-03-02', 'S1', 'T3', 'A', 1, 3, 'C2'],
  ['2026-03-02', 'S1', 'T3', 'B', 1, 5, 'C2'],
  ['2026-03-02', 'S1', 'T4', 'C', 1, 8, null],
  ['2026-03-02', 'S1', 'R1', 'A', -1, 3, 'C1'],
  ['2026-03-07', 'S1', 'T5', 'A', 1, 3, 'C3'],
  ['2026-03-07', 'S1', 'T5', 'C', 1, 8, 'C3'],
  ['2026-03-02', 'S2', 'T6', 'D', 2, 20, null],
  ['2026-02-01', 'S3', 'T7', 'D', 1, 15, 'C3'],
];

// date, store, sku, on hand
const STOCK: [string, string, string, number][] = [
  ['2026-03-02', 'S1', 'A', 10],
  ['2026-03-02', 'S1', 'B', 5],
  ['2026-03-02', 'S1', 'C', 4],
  ['2026-03-02', 'S1', 'D', 0],
  ['2026-03-07', 'S1', 'A', 8],
  ['2026-03-07', 'S1', 'B', 20],
  ['2026-03-07', 'S1', 'C', 9],
  ['2026-03-07', 'S1', 'D', 6],
  ['2026-03-07', 'S3', 'A', 0],
  ['2026-03-07', 'S3', 'D', 5],
];

const q = (s: string | null): string => (s === null ? 'NULL' : `'${s}'`);

/** The fixture's INSERT statements (Redshift dialect). */
export function metricFixtureStatements(): string[] {
  const sales = LINES.map(([date, store, basket, sku, qty, price, customer], i) => {
    const revenue = (qty * price).toFixed(2);
    const margin = (qty * (price - COST[sku])).toFixed(2);
    const type = qty < 0 ? 'return' : 'sale';
    return `(CAST('${date}' AS DATE), CAST('${date} 10:00:00' AS TIMESTAMP), '${store}', '${sku}', '${basket}', ${qty}, ${price.toFixed(2)}, ${revenue}, ${margin}, ${q(customer)}, 'e${i}', 1, '${type}', 0, 'card')`;
  });
  return [
    `INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue, currency) VALUES ${STORES.map(
      ([id, region, currency, target]) => `('${id}', 'Store ${id}', '${region}', 'm@example.com', 'UTC', ${target}, '${currency}')`,
    ).join(', ')}`,
    `INSERT INTO dim_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days) VALUES ${PRODUCTS.map(
      ([sku, category, cost, lead]) => `('${sku}', 'Product ${sku}', '${category}', 'Brand', ${cost}, ${cost * 3}, 'Supplier', ${lead})`,
    ).join(', ')}`,
    `INSERT INTO dim_calendar (date_key, day_of_week, week_num, month, quarter, year, fiscal_period, is_weekend) VALUES ${DAYS.map(
      ([date, dow]) => `(CAST('${date}' AS DATE), ${dow}, 1, ${Number(date.slice(5, 7))}, 1, 2026, 'FY2026-P01', ${dow >= 6 ? 'TRUE' : 'FALSE'})`,
    ).join(', ')}`,
    `INSERT INTO dim_exchange_rate (rate_date, currency, rate) VALUES (CAST('2026-03-01' AS DATE), 'EUR', 1.10)`,
    `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method) VALUES ${sales.join(', ')}`,
    `INSERT INTO fact_inventory_snapshot (date_key, timestamp_utc, store_id, sku, on_hand_qty, reorder_point, days_of_supply, risk_flag, avg_daily_demand) VALUES ${STOCK.map(
      ([date, store, sku, onHand]) => `(CAST('${date}' AS DATE), CAST('${date} 23:00:00' AS TIMESTAMP), '${store}', '${sku}', ${onHand}, NULL, NULL, 'ok', 0)`,
    ).join(', ')}`,
    FILL_BASKETS_SQL, // as the load writes them with the lines
    FILL_CATEGORY_AGGREGATES_SQL,
    FILL_STORE_AGGREGATES_SQL,
  ];
}

/**
 * Three more sale baskets in S3 on 03-07 (X1 A + C, X2 A + C, X3 C), for the cross-sell filter: A + C then
 * reaches the minimum support (3 baskets) with a lift of exactly 1 (3 x 10 / (6 x 5)), which lift > 1 leaves out.
 */
export function crossSellExtraStatements(): string[] {
  const lines: [string, string][] = [['X1', 'A'], ['X1', 'C'], ['X2', 'A'], ['X2', 'C'], ['X3', 'C']];
  const values = lines.map(
    ([basket, sku], i) =>
      `(CAST('2026-03-07' AS DATE), CAST('2026-03-07 11:00:00' AS TIMESTAMP), 'S3', '${sku}', '${basket}', 1, 9.00, 9.00, ${(9 - COST[sku]).toFixed(2)}, NULL, 'x${i}', 1, 'sale', 0, 'card')`,
  );
  return [
    `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method) VALUES ${values.join(', ')}`,
    'DELETE FROM fact_basket',
    FILL_BASKETS_SQL,
    'DELETE FROM agg_category_day',
    FILL_CATEGORY_AGGREGATES_SQL,
    'DELETE FROM agg_store_day',
    FILL_STORE_AGGREGATES_SQL,
  ];
}
