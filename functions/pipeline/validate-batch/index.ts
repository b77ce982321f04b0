import type { PipelineState, ValidationResult } from '../../lib/pipeline/state';
import { getRuntime } from '../../lib/runtime';
import { validateBatch } from './validate-batch';

/** Validate: schema and reference data; rejects to quarantine with reason and original text. */
export async function handler(state: PipelineState): Promise<ValidationResult> {
  const rt = await getRuntime();
  const result = await validateBatch(rt.store, rt.files, state.plan.batchId, rt.settings.quarantineAlertRate, rt.settings.validateWorkers);
  await rt.metrics.publish([{ name: 'QuarantineRate', value: result.quarantineRate, unit: 'None' }]);
  return result;
}
