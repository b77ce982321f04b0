import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { PipelineState, StockRiskResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { runStockRisk } from './stock-risk';

/** StockRisk: estimated on hand, demand and days of supply per store and SKU; writes the alert list. */
export async function run(state: PipelineState, rt: Runtime): Promise<StockRiskResult> {
  return runStockRisk(rt.warehouse, rt.store, rt.settings, state.plan.batchId);
}

export const handler = lambdaHandler(run);
