/**
 * One benchmark run of retail-lake on a prepared lake (reference + raw objects): the whole pipeline through
 * the local Step Functions runner (its time is that of the state machine's execution, start to end), then the
 * analyst queries. Prints one JSON object. Run by bench/run.ts in a child process so its peak RSS is its own.
 */
import '../local/polyfills';
import { RetailLakeError } from '../functions/lib/errors';
import { createLocalRuntime } from '../local/local-runtime';
import { runPipeline, type PipelineRunResult } from '../local/pipeline/local-runner';
import { ANALYST_QUERIES, median } from './analyst-queries';

/** What a run of this stage prints. */
export interface OursStage {
  saleLines: number;
  records: number;
  balanced: boolean;
  rawToCuratedMs: number;
  validateMs: number;
  curateMs: number;
  warehouseLoadMs: number;
  stockRiskMs: number;
  /** the state machine's executions that had work, start to end, summed (one unless the input passed a batch's cap) */
  pipelineMs: number;
  executions: number;
  /** every state's total time in the pipeline */
  steps: { state: string; ms: number }[];
  /** the pipeline process's peak RSS when the pipeline ended (before the queries) */
  pipelinePeakRssMb: number;
  queries: { name: string; medianMs: number }[];
  peakRssMb: number;
}

async function main(): Promise<void> {
  const lakeRoot = process.argv[2];
  const queryRepeats = Number(process.argv[3] ?? 5);
  const rt = await createLocalRuntime(lakeRoot);
  // execution after execution, as `retail-lake run` does, until one finds nothing new: a local batch is capped
  // (MAX_BATCH_BYTES), so a month's input is several executions; the last, which only finds nothing to do, is not timed
  const results: PipelineRunResult[] = [];
  let pipelineMs = 0;
  for (;;) {
    const t0 = performance.now();
    const result = await runPipeline(rt);
    if (result.status === 'nothing-to-do' && results.length > 0) break;
    pipelineMs += performance.now() - t0;
    if (result.status !== 'succeeded') {
      const { failedState, error, errorChain } = result;
      const parked = (result.output as { parked?: unknown } | null)?.parked;
      throw new RetailLakeError(`pipeline ${result.status}: ${JSON.stringify({ failedState, error, errorChain, parked })}`);
    }
    results.push(result);
  }
  // maxRSS only grows: read now, it is the peak of this process while the pipeline ran (in-process) and before
  const pipelinePeakRssMb = process.resourceUsage().maxRSS / 1024;
  const allSteps = results.flatMap((r) => r.steps);
  const ms = (state: string): number => allSteps.filter((s) => s.state === state).reduce((a, s) => a + s.ms, 0);
  // every state's total time, in the order the states first ran: where the pipeline's time goes
  const steps = [...new Set(allSteps.map((s) => s.state))].map((state) => ({ state, ms: ms(state) }));
  type Output = { commit: { rows: { sales_lines: number }; received: number }; reconcile: { balanced: boolean } };
  const outs = results.map((r) => r.output as Output);

  const queries = [];
  for (const q of ANALYST_QUERIES) {
    const times = [];
    for (let i = 0; i < queryRepeats; i++) {
      const s = performance.now();
      await rt.curatedQuery.query(q.sql);
      times.push(performance.now() - s);
    }
    queries.push({ name: q.name, medianMs: median(times) });
  }
  await rt.close();
  const stage: OursStage = {
    saleLines: outs.reduce((a, o) => a + o.commit.rows.sales_lines, 0),
    records: outs.reduce((a, o) => a + o.commit.received, 0),
    balanced: outs.every((o) => o.reconcile.balanced),
    rawToCuratedMs: ms('PlanBatch') + ms('Validate') + ms('CurateWithLambda'),
    validateMs: ms('Validate'),
    curateMs: ms('CurateWithLambda'),
    // LoadWarehouse only submits the load (the Data API's batchExecuteStatement); DescribeLoad waits for it to finish
    warehouseLoadMs: ms('PrepareLoads') + ms('LoadWarehouse') + ms('DescribeLoad') + ms('RefreshDerivedTables') + ms('DescribeDerivedTables'),
    stockRiskMs: ms('StockRisk'),
    pipelineMs,
    executions: results.length,
    steps,
    pipelinePeakRssMb,
    queries,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(stage));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
