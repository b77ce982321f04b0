import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import { releaseRunLease } from '../../lib/pipeline/run-lease';
import type { PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';

/** ReleaseRunLease: the final states give the run lease back, so the next scheduled execution can start at once.
 * A no-op when the execution does not hold it (no lease is taken locally). Its result is discarded. */
export async function run(state: Pick<PipelineState, 'execution'>, rt: Runtime): Promise<{ released: boolean }> {
  const id = state.execution?.id;
  return { released: id !== undefined && (await releaseRunLease(rt.store, id)) };
}

export const handler = lambdaHandler(run);
