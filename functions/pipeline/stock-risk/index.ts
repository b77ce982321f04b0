import type { PipelineState } from '../../lib/pipeline/state';
import { getRuntime } from '../../lib/runtime';
import { runStockRisk, type StockRiskResult } from './stock-risk';

/** StockRisk: estimated on hand, demand and days of supply per store and SKU; writes the alert list. */
export async function handler(state: PipelineState): Promise<StockRiskResult> {
  const rt = await getRuntime();
  return runStockRisk(rt.warehouse, rt.store, rt.settings, state.plan.batchId);
}
