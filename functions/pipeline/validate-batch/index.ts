import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { PipelineState, ValidationResult } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { validateBatch } from './validate-batch';

/** Validate: schema and reference data; rejects to quarantine with reason and original text. */
export async function run(state: PipelineState, rt: Runtime): Promise<ValidationResult> {
  const result = await validateBatch(rt.store, rt.files, state.plan.batchId, rt.settings.quarantineAlertRate, rt.settings.validateWorkers, rt.settings);
  await rt.metrics.publish([{ name: 'QuarantineRate', value: result.quarantineRate, unit: 'None' }]);
  return result;
}

export const handler = lambdaHandler(run);
