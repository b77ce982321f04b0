import { dateRangeProblem, type DateRange } from '../../functions/lib/recovery/date-range';
import { reconcileLake } from '../../functions/lib/recovery/reconcile-lake';
import { reloadWarehouse } from '../../functions/lib/recovery/reload-warehouse';
import { copySourceFromEnv } from '../../functions/pipeline/prepare-loads/prepare-loads';
import { UsageError } from './errors';
import { progressCallback } from './progress';
import { printReconcile } from './recovery-report';
import { withLockedRuntime } from './locked-runtime';

/** `reload --warehouse [--from --to]`: rebuilds the warehouse from the lake under the run lock, then reconciles.
 * Returns whether the lake balances. */
export async function reloadCommand(lakeRoot: string, range: DateRange): Promise<boolean> {
  const problem = dateRangeProblem(range);
  if (problem) throw new UsageError(problem);
  return withLockedRuntime(lakeRoot, async (rt) => {
    const r = await reloadWarehouse(rt, copySourceFromEnv(), range, progressCallback('reload', 'months'));
    const scope = range.from || range.to ? `${range.from ?? 'the first date'} to ${range.to ?? 'the last date'}` : 'every date';
    process.stdout.write(`warehouse reloaded: ${r.dates} business dates from the lake (${scope}), in ${r.batches} batches\n`);
    return printReconcile(await reconcileLake(rt));
  });
}
