/**
 * One backfill bench run on a prepared lake (reference + raw objects): the whole pipeline through the local Step
 * Functions runner (its time is that of the state machine's execution, start to end), each state's time, and the
 * totals the run left in the curated tables and the warehouse. Prints one JSON object. Run by bench/backfill.ts in
 * a child process, so that each lake starts in a fresh process.
 */
import '../local/polyfills';
import { RetailLakeError } from '../functions/lib/errors';
import type { Row } from '../functions/lib/ports';
import { createLocalRuntime } from '../local/local-runtime';
import { runPipeline } from '../local/pipeline/local-runner';

export interface Totals {
  lines: number;
  units: number;
  /** exact: the decimal sum as text */
  revenue: string;
  dates: number;
  stores: number;
}

export interface BackfillStage {
  pipelineMs: number;
  /** each state's time, summed over its runs, in the order the states first ran */
  states: { state: string; ms: number; runs: number }[];
  counts: { received: number; curated: number; quarantined: number; duplicates: number };
  curated: Totals;
  warehouse: Totals;
  balanced: boolean;
}

function totals([r]: Row[]): Totals {
  return { lines: Number(r.lines), units: Number(r.units), revenue: String(r.revenue), dates: Number(r.dates), stores: Number(r.stores) };
}

async function main(): Promise<void> {
  const rt = await createLocalRuntime(process.argv[2]);
  const t0 = performance.now();
  const result = await runPipeline(rt);
  const pipelineMs = performance.now() - t0;
  if (result.status !== 'succeeded') {
    const { failedState, error, errorChain } = result;
    throw new RetailLakeError(`pipeline ${result.status}: ${JSON.stringify({ failedState, error, errorChain })}`);
  }
  const states = new Map<string, { state: string; ms: number; runs: number }>();
  for (const s of result.steps) {
    const e = states.get(s.state) ?? { state: s.state, ms: 0, runs: 0 };
    e.ms += s.ms;
    e.runs++;
    states.set(s.state, e);
  }
  const out = result.output as { commit: { received: number; curatedEvents: number; quarantined: number; duplicates: number }; reconcile: { balanced: boolean } };
  const { received, curatedEvents: curated, quarantined, duplicates } = out.commit;
  const curatedTotals = totals(
    await rt.curatedQuery.query(
      `SELECT count(*) AS lines, sum(quantity) AS units, CAST(sum(net_revenue) AS VARCHAR) AS revenue, count(DISTINCT business_date) AS dates, count(DISTINCT store_id) AS stores FROM sales_lines`,
    ),
  );
  const warehouseTotals = totals(
    await rt.warehouse.query(
      `SELECT count(*) AS lines, sum(qty_sold) AS units, CAST(sum(net_revenue) AS VARCHAR) AS revenue, count(DISTINCT date_key) AS dates, count(DISTINCT store_id) AS stores FROM fact_sales`,
    ),
  );
  await rt.close();
  const stage: BackfillStage = {
    pipelineMs,
    states: [...states.values()],
    counts: { received, curated, quarantined, duplicates },
    curated: curatedTotals,
    warehouse: warehouseTotals,
    balanced: out.reconcile.balanced,
  };
  console.log(JSON.stringify(stage));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
