/**
 * Data sets over the stock position (fact_inventory_snapshot, written by stock risk for each as-of date) and the
 * purchase orders. The "latest" ones are store x SKU as of the latest stock-risk date: a view of today, which a
 * date range does not select, so they have no date filter column (region and store filter them).
 * Stock and order values: dim_product.unit_cost is in the reporting currency (see v_sales_reporting), so
 * `*_rpt` = quantity x unit cost, and the store-currency value is that over the store's rate on the as-of date.
 */
import { CATEGORY_SQL, column, CURRENCY_COLUMNS, moneyColumns, REGION_SQL, STORE_COLUMNS, storeFilters, storeLabelSql } from './dataset-columns';
import type { DatasetDefinition } from './definition';

/** The latest stock-risk date (one row, joined once). */
const LATEST_SNAPSHOT = `(SELECT MAX(date_key) AS as_of_date FROM fact_inventory_snapshot)`;

/** The store's rate on the as-of date `l.as_of_date` (1 in the reporting currency; NULL without a rate). */
const RATE_SQL = `CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN 1 ELSE x.rate END`;
const RATE_JOIN = `LEFT JOIN v_exchange_rate_daily x ON x.currency = s.currency AND x.date_key = l.as_of_date`;

/** A value at cost: `<qty> x unit cost` in the reporting currency, and converted back into the store's currency. */
const valueAtCostSql = (qty: string, name: string): string =>
  `CAST(CAST(${qty} AS DECIMAL(18,2)) * p.unit_cost / ${RATE_SQL} AS DECIMAL(18,2)) AS ${name},
  CAST(CAST(${qty} AS DECIMAL(18,2)) * p.unit_cost AS DECIMAL(18,2)) AS ${name}_rpt`;

/**
 * At-risk SKUs (critical or high: they run out within their lead time unless someone orders) as of the latest
 * stock-risk date, with the projection of stock risk v2 and since when the alert has had its level. The first ten
 * columns are the static snapshot page's (local/dashboards/render-html.ts).
 */
export const INVENTORY_RISK: DatasetDefinition = {
  name: 'inventory_risk',
  title: 'At-risk SKUs',
  description:
    'SKUs that run out within their lead time (critical: within half of it) as of the latest stock-risk date, with region, category, what is on order, the stockout and order-by dates, the suggested order and since when the alert has had its level.',
  sql: `SELECT
  r.date_key AS as_of_date,
  r.store_id,
  COALESCE(s.store_name, r.store_id) AS store_name,
  r.sku,
  COALESCE(p.product_name, r.sku) AS product_name,
  r.on_hand_qty,
  r.avg_daily_demand,
  r.days_of_supply,
  r.risk_flag AS severity,
  p.lead_time_days,
  ${storeLabelSql('r.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  ${CATEGORY_SQL} AS category,
  CASE WHEN r.risk_flag = 'critical' THEN 1 ELSE 0 END AS critical_skus,
  r.on_order_qty,
  r.next_arrival_date,
  r.stockout_date,
  r.order_by_date,
  r.suggested_qty,
  a.since AS alert_since
FROM fact_inventory_snapshot r
JOIN ${LATEST_SNAPSHOT} l ON r.date_key = l.as_of_date
LEFT JOIN dim_store s ON s.store_id = r.store_id
LEFT JOIN dim_product p ON p.sku = r.sku
LEFT JOIN alert_state a ON a.store_id = r.store_id AND a.sku = r.sku AND a.level = r.risk_flag
WHERE r.risk_flag IN ('critical', 'high')
ORDER BY CASE WHEN r.risk_flag = 'critical' THEN 0 ELSE 1 END, r.days_of_supply, r.store_id, r.sku`,
  columns: [
    column('as_of_date', 'date', 'As of'),
    column('store_id', 'string', 'Store'),
    column('store_name', 'string', 'Store name'),
    column('sku', 'string', 'SKU'),
    column('product_name', 'string', 'Product'),
    column('on_hand_qty', 'integer', 'On hand (est.)'),
    column('avg_daily_demand', 'decimal', 'Daily demand'),
    column('days_of_supply', 'decimal', 'Days of supply'),
    column('severity', 'string', 'Severity'),
    column('lead_time_days', 'integer', 'Lead time (days)'),
    column('store_label', 'string', 'Store'),
    column('region', 'string', 'Region'),
    column('category', 'string', 'Category'),
    column('critical_skus', 'integer', 'Critical'),
    column('on_order_qty', 'integer', 'On order'),
    column('next_arrival_date', 'date', 'Next arrival'),
    column('stockout_date', 'date', 'Runs out on'),
    column('order_by_date', 'date', 'Order by'),
    column('suggested_qty', 'integer', 'Suggested order'),
    column('alert_since', 'date', 'Alert since'),
  ],
  filterColumns: storeFilters(),
};

/** Dead stock and overstock (stock risk's stock_flag) as of the latest stock-risk date, valued at cost. */
export const STOCK_FLAGS: DatasetDefinition = {
  name: 'stock_flags',
  title: 'Dead stock and overstock',
  description:
    'SKUs flagged dead (stock, no sale for the dead-stock window) or overstock (stock above the overstock cover x the lead time of forecast demand) as of the latest stock-risk date: on hand, daily forecast, cover in days and the stock value at cost (store and reporting currency).',
  sql: `SELECT
  r.date_key AS as_of_date,
  r.store_id,
  ${storeLabelSql('r.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  r.sku,
  COALESCE(p.product_name, r.sku) AS product_name,
  ${CATEGORY_SQL} AS category,
  r.stock_flag,
  COALESCE(s.currency, rc.currency) AS currency,
  rc.currency AS reporting_currency,
  r.on_hand_qty,
  r.forecast_daily,
  CASE WHEN r.forecast_daily > 0 THEN CAST(r.on_hand_qty / r.forecast_daily AS DECIMAL(12,1)) END AS cover_days,
  ${valueAtCostSql('GREATEST(r.on_hand_qty, 0)', 'stock_value')}
FROM fact_inventory_snapshot r
JOIN ${LATEST_SNAPSHOT} l ON r.date_key = l.as_of_date
CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_store s ON s.store_id = r.store_id
LEFT JOIN dim_product p ON p.sku = r.sku
${RATE_JOIN}
WHERE r.stock_flag IS NOT NULL`,
  columns: [
    column('as_of_date', 'date', 'As of'),
    ...STORE_COLUMNS,
    column('sku', 'string', 'SKU'),
    column('product_name', 'string', 'Product'),
    column('category', 'string', 'Category'),
    column('stock_flag', 'string', 'Flag'),
    ...CURRENCY_COLUMNS,
    column('on_hand_qty', 'integer', 'On hand (est.)'),
    column('forecast_daily', 'decimal', 'Daily forecast'),
    column('cover_days', 'decimal', 'Cover (days)'),
    ...moneyColumns('stock_value', 'Stock value at cost'),
  ],
  filterColumns: storeFilters(),
};

/** At-risk SKUs per store, stock-risk date and severity: the alert trend (stock risk keeps every as-of date's levels). */
export const ALERT_TREND: DatasetDefinition = {
  name: 'alert_trend',
  title: 'At-risk SKUs by store, day and severity',
  description: 'Per store, stock-risk date and severity (critical, high): how many SKUs were at risk that day.',
  sql: `SELECT
  r.date_key AS as_of_date,
  r.store_id,
  ${storeLabelSql('r.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  r.risk_flag AS severity,
  COUNT(*) AS at_risk_skus
FROM fact_inventory_snapshot r
LEFT JOIN dim_store s ON s.store_id = r.store_id
WHERE r.risk_flag IN ('critical', 'high')
GROUP BY r.date_key, r.store_id, s.store_name, s.region, r.risk_flag`,
  columns: [
    column('as_of_date', 'date', 'Stock-risk date'),
    ...STORE_COLUMNS,
    column('severity', 'string', 'Severity'),
    column('at_risk_skus', 'integer', 'At-risk SKUs'),
  ],
  filterColumns: storeFilters('as_of_date'),
};

/**
 * Open purchase-order lines (ordered - received > 0) as of the latest business date, as stock risk counts them,
 * valued at cost; overdue when the expected date has passed. From po_open_line (migration 0011), which the loads
 * keep equal to the open lines of fact_purchase_order's GROUP BY per (store, SKU, order), so a refresh reads the
 * open lines only, not the whole order history.
 */
export const OPEN_PURCHASE_ORDERS: DatasetDefinition = {
  name: 'open_purchase_orders',
  title: 'What is on order',
  description:
    'Per open purchase-order line (store, order, SKU) as of the latest business date: supplier, order and expected dates, whether it is overdue, the open quantity and its value at cost (store and reporting currency).',
  sql: `SELECT
  l.as_of_date,
  o.store_id,
  ${storeLabelSql('o.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  o.po_id,
  o.sku,
  COALESCE(p.product_name, o.sku) AS product_name,
  ${CATEGORY_SQL} AS category,
  o.supplier,
  o.order_date,
  o.expected_date,
  CASE WHEN o.expected_date < l.as_of_date THEN 'overdue' ELSE 'expected' END AS arrival_status,
  COALESCE(s.currency, rc.currency) AS currency,
  rc.currency AS reporting_currency,
  o.ordered - o.received AS open_qty,
  ${valueAtCostSql('o.ordered - o.received', 'open_value')}
FROM po_open_line o
CROSS JOIN (SELECT MAX(date_key) AS as_of_date FROM dim_calendar) l
CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_store s ON s.store_id = o.store_id
LEFT JOIN dim_product p ON p.sku = o.sku
${RATE_JOIN}`,
  columns: [
    column('as_of_date', 'date', 'As of'),
    ...STORE_COLUMNS,
    column('po_id', 'string', 'Order'),
    column('sku', 'string', 'SKU'),
    column('product_name', 'string', 'Product'),
    column('category', 'string', 'Category'),
    column('supplier', 'string', 'Supplier'),
    column('order_date', 'date', 'Ordered on'),
    column('expected_date', 'date', 'Expected on'),
    column('arrival_status', 'string', 'Arrival'),
    ...CURRENCY_COLUMNS,
    column('open_qty', 'integer', 'Open quantity'),
    ...moneyColumns('open_value', 'Open value at cost'),
  ],
  filterColumns: storeFilters(),
};
