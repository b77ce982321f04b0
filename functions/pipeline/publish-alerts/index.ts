import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { PipelineState, PublishAlertsResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { publishAlerts } from './publish-alerts';
import { PipelineStateError } from '../../lib/errors';

/** PublishAlerts: one low-stock message per store, with store_id and severity attributes. */
export async function run(state: PipelineState, rt: Runtime): Promise<PublishAlertsResult> {
  if (!state.risk?.alertsKey) throw new PipelineStateError('PublishAlerts: the state has no risk.alertsKey (StockRisk must run first)');
  // Safety stock = the "high" band: a delivered order leaves the SKU out of the alert bands.
  return publishAlerts(rt.store, rt.notifier, state.risk.alertsKey, rt.settings.highDays);
}

export const handler = lambdaHandler(run);
