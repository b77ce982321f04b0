import { runPrefix, runRecordKeys } from '../../lib/lake-layout';
import type { ObjectStore, QueryEngine, Warehouse } from '../../lib/ports';
import { writeJson } from '../../lib/pipeline/json-objects';
import { committedRuns, totalsOf } from '../../lib/pipeline/run-history';
import type { ReconcileResult } from '../../lib/pipeline/state';
import { readSql } from '../../lib/sql-files';
import { quarantinedByBatch, quarantineGaps, quarantineWindowStart } from './quarantine-check';

const cents = (n: unknown): number => Math.round(Number(n) * 100);

/**
 * Raw vs curated vs quarantine vs warehouse, for everything committed so far. The quarantine zone is compared
 * batch by batch, and only for the batches its lifecycle still keeps whole (`quarantineRetentionDays`, 0 when
 * objects never expire): the run records are the lasting account of what was quarantined.
 */
export async function reconcile(
  store: ObjectStore,
  curated: QueryEngine,
  warehouse: Warehouse,
  batchId: string,
  quarantineRetentionDays = 0,
  now = new Date(),
): Promise<ReconcileResult> {
  const runs = await committedRuns(store);
  const totals = totalsOf(runs);
  const [c] = await curated.query(readSql('athena/reconcile/curated_totals.sql'));
  const [w] = await warehouse.query(readSql('redshift/reconcile_warehouse_totals.sql'));
  const result = {
    curated: { events: Number(c.events), salesLines: Number(c.sales_lines), netRevenue: Number(c.net_revenue), quarantined: Number(c.quarantined) },
    warehouse: { salesLines: Number(w.sales_lines), netRevenue: Number(w.net_revenue) },
  };
  const windowStart = quarantineWindowStart(quarantineRetentionDays, now);
  const gaps: string[] = [];
  const accounted = totals.curatedEvents + totals.quarantined + totals.duplicates;
  if (totals.received !== accounted) gaps.push(`received ${totals.received} != curated + quarantined + duplicates ${accounted}`);
  if (result.curated.events !== totals.curatedEvents) gaps.push(`curated tables hold ${result.curated.events} events, run records say ${totals.curatedEvents}`);
  gaps.push(...quarantineGaps(runs, await quarantinedByBatch(curated), windowStart));
  if (result.warehouse.salesLines !== result.curated.salesLines) gaps.push(`warehouse fact_sales has ${result.warehouse.salesLines} lines, curated sales_lines ${result.curated.salesLines}`);
  if (cents(result.warehouse.netRevenue) !== cents(result.curated.netRevenue)) gaps.push(`warehouse revenue ${result.warehouse.netRevenue} != curated revenue ${result.curated.netRevenue}`);
  const out: ReconcileResult = {
    balanced: gaps.length === 0,
    summary: gaps.length === 0
      ? `balanced: ${totals.received} received = ${totals.curatedEvents} curated + ${totals.quarantined} quarantined + ${totals.duplicates} duplicates; ` +
        `quarantine = run records (${windowStart ? `batches committed since ${windowStart.toISOString()}` : 'every batch'}); ` +
        `warehouse = curated (${result.curated.salesLines} lines, revenue ${result.curated.netRevenue.toFixed(2)})`
      : `reconciliation gap: ${gaps.join('; ')}`,
    gaps,
    totals,
    ...result,
  };
  await writeJson(store, runRecordKeys(runPrefix(batchId)).reconcile, out);
  return out;
}
