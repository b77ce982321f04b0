import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseProductsCsv, parseStoresCsv } from '../../../functions/lib/reference/reference-data';
import { generateReference, optionsForSaleLines, simulateEvents, writeNdjsonFiles, writeReferenceCsv, type SimulatorOptions } from '../../../local/simulator';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sim-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function allLines(opts: SimulatorOptions): string[] {
  return [...simulateEvents(opts)].map((x) => x.line);
}

describe('simulator scale', () => {
  it('aims at a requested number of sale lines', () => {
    for (const target of [20_000, 120_000]) {
      const opts = optionsForSaleLines(target, { stores: 4, skus: 150, days: 1 });
      const run = simulateEvents(opts);
      for (const _ of run);
      expect(run.stats.saleLines).toBeGreaterThan(target * 0.88);
      expect(run.stats.saleLines).toBeLessThan(target * 1.12);
    }
  });

  it('scales traffic linearly with transactionsPerStoreDay and keeps the catalog stocked at scale', () => {
    const count = (tpsd: number): { tx: number; lost: number; lines: number } => {
      const run = simulateEvents({ stores: 3, skus: 80, days: 2, transactionsPerStoreDay: tpsd });
      for (const _ of run);
      return { tx: run.stats.transactions + run.stats.returns, lost: run.stats.lostSaleLines, lines: run.stats.saleLines };
    };
    const base = count(2_000);
    const ten = count(20_000);
    expect(ten.tx / base.tx).toBeGreaterThan(9);
    expect(ten.tx / base.tx).toBeLessThan(11);
    // stock scales with demand, so stock-outs stay a small share however big the stores are
    expect(ten.lost / ten.lines).toBeLessThan(0.05);
  });
});

describe('simulator files', () => {
  const opts: SimulatorOptions = { stores: 3, skus: 50, days: 2, seed: 5 };

  it('writes NDJSON batch files holding exactly the simulated lines, in order', () => {
    const expected = allLines(opts);
    const { files, stats } = writeNdjsonFiles(opts, dir, { eventsPerFile: 2_500 });
    expect(files.length).toBe(Math.ceil(expected.length / 2_500));
    expect(stats.events).toBe(expected.length);
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.slice(dir.length + 1)).sort());
    const text = files.map((f) => readFileSync(f, 'utf8')).join('');
    expect(text).toBe(expected.join('\n') + '\n');
    expect(readFileSync(files[0], 'utf8').trimEnd().split('\n')).toHaveLength(2_500);
  });

  it('writes one file per UTC day of arrival (perDay), holding exactly the simulated lines, in order', () => {
    const done: string[] = [];
    const { files } = writeNdjsonFiles(opts, dir, { perDay: true, onFile: (f) => done.push(f) });
    expect(done).toEqual(files);
    expect(files.map((f) => /-[0-9a-f]{8}-(\d{4}-\d{2}-\d{2})\.ndjson$/.exec(f)?.[1])).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']); // Denver's evening is the next UTC day
    expect(files.map((f) => readFileSync(f, 'utf8')).join('')).toBe(allLines(opts).join('\n') + '\n');
  });

  it('gzips batch files when asked', () => {
    const { files } = writeNdjsonFiles(opts, dir, { eventsPerFile: 100_000, gzip: true, prefix: 'till' });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/till-[0-9a-f]{8}-00001\.ndjson\.gz$/);
    expect(gunzipSync(readFileSync(files[0])).toString('utf8')).toBe(allLines(opts).join('\n') + '\n');
  });

  it('writes stores.csv and products.csv that the reference loader accepts', () => {
    const ref = generateReference({ stores: 30, skus: 120 });
    const paths = writeReferenceCsv(ref, dir);
    const stores = parseStoresCsv(readFileSync(paths.stores, 'utf8'));
    const products = parseProductsCsv(readFileSync(paths.products, 'utf8'));
    expect([...stores.values()]).toEqual(ref.stores);
    expect([...products.values()]).toEqual(ref.products);
    expect(new Set(ref.stores.map((s) => s.store_name)).size).toBe(30);
  });
});
