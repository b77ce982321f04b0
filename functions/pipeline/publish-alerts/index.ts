import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import { runPrefix, runRecordKeys } from '../../lib/lake-layout';
import { readJsonIfExists, writeJson } from '../../lib/pipeline/json-objects';
import type { PipelineState, PublishAlertsResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { publishAlerts } from './publish-alerts';
import { PipelineStateError } from '../../lib/errors';

/** PublishAlerts: one low-stock message per store, with store_id and severity attributes. Once per batch: the
 * `published` record says they were sent, and a resumed post-commit returns it instead of sending them again
 * (a failure between the last message and the record still sends them twice: delivery is at least once). */
export async function run(state: PipelineState, rt: Runtime): Promise<PublishAlertsResult> {
  if (!state.risk?.alertsKey) throw new PipelineStateError('PublishAlerts: the state has no risk.alertsKey (StockRisk must run first)');
  const publishedKey = runRecordKeys(runPrefix(state.plan.batchId)).published;
  const earlier = await readJsonIfExists<PublishAlertsResult>(rt.store, publishedKey);
  if (earlier !== null) return earlier;
  // Safety stock = the "high" band: a delivered order leaves the SKU out of the alert bands.
  const result = await publishAlerts(rt.store, rt.notifier, state.risk.alertsKey, rt.settings.highDays);
  await writeJson(rt.store, publishedKey, result);
  return result;
}

export const handler = lambdaHandler(run);
