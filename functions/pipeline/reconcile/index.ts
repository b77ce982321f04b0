import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { PipelineState, ReconcileResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { reconcile } from './reconcile';

export async function run(state: PipelineState, rt: Runtime): Promise<ReconcileResult> {
  const result = await reconcile(rt.store, rt.curatedQuery, rt.warehouse, state.plan.batchId, rt.settings.quarantineRetentionDays);
  await rt.metrics.publish([
    { name: 'ReconciliationGap', value: result.gaps.length, unit: 'Count' },
    { name: 'StockoutCount', value: state.risk?.critical ?? 0, unit: 'Count' },
  ]);
  return result;
}

export const handler = lambdaHandler(run);
