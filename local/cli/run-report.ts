import { resolve } from 'node:path';
import { ALERTS_OUTBOX_KEY, CURATED_PREFIX, QUARANTINE_PREFIX } from '../../functions/lib/lake-layout';
import { readOutbox } from '../adapters/outbox-notifier';
import type { PipelineRunResult } from '../pipeline/local-runner';
import { FsObjectStore } from '../adapters/fs-object-store';
import { warehousePath } from '../warehouse/duckdb-warehouse';
import { openLocalWarehouse } from '../local-runtime';
import { formatTotals, lakeTotals } from './summary';

interface FinalState {
  plan?: { batchId: string; objectCount: number; resumePostCommit?: boolean };
  parked?: { batchId: string; objects: number; parkedKey: string; error: { Error: string; Cause: string } };
  commit?: { received: number; curatedEvents: number; quarantined: number; duplicates: number };
  risk?: { asOfDate?: string; critical?: number; high?: number };
  alerts?: { messages?: number; stores?: number };
  reconcile?: { summary?: string };
  dashboards?: { locations?: string[] };
}

/** One line per execution that did something: a batch curated, a batch's post-commit finished, a batch parked. */
function executionLine(run: PipelineRunResult): string | null {
  const state = (run.output ?? {}) as FinalState;
  if (run.status === 'parked' && state.parked) {
    const p = state.parked;
    return `Batch ${p.batchId}: PARKED after its retries (${p.objects} raw objects): ${p.error.Error}: ${p.error.Cause}; record ${p.parkedKey}`;
  }
  if (run.status !== 'succeeded') return null;
  const b = state.commit;
  const counts = `${state.plan?.objectCount} raw objects, ${b?.received} records -> ${b?.curatedEvents} curated, ${b?.quarantined} quarantined, ${b?.duplicates} duplicates`;
  return state.plan?.resumePostCommit
    ? `Batch ${state.plan.batchId}: finished its warehouse load, stock risk, alerts and reconcile, left undone by an earlier run (${counts})`
    : `Batch ${state.plan?.batchId}: ${counts}`;
}

const money = (n: number): string => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Net revenue across stores from the warehouse, each line converted at its business date's rate into the reporting
 * currency (v_sales_reporting); lines of a currency without a rate are counted apart, never added as 1:1. */
async function convertedRevenueLines(lakeRoot: string): Promise<string[]> {
  const warehouse = await openLocalWarehouse(lakeRoot, { readOnly: true });
  try {
    const [row] = await warehouse.query(
      'SELECT MAX(reporting_currency) AS currency, SUM(net_revenue_rpt) AS revenue, COUNT(DISTINCT currency) AS currencies, SUM(CASE WHEN net_revenue_rpt IS NULL THEN 1 ELSE 0 END) AS unconverted FROM v_sales_reporting',
    );
    if (!row || row.currency === null || row.currency === undefined) return [];
    const unconverted = Number(row.unconverted ?? 0);
    return [
      `net revenue         ${String(row.currency)} ${money(Number(row.revenue ?? 0))} (warehouse, ${Number(row.currencies)} store currencies converted at each business date's rate)` +
        (unconverted > 0 ? `; ${unconverted.toLocaleString('en-US')} lines without a rate are not in it` : ''),
    ];
  } catch {
    return []; // no warehouse yet (a run that failed before its first load)
  } finally {
    await warehouse.close();
  }
}

/** What a run did and where its results are: the end of `run` and `demo`. `runs` are all of the run's executions
 * (`result` is the last that did something). */
export async function printRunReport(lakeRoot: string, result: PipelineRunResult, runs: PipelineRunResult[] = [result]): Promise<void> {
  const out: string[] = [];
  const state = (result.output ?? {}) as FinalState;
  out.push(...runs.map(executionLine).filter((l): l is string => l !== null));
  if (result.status === 'failed') {
    process.stderr.write(`retail-lake: pipeline failed${result.failedState ? ` in ${result.failedState}` : ''}: ${result.error?.Error}: ${result.error?.Cause}\n`);
    for (const link of (result.errorChain ?? []).slice(1)) process.stderr.write(`  caused by ${link.name}${link.code ? ` (${link.code})` : ''}: ${link.message}\n`);
    out.push(`The ops alert is in ${resolve(lakeRoot, ALERTS_OUTBOX_KEY)}.`);
  } else if (out.length === 0) {
    out.push('Nothing new in the raw zone: the pipeline had nothing to do.');
  }
  // the freshest reconciliation: the final execution's (it reconciles with nothing new) if it got that far
  const reconciled = [...runs].reverse().map((r) => ((r.output ?? {}) as FinalState).reconcile).find((r) => r?.summary);
  const store = new FsObjectStore(lakeRoot);
  out.push('', 'Lake totals', ...formatTotals(await lakeTotals(store)).map((l) => `  ${l}`));
  out.push(...(await convertedRevenueLines(lakeRoot)));
  if (state.risk) {
    out.push(`SKUs at risk        critical ${state.risk.critical ?? 0}, high ${state.risk.high ?? 0} (as of ${state.risk.asOfDate ?? '-'})`);
    out.push(`low-stock alerts    ${state.alerts?.messages ?? 0} messages to ${state.alerts?.stores ?? 0} stores`);
  }
  if (reconciled?.summary) out.push(`reconciliation      ${reconciled.summary}`);
  if ((state.alerts?.messages ?? 0) > 0) {
    // what a store manager receives (SNS e-mail in the cloud): the latest message, its first lines
    const latest = (await readOutbox(lakeRoot, 'low-stock')).pop();
    if (latest) {
      const lines = latest.message.split('\n');
      out.push('', `Latest low-stock alert [store_id=${latest.attributes.store_id}, severity=${latest.attributes.severity}]: ${latest.subject}`, ...lines.slice(0, 9).map((l) => `  ${l}`));
      if (lines.length > 9) out.push(`  ... ${lines.length - 9} more lines`);
    }
  }
  out.push(
    '',
    'Where things are',
    `  curated Parquet   ${resolve(lakeRoot, CURATED_PREFIX)}`,
    `  quarantine        ${resolve(lakeRoot, QUARANTINE_PREFIX)}`,
    `  warehouse         ${warehousePath(lakeRoot)}`,
    `  alert outbox      ${resolve(lakeRoot, ALERTS_OUTBOX_KEY)}`,
    ...(state.dashboards?.locations ?? []).map((l) => `  dashboard         ${l}`),
    '',
    `Try: npx retail-lake --lake ${lakeRoot} query "SELECT store_id, sum(net_revenue) AS revenue FROM sales_lines GROUP BY 1 ORDER BY 2 DESC"`,
  );
  process.stdout.write(out.join('\n') + '\n');
}
