import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { BatchPlan } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { planBatch } from './plan-batch';

/** PlanBatch: the raw objects not yet in the processed-files manifest become the next batch. Its input is the
 * execution's input, which it does not read. */
export async function run(_input: unknown, rt: Runtime): Promise<BatchPlan> {
  return planBatch(rt.store, rt.settings.glueThresholdBytes);
}

export const handler = lambdaHandler(run);
