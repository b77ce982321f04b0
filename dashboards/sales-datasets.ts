/**
 * Data sets over the sales: fact_sales (lines) and fact_basket (the lines grouped per transaction, migration 0009),
 * every amount in the store's currency and in the reporting currency (*_rpt). Rows at the grain the filters need
 * (store x date, store x date x category, store x date x SKU); the visuals aggregate. Each sums the store-currency
 * amounts of the lines first and converts the group's sums once (./group-conversion.ts), and counts baskets from
 * fact_basket rather than grouping the lines by basket: a month of lines (27M) is too many to convert or group one
 * by one. The store-day data sets read agg_store_day (migration 0012) and the category data sets agg_category_day
 * (migration 0010): the lines and baskets per store and day (and category) aggregated by the load.
 * A basket is a sale transaction (returns are not baskets), as in the metric views (migration 0005).
 */
import { CATEGORY_SQL, column, CURRENCY_COLUMNS, moneyColumns, REGION_SQL, STORE_COLUMNS, storeFilters, storeLabelSql } from './dataset-columns';
import type { DatasetDefinition } from './definition';
import { conversionJoins, groupConversion, STORE_CURRENCY_SQL } from './group-conversion';

/** A group of one store and date, converted at the date's rate in the store's currency (dim_store `s`). */
const store = groupConversion();
/** store_day_metrics's rows come from v_store_day_target `t`, which carries the store's currency. */
const storeDay = groupConversion('t.currency');

/** The static snapshot page's sales (local/dashboards/): store x date on the days a store traded, flat daily target. */
export const DAILY_STORE_SALES: DatasetDefinition = {
  name: 'daily_store_sales',
  title: 'Revenue by store and business date',
  description:
    'Net revenue (after returns and discounts), gross margin, baskets and the store target per business date, in the store\'s currency and, converted at the date\'s rate, in the reporting currency (*_rpt: NULL when the store\'s currency has no rate yet).',
  // totals across stores add the *_rpt columns only: stores' own amounts are in their currency.
  // The store-day rows of agg_store_day (migration 0012: the load keeps them equal to the GROUP BY of the lines and
  // the sale baskets), converted at the date's rate, with the store's name and target joined.
  sql: `SELECT
  f.date_key AS business_date,
  f.store_id,
  COALESCE(s.store_name, f.store_id) AS store_name,
  COALESCE(s.region, '') AS region,
  ${STORE_CURRENCY_SQL} AS currency,
  rc.currency AS reporting_currency,
  f.net_revenue,
  ${store.marginLocal('f.net_revenue', 'f.gross_margin')} AS gross_margin,
  f.baskets,
  f.net_units,
  COALESCE(s.target_daily_revenue, 0) AS target_revenue,
  ${store.rpt('f.net_revenue')} AS net_revenue_rpt,
  ${store.marginRpt('f.net_revenue', 'f.gross_margin')} AS gross_margin_rpt,
  CAST(COALESCE(s.target_daily_revenue, 0) * ${store.rate} AS DECIMAL(18,2)) AS target_revenue_rpt
FROM agg_store_day f
${conversionJoins('f.store_id', 'f.date_key')}
ORDER BY business_date, f.store_id`,
  columns: [
    column('business_date', 'date', 'Business date'),
    column('store_id', 'string', 'Store'),
    column('store_name', 'string', 'Store name'),
    column('region', 'string', 'Region'),
    column('currency', 'string', 'Store currency'),
    column('reporting_currency', 'string', 'Reporting currency'),
    column('net_revenue', 'decimal', 'Net revenue (store currency)'),
    column('gross_margin', 'decimal', 'Gross margin (store currency)'),
    column('baskets', 'integer', 'Baskets'),
    column('net_units', 'integer', 'Net units'),
    column('target_revenue', 'decimal', 'Target (store currency)'),
    column('net_revenue_rpt', 'decimal', 'Net revenue (reporting currency)'),
    column('gross_margin_rpt', 'decimal', 'Gross margin (reporting currency)'),
    column('target_revenue_rpt', 'decimal', 'Target (reporting currency)'),
  ],
  filterColumns: { date: 'business_date', region: 'region', store: 'store_id' },
};

/**
 * Store x calendar day: every day of dim_calendar for every store (v_store_day_target: a day without sales
 * still has its target, the daily target x the weekday's weight), with the day's sales, baskets and loyalty visits.
 * On a day with sales, a *_rpt amount is NULL while the store's currency has no rate (never a silent 0).
 */
export const STORE_DAY_METRICS: DatasetDefinition = {
  name: 'store_day_metrics',
  title: 'Sales, target, baskets and loyalty by store and day',
  description:
    'Per store and calendar day: net revenue, gross margin and the weekday-weighted target, sale baskets with their revenue, lines and units, and loyalty visits (sale baskets with a customer id) with their revenue; amounts in the store\'s currency and in the reporting currency (*_rpt).',
  // per store and day: the row of agg_store_day (migration 0012: the load keeps it equal to the GROUP BY of the
  // lines, all and of sales, and of the sale baskets, with or without a customer: a loyalty visit is a sale basket
  // with a customer id), its sums converted once
  sql: `SELECT
  t.date_key AS business_date,
  CAST(DATE_TRUNC('week', t.date_key) AS DATE) AS week_start,
  t.store_id,
  ${storeLabelSql('t.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  t.currency,
  rc.currency AS reporting_currency,
  -- no sales row: 0 in both currencies; a sales row keeps its NULL *_rpt (no rate)
  CASE WHEN f.store_id IS NULL THEN 0 ELSE f.net_revenue END AS net_revenue,
  CASE WHEN f.store_id IS NULL THEN 0 ELSE ${storeDay.rpt('f.net_revenue')} END AS net_revenue_rpt,
  t.target_revenue,
  CAST(t.target_revenue * CASE WHEN t.currency = rc.currency THEN 1 ELSE x.rate END AS DECIMAL(18,2)) AS target_revenue_rpt,
  CASE WHEN f.store_id IS NULL THEN 0 ELSE ${storeDay.marginLocal('f.net_revenue', 'f.gross_margin')} END AS gross_margin,
  CASE WHEN f.store_id IS NULL THEN 0 ELSE ${storeDay.marginRpt('f.net_revenue', 'f.gross_margin')} END AS gross_margin_rpt,
  COALESCE(f.net_units, 0) AS net_units,
  COALESCE(f.baskets, 0) AS baskets,
  CASE WHEN f.baskets > 0 THEN f.basket_revenue ELSE 0 END AS basket_revenue,
  CASE WHEN f.baskets > 0 THEN ${storeDay.rpt('f.basket_revenue')} ELSE 0 END AS basket_revenue_rpt,
  COALESCE(f.basket_lines, 0) AS basket_lines,
  COALESCE(f.basket_units, 0) AS basket_units,
  COALESCE(f.loyalty_visits, 0) AS loyalty_visits,
  CASE WHEN f.loyalty_visits > 0 THEN f.loyalty_revenue ELSE 0 END AS loyalty_revenue,
  CASE WHEN f.loyalty_visits > 0 THEN ${storeDay.rpt('f.loyalty_revenue')} ELSE 0 END AS loyalty_revenue_rpt
FROM v_store_day_target t
CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_store s ON s.store_id = t.store_id
LEFT JOIN v_exchange_rate_daily x ON x.currency = t.currency AND x.date_key = t.date_key
LEFT JOIN agg_store_day f ON f.date_key = t.date_key AND f.store_id = t.store_id`,
  columns: [
    column('business_date', 'date', 'Business date'),
    column('week_start', 'date', 'Week (Monday)'),
    ...STORE_COLUMNS,
    ...CURRENCY_COLUMNS,
    ...moneyColumns('net_revenue', 'Net revenue'),
    ...moneyColumns('target_revenue', 'Target'),
    ...moneyColumns('gross_margin', 'Gross margin'),
    column('net_units', 'integer', 'Net units'),
    column('baskets', 'integer', 'Baskets'),
    ...moneyColumns('basket_revenue', 'Basket revenue'),
    column('basket_lines', 'integer', 'Basket lines'),
    column('basket_units', 'integer', 'Basket units'),
    column('loyalty_visits', 'integer', 'Loyalty visits'),
    ...moneyColumns('loyalty_revenue', 'Loyalty revenue'),
  ],
  filterColumns: storeFilters('business_date'),
};

/**
 * Store x day x category: revenue, margin and units, and the sale baskets holding the category with how many of
 * them also hold another category (the attach rate's numerator, as v_metric_attach_rate counts it).
 */
export const CATEGORY_DAY_SALES: DatasetDefinition = {
  name: 'category_day_sales',
  title: 'Sales and baskets by store, day and category',
  description:
    'Per store, business date and product category: net units, net revenue and gross margin (store and reporting currency), the sale baskets holding the category and those of them that also hold another category.',
  // the category's own rows of agg_category_day (migration 0010: the load keeps them equal to the GROUP BY of the
  // lines and each sale basket's distinct categories), converted once per row
  sql: `SELECT
  a.date_key AS business_date,
  a.store_id,
  ${storeLabelSql('a.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  a.category,
  ${STORE_CURRENCY_SQL} AS currency,
  rc.currency AS reporting_currency,
  a.net_units,
  a.net_revenue,
  ${store.rpt('a.net_revenue')} AS net_revenue_rpt,
  ${store.marginLocal('a.net_revenue', 'a.gross_margin')} AS gross_margin,
  ${store.marginRpt('a.net_revenue', 'a.gross_margin')} AS gross_margin_rpt,
  a.baskets,
  a.attached_baskets
FROM agg_category_day a
${conversionJoins('a.store_id', 'a.date_key')}
WHERE a.paired_category = a.category`,
  columns: [
    column('business_date', 'date', 'Business date'),
    ...STORE_COLUMNS,
    column('category', 'string', 'Category'),
    ...CURRENCY_COLUMNS,
    column('net_units', 'integer', 'Net units'),
    ...moneyColumns('net_revenue', 'Net revenue'),
    ...moneyColumns('gross_margin', 'Gross margin'),
    column('baskets', 'integer', 'Baskets with the category'),
    column('attached_baskets', 'integer', 'Of those, with another category too'),
  ],
  filterColumns: storeFilters('business_date'),
};

/**
 * Store x day x SKU: what the top SKUs rank. Direct query: at the seed's scale (1,000 stores, a few thousand SKUs
 * each) a month is 9.5M rows, which take about 6.5 s to copy (a SPICE import, the local snapshot) for a visual that
 * shows 20 of them; each visual's query instead runs over the SQL with the page's dates, region and stores (and
 * the row-level security) for the warehouse to push down into fact_sales. A visual over every store reads
 * `everyStore` instead: agg_sku_day (migration 0013), the same rows summed over the stores by the load (a month:
 * 0.6M rows, not 21M store x date x SKU groups of 27M lines), each store's revenue converted as here first.
 */
export const SKU_DAY_SALES: DatasetDefinition = {
  name: 'sku_day_sales',
  queryMode: 'direct_query',
  title: 'Sales by store, day and SKU',
  description: 'Per store, business date and SKU: net units and net revenue (store and reporting currency).',
  // per store, date and SKU first, converted once, then the store and product names joined to those rows: the
  // names are not hashed for every line
  sql: `WITH sales AS (
  SELECT date_key, store_id, sku,
    SUM(qty_sold) AS net_units,
    SUM(net_revenue) AS net_revenue
  FROM fact_sales
  GROUP BY date_key, store_id, sku
)
SELECT
  v.date_key AS business_date,
  v.store_id,
  ${storeLabelSql('v.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  v.sku,
  COALESCE(p.product_name, v.sku) AS product_name,
  ${CATEGORY_SQL} AS category,
  ${STORE_CURRENCY_SQL} AS currency,
  rc.currency AS reporting_currency,
  v.net_units,
  v.net_revenue,
  ${store.rpt('v.net_revenue')} AS net_revenue_rpt
FROM sales v
${conversionJoins('v.store_id', 'v.date_key')}
LEFT JOIN dim_product p ON p.sku = v.sku`,
  everyStore: {
    sql: `SELECT
  a.date_key AS business_date,
  a.sku,
  COALESCE(p.product_name, a.sku) AS product_name,
  ${CATEGORY_SQL} AS category,
  rc.currency AS reporting_currency,
  a.net_units,
  a.net_revenue_rpt
FROM agg_sku_day a
CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_product p ON p.sku = a.sku`,
    columns: ['business_date', 'sku', 'product_name', 'category', 'reporting_currency', 'net_units', 'net_revenue_rpt'],
  },
  columns: [
    column('business_date', 'date', 'Business date'),
    ...STORE_COLUMNS,
    column('sku', 'string', 'SKU'),
    column('product_name', 'string', 'Product'),
    column('category', 'string', 'Category'),
    ...CURRENCY_COLUMNS,
    column('net_units', 'integer', 'Net units'),
    ...moneyColumns('net_revenue', 'Net revenue'),
  ],
  filterColumns: storeFilters('business_date'),
};

/**
 * Store x day x pair of categories bought together: the sale baskets holding both (category_a < category_b).
 * Category pairs, not SKU pairs: SKU pairs per store and day would be too many rows to filter on demand, and the
 * all-store SKU pairs (v_metric_cross_sell_pairs) have no store or date to filter or secure by.
 */
export const CATEGORY_PAIRS: DatasetDefinition = {
  name: 'category_pairs',
  title: 'Categories bought together by store and day',
  description: 'Per store, business date and pair of product categories: the sale baskets that hold both.',
  // the pair rows of agg_category_day (migration 0010), kept by the load
  sql: `SELECT
  a.date_key AS business_date,
  a.store_id,
  ${storeLabelSql('a.store_id')} AS store_label,
  ${REGION_SQL} AS region,
  a.category AS category_a,
  a.paired_category AS category_b,
  a.baskets AS pair_baskets
FROM agg_category_day a
LEFT JOIN dim_store s ON s.store_id = a.store_id
WHERE a.paired_category > a.category`,
  columns: [
    column('business_date', 'date', 'Business date'),
    ...STORE_COLUMNS,
    column('category_a', 'string', 'Category'),
    column('category_b', 'string', 'Bought with'),
    column('pair_baskets', 'integer', 'Baskets with both'),
  ],
  filterColumns: storeFilters('business_date'),
};
