import type { LoadsResult, PipelineState } from '../../lib/pipeline/state';
import { prepareLoads } from './prepare-loads';
import { PipelineStateError } from '../../lib/errors';

/** PrepareLoads: the Athena refresh and the Redshift load statements for the batch's affected dates. Pure: it
 * needs no port, so its handler builds no runtime. */
export async function run(state: PipelineState): Promise<LoadsResult> {
  if (!state.commit) throw new PipelineStateError('PrepareLoads: the state has no commit result (CommitCheckpoint must run first)');
  return prepareLoads(state.commit);
}

export const handler = run;
