import { getRuntime } from '../../lib/runtime';

export interface RefreshDashboardsResult {
  /** where the refreshed dashboards are: local HTML file paths, or QuickSight ingestions */
  locations: string[];
}

/** RefreshDashboards: local HTML pages, or QuickSight dataset refreshes in the cloud. */
export async function handler(_state?: unknown): Promise<RefreshDashboardsResult> {
  const rt = await getRuntime();
  return { locations: await rt.dashboards.refresh() };
}
