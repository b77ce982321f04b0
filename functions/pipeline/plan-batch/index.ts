import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { BatchPlan, PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { planExclusiveBatch } from './plan-batch';

/** PlanBatch: takes the run lease for the execution, then the raw objects not yet in the processed-files manifest
 * become the next batch. Its input is the execution's input (which it does not read) and `execution`. */
export async function run(state: Pick<PipelineState, 'execution'>, rt: Runtime): Promise<BatchPlan> {
  return planExclusiveBatch(rt.store, rt.settings, state.execution?.id);
}

export const handler = lambdaHandler(run);
