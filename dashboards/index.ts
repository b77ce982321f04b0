/** The dashboards both renderers draw (QuickSight in infra/, the local web app in local/dashboards/app/), and their data sets. */
import { CUSTOMER_BEHAVIOUR } from './customer-behaviour';
import type { DashboardDefinition } from './definition';
import { INVENTORY_RISK_DASHBOARD } from './inventory-risk';
import { STORE_PERFORMANCE } from './store-performance';

export type * from './definition';
export { DEFAULT_RANGE_DAYS } from './definition';
export { DATASETS, datasetByName } from './datasets';

export const DASHBOARDS: DashboardDefinition[] = [STORE_PERFORMANCE, INVENTORY_RISK_DASHBOARD, CUSTOMER_BEHAVIOUR];

export function dashboardById(id: string): DashboardDefinition {
  const found = DASHBOARDS.find((d) => d.id === id);
  if (!found) throw new RangeError(`no dashboard named ${id} (there are ${DASHBOARDS.map((d) => d.id).join(', ')})`);
  return found;
}
