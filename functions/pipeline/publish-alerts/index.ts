import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import { runPrefix, runRecordKeys } from '../../lib/lake-layout';
import { readJson, readJsonIfExists, writeJson } from '../../lib/pipeline/json-objects';
import type { PipelineState, PublishAlertsResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { markNotifiedStatements } from '../../lib/risk/alert-lifecycle-sql';
import type { AlertTransitions } from '../../lib/risk/alerts';
import { publishAlerts } from './publish-alerts';
import { PipelineStateError } from '../../lib/errors';

/**
 * PublishAlerts: the batch's alert notices, with store_id and severity attributes. In this order, so that a retry
 * at any point sends nothing different: send (from the record StockRisk wrote), write the `published` record,
 * then mark in alert_state what was said. A resumed run whose `published` record exists sends nothing and only
 * marks again (the mark is idempotent); a failure between the last message and the record sends them twice
 * (delivery is at least once), with the same content.
 */
export async function run(state: PipelineState, rt: Runtime): Promise<PublishAlertsResult> {
  if (!state.risk?.transitionsKey) throw new PipelineStateError('PublishAlerts: the state has no risk.transitionsKey (StockRisk must run first)');
  const batchId = state.plan.batchId;
  const publishedKey = runRecordKeys(runPrefix(batchId)).published;
  const earlier = await readJsonIfExists<PublishAlertsResult & { publishedAt?: string }>(rt.store, publishedKey);
  let result: PublishAlertsResult;
  let asOfDate: string | null;
  let publishedAt: Date;
  if (earlier !== null) {
    const { publishedAt: at, ...rest } = earlier;
    result = rest;
    asOfDate = (await readJson<AlertTransitions>(rt.store, state.risk.transitionsKey)).asOfDate;
    publishedAt = at ? new Date(at) : new Date();
  } else {
    const { transitions, ...sent } = await publishAlerts(rt.store, rt.notifier, state.risk.transitionsKey);
    result = sent;
    asOfDate = transitions.asOfDate;
    publishedAt = new Date();
    await writeJson(rt.store, publishedKey, { ...result, publishedAt: publishedAt.toISOString() });
  }
  if (asOfDate !== null) await rt.warehouse.execute(markNotifiedStatements(asOfDate, batchId, publishedAt));
  return result;
}

export const handler = lambdaHandler(run);
