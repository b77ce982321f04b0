/**
 * `npm run bench [-- --lines N --runs N --ingest-events N --no-peer --no-ingest]`: generates a synthetic
 * retail history of N sale lines, then per run, on a fresh lake, times the pipeline (raw -> curated, the
 * warehouse load) and the analyst queries, curates the same raw data with parquetjs-lite as the peer, and
 * load-tests the ingest API through the local server. Medians over the runs go to bench/results/latest.json
 * and latest.md. It measures; it asserts nothing about timings.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { PRODUCTS_KEY, STORES_KEY } from '../functions/lib/lake-layout';
import { FsObjectStore } from '../local/adapters/fs-object-store';
import { ingestFiles } from '../local/cli/ingest-command';
import { generateReference, optionsForSaleLines, productsCsv, type SimReference, storesCsv, writeNdjsonFiles } from '../local/simulator';
import { median } from './analyst-queries';

const run = promisify(execFile);
const here = __dirname;
const root = join(here, '..');

async function child<T>(script: string, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const start = stdout.indexOf('{');
  return JSON.parse(stdout.slice(start)) as T;
}

interface Ours {
  saleLines: number;
  records: number;
  balanced: boolean;
  rawToCuratedMs: number;
  validateMs: number;
  curateMs: number;
  warehouseLoadMs: number;
  stockRiskMs: number;
  pipelineMs: number;
  queries: { name: string; medianMs: number }[];
  peakRssMb: number;
}
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

const log = (s: string): boolean => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
/** n rounded to `digits` decimals */
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

interface BenchArgs {
  lines: number;
  runs: number;
  ingestEvents: string;
  peer: boolean;
  ingest: boolean;
}

function benchArgs(): BenchArgs {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      'ingest-events': { type: 'string', default: '100000' },
      'no-peer': { type: 'boolean', default: false },
      'no-ingest': { type: 'boolean', default: false },
    },
  });
  return { lines: Number(values.lines), runs: Number(values.runs), ingestEvents: String(values['ingest-events']), peer: !values['no-peer'], ingest: !values['no-ingest'] };
}

/** The raw input every run ingests: gzip NDJSON files of about `lines` sale lines, and their reference data. */
function generateInput(work: string, lines: number): { files: string[]; reference: SimReference } {
  log(`generating ~${lines.toLocaleString('en-US')} sale lines...`);
  // the demo's shape (12 stores, 200 SKUs) with weekly stock counts, so sale lines are most of the records
  const sim = optionsForSaleLines(lines, { seed: 2026, stores: 12, skus: 200, snapshotEveryDays: 7 });
  const reference = generateReference(sim);
  const t = performance.now();
  const { files, stats } = writeNdjsonFiles(sim, join(work, 'files'), { gzip: true, eventsPerFile: 50_000, reference });
  log(`generated ${stats.events.toLocaleString('en-US')} events, ${stats.saleLines.toLocaleString('en-US')} sale lines in ${files.length} files (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  return { files, reference };
}

/** Per run, on a fresh lake holding the input: our pipeline and queries, then (unless skipped) the peer. */
async function timeStages(work: string, input: ReturnType<typeof generateInput>, args: BenchArgs): Promise<{ ours: Ours[]; peers: Peer[] }> {
  const ours: Ours[] = [];
  const peers: Peer[] = [];
  for (let i = 1; i <= args.runs; i++) {
    const lake = join(work, `lake-${i}`);
    const store = new FsObjectStore(lake);
    await store.put(STORES_KEY, storesCsv(input.reference));
    await store.put(PRODUCTS_KEY, productsCsv(input.reference));
    await ingestFiles(store, input.files);
    const o = await child<Ours>(join(here, 'stage-ours.ts'), [lake]);
    ours.push(o);
    log(`run ${i}: retail-lake raw -> curated ${(o.rawToCuratedMs / 1000).toFixed(2)} s (${Math.round(o.saleLines / (o.rawToCuratedMs / 1000)).toLocaleString('en-US')} lines/s), warehouse load ${(o.warehouseLoadMs / 1000).toFixed(2)} s, peak RSS ${Math.round(o.peakRssMb)} MB`);
    if (args.peer) {
      const p = await child<Peer>(join(here, 'stage-peer.ts'), [lake, join(work, `peer-${i}`)]);
      peers.push(p);
      log(`run ${i}: parquetjs-lite raw -> curated ${(p.rawToCuratedMs / 1000).toFixed(2)} s (${Math.round(p.saleLines / (p.rawToCuratedMs / 1000)).toLocaleString('en-US')} lines/s), peak RSS ${Math.round(p.peakRssMb)} MB`);
      rmSync(join(work, `peer-${i}`), { recursive: true, force: true });
    }
    rmSync(lake, { recursive: true, force: true });
  }
  return { ours, peers };
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

/** The medians over the runs, as written to latest.json. */
function summarize(ours: Ours[], peers: Peer[], ingest: Ingest[], input: { files: number; runs: number }) {
  const saleLines = ours[0].saleLines;
  const oursS = median(ours.map((o) => o.rawToCuratedMs)) / 1000;
  const peerS = peers.length ? median(peers.map((p) => p.rawToCuratedMs)) / 1000 : null;
  const queryNames = ours[0].queries.map((q) => q.name);
  const queries = queryNames.map((name) => ({ name, medianMs: round(median(ours.map((o) => o.queries.find((q) => q.name === name)!.medianMs))) }));
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    input: { saleLines, records: ours[0].records, files: input.files, runs: input.runs },
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
    analystQueries: { medianMs: round(median(queries.map((q) => q.medianMs))), queries },
    peakRssMb: Math.round(median(ours.map((o) => o.peakRssMb))),
    reconciled: ours.every((o) => o.balanced),
    ingestApi: ingest.length
      ? { events: ingest[0].events, acknowledgedPerSecond: Math.round(median(ingest.map((r) => r.acknowledgedPerSecond))), intoRawPerSecond: Math.round(median(ingest.map((r) => r.endToEndPerSecond))), exactlyOnce: ingest.every((r) => r.exactlyOnce) }
      : null,
  };
}

/** The summary as latest.md. */
function markdown(results: ReturnType<typeof summarize>): string {
  const { saleLines, records, files, runs } = results.input;
  const { queries } = results.analystQueries;
  return [
    `# retail-lake benchmark (${results.date.slice(0, 10)}, ${results.machine.cpus} cores, Node ${results.machine.node})`,
    '',
    `Input: ${saleLines.toLocaleString('en-US')} sale lines in ${records.toLocaleString('en-US')} records (${files} raw objects). Median of ${runs} runs.`,
    '',
    '| figure | retail-lake | peer | ratio |',
    '|---|---|---|---|',
    `| raw -> curated | ${results.rawToCurated.seconds} s, ${results.rawToCurated.linesPerSecond.toLocaleString('en-US')} lines/s | ${results.rawToCurated.peer ? `${results.rawToCurated.peer.seconds} s, ${results.rawToCurated.peer.linesPerSecond.toLocaleString('en-US')} lines/s (${results.rawToCurated.peer.name})` : '-'} | ${results.rawToCurated.ratioToPeer ?? '-'}x |`,
    `| of which Validate / Curate | ${results.rawToCurated.validateSeconds} s / ${results.rawToCurated.curateSeconds} s | | |`,
    `| warehouse load | ${results.warehouseLoadSeconds} s | | |`,
    `| stock risk | ${results.stockRiskSeconds} s | | |`,
    `| whole pipeline | ${results.pipelineSeconds} s | | |`,
    `| analyst query (median of ${queries.length}) | ${results.analystQueries.medianMs} ms | | |`,
    `| peak RSS (pipeline + queries) | ${results.peakRssMb} MB | ${results.rawToCurated.peer ? `${results.rawToCurated.peer.peakRssMb} MB` : '-'} | |`,
    results.ingestApi ? `| ingest API through serve | ${results.ingestApi.acknowledgedPerSecond.toLocaleString('en-US')} events/s acknowledged, ${results.ingestApi.intoRawPerSecond.toLocaleString('en-US')} events/s into raw/ | | |` : '',
    '',
    '| analyst query | median ms |',
    '|---|---|',
    ...queries.map((q) => `| ${q.name} | ${q.medianMs} |`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = benchArgs();
  const work = mkdtempSync(join(tmpdir(), 'retail-lake-bench-'));
  try {
    const input = generateInput(work, args.lines);
    const { ours, peers } = await timeStages(work, input, args);
    const ingest = await timeIngest(args);
    const results = summarize(ours, peers, ingest, { files: input.files.length, runs: args.runs });
    const md = markdown(results);
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(join(here, 'results', 'latest.md'), md);
    process.stdout.write(md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
