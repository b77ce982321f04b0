import { LATEST_RECONCILE_KEY, runPrefix, runRecordKeys } from '../../lib/lake-layout';
import type { ObjectStore, QueryEngine, Row, Warehouse } from '../../lib/ports';
import { writeJson } from '../../lib/pipeline/json-objects';
import { committedRuns, totalsOf } from '../../lib/pipeline/run-history';
import type { CommitResult, DateCheck, DateTotal, ReconcileResult } from '../../lib/pipeline/state';
import { asIsoDate } from '../../lib/risk/stock-risk-sql';
import { readSql } from '../../lib/sql-files';
import { quarantinedByBatch, quarantineGaps, quarantineWindowStart } from './quarantine-check';
import { basketGapMessage, basketGaps, lakeBasketRows } from './basket-check';

/** How many gap dates the summary spells out with their numbers (all of them are in `dates.gapDates`). */
const DATES_IN_SUMMARY = 10;

/** The first DATES_IN_SUMMARY of `details`, joined, and how many more there are. */
const firstDates = (details: string[]): string =>
  `${details.slice(0, DATES_IN_SUMMARY).join('; ')}${details.length > DATES_IN_SUMMARY ? ` and ${details.length - DATES_IN_SUMMARY} more` : ''}`;

const emptyTotal = (): DateTotal => ({ salesLines: 0, netRevenueCents: 0, inventoryEvents: 0 });
const addTotals = (a: DateTotal, b: DateTotal): DateTotal => ({
  salesLines: a.salesLines + b.salesLines,
  netRevenueCents: a.netRevenueCents + b.netRevenueCents,
  inventoryEvents: a.inventoryEvents + b.inventoryEvents,
});

/** The lake side per business date: the run records' dateTotals summed over committed batches. A batch recorded
 * before dateTotals existed contributes the dates it touched to `unchecked` instead. */
export function lakeDateTotals(runs: CommitResult[]): { byDate: Map<string, DateTotal>; unchecked: Set<string> } {
  const byDate = new Map<string, DateTotal>();
  const unchecked = new Set<string>();
  for (const run of runs) {
    if (!run.dateTotals) {
      for (const dates of Object.values(run.affectedDates)) for (const d of dates) unchecked.add(d);
      continue;
    }
    for (const [date, t] of Object.entries(run.dateTotals)) byDate.set(date, addTotals(byDate.get(date) ?? emptyTotal(), t));
  }
  return { byDate, unchecked };
}

function warehouseDateTotals(rows: Row[]): Map<string, DateTotal> {
  const byDate = new Map<string, DateTotal>();
  for (const r of rows) {
    const date = asIsoDate(r.business_date);
    if (date === null) continue;
    byDate.set(date, { salesLines: Number(r.sales_lines), netRevenueCents: Math.round(Number(r.net_revenue_cents)), inventoryEvents: Number(r.inventory_events) });
  }
  return byDate;
}

/**
 * The tables kept at load from fact_sales (fact_basket, agg_category_day, agg_store_day, agg_sku_day), against it per
 * business date: the dates where a basket's lines, the category or store-day aggregates' units or revenue, or the
 * SKU-day aggregate's units do not add up to fact_sales's. Code from before them (a rolled-back deploy) loads fact_sales without them; a reload of the
 * warehouse rebuilds them.
 */
export function derivedTableGaps(rows: Row[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const date = asIsoDate(r.business_date);
    if (date === null) continue;
    const [lines, basketLines] = [Number(r.sales_lines), Number(r.basket_lines)];
    const [units, cents] = [Number(r.units), Math.round(Number(r.net_revenue_cents))];
    const parts: string[] = [];
    if (basketLines !== lines) parts.push(`fact_basket ${basketLines} lines of fact_sales' ${lines}`);
    const aggregates: [string, number, number][] = [
      ['agg_category_day', Number(r.aggregate_units), Math.round(Number(r.aggregate_revenue_cents))],
      ['agg_store_day', Number(r.store_day_units), Math.round(Number(r.store_day_revenue_cents))],
    ];
    for (const [table, tableUnits, tableCents] of aggregates) {
      if (tableUnits !== units || tableCents !== cents) {
        parts.push(`${table} ${tableUnits} units and ${(tableCents / 100).toFixed(2)} revenue of fact_sales' ${units} and ${(cents / 100).toFixed(2)}`);
      }
    }
    // agg_sku_day's revenue is in the reporting currency: its units only
    const skuUnits = Number(r.sku_day_units);
    if (skuUnits !== units) parts.push(`agg_sku_day ${skuUnits} units of fact_sales' ${units}`);
    if (parts.length > 0) out.push(`${date} (${parts.join('; ')})`);
  }
  return out;
}

const differs = (a: DateTotal, b: DateTotal): boolean => a.salesLines !== b.salesLines || a.netRevenueCents !== b.netRevenueCents || a.inventoryEvents !== b.inventoryEvents;
const describe = (t: DateTotal): string => `${t.salesLines} lines, ${(t.netRevenueCents / 100).toFixed(2)} revenue, ${t.inventoryEvents} inventory events`;

/** Lake vs warehouse per business date: every date either side has, except the unchecked ones. */
export function compareDates(lake: Map<string, DateTotal>, warehouse: Map<string, DateTotal>, unchecked: Set<string>): { check: DateCheck; details: string[] } {
  const dates = [...new Set([...lake.keys(), ...warehouse.keys()])].filter((d) => !unchecked.has(d)).sort();
  const details: string[] = [];
  const gapDates: string[] = [];
  for (const date of dates) {
    const [l, w] = [lake.get(date) ?? emptyTotal(), warehouse.get(date) ?? emptyTotal()];
    if (!differs(l, w)) continue;
    gapDates.push(date);
    details.push(`${date} (lake ${describe(l)}; warehouse ${describe(w)})`);
  }
  return { check: { checked: dates.length, gapDates, unchecked: [...unchecked].sort() }, details };
}

/**
 * Reconciles everything committed so far, from the run records and the warehouse, with no scan of the curated
 * zone:
 * - the run records add up: received = curated + quarantined + duplicates;
 * - the quarantine zone holds what the run records say, batch by batch, for the batches its lifecycle still keeps
 *   whole (`quarantineRetentionDays`, 0 when objects never expire): the run records are its lasting account;
 * - the warehouse, grouped by business date (sql/redshift/reconcile_warehouse_by_date.sql), equals the run
 *   records' dateTotals summed per date: a gap names its dates. Dates touched by a batch recorded before dateTotals
 *   existed are listed as unchecked (they are not rescanned); the whole-warehouse totals still cover them;
 * - the tables kept at load from fact_sales (fact_basket and the aggregate tables) add up to it, date by date;
 * - the lake's store_day_baskets equals the warehouse's sale baskets on the business dates the batch added sales
 *   lines to (`basketDates` instead when given; none without a batch): a bounded read, whatever the history.
 * The result is written to control/reconcile/latest.json and, for a batch's execution, to its run record.
 */
export async function reconcile(
  store: ObjectStore,
  curated: QueryEngine,
  warehouse: Warehouse,
  batchId: string,
  quarantineRetentionDays = 0,
  now = new Date(),
  basketDates?: string[],
): Promise<ReconcileResult> {
  const runs = await committedRuns(store);
  const basketDays = [...(basketDates ?? runs.find((r) => r.batchId === batchId)?.affectedDates.sales_lines ?? [])].sort();
  const totals = totalsOf(runs);
  const warehouseRows = await warehouse.query(readSql('redshift/reconcile_warehouse_by_date.sql'));
  const warehouseByDate = warehouseDateTotals(warehouseRows);
  const derived = derivedTableGaps(warehouseRows);
  const whole = [...warehouseByDate.values()].reduce(addTotals, emptyTotal());
  const warehouseTotals = { salesLines: whole.salesLines, netRevenue: whole.netRevenueCents / 100 };
  const lake = lakeDateTotals(runs);
  const { check, details } = compareDates(lake.byDate, warehouseByDate, lake.unchecked);

  const windowStart = quarantineWindowStart(quarantineRetentionDays, now);
  const gaps: string[] = [];
  const accounted = totals.curatedEvents + totals.quarantined + totals.duplicates;
  if (totals.received !== accounted) gaps.push(`received ${totals.received} != curated + quarantined + duplicates ${accounted}`);
  gaps.push(...quarantineGaps(runs, await quarantinedByBatch(curated), windowStart));
  if (warehouseTotals.salesLines !== totals.salesLines) gaps.push(`warehouse fact_sales has ${warehouseTotals.salesLines} lines, the run records ${totals.salesLines}`);
  if (whole.netRevenueCents !== Math.round(totals.netRevenue * 100)) gaps.push(`warehouse revenue ${warehouseTotals.netRevenue.toFixed(2)} != run records' revenue ${totals.netRevenue.toFixed(2)}`);
  if (whole.inventoryEvents !== totals.inventoryEvents) gaps.push(`warehouse fact_inventory_event has ${whole.inventoryEvents} events, the run records ${totals.inventoryEvents}`);
  if (check.gapDates.length > 0) {
    gaps.push(`warehouse differs from the lake on ${check.gapDates.length} business date(s): ${firstDates(details)}`);
  }
  if (derived.length > 0) {
    gaps.push(`tables kept at load differ from fact_sales on ${derived.length} business date(s): ${firstDates(derived)} (reload the warehouse: retail-lake reload --warehouse)`);
  }
  const baskets = basketGaps(await lakeBasketRows(curated, basketDays), warehouseRows, basketDays);
  if (baskets.length > 0) gaps.push(basketGapMessage(baskets, firstDates(baskets)));
  const uncheckedNote = check.unchecked.length > 0 ? `; ${check.unchecked.length} date(s) recorded before per-date totals checked only in the totals (${check.unchecked[0]}..${check.unchecked[check.unchecked.length - 1]})` : '';
  const out: ReconcileResult = {
    balanced: gaps.length === 0,
    summary: gaps.length === 0
      ? `balanced: ${totals.received} received = ${totals.curatedEvents} curated + ${totals.quarantined} quarantined + ${totals.duplicates} duplicates; ` +
        `quarantine = run records (${windowStart ? `batches committed since ${windowStart.toISOString()}` : 'every batch'}); ` +
        `warehouse = run records on ${check.checked} business dates (${totals.salesLines} lines, revenue ${totals.netRevenue.toFixed(2)})${uncheckedNote}` +
        (basketDays.length > 0 ? `; store_day_baskets = warehouse sale baskets on ${basketDays.length} business dates` : '')
      : `reconciliation gap: ${gaps.join('; ')}`,
    gaps,
    totals,
    warehouse: warehouseTotals,
    dates: check,
    batchId,
    reconciledAt: now.toISOString(),
  };
  await writeJson(store, LATEST_RECONCILE_KEY, out);
  if (batchId) await writeJson(store, runRecordKeys(runPrefix(batchId)).reconcile, out);
  return out;
}
