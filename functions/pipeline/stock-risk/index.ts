import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import { runPrefix, runRecordKeys } from '../../lib/lake-layout';
import { writeJson } from '../../lib/pipeline/json-objects';
import type { PipelineState, StockRiskResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { runStockRisk } from './stock-risk';

/** StockRisk: estimated on hand, demand and days of supply per store and SKU; writes the alert list. It runs only
 * after RefreshAndLoad succeeded, so it first records the batch's warehouse load as done (the `loaded` record). */
export async function run(state: PipelineState, rt: Runtime): Promise<StockRiskResult> {
  await writeJson(rt.store, runRecordKeys(runPrefix(state.plan.batchId)).loaded, { batchId: state.plan.batchId, loadedAt: new Date().toISOString(), prefixLevel: state.loads?.prefixLevel ?? null });
  // the dates the batch loaded make the run incremental; without a commit record (none expected here) it is full
  const affected = state.commit?.affectedDates;
  const changedDates = affected ? [...new Set(Object.values(affected).flat())] : undefined;
  return runStockRisk(rt.warehouse, rt.store, rt.settings, state.plan.batchId, undefined, changedDates);
}

export const handler = lambdaHandler(run);
