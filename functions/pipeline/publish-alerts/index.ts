import type { PipelineState } from '../../lib/pipeline/state';
import { getRuntime } from '../../lib/runtime';
import type { StockRiskResult } from '../stock-risk/stock-risk';
import { publishAlerts, type PublishAlertsResult } from './publish-alerts';

/** PublishAlerts: one low-stock message per store, with store_id and severity attributes. */
export async function handler(state: PipelineState & { risk?: StockRiskResult }): Promise<PublishAlertsResult> {
  if (!state.risk?.alertsKey) throw new Error('PublishAlerts: the state has no risk.alertsKey (StockRisk must run first)');
  const rt = await getRuntime();
  // Safety stock = the "high" band: a delivered order leaves the SKU out of the alert bands.
  return publishAlerts(rt.store, rt.notifier, state.risk.alertsKey, rt.settings.highDays);
}
