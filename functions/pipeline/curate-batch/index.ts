import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { CurateResult, PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { curateBatch } from './curate-batch';

/** Curate (small batches; the Glue job runs the same sql/transform/ SQL for large ones). */
export async function run(state: PipelineState, rt: Runtime): Promise<CurateResult> {
  return curateBatch(rt.store, rt.files, state.plan.batchId, rt.settings);
}

export const handler = lambdaHandler(run);
