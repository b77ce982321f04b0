/**
 * Every dashboard data set: a name and SQL against the warehouse (Redshift's dialect, sql/redshift/ tables and
 * views), with the columns it returns and the columns the dashboard filters act on. The dashboards
 * (dashboards/index.ts) read them; QuickSight gets each as a CustomSql data set (infra/lib/consumers/), the local
 * renderers run them on the DuckDB warehouse. Add a data set to its subject's module and to the list below.
 */
import type { DatasetDefinition } from './definition';
import { ALERT_TREND, INVENTORY_RISK, OPEN_PURCHASE_ORDERS, STOCK_FLAGS } from './inventory-datasets';
import { CATEGORY_DAY_SALES, CATEGORY_PAIRS, DAILY_STORE_SALES, SKU_DAY_SALES, STORE_DAY_METRICS } from './sales-datasets';

export type { ColumnType as DatasetColumnType, DatasetDefinition } from './definition';

export const DATASETS: DatasetDefinition[] = [
  DAILY_STORE_SALES,
  INVENTORY_RISK,
  STORE_DAY_METRICS,
  CATEGORY_DAY_SALES,
  SKU_DAY_SALES,
  CATEGORY_PAIRS,
  STOCK_FLAGS,
  ALERT_TREND,
  OPEN_PURCHASE_ORDERS,
];

export function datasetByName(name: string): DatasetDefinition {
  const found = DATASETS.find((d) => d.name === name);
  if (!found) throw new RangeError(`no dashboard dataset named ${name}`);
  return found;
}

/** The static snapshot page the demo writes (local/dashboards/html-dashboard.ts). */
export interface SnapshotPage {
  id: string;
  title: string;
  /** dataset names, in the order the page shows them */
  datasets: string[];
}

export const SNAPSHOT_PAGES: SnapshotPage[] = [
  { id: 'executive-overview', title: 'Retail executive overview', datasets: ['daily_store_sales', 'inventory_risk'] },
];
