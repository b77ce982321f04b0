import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXCHANGE_RATES_KEY, PRODUCTS_KEY, STORES_KEY } from '../../functions/lib/lake-layout';
import { FsObjectStore } from '../adapters/fs-object-store';
import { startIngestServer } from '../ingest/server';
import { exchangeRatesCsv, generateReference, productsCsv, sendToApi, simulateEvents, storesCsv, type SimulatorOptions } from '../simulator';
import { EXIT_PIPELINE_FAILED, UsageError } from './errors';
import { progressBar } from './progress';
import { runPipelineWithProgress } from './run-command';
import { printRunReport } from './run-report';

export interface DemoOptions {
  stores: number;
  skus: number;
  days: number;
  seed: number;
  faultRate: number;
  reset?: boolean;
}

const DEMO_MARKER = '.retail-lake-demo';

/** The demo starts from an empty lake; it only empties one it made itself, unless told to. */
function prepareLake(lakeRoot: string, reset: boolean): void {
  if (existsSync(lakeRoot) && readdirSync(lakeRoot).length > 0) {
    if (!reset && !existsSync(join(lakeRoot, DEMO_MARKER))) {
      throw new UsageError(`lake ${lakeRoot} holds data not made by a demo: pass --lake DIR for another folder, or --reset to empty it`);
    }
    rmSync(lakeRoot, { recursive: true, force: true });
  }
  mkdirSync(lakeRoot, { recursive: true });
  writeFileSync(join(lakeRoot, DEMO_MARKER), 'made by `retail-lake demo`; the next demo empties this folder\n');
}

export async function demoCommand(lakeRoot: string, opts: DemoOptions): Promise<void> {
  const started = performance.now();
  prepareLake(lakeRoot, opts.reset ?? false);
  const sim: SimulatorOptions = { seed: opts.seed, stores: opts.stores, skus: opts.skus, days: opts.days, faultRate: opts.faultRate };

  // 1. simulate: reference data, then a pass that counts the events (for the ingest progress bar)
  const reference = generateReference(sim);
  const store = new FsObjectStore(lakeRoot);
  await store.put(STORES_KEY, storesCsv(reference));
  await store.put(PRODUCTS_KEY, productsCsv(reference));
  // London, Berlin, Sydney ... trade in their own currencies: the daily rates convert them into the reporting currency
  await store.put(EXCHANGE_RATES_KEY, exchangeRatesCsv(reference, sim));
  const simBar = progressBar('simulate', opts.days, 'days');
  const run = simulateEvents(sim, reference);
  const firstDay = Date.parse(run.options.startDate);
  let n = 0;
  for (const { line } of run) {
    // the bar follows the simulated calendar: read the day from the event's timestamp now and then
    if (++n % 1000 === 0) {
      const at = line.indexOf('"occurred_at":"');
      if (at >= 0) simBar.update(Math.floor((Date.parse(line.slice(at + 15, at + 25)) - firstDay) / 86_400_000));
    }
  }
  simBar.stop();
  const simulated = run.stats;

  // 2. ingest through the API, as tills would
  // one key for every store, not a keys file: the simulated tills also post for stores that are not in the
  // reference data, and the demo shows the pipeline quarantining them as unknown_store
  const apiKey = randomBytes(24).toString('base64url');
  const server = await startIngestServer({ lakeRoot, apiKey, bufferSeconds: 3600 });
  const ingestBar = progressBar('ingest', simulated.events, 'events');
  let sent;
  try {
    sent = await sendToApi(sim, { url: server.eventsUrl, apiKey, reference, onProgress: (p) => ingestBar.update(p.sent) });
  } finally {
    ingestBar.stop();
    await server.close(); // delivers everything acknowledged to raw/
  }

  // 3. the pipeline
  const { ok, result, runs } = await runPipelineWithProgress(lakeRoot);
  const seconds = (performance.now() - started) / 1000;
  const rejected = Object.entries(sent.rejectedByReason).map(([r, c]) => `${r} ${c}`).join(', ');
  process.stdout.write(
    `\nretail-lake demo: ${opts.stores} stores, ${opts.skus} SKUs, ${opts.days} days (seed ${opts.seed}) in ${seconds.toFixed(1)} s\n` +
      `simulated           ${simulated.events.toLocaleString('en-US')} events (${simulated.transactions.toLocaleString('en-US')} sales, ${simulated.returns.toLocaleString('en-US')} returns, ${(simulated.snapshots + simulated.adjustments).toLocaleString('en-US')} inventory events; faults injected: ${Object.entries(simulated.byKind).filter(([k]) => k !== 'valid').map(([k, v]) => `${k} ${v}`).join(', ')})\n` +
      `ingest API          ${sent.accepted.toLocaleString('en-US')} accepted, ${sent.rejected.toLocaleString('en-US')} rejected at the door${rejected ? ` (${rejected})` : ''}; every record went on to raw/\n\n`,
  );
  await printRunReport(resolve(lakeRoot), result, runs);
  if (!ok) process.exitCode = EXIT_PIPELINE_FAILED;
}
