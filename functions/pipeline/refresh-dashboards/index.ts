import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { RefreshDashboardsResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';

/** RefreshDashboards: local HTML pages, or QuickSight dataset refreshes in the cloud. */
export async function run(_state: unknown, rt: Runtime): Promise<RefreshDashboardsResult> {
  return { locations: await rt.dashboards.refresh() };
}

export const handler = lambdaHandler(run);
