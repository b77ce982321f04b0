import type { CommitResult, PipelineState } from '../../lib/pipeline/state';
import { getRuntime } from '../../lib/runtime';
import { commitCheckpoint } from './commit-checkpoint';

export async function handler(state: PipelineState): Promise<CommitResult> {
  const rt = await getRuntime();
  return commitCheckpoint(rt.store, state.plan.batchId);
}
