/**
 * Developer entry point for the simulator (the `retail-lake` CLI has its own commands):
 *   node --import tsx local/simulator/run-simulator.ts --sale-lines 1000000 --stores 12 --days 1
 * generates and discards (measures throughput), `--out DIR` writes NDJSON batch files plus stores.csv and
 * products.csv, `--send URL --api-key KEY` posts to a running ingest API. Prints a JSON summary.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ConfigurationError } from '../../functions/lib/errors';
import { generateReference, writeReferenceCsv } from './reference';
import { optionsForSaleLines } from './scale';
import { simulateEvents } from './simulate';
import { writeNdjsonFiles } from './ndjson-files';
import { sendToApi } from './send-to-api';
import type { SimulatorOptions } from './options';

function num(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`not a number: ${value}`);
  return n;
}

async function main(): Promise<void> {
  const cmd = new Command('run-simulator')
    .option('--seed <n>', 'seed', '42')
    .option('--stores <n>', 'number of stores', num)
    .option('--skus <n>', 'number of SKUs', num)
    .option('--days <n>', 'business days', num)
    .option('--start-date <date>', 'first business date YYYY-MM-DD')
    .option('--transactions-per-store-day <n>', 'mean transactions per store and day', num)
    .option('--sale-lines <n>', 'aim for about this many sale lines (sets transactions per store-day)', num)
    .option('--fault-rate <x>', 'share of injected faults', num)
    .option('--duplicate-rate <x>', 'share of re-delivered duplicates', num)
    .option('--out <dir>', 'write NDJSON batch files and the reference CSVs here')
    .option('--events-per-file <n>', 'lines per NDJSON file', num, 50_000)
    .option('--gzip', 'gzip the NDJSON files')
    .option('--send <url>', 'POST the events to this ingest URL (…/v1/events)')
    .option('--api-key <key>', 'x-api-key for --send (default: $RETAIL_LAKE_API_KEY)')
    .option('--concurrency <n>', 'requests in flight for --send', num, 4)
    .parse();
  const a = cmd.opts<Record<string, string | number | boolean | undefined>>();
  let opts: SimulatorOptions = {
    seed: /^\d+$/.test(String(a.seed)) ? Number(a.seed) : String(a.seed),
    stores: a.stores as number | undefined,
    skus: a.skus as number | undefined,
    days: a.days as number | undefined,
    startDate: a.startDate as string | undefined,
    transactionsPerStoreDay: a.transactionsPerStoreDay as number | undefined,
    faultRate: a.faultRate as number | undefined,
    duplicateRate: a.duplicateRate as number | undefined,
  };
  if (a.saleLines !== undefined) opts = optionsForSaleLines(a.saleLines as number, opts);
  const started = performance.now();
  let summary: object;
  if (a.send) {
    const apiKey = (a.apiKey as string | undefined) ?? process.env.RETAIL_LAKE_API_KEY;
    if (!apiKey) throw new ConfigurationError('--send needs --api-key or RETAIL_LAKE_API_KEY');
    summary = await sendToApi(opts, { url: a.send as string, apiKey, concurrency: a.concurrency as number });
  } else if (a.out) {
    const reference = generateReference(opts);
    const csv = writeReferenceCsv(reference, a.out as string, opts);
    const { files, stats } = writeNdjsonFiles(opts, a.out as string, { eventsPerFile: a.eventsPerFile as number, gzip: Boolean(a.gzip), reference });
    summary = { reference: csv, files: files.length, firstFile: files[0], stats };
  } else {
    const run = simulateEvents(opts);
    let bytes = 0;
    for (const { line } of run) bytes += line.length + 1;
    summary = { stats: run.stats, ndjsonBytes: bytes };
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = 'stats' in summary ? (summary.stats as { saleLines: number; events: number }) : (summary as { simulation: { saleLines: number; events: number } }).simulation;
  process.stdout.write(
    JSON.stringify(
      { options: opts, ...summary, seconds: Number(seconds.toFixed(3)), saleLinesPerSecond: Math.round(stats.saleLines / seconds), eventsPerSecond: Math.round(stats.events / seconds) },
      null,
      2,
    ) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`run-simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
