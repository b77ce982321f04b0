import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { CommitResult, PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { commitCheckpoint } from './commit-checkpoint';

/**
 * The committed record less its per-date totals, which stay in the run record (Reconcile reads them there): a
 * history of years would take them past the 256 KB a Step Functions state may hold (about 100 bytes a date).
 */
export async function run(state: PipelineState, rt: Runtime): Promise<CommitResult> {
  const { dateTotals: _inRunRecord, ...committed } = await commitCheckpoint(rt.store, state.plan.batchId);
  return committed;
}

export const handler = lambdaHandler(run);
