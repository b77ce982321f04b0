import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { ParkResult, PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { parkBatch } from './park-batch';
import { PipelineStateError } from '../../lib/errors';

/** ParkBatch: reached from the Catch of Validate or Curate once their retries are spent, for the errors a batch
 * can cause (see the state machine): parks the batch, tells the ops topic, and counts it in `BatchesParked`. */
export async function run(state: PipelineState, rt: Runtime): Promise<ParkResult> {
  if (!state.error) throw new PipelineStateError('ParkBatch: the state has no error (only a Catch leads here)');
  const result = await parkBatch(rt.store, state.plan.batchId, state.error);
  await rt.notifier.publish({
    topic: 'ops',
    subject: 'retail-lake: batch parked',
    message:
      `Batch ${result.batchId} (${result.objects} raw objects) failed after its retries and is parked: ${state.error.Error}: ${state.error.Cause}\n` +
      `Later batches go on. The record is ${result.parkedKey}; its raw objects are processed again once it is removed (redrive).`,
    attributes: { severity: 'high' },
  });
  await rt.metrics.publish([{ name: 'BatchesParked', value: 1, unit: 'Count' }]);
  return result;
}

export const handler = lambdaHandler(run);
