import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import { referenceLoad } from '../../lib/pipeline/load-reference';
import type { LoadsResult, PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { prepareLoads } from './prepare-loads';
import { PipelineStateError } from '../../lib/errors';

/** PrepareLoads: the Athena refresh and the Redshift load statements for the batch's affected dates. It only looks
 * whether the lake has the exchange rates file (a COPY of a missing key fails, so the load leaves it out then). */
export async function run(state: PipelineState, rt: Pick<Runtime, 'store' | 'settings'>): Promise<LoadsResult> {
  if (!state.commit) throw new PipelineStateError('PrepareLoads: the state has no commit result (CommitCheckpoint must run first)');
  return prepareLoads(state.commit, process.env, await referenceLoad(rt.store, rt.settings.reportingCurrency));
}

export const handler = lambdaHandler(run);
