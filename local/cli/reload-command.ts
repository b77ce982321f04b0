import { dateRangeProblem, type DateRange } from '../../functions/lib/recovery/date-range';
import { reconcileLake } from '../../functions/lib/recovery/reconcile-lake';
import { reloadBaskets, reloadWarehouse } from '../../functions/lib/recovery/reload-warehouse';
import { copySourceFromEnv } from '../../functions/pipeline/prepare-loads/prepare-loads';
import { UsageError } from './errors';
import { progressCallback } from './progress';
import { printReconcile } from './recovery-report';
import { withLockedRuntime } from './locked-runtime';

/** What `reload` rebuilds: the warehouse, the lake's store_day_baskets, or both (at least one). */
export interface ReloadTargets {
  warehouse: boolean;
  baskets: boolean;
}

/** `reload --warehouse|--baskets [--from --to]`: rebuilds the warehouse and/or the lake's store_day_baskets from the
 * curated zone under the run lock, then reconciles (store_day_baskets on the range's dates with sales lines).
 * Returns whether the lake balances. */
export async function reloadCommand(lakeRoot: string, range: DateRange, what: ReloadTargets): Promise<boolean> {
  const problem = dateRangeProblem(range);
  if (problem) throw new UsageError(problem);
  if (!what.warehouse && !what.baskets) throw new UsageError('reload: say what to rebuild: --warehouse, --baskets, or both');
  return withLockedRuntime(lakeRoot, async (rt) => {
    const scope = range.from || range.to ? `${range.from ?? 'the first date'} to ${range.to ?? 'the last date'}` : 'every date';
    let salesDates: string[] = [];
    if (what.baskets) {
      salesDates = await reloadBaskets(rt, range, progressCallback('baskets', 'months'));
      process.stdout.write(`store_day_baskets rebuilt: ${salesDates.length} business dates with sales lines (${scope})\n`);
    }
    if (what.warehouse) {
      const r = await reloadWarehouse(rt, copySourceFromEnv(), range, progressCallback('reload', 'months'));
      salesDates = r.salesDates;
      process.stdout.write(`warehouse reloaded: ${r.dates} business dates from the lake (${scope}), in ${r.batches} batches\n`);
    }
    return printReconcile(await reconcileLake(rt, salesDates));
  });
}
