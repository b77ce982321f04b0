/**
 * `npm run bench -- --month [--days 30 --lines N --stores N --skus N --repeats 3 --keep DIR]`: the query figures at
 * month scale (issue 12: each analyst named query and dashboard data set answers with a median <= 1 s, worst <= 3 s
 * over a month of 1M sale lines a day). It simulates `days` business days (default 30) of `lines` sale lines in all
 * (default 1M a day), with the simulator's orders, receipts and stock counts, so open orders and stock are those of a
 * real month; ingests them, runs the pipeline over the lot as `run` does (a batch takes at most the local batch cap
 * of raw objects, so a month is a few executions), then times every named query, data set and
 * dashboard page on the lake (bench/query-figures.ts). Results go to bench/results/month.json and month.md. With
 * --keep DIR the lake is built in DIR and left there, for `node --import tsx bench/query-figures.ts DIR` later.
 * It measures; it asserts nothing about timings.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateInput } from './bench-input';
import { child, lakeWithInput, log, writeResults } from './bench-io';
import { figuresTable, queryFigures } from './query-figures';
import type { OursStage } from './stage-ours';

export interface MonthArgs {
  days: number;
  /** sale lines in all, over the days */
  lines: number;
  stores: number;
  skus: number;
  /** times each query is run */
  repeats: number;
  /** build the lake here and keep it */
  keep: string | null;
}

export async function runMonthBench(args: MonthArgs, command: string): Promise<void> {
  if (args.keep && existsSync(args.keep) && readdirSync(args.keep).length > 0) {
    throw new Error(`--keep ${args.keep}: the folder is not empty; the month's lake is built in an empty or new folder`);
  }
  const work = mkdtempSync(join(tmpdir(), 'retail-lake-month-'));
  const lake = args.keep ? resolve(args.keep) : join(work, 'lake');
  try {
    const input = generateInput(work, args);
    mkdirSync(lake, { recursive: true });
    await lakeWithInput(lake, input.reference, input.files);
    // the raw objects are in the lake now: the generated files are not needed while the pipeline runs
    rmSync(join(work, 'files'), { recursive: true, force: true });
    log(`running the pipeline over ${args.days} day(s), as many executions as the batch cap takes...`);
    // 1 repeat of stage-ours' own analyst queries: the figures below time every query
    const run = await child<OursStage>(join(__dirname, 'stage-ours.ts'), [lake, '1']);
    log(`pipeline ${(run.pipelineMs / 1000).toFixed(1)} s in ${run.executions} execution(s) for ${run.saleLines.toLocaleString('en-US')} sale lines (reconciled: ${run.balanced}), peak RSS ${Math.round(run.pipelinePeakRssMb)} MB`);
    const figures = await queryFigures(lake, args.repeats);
    const over = figures.filter((f) => f.medianMs > 1000 || f.worstMs > 3000);
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      command,
      input: { saleLines: run.saleLines, records: run.records, days: args.days, stores: args.stores, skus: args.skus, repeats: args.repeats },
      pipeline: { seconds: Math.round(run.pipelineMs / 100) / 10, executions: run.executions, reconciled: run.balanced, peakRssMb: Math.round(run.pipelinePeakRssMb), steps: run.steps },
      figures,
      overOneSecondMedianOrThreeWorst: over.map((f) => f.name),
      lake: args.keep ? lake : null,
    };
    const md = [
      `# retail-lake query figures at month scale (${results.date.slice(0, 10)}, ${results.machine.cpus} cores, Node ${results.machine.node})`,
      '',
      `\`${command}\``,
      '',
      `Input: ${run.saleLines.toLocaleString('en-US')} sale lines in ${run.records.toLocaleString('en-US')} records over ${args.days} business days, ${args.stores} stores, ${args.skus} SKUs; ` +
        `loaded by one pipeline execution in ${results.pipeline.seconds} s (reconciled: ${run.balanced}, peak RSS ${results.pipeline.peakRssMb} MB). Each query timed ${args.repeats} times.`,
      '',
      figuresTable(figures),
      '',
      over.length ? `Over a median of 1 s or a worst of 3 s: ${over.map((f) => f.name).join(', ')}.` : 'Every figure is within a median of 1 s and a worst of 3 s.',
      '',
    ].join('\n');
    writeResults('month', results, md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
