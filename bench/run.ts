/**
 * `npm run bench [-- --lines N --days N --stores N --skus N --runs N --ingest-events N --no-peer --no-ingest]`:
 * generates a synthetic retail history of N sale lines over N business days (default one day of 1M lines; the
 * demo's 12 stores and 200 SKUs unless --stores and --skus; a catalog larger than 3,000 SKUs is split into
 * per-store assortments, see local/simulator/assortment.ts), then per run, on a fresh lake, times the floor (stage-floor.ts) on
 * the raw objects, the pipeline (raw -> curated, the warehouse load) and the analyst queries, curates the same raw
 * data with parquetjs-lite as the peer, and load-tests the ingest API through the local server. Medians over the
 * runs go to bench/results/latest.json and latest.md. It measures; it asserts nothing about timings.
 * `--backfill [--lines N --stores N --skus N --dates N --runs N]` measures a sparse history against the same lines on
 * one date instead (bench/backfill.ts; its defaults: 10,000 lines, 600 stores, 200 SKUs, 1,200 dates).
 * `--month [--days N --lines N --stores N --skus N --repeats N --keep DIR]` times the named queries, data sets and
 * dashboard pages over a simulated month instead (bench/month.ts; its defaults: 30 days of 1M sale lines each).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './analyst-queries';
import { child, lakeWithInput, log, writeResults } from './bench-io';
import { runBackfillBench, type BackfillArgs } from './backfill';
import { generateInput, type BenchInput } from './bench-input';
import { runMonthBench, type MonthArgs } from './month';
import type { FloorStage as Floor } from './stage-floor';
import type { OursStage as Ours } from './stage-ours';

const here = __dirname;
const root = join(here, '..');

interface Peer {
  saleLines: number;
  rawToCuratedMs: number;
  peakRssMb: number;
}
interface Ingest {
  events: number;
  acknowledgedPerSecond: number;
  endToEndPerSecond: number;
  exactlyOnce: boolean;
}

/** n rounded to `digits` decimals */
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

interface BenchArgs {
  lines: number;
  days: number;
  stores: number;
  skus: number;
  runs: number;
  ingestEvents: string;
  peer: boolean;
  ingest: boolean;
  /** the backfill bench's arguments instead, with --backfill */
  backfill: BackfillArgs | null;
  /** the month-scale query bench's arguments instead, with --month */
  month: MonthArgs | null;
}

function benchArgs(): BenchArgs {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' },
      days: { type: 'string' },
      // the demo's shape by default
      stores: { type: 'string' },
      skus: { type: 'string', default: '200' },
      runs: { type: 'string', default: '3' },
      'ingest-events': { type: 'string', default: '100000' },
      'no-peer': { type: 'boolean', default: false },
      'no-ingest': { type: 'boolean', default: false },
      backfill: { type: 'boolean', default: false },
      dates: { type: 'string', default: '1200' },
      month: { type: 'boolean', default: false },
      repeats: { type: 'string', default: '3' },
      keep: { type: 'string' },
    },
  });
  const backfill = values.backfill
    ? { saleLines: Number(values.lines ?? 10_000), stores: Number(values.stores ?? 600), skus: Number(values.skus), dates: Number(values.dates), lastDate: '2026-06-01', runs: Number(values.runs) }
    : null;
  const monthDays = Number(values.days ?? 30);
  const month = values.month
    ? { days: monthDays, lines: Number(values.lines ?? 1_000_000 * monthDays), stores: Number(values.stores ?? 12), skus: Number(values.skus), repeats: Number(values.repeats), keep: values.keep ?? null }
    : null;
  return {
    backfill,
    month,
    lines: Number(values.lines ?? 1_000_000),
    days: Number(values.days ?? 1),
    stores: Number(values.stores ?? 12),
    skus: Number(values.skus), runs: Number(values.runs), ingestEvents: String(values['ingest-events']), peer: !values['no-peer'], ingest: !values['no-ingest'] };
}

/** Per run, on a fresh lake holding the input: the floor, our pipeline and queries, then (unless skipped) the peer. */
async function timeStages(work: string, input: BenchInput, args: BenchArgs): Promise<{ floors: Floor[]; ours: Ours[]; peers: Peer[] }> {
  const floors: Floor[] = [];
  const ours: Ours[] = [];
  const peers: Peer[] = [];
  for (let i = 1; i <= args.runs; i++) {
    const lake = join(work, `lake-${i}`);
    await lakeWithInput(lake, input.reference, input.files);
    const f = await child<Floor>(join(here, 'stage-floor.ts'), [lake, join(work, `floor-${i}`), join(work, `floor-spill-${i}`)]);
    floors.push(f);
    log(`run ${i}: floor ${(f.floorMs / 1000).toFixed(2)} s (${f.saleLines.toLocaleString('en-US')} lines), peak RSS ${Math.round(f.peakRssMb)} MB`);
    for (const dir of [`floor-${i}`, `floor-spill-${i}`]) rmSync(join(work, dir), { recursive: true, force: true });
    const o = await child<Ours>(join(here, 'stage-ours.ts'), [lake]);
    ours.push(o);
    log(`run ${i}: states ${o.steps.map((st) => `${st.state} ${(st.ms / 1000).toFixed(2)} s`).join(', ')}`);
    log(`run ${i}: retail-lake raw -> curated ${(o.rawToCuratedMs / 1000).toFixed(2)} s (${Math.round(o.saleLines / (o.rawToCuratedMs / 1000)).toLocaleString('en-US')} lines/s, ${(o.rawToCuratedMs / f.floorMs).toFixed(1)}x the floor), warehouse load ${(o.warehouseLoadMs / 1000).toFixed(2)} s, pipeline ${(o.pipelineMs / 1000).toFixed(2)} s (${(o.pipelineMs / f.floorMs).toFixed(1)}x), peak RSS ${Math.round(o.pipelinePeakRssMb)} MB`);
    if (args.peer) {
      const p = await child<Peer>(join(here, 'stage-peer.ts'), [lake, join(work, `peer-${i}`)]);
      peers.push(p);
      log(`run ${i}: parquetjs-lite raw -> curated ${(p.rawToCuratedMs / 1000).toFixed(2)} s (${Math.round(p.saleLines / (p.rawToCuratedMs / 1000)).toLocaleString('en-US')} lines/s), peak RSS ${Math.round(p.peakRssMb)} MB`);
      rmSync(join(work, `peer-${i}`), { recursive: true, force: true });
    }
    rmSync(lake, { recursive: true, force: true });
  }
  return { floors, ours, peers };
}

/** Per run (unless skipped), the ingest API load test through the local server. */
async function timeIngest(args: BenchArgs): Promise<Ingest[]> {
  const ingest: Ingest[] = [];
  if (!args.ingest) return ingest;
  for (let i = 1; i <= args.runs; i++) {
    const r = await child<Ingest>(join(root, 'local', 'ingest', 'load-test.ts'), ['--events', args.ingestEvents]);
    ingest.push(r);
    log(`run ${i}: ingest API ${r.acknowledgedPerSecond.toLocaleString('en-US')} events/s acknowledged, ${r.endToEndPerSecond.toLocaleString('en-US')} events/s into raw/ (exactly once: ${r.exactlyOnce})`);
  }
  return ingest;
}

/** The medians over the runs, as written to latest.json. Ratios to the floor are taken within each run, then their median. */
function summarize(floors: Floor[], ours: Ours[], peers: Peer[], ingest: Ingest[], input: { command: string; days: number; stores: number; skus: number; files: number; runs: number }) {
  const saleLines = ours[0].saleLines;
  const perRun = (ms: (o: Ours) => number): number[] => ours.map((o, i) => round(ms(o) / floors[i].floorMs));
  const toFloor = (ms: (o: Ours) => number): number => round(median(perRun(ms)));
  const oursS = median(ours.map((o) => o.rawToCuratedMs)) / 1000;
  const peerS = peers.length ? median(peers.map((p) => p.rawToCuratedMs)) / 1000 : null;
  const queryNames = ours[0].queries.map((q) => q.name);
  const queries = queryNames.map((name) => ({ name, medianMs: round(median(ours.map((o) => o.queries.find((q) => q.name === name)!.medianMs))) }));
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    command: input.command,
    input: { saleLines, records: ours[0].records, days: input.days, stores: input.stores, skus: input.skus, files: input.files, runs: input.runs },
    floor: { seconds: round(median(floors.map((f) => f.floorMs)) / 1000, 2), saleLines: floors[0].saleLines, peakRssMb: Math.round(median(floors.map((f) => f.peakRssMb))) },
    toFloor: { rawToCurated: toFloor((o) => o.rawToCuratedMs), pipeline: toFloor((o) => o.pipelineMs) },
    // each run's own ratios: on a shared machine they spread by 10% and more, which the medians hide
    toFloorPerRun: { rawToCurated: perRun((o) => o.rawToCuratedMs), pipeline: perRun((o) => o.pipelineMs) },
    rawToCurated: {
      seconds: round(oursS, 2),
      linesPerSecond: Math.round(saleLines / oursS),
      validateSeconds: round(median(ours.map((o) => o.validateMs)) / 1000, 2),
      curateSeconds: round(median(ours.map((o) => o.curateMs)) / 1000, 2),
      peer: peerS === null ? null : { name: 'parquetjs-lite 0.8.7', seconds: round(peerS, 2), linesPerSecond: Math.round(saleLines / peerS), peakRssMb: Math.round(median(peers.map((p) => p.peakRssMb))) },
      ratioToPeer: peerS === null ? null : round(peerS / oursS),
    },
    warehouseLoadSeconds: round(median(ours.map((o) => o.warehouseLoadMs)) / 1000, 2),
    stockRiskSeconds: round(median(ours.map((o) => o.stockRiskMs)) / 1000, 2),
    pipelineSeconds: round(median(ours.map((o) => o.pipelineMs)) / 1000, 2),
    stateSeconds: ours[0].steps.map(({ state }) => ({ state, seconds: round(median(ours.map((o) => o.steps.find((st) => st.state === state)?.ms ?? 0)) / 1000, 2) })),
    analystQueries: { medianMs: round(median(queries.map((q) => q.medianMs))), queries },
    pipelinePeakRssMb: Math.round(median(ours.map((o) => o.pipelinePeakRssMb))),
    peakRssMb: Math.round(median(ours.map((o) => o.peakRssMb))),
    reconciled: ours.every((o) => o.balanced),
    ingestApi: ingest.length
      ? { events: ingest[0].events, acknowledgedPerSecond: Math.round(median(ingest.map((r) => r.acknowledgedPerSecond))), intoRawPerSecond: Math.round(median(ingest.map((r) => r.endToEndPerSecond))), exactlyOnce: ingest.every((r) => r.exactlyOnce) }
      : null,
  };
}

/** The summary as latest.md. */
function markdown(results: ReturnType<typeof summarize>): string {
  const { saleLines, records, days, stores, skus, files, runs } = results.input;
  const { queries } = results.analystQueries;
  const { floor, toFloor } = results;
  return [
    `# retail-lake benchmark (${results.date.slice(0, 10)}, ${results.machine.cpus} cores, Node ${results.machine.node})`,
    '',
    `\`${results.command}\``,
    '',
    `Input: ${saleLines.toLocaleString('en-US')} sale lines in ${records.toLocaleString('en-US')} records (${files} raw objects), ${days} business day(s), ${stores} stores, ${skus} SKUs. Median of ${runs} runs; ratios to the floor are taken within each run.`,
    '',
    '| figure | retail-lake | x floor | peer | ratio to peer |',
    '|---|---|---|---|---|',
    `| floor: one DuckDB COPY of the raw objects' lines to partitioned Parquet | ${floor.seconds} s (${floor.saleLines.toLocaleString('en-US')} lines), peak RSS ${floor.peakRssMb} MB | 1 | | |`,
    `| raw -> curated | ${results.rawToCurated.seconds} s, ${results.rawToCurated.linesPerSecond.toLocaleString('en-US')} lines/s | ${toFloor.rawToCurated}x | ${results.rawToCurated.peer ? `${results.rawToCurated.peer.seconds} s, ${results.rawToCurated.peer.linesPerSecond.toLocaleString('en-US')} lines/s (${results.rawToCurated.peer.name})` : '-'} | ${results.rawToCurated.ratioToPeer === null ? '-' : `${results.rawToCurated.ratioToPeer}x`} |`,
    `| of which Validate / Curate | ${results.rawToCurated.validateSeconds} s / ${results.rawToCurated.curateSeconds} s | | | |`,
    `| warehouse load | ${results.warehouseLoadSeconds} s | | | |`,
    `| stock risk | ${results.stockRiskSeconds} s | | | |`,
    `| whole pipeline (the state machine's execution) | ${results.pipelineSeconds} s | ${toFloor.pipeline}x | | |`,
    `| analyst query (median of ${queries.length}) | ${results.analystQueries.medianMs} ms | | | |`,
    `| peak RSS of the pipeline's process, at its end | ${results.pipelinePeakRssMb} MB | | | |`,
    `| peak RSS (pipeline + queries) | ${results.peakRssMb} MB | | ${results.rawToCurated.peer ? `${results.rawToCurated.peer.peakRssMb} MB` : '-'} | |`,
    results.ingestApi ? `| ingest API through serve | ${results.ingestApi.acknowledgedPerSecond.toLocaleString('en-US')} events/s acknowledged, ${results.ingestApi.intoRawPerSecond.toLocaleString('en-US')} events/s into raw/ | | | |` : '',
    '',
    `Ratios to the floor in each run: raw -> curated ${results.toFloorPerRun.rawToCurated.map((r) => `${r}x`).join(', ')}; whole pipeline ${results.toFloorPerRun.pipeline.map((r) => `${r}x`).join(', ')}.`,
    '',
    '| analyst query | median ms |',
    '|---|---|',
    ...queries.map((q) => `| ${q.name} | ${q.medianMs} |`),
    '',
    '| pipeline state | median s |',
    '|---|---|',
    ...results.stateSeconds.map((st) => `| ${st.state} | ${st.seconds} |`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = benchArgs();
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  if (args.backfill) return runBackfillBench(args.backfill, command);
  if (args.month) return runMonthBench(args.month, command);
  const work = mkdtempSync(join(tmpdir(), 'retail-lake-bench-'));
  try {
    const input = generateInput(work, args);
    const { floors, ours, peers } = await timeStages(work, input, args);
    const ingest = await timeIngest(args);
    const results = summarize(floors, ours, peers, ingest, { command, days: args.days, stores: args.stores, skus: args.skus, files: input.files.length, runs: args.runs });
    const md = markdown(results);
    writeResults('latest', results, md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
