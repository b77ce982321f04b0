/**
 * Dashboard datasets: a name and SQL against the warehouse (Redshift's dialect, sql/redshift/ tables), with
 * the columns it returns. The local HTML publisher (local/dashboards/) runs them on the DuckDB warehouse; a
 * QuickSight issue can turn each into a CustomSql dataset (the column types map to QuickSight's input
 * column types). Add a dataset here and reference it from a dashboard below.
 */

import type { ColumnType, DatasetDefinition } from './definition';

export type { DatasetDefinition } from './definition';
export type DatasetColumnType = ColumnType;

/** The static snapshot page the demo writes (local/dashboards/html-dashboard.ts). */
export interface SnapshotPage {
  id: string;
  title: string;
  /** dataset names, in the order the page shows them */
  datasets: string[];
}

const DAILY_STORE_SALES: DatasetDefinition = {
  name: 'daily_store_sales',
  title: 'Revenue by store and business date',
  description:
    'Net revenue (after returns and discounts), gross margin, baskets and the store target per business date, in the store\'s currency and, converted at the date\'s rate, in the reporting currency (*_rpt: NULL when the store\'s currency has no rate yet).',
  // totals across stores add the *_rpt columns only (v_sales_reporting): stores' own amounts are in their currency
  sql: `SELECT
  f.date_key AS business_date,
  f.store_id,
  COALESCE(s.store_name, f.store_id) AS store_name,
  COALESCE(s.region, '') AS region,
  f.currency,
  f.reporting_currency,
  SUM(f.net_revenue) AS net_revenue,
  SUM(f.gross_margin_local) AS gross_margin,
  COUNT(DISTINCT CASE WHEN f.event_type = 'sale' THEN f.basket_id END) AS baskets,
  SUM(f.qty_sold) AS net_units,
  COALESCE(MAX(s.target_daily_revenue), 0) AS target_revenue,
  SUM(f.net_revenue_rpt) AS net_revenue_rpt,
  SUM(f.gross_margin_rpt) AS gross_margin_rpt,
  CAST(COALESCE(MAX(s.target_daily_revenue), 0) * MAX(f.fx_rate) AS DECIMAL(18,2)) AS target_revenue_rpt
FROM v_sales_reporting f
LEFT JOIN dim_store s ON s.store_id = f.store_id
GROUP BY f.date_key, f.store_id, s.store_name, s.region, f.currency, f.reporting_currency
ORDER BY business_date, f.store_id`,
  columns: [
    { name: 'business_date', type: 'date', label: 'Business date' },
    { name: 'store_id', type: 'string', label: 'Store' },
    { name: 'store_name', type: 'string', label: 'Store name' },
    { name: 'region', type: 'string', label: 'Region' },
    { name: 'currency', type: 'string', label: 'Store currency' },
    { name: 'reporting_currency', type: 'string', label: 'Reporting currency' },
    { name: 'net_revenue', type: 'decimal', label: 'Net revenue (store currency)' },
    { name: 'gross_margin', type: 'decimal', label: 'Gross margin (store currency)' },
    { name: 'baskets', type: 'integer', label: 'Baskets' },
    { name: 'net_units', type: 'integer', label: 'Net units' },
    { name: 'target_revenue', type: 'decimal', label: 'Target (store currency)' },
    { name: 'net_revenue_rpt', type: 'decimal', label: 'Net revenue (reporting currency)' },
    { name: 'gross_margin_rpt', type: 'decimal', label: 'Gross margin (reporting currency)' },
    { name: 'target_revenue_rpt', type: 'decimal', label: 'Target (reporting currency)' },
  ],
  filterColumns: { date: 'business_date', region: 'region', store: 'store_id' },
};

const INVENTORY_RISK: DatasetDefinition = {
  name: 'inventory_risk',
  title: 'At-risk SKUs',
  description: 'SKUs whose estimated days of supply are below the high threshold, as of the latest stock-risk date.',
  sql: `SELECT as_of_date, store_id, store_name, sku, product_name, on_hand_qty, avg_daily_demand, days_of_supply, severity, lead_time_days
FROM v_inventory_risk
WHERE as_of_date = (SELECT MAX(date_key) FROM fact_inventory_snapshot)
ORDER BY CASE WHEN severity = 'critical' THEN 0 ELSE 1 END, days_of_supply, store_id, sku`,
  columns: [
    { name: 'as_of_date', type: 'date', label: 'As of' },
    { name: 'store_id', type: 'string', label: 'Store' },
    { name: 'store_name', type: 'string', label: 'Store name' },
    { name: 'sku', type: 'string', label: 'SKU' },
    { name: 'product_name', type: 'string', label: 'Product' },
    { name: 'on_hand_qty', type: 'integer', label: 'On hand (est.)' },
    { name: 'avg_daily_demand', type: 'decimal', label: 'Daily demand' },
    { name: 'days_of_supply', type: 'decimal', label: 'Days of supply' },
    { name: 'severity', type: 'string', label: 'Severity' },
    { name: 'lead_time_days', type: 'integer', label: 'Lead time (days)' },
  ],
  filterColumns: { store: 'store_id' },
};

export const DATASETS: DatasetDefinition[] = [DAILY_STORE_SALES, INVENTORY_RISK];

export const DASHBOARDS: SnapshotPage[] = [
  { id: 'executive-overview', title: 'Retail executive overview', datasets: ['daily_store_sales', 'inventory_risk'] },
];

export function datasetByName(name: string): DatasetDefinition {
  const found = DATASETS.find((d) => d.name === name);
  if (!found) throw new RangeError(`no dashboard dataset named ${name}`);
  return found;
}
