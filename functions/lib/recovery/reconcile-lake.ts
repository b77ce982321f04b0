import { reconcile } from '../../pipeline/reconcile/reconcile';
import { committedRuns } from '../pipeline/run-history';
import type { ReconcileResult } from '../pipeline/state';
import type { Runtime } from '../ports';

/** The batch id a reconcile is recorded under when the lake has no committed batch yet. */
const NO_BATCH = 'recovery';

/**
 * Reconcile after a recovery tool, with the pipeline's own core: the result is recorded under the latest
 * committed batch, where `status` reads it, so the tool's outcome replaces what the last run found.
 */
export async function reconcileLake(rt: Pick<Runtime, 'store' | 'curatedQuery' | 'warehouse' | 'settings'>): Promise<ReconcileResult> {
  const runs = await committedRuns(rt.store);
  const last = runs.at(-1)?.batchId ?? NO_BATCH;
  return reconcile(rt.store, rt.curatedQuery, rt.warehouse, last, rt.settings.quarantineRetentionDays);
}
