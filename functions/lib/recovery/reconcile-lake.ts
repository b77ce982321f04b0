import { reconcile } from '../../pipeline/reconcile/reconcile';
import { runPrefix, runRecordKeys } from '../lake-layout';
import { committedRuns } from '../pipeline/run-history';
import type { ReconcileResult } from '../pipeline/state';
import type { Runtime } from '../ports';

/** The batch id a reconcile is recorded under when the lake has no committed batch yet. */
const NO_BATCH = 'recovery';

/**
 * Reconcile after a recovery tool, with the pipeline's own core: the result is recorded as the lake's latest
 * (where `status` reads it) and under the latest committed batch, so the tool's outcome replaces what the last
 * run found; store_day_baskets is checked on `basketDates` (the dates a reload rebuilt), else on the latest batch's. Not under a batch whose post-commit steps are still to run (a run killed after its commit): its
 * reconcile record is what tells PlanBatch those steps are done, and stock risk and alerts would be skipped.
 */
export async function reconcileLake(rt: Pick<Runtime, 'store' | 'curatedQuery' | 'warehouse' | 'settings'>, basketDates?: string[]): Promise<ReconcileResult> {
  const runs = await committedRuns(rt.store);
  const last = runs.at(-1)?.batchId;
  const pending = last !== undefined && (await rt.store.getIfExists(runRecordKeys(runPrefix(last)).reconcile)) === null;
  // '' records the result as the lake's latest only
  const batchId = last === undefined ? NO_BATCH : pending ? '' : last;
  return reconcile(rt.store, rt.curatedQuery, rt.warehouse, batchId, rt.settings.quarantineRetentionDays, undefined, basketDates);
}
