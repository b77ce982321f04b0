import { resolve } from 'node:path';
import { ALERTS_OUTBOX_KEY, CURATED_PREFIX, QUARANTINE_PREFIX } from '../../functions/lib/lake-layout';
import { readOutbox } from '../adapters/outbox-notifier';
import type { PipelineRunResult } from '../pipeline/local-runner';
import { FsObjectStore } from '../adapters/fs-object-store';
import { warehousePath } from '../warehouse/duckdb-warehouse';
import { formatTotals, lakeTotals } from './summary';

interface FinalState {
  plan?: { batchId: string; objectCount: number };
  commit?: { received: number; curatedEvents: number; quarantined: number; duplicates: number };
  risk?: { asOfDate?: string; critical?: number; high?: number };
  alerts?: { messages?: number; stores?: number };
  reconcile?: { summary?: string };
  dashboards?: { locations?: string[] };
}

/** What a run did and where its results are: the end of `run` and `demo`. */
export async function printRunReport(lakeRoot: string, result: PipelineRunResult): Promise<void> {
  const out: string[] = [];
  const state = (result.output ?? {}) as FinalState;
  if (result.status === 'failed') {
    process.stderr.write(`retail-lake: pipeline failed: ${result.error?.Error}: ${result.error?.Cause}\n`);
    out.push(`The ops alert is in ${resolve(lakeRoot, ALERTS_OUTBOX_KEY)}.`);
  } else if (result.status === 'nothing-to-do') {
    out.push('Nothing new in the raw zone: the pipeline had nothing to do.');
  } else {
    const b = state.commit;
    out.push(`Batch ${state.plan?.batchId}: ${state.plan?.objectCount} raw objects, ${b?.received} records -> ${b?.curatedEvents} curated, ${b?.quarantined} quarantined, ${b?.duplicates} duplicates`);
  }
  const store = new FsObjectStore(lakeRoot);
  out.push('', 'Lake totals', ...formatTotals(await lakeTotals(store)).map((l) => `  ${l}`));
  if (state.risk) {
    out.push(`SKUs at risk        critical ${state.risk.critical ?? 0}, high ${state.risk.high ?? 0} (as of ${state.risk.asOfDate ?? '-'})`);
    out.push(`low-stock alerts    ${state.alerts?.messages ?? 0} messages to ${state.alerts?.stores ?? 0} stores`);
  }
  if (state.reconcile?.summary) out.push(`reconciliation      ${state.reconcile.summary}`);
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
