import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { warehousePath } from '../../../local/warehouse/duckdb-warehouse';
import { CLI_BIN, cliAsync } from '../../helpers/cli';
import { PRODUCTS_CSV, STORES_CSV, sale } from '../../helpers/lake-fixture';

const ENV = { ...process.env, VALIDATE_WORKERS: '1' };
const cli = (lake: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI_BIN, '--lake', lake, ...args], { encoding: 'utf8', timeout: 60_000, env: ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('retail-lake reload, redrive, reprocess', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-recovery-cli-'));
  const lake = join(dir, 'lake');
  writeFileSync(join(dir, 'stores.csv'), STORES_CSV);
  writeFileSync(join(dir, 'products.csv'), PRODUCTS_CSV);
  writeFileSync(join(dir, 'products-more.csv'), `${PRODUCTS_CSV}SKU-9,Tea,grocery,Leaf,1.00,3.00,Garden,3\n`);
  writeFileSync(join(dir, 'day.ndjson'), [JSON.stringify(sale()), JSON.stringify(sale({ lines: [{ sku: 'SKU-9', quantity: 1, unit_price: 3 }] }))].join('\n') + '\n');

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses bad arguments with exit 2 and one line on stderr', async () => {
    const cases = [
      [['reload'], 'reload: say what to rebuild: --warehouse, --baskets, or both'],
      [['reload', '--warehouse', '--from', '2024-13-01'], '--from must be a date YYYY-MM-DD, got "2024-13-01"'],
      [['reload', '--warehouse', '--from', '2024-03-02', '--to', '2024-03-01'], '--from 2024-03-02 is after --to 2024-03-01'],
      [['reprocess', '--from', '2024-03-01'], "required option '--to"],
      [['reprocess', '--from', '2024-03-01', '--to', 'yesterday'], '--to must be a date YYYY-MM-DD'],
      [['redrive', '--reason', 'schema_violation'], '--reason must be unknown_sku or unknown_store, got "schema_violation"'],
    ] as const;
    // side by side: each process mostly starts up
    const results = await Promise.all(cases.map(([args]) => cliAsync(lake, args, ENV)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i];
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });

  it('rebuilds a lost warehouse, redrives a record once its SKU is known, reprocesses; each ends reconciled', () => {
    expect(cli(lake, 'reference', '--stores', join(dir, 'stores.csv'), '--products', join(dir, 'products.csv')).code).toBe(0);
    expect(cli(lake, 'ingest', join(dir, 'day.ndjson')).code).toBe(0);
    expect(cli(lake, 'run').stdout).toMatch(/2 records -> 1 curated, 1 quarantined/);

    // the warehouse and the lake's store_day_baskets both lost
    rmSync(warehousePath(lake));
    rmSync(join(lake, 'curated', 'store_day_baskets'), { recursive: true });
    const reload = cli(lake, 'reload', '--warehouse', '--baskets');
    expect(reload.code).toBe(0);
    expect(reload.stdout).toMatch(/store_day_baskets rebuilt: 1 business dates with sales lines \(every date\)/);
    expect(reload.stdout).toMatch(/warehouse reloaded: 1 business dates from the lake \(every date\)/);
    expect(reload.stdout).toMatch(/reconciliation {6}balanced: .*warehouse = run records on 1 business dates \(2 lines.*store_day_baskets = warehouse sale baskets on 1 business dates/);

    expect(cli(lake, 'reference', '--stores', join(dir, 'stores.csv'), '--products', join(dir, 'products-more.csv')).code).toBe(0);
    const redrive = cli(lake, 'redrive', '--reason', 'unknown_sku');
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toMatch(/1 pass now and were sent/);
    expect(redrive.stdout).toMatch(/1 records -> 1 curated/);
    expect(redrive.stdout).toMatch(/reconciliation {6}balanced/);
    const again = cli(lake, 'redrive', '--reason', 'unknown_sku');
    expect(again.stdout).toMatch(/0 quarantined records checked .* 1 were redriven before/);
    expect(again.stdout).toMatch(/reconciliation {6}balanced: 3 received = 2 curated \+ 1 quarantined/);

    const reprocess = cli(lake, 'reprocess', '--from', '2024-03-09', '--to', '2024-03-09');
    expect(reprocess.code).toBe(0);
    expect(reprocess.stdout).toMatch(/2 events of 2024-03-09 to 2024-03-09 re-curated/);
    expect(reprocess.stdout).toMatch(/reconciliation {6}balanced/);
    expect(cli(lake, 'status').stdout).toMatch(/recovery {12}1 quarantined records redriven \(1 redrives\), 1 reprocesses/);
  });
});
