import { PipelineStateError } from '../../lib/errors';
import type { QueryEngine, Row } from '../../lib/ports';
import { isIsoDate } from '../../lib/recovery/date-range';
import { asIsoDate } from '../../lib/risk/stock-risk-sql';
import { readSql, renderSql } from '../../lib/sql-files';

/** A business date's sale baskets: how many, their units and revenue (in cents, exact). */
interface BasketTotals {
  baskets: number;
  units: number;
  cents: number;
}

/** The lake's store_day_baskets per business date from the first to the last of `dates` (sorted). */
export async function lakeBasketRows(curated: QueryEngine, dates: string[]): Promise<Row[]> {
  const bad = dates.find((d) => !isIsoDate(d));
  if (bad !== undefined) throw new PipelineStateError(`reconcile: "${bad}" is not a business date YYYY-MM-DD`);
  if (dates.length === 0) return [];
  return curated.query(renderSql(readSql('athena/reconcile/store_day_baskets_by_date.sql'), { from_date: dates[0], to_date: dates[dates.length - 1] }));
}

function byDate(rows: Row[], baskets: string, units: string, cents: string): Map<string, BasketTotals> {
  const out = new Map<string, BasketTotals>();
  for (const r of rows) {
    const date = asIsoDate(r.business_date);
    if (date !== null) out.set(date, { baskets: Number(r[baskets]), units: Number(r[units]), cents: Math.round(Number(r[cents])) });
  }
  return out;
}

const describe = (t: BasketTotals): string => `${t.baskets} baskets, ${t.units} units, ${(t.cents / 100).toFixed(2)} revenue`;

/**
 * The lake's store_day_baskets against the warehouse's sale baskets (fact_basket's sale rows, fact_sales' sale
 * lines), on each of `dates`: both are kept from the same curated lines by different engines (SummarizeBaskets in
 * DuckDB, the warehouse load in Redshift), so a difference means one side missed a change. Returns a
 * line per date that differs. `lake` is lakeBasketRows', `warehouse` the rows of reconcile_warehouse_by_date.sql.
 */
export function basketGaps(lake: Row[], warehouse: Row[], dates: string[]): string[] {
  const lakeByDate = byDate(lake, 'baskets', 'units', 'net_revenue_cents');
  const warehouseByDate = byDate(warehouse, 'sale_baskets', 'sale_units', 'sale_revenue_cents');
  const none: BasketTotals = { baskets: 0, units: 0, cents: 0 };
  const out: string[] = [];
  for (const date of dates) {
    const [l, w] = [lakeByDate.get(date) ?? none, warehouseByDate.get(date) ?? none];
    if (l.baskets !== w.baskets || l.units !== w.units || l.cents !== w.cents) out.push(`${date} (store_day_baskets ${describe(l)}; warehouse ${describe(w)})`);
  }
  return out;
}

/** The gap of the dates `basketGaps` found (`listed`: the first of them, spelled out), with the command that mends both
 * sides. */
export function basketGapMessage(gapDates: string[], listed: string): string {
  const [from, to] = [gapDates[0].slice(0, 10), gapDates[gapDates.length - 1].slice(0, 10)];
  return (
    `the lake's store_day_baskets differs from the warehouse's sale baskets on ${gapDates.length} business date(s): ${listed} ` +
    `(rebuild both from the curated lines: retail-lake reload --warehouse --baskets --from ${from} --to ${to})`
  );
}
