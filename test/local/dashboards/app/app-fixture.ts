import { datasetByName } from '../../../../dashboards/datasets';
import type { DashboardDefinition, DatasetDefinition, MeasureField } from '../../../../dashboards/definition';
import { STORES_KEY } from '../../../../functions/lib/lake-layout';
import { DuckDbWarehouse } from '../../../../local/warehouse/duckdb-warehouse';
import { tempLake } from '../../../helpers/lake-fixture';
import { FILL_BASKETS_SQL, FILL_CATEGORY_AGGREGATES_SQL, FILL_SKU_AGGREGATES_SQL, FILL_STORE_AGGREGATES_SQL } from '../../../helpers/warehouse-fixture';

/**
 * A small warehouse with known answers and a dashboard over daily_store_sales with every visual kind.
 * S1 Downtown (North, USD, target 100/day, a@example.com); S2 London and S3 Leeds (UK, GBP, targets 80 and 50,
 * b@example.com). GBP -> USD is 1.25 from 2023-01-01. Sales (one line per basket, net revenue / gross margin,
 * in the store's currency; the margin's cost is in USD, so a GBP line's USD margin is revenue * 1.25 - cost):
 *   S1 2024-01-10  b1 100.00/40.00, b2 50.00/20.00      S1 2024-01-14  b3 30.00/10.00
 *   S2 2024-01-12  b4 80.00/30.00 (USD 100.00, cost 50)  S3 2024-01-13  b5 40.00/10.00 (USD 50.00, cost 30)
 *   S1 2024-01-03  b6 60.00/20.00 (the week before)     S2 2023-01-11  b7 20.00/5.00 (USD 25.00, a year before)
 */
export const SALES: [string, string, string, number, number][] = [
  ['2024-01-10', 'S1', 'b1', 100, 40],
  ['2024-01-10', 'S1', 'b2', 50, 20],
  ['2024-01-14', 'S1', 'b3', 30, 10],
  ['2024-01-12', 'S2', 'b4', 80, 30],
  ['2024-01-13', 'S3', 'b5', 40, 10],
  ['2024-01-03', 'S1', 'b6', 60, 20],
  ['2023-01-11', 'S2', 'b7', 20, 5],
];

export const STORES_CSV = `store_id,store_name,region,manager_email,timezone,target_daily_revenue,currency
S1,Downtown,North,a@example.com,America/New_York,100,USD
S2,London,UK,b@example.com,Europe/London,80,GBP
S3,Leeds,UK,b@example.com,Europe/London,50,GBP
`;

const revenue: MeasureField = {
  id: 'revenue',
  label: 'Net revenue',
  format: 'money',
  measure: { kind: 'aggregate', column: 'net_revenue_rpt', aggregation: 'sum' },
  money: { currencyColumn: 'reporting_currency', local: { measure: { kind: 'aggregate', column: 'net_revenue', aggregation: 'sum' }, currencyColumn: 'currency' } },
};
const baskets: MeasureField = { id: 'baskets', label: 'Baskets', format: 'integer', measure: { kind: 'aggregate', column: 'baskets', aggregation: 'sum' } };
const sum = (column: string) => ({ kind: 'aggregate' as const, column, aggregation: 'sum' as const });

export const FIXTURE_DASHBOARD: DashboardDefinition = {
  id: 'fixture',
  title: 'Fixture dashboard',
  audience: 'tests',
  datasets: ['daily_store_sales'],
  filters: ['date_range', 'region', 'store'],
  comparisons: ['previous_period', 'previous_year'],
  visuals: [
    {
      id: 'revenue',
      kind: 'kpi',
      title: 'Revenue',
      dataset: 'daily_store_sales',
      value: revenue,
      target: { ...revenue, id: 'target', label: 'Target', measure: sum('target_revenue_rpt'), money: { currencyColumn: 'reporting_currency', local: { measure: sum('target_revenue'), currencyColumn: 'currency' } } },
      comparison: true,
    },
    {
      id: 'margin_pct',
      kind: 'kpi',
      title: 'Gross margin',
      dataset: 'daily_store_sales',
      value: { id: 'margin_pct', label: 'Margin %', format: 'percent', measure: { kind: 'ratio', numerator: sum('gross_margin_rpt'), denominator: sum('net_revenue_rpt') } },
      comparison: false,
    },
    { id: 'baskets', kind: 'kpi', title: 'Baskets', dataset: 'daily_store_sales', value: baskets, comparison: true },
    { id: 'trend', kind: 'line', title: 'Revenue by day', dataset: 'daily_store_sales', x: 'business_date', series: 'store_id', value: revenue },
    { id: 'by_region', kind: 'bar', title: 'Revenue by region', dataset: 'daily_store_sales', category: 'region', value: revenue, sort: 'desc', limit: 10, drill: ['region', 'store_id'] },
    { id: 'mix', kind: 'pie', title: 'Revenue mix', dataset: 'daily_store_sales', category: 'region', value: revenue },
    { id: 'heat', kind: 'heatmap', title: 'Revenue by region and day', dataset: 'daily_store_sales', rows: 'region', columns: 'business_date', value: revenue },
    {
      id: 'stores',
      kind: 'table',
      title: 'Stores',
      dataset: 'daily_store_sales',
      dimensions: ['store_id', 'store_name'],
      values: [
        revenue,
        baskets,
        {
          id: 'avg_basket',
          label: 'Avg basket',
          format: 'money',
          measure: { kind: 'ratio', numerator: sum('net_revenue_rpt'), denominator: sum('baskets') },
          money: { currencyColumn: 'reporting_currency', local: { measure: { kind: 'ratio', numerator: sum('net_revenue'), denominator: sum('baskets') }, currencyColumn: 'currency' } },
        },
      ],
      sort: { field: 'revenue', direction: 'desc' },
    },
  ],
};

export const FIXTURE_DATASETS: DatasetDefinition[] = [datasetByName('daily_store_sales')];

/** A lake folder with the warehouse file above (migrated, loaded, closed) and the stores.csv. */
export async function fixtureLake(): Promise<{ root: string; cleanup: () => void }> {
  const lake = tempLake('webapp');
  await lake.store.put(STORES_KEY, STORES_CSV);
  const w = DuckDbWarehouse.forLake(lake.root);
  const dates = [...new Set(SALES.map((s) => s[0]))];
  await w.execute([
    `INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue, currency) VALUES
      ('S1', 'Downtown', 'North', 'a@example.com', 'America/New_York', 100, 'USD'),
      ('S2', 'London', 'UK', 'b@example.com', 'Europe/London', 80, 'GBP'),
      ('S3', 'Leeds', 'UK', 'b@example.com', 'Europe/London', 50, 'GBP')`,
    `INSERT INTO dim_exchange_rate (rate_date, currency, rate) VALUES ('2023-01-01', 'GBP', 1.25)`,
    `INSERT INTO dim_calendar (date_key, day_of_week, week_num, month, quarter, year, fiscal_period, is_weekend) VALUES ${dates
      .map((d) => `('${d}', 1, 1, 1, 1, ${d.slice(0, 4)}, 'P01', false)`)
      .join(', ')}`,
    `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method) VALUES ${SALES.map(
      ([d, store, basket, rev, margin]) => `('${d}', '${d} 12:00:00', '${store}', 'SKU-1', '${basket}', 1, ${rev}, ${rev}, ${margin}, NULL, 'e-${basket}', 1, 'sale', 0, 'card')`,
    ).join(', ')}`,
    FILL_BASKETS_SQL, // as the load writes them with the lines
    FILL_CATEGORY_AGGREGATES_SQL,
    FILL_STORE_AGGREGATES_SQL,
    FILL_SKU_AGGREGATES_SQL,
  ]);
  await w.close();
  return lake;
}
