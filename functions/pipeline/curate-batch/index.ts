import type { CurateResult, PipelineState } from '../../lib/pipeline/state';
import { getRuntime } from '../../lib/runtime';
import { curateBatch } from './curate-batch';

/** Curate (small batches; the Glue job runs the same sql/transform/ SQL for large ones). */
export async function handler(state: PipelineState): Promise<CurateResult> {
  const rt = await getRuntime();
  return curateBatch(rt.store, rt.files, state.plan.batchId);
}
