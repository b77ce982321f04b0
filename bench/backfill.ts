/**
 * `npm run bench -- --backfill [--lines N --stores N --skus N --dates N --runs N]`: the cost of a sparse history
 * against the same rows on one date. Writes about N sale lines from `stores` stores (bench/backfill-input.ts) once
 * on one business date and once re-dated over `dates` business dates, then per run, each on a fresh lake in its
 * own process, runs the whole pipeline on each (bench/stage-backfill.ts). Reports both pipeline times, their
 * ratio (within each run, then the median), each state's time, and whether the totals (lines, units, revenue, in
 * the curated tables and the warehouse) and the record counts are equal. Results go to
 * bench/results/backfill.json and backfill.md. It measures; it asserts nothing about timings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './analyst-queries';
import { child, lakeWithInput, log, writeResults } from './bench-io';
import { writeBackfillInput, type BackfillShape } from './backfill-input';
import type { BackfillStage, Totals } from './stage-backfill';

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

function summarize(pairs: Pair[], args: BackfillArgs, events: number, command: string) {
  const stateNames = [...new Set(pairs.flatMap((p) => [...p.history.states, ...p.oneDate.states].map((s) => s.state)))];
  const stateMs = (which: keyof Pair, name: string): number => median(pairs.map((p) => p[which].states.find((s) => s.state === name)?.ms ?? 0));
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
    ...r.states.map((s) => `| ${s.state} | ${seconds(s.oneDateMs)} s | ${seconds(s.historyMs)} s | |`),
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
    const pairs: Pair[] = [];
    for (let i = 1; i <= args.runs; i++) {
      const times: Partial<Pair> = {};
      // alternate the order, so that neither variant always runs first on a loaded machine
      const order: (keyof Pair)[] = i % 2 ? ['oneDate', 'history'] : ['history', 'oneDate'];
      for (const which of order) {
        const lake = join(work, `lake-${which}-${i}`);
        await lakeWithInput(lake, input.reference, [which === 'oneDate' ? input.oneDateFile : input.historyFile]);
        times[which] = await child<BackfillStage>(join(here, 'stage-backfill.ts'), [lake]);
        rmSync(lake, { recursive: true, force: true });
      }
      const pair = times as Pair;
      pairs.push(pair);
      log(`run ${i}: one date ${seconds(pair.oneDate.pipelineMs)} s, history ${seconds(pair.history.pipelineMs)} s (${pair.history.warehouse.dates} dates), ratio ${(pair.history.pipelineMs / pair.oneDate.pipelineMs).toFixed(2)}`);
    }
    const results = summarize(pairs, args, input.events, command);
    const md = markdown(results);
    writeResults('backfill', results, md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
