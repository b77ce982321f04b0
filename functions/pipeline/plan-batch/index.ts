import { getRuntime } from '../../lib/runtime';
import type { BatchPlan } from '../../lib/pipeline/state';
import { planBatch } from './plan-batch';

/** PlanBatch: the raw objects not yet in the processed-files manifest become the next batch. */
export async function handler(): Promise<BatchPlan> {
  const rt = await getRuntime();
  return planBatch(rt.store, rt.settings.glueThresholdBytes);
}
