import type { PipelineState } from '../../lib/pipeline/state';
import { getRuntime } from '../../lib/runtime';
import { reconcile, type ReconcileResult } from './reconcile';

export async function handler(state: PipelineState & { risk?: { critical?: number } }): Promise<ReconcileResult> {
  const rt = await getRuntime();
  const result = await reconcile(rt.store, rt.curatedQuery, rt.warehouse, state.plan.batchId);
  await rt.metrics.publish([
    { name: 'ReconciliationGap', value: result.gaps.length, unit: 'Count' },
    { name: 'StockoutCount', value: state.risk?.critical ?? 0, unit: 'Count' },
  ]);
  return result;
}
