import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { PipelineState, ReconcileResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { reconcile } from './reconcile';

/** Reconcile: after a batch's alerts, and in an execution with nothing new (its plan has no objects: the result
 * is the lake's, not a batch's), so a warehouse gap is found even when no batch comes. */
export async function run(state: PipelineState, rt: Runtime): Promise<ReconcileResult> {
  const batchId = state.plan.objectCount > 0 ? state.plan.batchId : '';
  const result = await reconcile(rt.store, rt.curatedQuery, rt.warehouse, batchId, rt.settings.quarantineRetentionDays);
  await rt.metrics.publish([
    { name: 'ReconciliationGap', value: result.gaps.length, unit: 'Count' },
    // an execution with nothing new estimated no stock: it says nothing about stock-outs
    ...(state.risk ? [{ name: 'StockoutCount', value: state.risk.critical, unit: 'Count' } as const] : []),
  ]);
  return result;
}

export const handler = lambdaHandler(run);
