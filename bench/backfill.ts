/**
 * `npm run bench -- --backfill [--lines N --stores N --skus N --dates N --runs N]`: the cost of a sparse history
 * against the same rows on one date. Writes about N sale lines from `stores` stores (bench/backfill-input.ts) once
 * on one business date and once re-dated over `dates` business dates, then per run, each on a fresh lake in its
 * own process, times the floor on its raw objects (bench/stage-floor.ts: the fixed DuckDB COPY to Parquet
 * PARTITION_BY business_date, so on the history it creates a partition per date, on the same disk as the lake),
 * and reads the floor's files back in a fresh DuckDB, then runs the whole pipeline on it (bench/stage-backfill.ts).
 * Reports both pipeline times and both floors, their ratios (within each run, then the median), the least the
 * history can take (boundMs), the pipeline's excess over the floor, each state's time, and whether
 * the totals (lines, units, revenue, in the curated tables and the warehouse) and the record counts are equal.
 * Results go to bench/results/backfill.json and backfill.md. It measures; it asserts nothing about timings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './analyst-queries';
import { child, lakeWithInput, log, writeResults } from './bench-io';
import { writeBackfillInput, type BackfillShape } from './backfill-input';
import type { BackfillStage, Totals } from './stage-backfill';
import type { FloorStage } from './stage-floor';

const here = __dirname;

export interface BackfillArgs extends BackfillShape {
  runs: number;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

/** Equal totals: everything but the number of dates, which is the point of the comparison. */
const sameTotals = (a: Totals, b: Totals): boolean => a.lines === b.lines && a.units === b.units && a.revenue === b.revenue && a.stores === b.stores;
const sameCounts = (a: BackfillStage, b: BackfillStage): boolean => JSON.stringify(a.counts) === JSON.stringify(b.counts);

interface Pair {
  oneDate: BackfillStage;
  history: BackfillStage;
}
type Variant = keyof Pair;

/** One run: the pipeline on each variant, and the floor on the same raw objects. */
interface Run extends Pair {
  floor: Record<Variant, FloorStage>;
}

/** The pipeline's time beyond the floor's, in the same run. */
const excessMs = (r: Run, which: Variant): number => r[which].pipelineMs - r.floor[which].floorMs;
/** The floor's files read back, by variant (0 when a stage did not report it). */
const readBackMs = (r: Run, which: Variant): number => r.floor[which].readBackMs ?? 0;
/**
 * The least the history's pipeline can take, from the same run: the one date's pipeline, plus what the dates add to
 * the floor's write (a partition per date) and to reading its files back once (the warehouse load replaces whole
 * dates, so it reads every touched date's files). Every other step is taken to cost no more than on one date.
 */
const boundMs = (r: Run): number =>
  r.oneDate.pipelineMs + (r.floor.history.floorMs - r.floor.oneDate.floorMs) + (readBackMs(r, 'history') - readBackMs(r, 'oneDate'));
/** The median over the runs of a figure taken within each run, rounded to `digits` decimals. */
const medianOf = (runs: Run[], figure: (r: Run) => number, digits: number): number => Math.round(median(runs.map(figure)) * 10 ** digits) / 10 ** digits;

function summarize(pairs: Run[], args: BackfillArgs, events: number, command: string) {
  const stateNames = [...new Set(pairs.flatMap((p) => [...p.history.states, ...p.oneDate.states].map((s) => s.state)))];
  const stateMs = (which: Variant, name: string): number => median(pairs.map((p) => p[which].states.find((s) => s.state === name)?.ms ?? 0));
  const { oneDate, history } = pairs[0];
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverageAtEnd: Math.round(loadavg()[0] * 10) / 10, node: process.version },
    command,
    input: { events, saleLines: history.warehouse.lines, stores: history.warehouse.stores, skus: args.skus, historyDates: history.warehouse.dates, oneDateDates: oneDate.warehouse.dates, runs: pairs.length },
    oneDateSeconds: Math.round(median(pairs.map((p) => p.oneDate.pipelineMs))) / 1000,
    historySeconds: Math.round(median(pairs.map((p) => p.history.pipelineMs))) / 1000,
    ratio: Math.round(median(pairs.map((p) => p.history.pipelineMs / p.oneDate.pipelineMs)) * 100) / 100,
    ratios: pairs.map((p) => Math.round((p.history.pipelineMs / p.oneDate.pipelineMs) * 100) / 100),
    floor: {
      saleLines: { oneDate: pairs[0].floor.oneDate.saleLines, history: pairs[0].floor.history.saleLines },
      oneDateSeconds: medianOf(pairs, (p) => p.floor.oneDate.floorMs / 1000, 3),
      historySeconds: medianOf(pairs, (p) => p.floor.history.floorMs / 1000, 3),
      ratio: medianOf(pairs, (p) => p.floor.history.floorMs / p.floor.oneDate.floorMs, 2),
      ratios: pairs.map((p) => Math.round((p.floor.history.floorMs / p.floor.oneDate.floorMs) * 100) / 100),
    },
    readBack: {
      oneDateSeconds: medianOf(pairs, (p) => readBackMs(p, 'oneDate') / 1000, 3),
      historySeconds: medianOf(pairs, (p) => readBackMs(p, 'history') / 1000, 3),
    },
    /** the least the history's pipeline can take (boundMs), and as a multiple of the one date's, within each run */
    bound: {
      historySeconds: medianOf(pairs, (p) => boundMs(p) / 1000, 3),
      ratio: medianOf(pairs, (p) => boundMs(p) / p.oneDate.pipelineMs, 2),
      ratios: pairs.map((p) => Math.round((boundMs(p) / p.oneDate.pipelineMs) * 100) / 100),
    },
    /** pipeline - floor, within each run */
    excessOverFloor: {
      oneDateSeconds: medianOf(pairs, (p) => excessMs(p, 'oneDate') / 1000, 3),
      historySeconds: medianOf(pairs, (p) => excessMs(p, 'history') / 1000, 3),
      ratio: medianOf(pairs, (p) => excessMs(p, 'history') / excessMs(p, 'oneDate'), 2),
    },
    /** history - one date, within each run: what the dates add to the pipeline, and to the floor */
    growthSeconds: {
      pipeline: medianOf(pairs, (p) => (p.history.pipelineMs - p.oneDate.pipelineMs) / 1000, 3),
      floor: medianOf(pairs, (p) => (p.floor.history.floorMs - p.floor.oneDate.floorMs) / 1000, 3),
    },
    totalsEqual: pairs.every((p) => sameTotals(p.oneDate.curated, p.history.curated) && sameTotals(p.oneDate.warehouse, p.history.warehouse) && sameTotals(p.history.curated, p.history.warehouse)),
    countsEqual: pairs.every((p) => sameCounts(p.oneDate, p.history)),
    reconciled: pairs.every((p) => p.oneDate.balanced && p.history.balanced),
    totals: { oneDate: { curated: oneDate.curated, warehouse: oneDate.warehouse, counts: oneDate.counts }, history: { curated: history.curated, warehouse: history.warehouse, counts: history.counts } },
    states: stateNames.map((state) => ({ state, oneDateMs: Math.round(stateMs('oneDate', state)), historyMs: Math.round(stateMs('history', state)) })),
  };
}

function markdown(r: ReturnType<typeof summarize>): string {
  return [
    `# retail-lake backfill benchmark (${r.date.slice(0, 10)}, ${r.machine.cpus} cores, load average ${r.machine.loadAverageAtEnd} at the end)`,
    '',
    `\`${r.command}\``,
    '',
    `Input: ${r.input.events.toLocaleString('en-US')} events, ${r.input.saleLines.toLocaleString('en-US')} sale lines, ${r.input.stores} stores, ${r.input.skus} SKUs; ` +
      `the same lines on ${r.input.historyDates.toLocaleString('en-US')} business dates and on ${r.input.oneDateDates}. Median of ${r.input.runs} runs; the ratio is taken within each run (${r.ratios.join(', ')}).`,
    '',
    `| | one date | history | ratio |`,
    '|---|---|---|---|',
    `| whole pipeline (the state machine's execution) | ${r.oneDateSeconds} s | ${r.historySeconds} s | ${r.ratio}x |`,
    `| floor: one DuckDB COPY of the same raw objects' lines to Parquet PARTITION_BY business_date, on the lake's disk | ${r.floor.oneDateSeconds} s | ${r.floor.historySeconds} s | ${r.floor.ratio}x |`,
    `| the floor's files read back into a table (a second, fresh DuckDB) | ${r.readBack.oneDateSeconds} s | ${r.readBack.historySeconds} s | |`,
    `| the pipeline's excess over the floor (pipeline - floor) | ${r.excessOverFloor.oneDateSeconds} s | ${r.excessOverFloor.historySeconds} s | ${r.excessOverFloor.ratio}x |`,
    ...r.states.map((s) => `| ${s.state} | ${seconds(s.oneDateMs)} s | ${seconds(s.historyMs)} s | |`),
    '',
    `What the dates add (history - one date, within each run): the pipeline ${r.growthSeconds.pipeline} s, the floor ${r.growthSeconds.floor} s (creating its partitions on this disk). ` +
      `Floor ratios per run: ${r.floor.ratios.join(', ')}; the floor read ${r.floor.saleLines.oneDate.toLocaleString('en-US')} and ${r.floor.saleLines.history.toLocaleString('en-US')} lines (every sale and return line of the raw objects, before validation and dedup).`,
    '',
    `The least the history can take with the lake partitioned by date and a warehouse load that replaces whole dates: the one date's pipeline, ` +
      `plus what the dates add to writing the floor's partitions and to reading them back once, with every other step at its one-date cost: ` +
      `${r.bound.historySeconds} s, ${r.bound.ratio}x the one date's (per run: ${r.bound.ratios.join(', ')}).`,
    '',
    `Totals equal (lines, units, revenue, stores; curated and warehouse): ${r.totalsEqual}. Record counts equal: ${r.countsEqual}. Reconciled: ${r.reconciled}.`,
    '',
  ].join('\n');
}

export async function runBackfillBench(args: BackfillArgs, command: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'retail-lake-backfill-'));
  try {
    log(`generating ~${args.saleLines.toLocaleString('en-US')} sale lines (${args.stores} stores, ${args.skus} SKUs) on one date and over ${args.dates} dates...`);
    const input = writeBackfillInput(join(work, 'files'), args);
    log(`generated ${input.events.toLocaleString('en-US')} events`);
    const pairs: Run[] = [];
    for (let i = 1; i <= args.runs; i++) {
      const times: Partial<Pair> = {};
      const floor: Partial<Record<Variant, FloorStage>> = {};
      // alternate the order, so that neither variant always runs first on a loaded machine
      const order: Variant[] = i % 2 ? ['oneDate', 'history'] : ['history', 'oneDate'];
      for (const which of order) {
        const lake = join(work, `lake-${which}-${i}`);
        await lakeWithInput(lake, input.reference, [which === 'oneDate' ? input.oneDateFile : input.historyFile]);
        // the floor's output and spill folders beside the lake: the same disk. Nothing is deleted until the bench
        // ends: on this machine's disk (ext4 mounted with discard) a thousand small files written just after a
        // thousand were deleted took about three times as long (0.9-1.0 s against 0.3-0.4 s for the same COPY), so a
        // delete before a timed step would be timed with it.
        const [floorOut, floorSpill] = [join(work, `floor-${which}-${i}`), join(work, `floor-spill-${which}-${i}`)];
        floor[which] = await child<FloorStage>(join(here, 'stage-floor.ts'), [lake, floorOut, floorSpill, 'read-back']);
        times[which] = await child<BackfillStage>(join(here, 'stage-backfill.ts'), [lake]);
      }
      const run: Run = { ...(times as Pair), floor: floor as Record<Variant, FloorStage> };
      pairs.push(run);
      log(
        `run ${i}: one date ${seconds(run.oneDate.pipelineMs)} s (floor ${seconds(run.floor.oneDate.floorMs)} s), ` +
          `history ${seconds(run.history.pipelineMs)} s (${run.history.warehouse.dates} dates; floor ${seconds(run.floor.history.floorMs)} s), ` +
          `ratio ${(run.history.pipelineMs / run.oneDate.pipelineMs).toFixed(2)} (floor ${(run.floor.history.floorMs / run.floor.oneDate.floorMs).toFixed(2)}; ` +
          `least possible ${(boundMs(run) / run.oneDate.pipelineMs).toFixed(2)})`,
      );
    }
    const results = summarize(pairs, args, input.events, command);
    const md = markdown(results);
    writeResults('backfill', results, md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
