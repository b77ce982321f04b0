import { dateRangeProblem } from '../../functions/lib/recovery/date-range';
import { reconcileLake } from '../../functions/lib/recovery/reconcile-lake';
import { reprocess } from '../../functions/lib/recovery/reprocess';
import { copySourceFromEnv } from '../../functions/pipeline/prepare-loads/prepare-loads';
import { UsageError } from './errors';
import { progressCallback } from './progress';
import { printReconcile } from './recovery-report';
import { withLockedRuntime } from './locked-runtime';

/** `reprocess --from --to`: re-curates those business dates from the raw zone under the run lock, reloads the
 * warehouse for them, reconciles. Returns whether the lake balances. */
/** `--from` and `--to` are required options of the command (local/cli/main.ts). */
export async function reprocessCommand(lakeRoot: string, range: { from: string; to: string }): Promise<boolean> {
  const problem = dateRangeProblem(range);
  if (problem) throw new UsageError(problem);
  const { from, to } = range;
  return withLockedRuntime(lakeRoot, async (rt) => {
    const r = await reprocess(rt, { from, to }, copySourceFromEnv(), new Date(), progressCallback('validate', 'raw objects'));
    const refused = Object.entries(r.refused).map(([reason, n]) => `${reason} ${n}`).join(', ');
    process.stdout.write(
      `reprocess ${r.reprocessId}: ${r.objects} raw objects validated again; ${r.events} events of ${from} to ${to} re-curated, ` +
      `${r.replacedDates.length} business dates' partitions replaced and reloaded; refused now: ${refused || 'none'} (moved to quarantine)\n`,
    );
    if (r.unreadable > 0) process.stdout.write(`  ${r.unreadable} raw objects no longer decompress (nothing of them was curated)\n`);
    return printReconcile(await reconcileLake(rt));
  });
}
