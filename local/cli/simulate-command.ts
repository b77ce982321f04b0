import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exchangeRatesCsv, generateReference, productsCsv, resolveOptions, storesCsv, writeNdjsonFiles, type SimReference, type SimulatorOptions, type SimulatorStats } from '../simulator';
import { addDays } from '../simulator/time-zones';
import { UsageError } from './errors';
import { progressBar } from './progress';

export interface SimulateCommandOptions {
  out: string;
  stores: number;
  skus: number;
  days: number;
  seed: number;
  /** first business date, YYYY-MM-DD */
  start: string;
  /** mean sale transactions per store and day (default: from each store's target revenue) */
  transactionsPerStoreDay?: number;
  /** a stock count every this many days (default: every night) */
  snapshotEvery?: number;
  /** SKUs the mean store carries (default: the simulator's); a catalog no larger is carried whole by every store */
  assortmentSize?: number;
  faultRate: number;
  gzip?: boolean;
  force?: boolean;
}

export interface SimulateSummary {
  /** exchangeRates is absent when every store trades in US dollars (a rates file without rows is refused) */
  reference: { stores: string; products: string; exchangeRates?: string };
  files: string[];
  stats: SimulatorStats;
  firstDate: string;
  lastDate: string;
}

/** The CLI flag of each simulator option, so that a value the simulator refuses is reported by the flag's name. */
const FLAGS: Record<string, string> = {
  stores: '--stores',
  skus: '--skus',
  days: '--days',
  startDate: '--start',
  transactionsPerStoreDay: '--transactions-per-store-day',
  snapshotEveryDays: '--snapshot-every',
  assortmentSize: '--assortment-size',
  faultRate: '--fault-rate',
};

/** The simulator's options for the command's; the simulator's own limits are the checks, named by flag. */
export function simulatorOptions(opts: SimulateCommandOptions): SimulatorOptions {
  const sim: SimulatorOptions = {
    seed: opts.seed,
    stores: opts.stores,
    skus: opts.skus,
    days: opts.days,
    startDate: opts.start,
    faultRate: opts.faultRate,
    ...(opts.transactionsPerStoreDay !== undefined ? { transactionsPerStoreDay: opts.transactionsPerStoreDay } : {}),
    ...(opts.snapshotEvery !== undefined ? { snapshotEveryDays: opts.snapshotEvery } : {}),
    ...(opts.assortmentSize !== undefined ? { assortmentSize: opts.assortmentSize } : {}),
  };
  try {
    resolveOptions(sim);
  } catch (err) {
    const m = /^simulator options? (\w+)[^:]*: (.*)$/.exec((err as Error).message);
    if (m) throw new UsageError(`${FLAGS[m[1]] ?? m[1]}: ${m[2]}`);
    throw err;
  }
  return sim;
}

const REFERENCE_FILES = ['stores.csv', 'products.csv', 'exchange_rates.csv'];
/** What simulate writes as events: `pos-<runTag>-<date>.ndjson[.gz]` (the `pos` prefix is writeNdjsonFiles'). */
const EVENT_FILE = /^pos-.*\.ndjson(\.gz)?$/;

/** The reference CSVs as `retail-lake reference` takes them. */
function writeReference(dir: string, reference: SimReference, sim: SimulatorOptions): SimulateSummary['reference'] {
  const stores = join(dir, 'stores.csv');
  const products = join(dir, 'products.csv');
  writeFileSync(stores, storesCsv(reference));
  writeFileSync(products, productsCsv(reference));
  const rates = exchangeRatesCsv(reference, sim);
  if (rates.trimEnd().split('\n').length < 2) return { stores, products };
  const exchangeRates = join(dir, 'exchange_rates.csv');
  writeFileSync(exchangeRates, rates);
  return { stores, products, exchangeRates };
}

/** The files of an earlier output in `dir` that this one would overwrite or sit beside (`DIR/*.ndjson` takes them all). */
function earlierOutput(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir}: not a folder`);
  return readdirSync(dir).filter((f) => REFERENCE_FILES.includes(f) || EVENT_FILE.test(f)).sort();
}

/**
 * `retail-lake simulate --out DIR`: the sample data of the by-hand session. The reference CSVs as `retail-lake
 * reference` takes them, and the events as NDJSON batch files, one per UTC day of arrival, as `retail-lake ingest`
 * takes them. An earlier output in DIR is refused unless `force`, which replaces it whole.
 */
export function simulateCommand(opts: SimulateCommandOptions): SimulateSummary {
  const sim = simulatorOptions(opts);
  const earlier = earlierOutput(opts.out);
  if (earlier.length > 0 && !opts.force) {
    const named = earlier.slice(0, 3).join(', ') + (earlier.length > 3 ? ` and ${earlier.length - 3} more` : '');
    throw new UsageError(`--out ${opts.out} already holds ${named}: pass --force to replace them, or another folder`);
  }
  for (const f of earlier) rmSync(join(opts.out, f));
  mkdirSync(opts.out, { recursive: true });
  const reference = generateReference(sim);
  const csv = writeReference(opts.out, reference, sim);
  const firstDay = Date.parse(`${opts.start}T00:00:00Z`);
  const bar = progressBar('simulate', opts.days, 'days');
  try {
    const { files, stats } = writeNdjsonFiles(sim, opts.out, {
      perDay: true,
      gzip: opts.gzip ?? false,
      reference,
      onFile: (file) => {
        const date = /(\d{4}-\d{2}-\d{2})\.ndjson/.exec(file)?.[1];
        if (date) bar.update(Math.round((Date.parse(`${date}T00:00:00Z`) - firstDay) / 86_400_000) + 1, date);
      },
    });
    return { reference: csv, files, stats, firstDate: opts.start, lastDate: addDays(opts.start, opts.days - 1) };
  } finally {
    bar.stop();
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The summary line, and the commands that load the output (the README's by-hand session). */
export function formatSimulateSummary(dir: string, opts: SimulateCommandOptions, s: SimulateSummary): string {
  const ext = opts.gzip ? '.ndjson.gz' : '.ndjson';
  const csvNames = REFERENCE_FILES.slice(0, s.reference.exchangeRates ? 3 : 2).join(', ');
  return [
    `simulated ${count(opts.stores)} stores, ${count(opts.skus)} SKUs, ${count(opts.days)} business dates (${s.firstDate} to ${s.lastDate}): ` +
      `${count(s.stats.events)} events (${count(s.stats.saleLines)} sale lines) in ${count(s.files.length)} NDJSON files, and ${csvNames}, in ${dir}`,
    'next:',
    `  retail-lake reference --stores ${s.reference.stores} --products ${s.reference.products}${s.reference.exchangeRates ? ` --exchange-rates ${s.reference.exchangeRates}` : ''}`,
    `  retail-lake ingest ${join(dir, `*${ext}`)}`,
    '  retail-lake run',
    '',
  ].join('\n');
}
