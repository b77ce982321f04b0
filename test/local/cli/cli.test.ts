import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTS_CSV, STORES_CSV, sale } from '../../helpers/lake-fixture';
import { cli } from '../../helpers/cli';


describe('retail-lake CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-cli-'));
  const lake = join(dir, 'lake');
  writeFileSync(join(dir, 'stores.csv'), STORES_CSV);
  writeFileSync(join(dir, 'products.csv'), PRODUCTS_CSV);
  writeFileSync(join(dir, 'bad-stores.csv'), STORES_CSV.replace('Europe/London', 'Mars/Olympus'));
  writeFileSync(join(dir, 'day.ndjson'), [JSON.stringify(sale()), JSON.stringify(sale({ store_id: 'S404' })), '{not json'].join('\n') + '\n');

  it('exits 2 with one line on stderr for bad usage and bad input files', () => {
    for (const args of [['frobnicate'], ['ingest', join(dir, 'missing.ndjson')], ['reference', '--stores', join(dir, 'bad-stores.csv'), '--products', join(dir, 'products.csv')], ['query', '--format', 'xml', 'select 1']]) {
      const r = cli(lake, ...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(cli(lake, 'reference', '--stores', join(dir, 'bad-stores.csv'), '--products', join(dir, 'products.csv')).stderr).toContain('bad-stores.csv:4 timezone: unknown IANA time zone "Mars/Olympus"');
  });

  it('exits 1 when the pipeline fails (no reference data), 0 once it is loaded', () => {
    expect(cli(lake, 'ingest', join(dir, 'day.ndjson')).code).toBe(0);
    const failed = cli(lake, 'run');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('reference data is not loaded');
    expect(cli(lake, 'status').stdout).toMatch(/ALARM PipelineFailed/);

    expect(cli(lake, 'reference', '--stores', join(dir, 'stores.csv'), '--products', join(dir, 'products.csv')).code).toBe(0);
    const ok = cli(lake, 'run');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/3 records -> 1 curated, 2 quarantined, 0 duplicates/);
    const q = cli(lake, 'query', '--format', 'json', 'SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY reason');
    expect(q.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ reason: 'malformed_json', n: 1 }, { reason: 'unknown_store', n: 1 }]);
    expect(cli(lake, 'status').stdout).toMatch(/OK {4}PipelineFailed/);
    // 2 of 3 records quarantined: above the 5% threshold, the state machine publishes a data-quality alert
    const outbox = readFileSync(join(lake, 'control/alerts/outbox.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { topic: string; message: string });
    const dq = outbox.filter((m) => m.topic === 'data-quality');
    expect(dq).toHaveLength(1);
    expect(dq[0].message).toMatch(/2 of 3 records quarantined \(66\.7%, threshold 5\.0%\)/);
    expect(outbox.filter((m) => m.topic === 'ops')).toHaveLength(1); // the failed run before the reference data
  });
});
