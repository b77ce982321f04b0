import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { CommitResult, PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { commitCheckpoint } from './commit-checkpoint';

export async function run(state: PipelineState, rt: Runtime): Promise<CommitResult> {
  return commitCheckpoint(rt.store, state.plan.batchId);
}

export const handler = lambdaHandler(run);
