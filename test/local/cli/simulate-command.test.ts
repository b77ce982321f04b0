import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  EXCHANGE_RATE_COLUMNS,
  parseExchangeRatesCsv,
  parseProductsCsv,
  parseStoresCsv,
  PRODUCT_COLUMNS,
  STORE_FILE_COLUMNS,
} from '../../../functions/lib/reference/reference-data';
import { UsageError } from '../../../local/cli/errors';
import { simulateCommand, type SimulateCommandOptions, type SimulateSummary } from '../../../local/cli/simulate-command';
import { LINE_KINDS } from '../../../local/simulator';
import { cli } from '../../helpers/cli';
import { classify, countBy } from '../simulator/sim-helpers';

const root = mkdtempSync(join(tmpdir(), 'retail-lake-simulate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The command's defaults (main.ts) with a tiny output: 5 stores reach London, so the rates file has rows. */
function options(out: string, more: Partial<SimulateCommandOptions> = {}): SimulateCommandOptions {
  return { out, stores: 5, skus: 5, days: 3, seed: 42, start: '2026-03-02', faultRate: 0.02, ...more };
}

const read = (path: string): string => readFileSync(path, 'utf8');
const utcDate = (line: string): string | null => {
  const at = /"occurred_at":"([^"]+)"/.exec(line)?.[1];
  const ms = at === undefined ? NaN : Date.parse(at);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
};

describe('retail-lake simulate --out DIR', () => {
  const out = join(root, 'sample');
  let summary: SimulateSummary;
  beforeAll(() => {
    summary = simulateCommand(options(out));
  });

  it('writes the three reference CSVs with the headers the reference parsers take, and they parse back whole', () => {
    expect(readdirSync(out).filter((f) => f.endsWith('.csv')).sort()).toEqual(['exchange_rates.csv', 'products.csv', 'stores.csv']);
    expect(summary.reference).toEqual({ stores: join(out, 'stores.csv'), products: join(out, 'products.csv'), exchangeRates: join(out, 'exchange_rates.csv') });
    const header = (file: string): string => read(join(out, file)).split('\n', 1)[0];
    expect(header('stores.csv')).toBe(STORE_FILE_COLUMNS.join(','));
    expect(header('products.csv')).toBe(PRODUCT_COLUMNS.join(','));
    expect(header('exchange_rates.csv')).toBe(EXCHANGE_RATE_COLUMNS.join(','));
    const stores = parseStoresCsv(read(summary.reference.stores));
    expect(stores.size).toBe(5);
    expect(new Set([...stores.values()].map((s) => s.currency))).toEqual(new Set(['USD', 'GBP']));
    expect(parseProductsCsv(read(summary.reference.products)).size).toBe(5);
    const rates = parseExchangeRatesCsv(read(summary.reference.exchangeRates!));
    expect(rates.map((r) => `${r.rate_date} ${r.currency}`)).toEqual(['2026-03-02 GBP', '2026-03-03 GBP', '2026-03-04 GBP']);
  });

  it('writes the events as one NDJSON file per UTC day of arrival, every line once', () => {
    const names = readdirSync(out).filter((f) => f.endsWith('.ndjson')).sort();
    expect(summary.files.map((f) => basename(f)).sort()).toEqual(names);
    // Sydney's day starts on the UTC day before, Los Angeles' ends on the one after: none here, New York's does
    expect(names.map((n) => /-(\d{4}-\d{2}-\d{2})\.ndjson$/.exec(n)?.[1])).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
    let lines = 0;
    for (const file of summary.files) {
      const day = /(\d{4}-\d{2}-\d{2})\.ndjson$/.exec(file)![1];
      const dates = read(file).trimEnd().split('\n').map(utcDate).filter((d): d is string => d !== null);
      lines += read(file).trimEnd().split('\n').length;
      // a file holds what arrived that day: nothing later, late deliveries earlier
      expect(dates.reduce((a, b) => (a > b ? a : b))).toBe(day);
    }
    expect(lines).toBe(summary.stats.events);
  });

  it('every line gets from the contract validator, against the CSVs read back, the verdict the simulator meant', () => {
    const lines = summary.files.flatMap((f) => read(f).trimEnd().split('\n'));
    const ref = { stores: [...parseStoresCsv(read(summary.reference.stores)).values()], products: [...parseProductsCsv(read(summary.reference.products)).values()] };
    const { verdicts, valid } = classify({ ref, lines, kinds: [], stats: summary.stats, truth: undefined });
    const byVerdict = countBy(verdicts, (v) => v);
    for (const kind of LINE_KINDS) expect({ kind, n: byVerdict[kind] ?? 0 }).toEqual({ kind, n: summary.stats.byKind[kind] });
    expect(valid.length).toBeGreaterThan(1000);
  });

  it('refuses to overwrite an earlier output unless --force, which replaces it whole', () => {
    expect(() => simulateCommand(options(out))).toThrow(new UsageError(`--out ${out} already holds exchange_rates.csv, ${basename(summary.files[0])}, ${basename(summary.files[1])} and 4 more: pass --force to replace them, or another folder`));
    const other = join(root, 'other');
    simulateCommand(options(other, { stores: 2 }));
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const again = simulateCommand(options(other, { stores: 3, seed: 7, force: true }));
    // a forced output leaves nothing of the earlier one that `DIR/*.ndjson` would pick up, and nothing else is touched
    expect(readdirSync(other).sort()).toEqual(['notes.txt', 'products.csv', 'stores.csv', ...again.files.map((f) => basename(f))].sort());
    // every store trades in US dollars: no rates file (one without rows is refused by `reference`)
    expect(again.reference.exchangeRates).toBeUndefined();
    expect(parseStoresCsv(read(again.reference.stores)).size).toBe(3);
  });

  it('refuses values the simulator cannot take, naming the option', () => {
    const refused = (more: Partial<SimulateCommandOptions>): string => {
      try {
        simulateCommand(options(join(root, 'never'), more));
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ start: '2026-02-30' })).toBe('--start: must be a real date YYYY-MM-DD, got "2026-02-30"');
    expect(refused({ days: 3661 })).toBe('--days: must be a whole number in [1, 3660], got 3661');
    expect(refused({ snapshotEvery: 400 })).toBe('--snapshot-every: must be a whole number in [1, 366], got 400');
    expect(refused({ assortmentSize: 1_000_000 })).toBe('--assortment-size: must be a whole number in [1, 999999], got 1000000');
    expect(refused({ stores: 10_000 })).toBe('--stores: must be a whole number in [1, 9999], got 10000');
    expect(readdirSync(root)).not.toContain('never');
  });

  it('exits 2 with one line naming the option, from the command line', () => {
    for (const [args, message] of [
      [['--stores', '0'], '--stores must be a whole number >= 1, got "0"'],
      [['--transactions-per-store-day', '0'], '--transactions-per-store-day must be a number > 0, got "0"'],
      [['--start', '2026-13-01'], '--start: must be a real date YYYY-MM-DD, got "2026-13-01"'],
    ] as const) {
      const r = cli(join(root, 'lake'), 'simulate', '--out', join(root, 'never'), ...args);
      expect({ args, code: r.code, lines: r.stderr.trim().split('\n').length }).toEqual({ args, code: 2, lines: 1 });
      expect(r.stderr).toContain(message);
    }
  });
});
