import type { PipelineState } from '../lib/pipeline/state';
import { getRuntime } from '../lib/runtime';
import { reconcile, type ReconcileResult } from './reconcile';

export async function handler(state: PipelineState): Promise<ReconcileResult> {
  const rt = await getRuntime();
  return reconcile(rt.store, rt.curatedQuery, rt.warehouse, state.plan.batchId);
}
