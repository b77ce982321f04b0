import type { PipelineState } from '../../lib/pipeline/state';
import { prepareLoads, type PrepareLoadsResult } from './prepare-loads';

/** PrepareLoads: the Athena refresh and the Redshift load statements for the batch's affected dates. */
export async function handler(state: PipelineState): Promise<PrepareLoadsResult> {
  if (!state.commit) throw new Error('PrepareLoads: the state has no commit result (CommitCheckpoint must run first)');
  return prepareLoads(state.commit);
}
