import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listNamedSql, parseParams, resolveQuerySql, warehouseMetricViews } from '../../../local/cli/query-source';
import { UsageError } from '../../../local/cli/errors';
import { DuckDbWarehouse } from '../../../local/warehouse/duckdb-warehouse';
import { warehousePath } from '../../../local/local-runtime';
import { CLI_BIN, cli } from '../../helpers/cli';
import { metricFixtureStatements } from '../../helpers/metric-fixture';
import { line, tempLake, writeCurated, writeReference } from '../../helpers/warehouse-fixture';

const noStdin = (): Promise<string> => Promise.reject(new Error('stdin read'));

describe('retail-lake query: where the SQL comes from', () => {
  it('takes SQL starting with a -- comment as SQL, and a lone option-like word as the unknown option it is', async () => {
    await expect(resolveQuerySql({ sql: ['-- revenue\nSELECT 1'] }, noStdin)).resolves.toBe('-- revenue\nSELECT 1');
    await expect(resolveQuerySql({ sql: ['--formt'] }, noStdin)).rejects.toThrow(new UsageError("query: unknown option '--formt'"));
    await expect(resolveQuerySql({ sql: ['SELECT', '1'] }, noStdin)).rejects.toThrow('expected the SQL as one argument, got 2 (quote it)');
  });

  it('reads - from stdin, --file from the file, and wants exactly one source', async () => {
    await expect(resolveQuerySql({ sql: ['-'] }, async () => 'SELECT 2')).resolves.toBe('SELECT 2');
    await expect(resolveQuerySql({ sql: ['-'] }, async () => ' \n')).rejects.toThrow('query: no SQL in stdin');
    await expect(resolveQuerySql({ file: '/nonexistent/q.sql' }, noStdin)).rejects.toThrow('query: --file /nonexistent/q.sql does not exist');
    await expect(resolveQuerySql({}, noStdin)).rejects.toThrow(/^query: give the SQL as an argument/);
    await expect(resolveQuerySql({ sql: ['SELECT 1'], named: 'top_skus' }, noStdin)).rejects.toThrow('query: give only one of an SQL argument, --named');
    await expect(resolveQuerySql({ sql: ['SELECT 1'], param: ['from=2026-03-01'] }, noStdin)).rejects.toThrow('query: --param goes with --named');
  });

  it('renders named queries with their parameters, and names what is wrong', async () => {
    expect(await resolveQuerySql({ named: 'top_skus', param: ['from=2026-03-01', 'limit=5'] }, noStdin)).toMatch(/BETWEEN DATE '2026-03-01' AND[\s\S]*LIMIT 5/);
    await expect(resolveQuerySql({ named: 'top_skus', param: ['from'] }, noStdin)).rejects.toThrow('query: --param must be name=value, got "from"');
    await expect(resolveQuerySql({ named: 'top_skus', param: ['to=2026-13-01'] }, noStdin)).rejects.toThrow('query: named query top_skus: parameter to must be a date YYYY-MM-DD, got "2026-13-01"');
    await expect(resolveQuerySql({ named: 'nope' }, noStdin)).rejects.toThrow(/^query: no named query "nope" \(there are: basket_size, /);
    expect(() => parseParams(['a=1', 'a=2'])).toThrow('query: --param a is given twice');
    expect(await resolveQuerySql({ named: 'gmroi', warehouse: true }, noStdin)).toBe('SELECT * FROM v_metric_gmroi');
    await expect(resolveQuerySql({ named: 'gmroi', warehouse: true, param: ['from=2026-03-01'] }, noStdin)).rejects.toThrow(/takes no --param/);
  });

  it('--list names every named query with its parameters and every warehouse metric view', () => {
    const list = listNamedSql();
    expect(list).toContain('  top_skus\n');
    expect(list).toContain('--param limit=<integer>  how many SKUs (default: 20)');
    const views = warehouseMetricViews();
    expect(views.length).toBeGreaterThan(10);
    // a view a later migration redefines (v_metric_revenue_vs_target in 0009) is listed once
    expect(new Set(views.map((v) => v.view)).size).toBe(views.length);
    for (const v of views) {
      expect(list).toContain(`  ${v.view.replace(/^v_metric_/, '')}\n`);
      expect(v.description.length).toBeGreaterThan(20);
    }
  });

  describe('end to end', () => {
    const lake = tempLake('query-sources');
    beforeAll(async () => {
      await writeReference(lake.root);
      await writeCurated(lake.root, 'sales_lines', [line({ event_id: 'a', store_id: 'S001', sku: 'SKU-3', occurred_at: '2026-03-02 10:00:00', business_date: '2026-03-02', quantity: 2, unit_price: 6.99 })]);
      const warehouse = new DuckDbWarehouse({ lakeRoot: lake.root, path: warehousePath(lake.root) });
      await warehouse.execute(metricFixtureStatements());
      await warehouse.close();
    });
    afterAll(() => lake.cleanup());

    it('runs a named query with --param, SQL from stdin or a file, and a warehouse metric view', () => {
      const top = cli(lake.root, 'query', '--named', 'top_skus', '--param', 'from=2026-03-01', '--param', 'to=2026-03-02', '--format', 'csv');
      expect(top).toMatchObject({ code: 0, stdout: 'sku,product_name,category,net_units,net_revenue,stores_selling\nSKU-3,Coffee 250g,Grocery,2,13.98,1\n' });
      // the defaults, answered by the engine first: the 28 days ending on the latest date
      expect(cli(lake.root, 'query', '--named', 'top_skus', '--format', 'csv')).toMatchObject({ code: 0, stdout: top.stdout });
      const stdin = spawnSync(process.execPath, [CLI_BIN, '--lake', lake.root, 'query', '-', '--format', 'csv'], { input: '-- how many lines\nSELECT count(*) AS n FROM sales_lines', encoding: 'utf8' });
      expect(stdin.stdout).toBe('n\n1\n');
      writeFileSync(join(lake.root, 'q.sql'), '-- a comment first\nSELECT 7 AS x');
      expect(cli(lake.root, 'query', '--file', join(lake.root, 'q.sql'), '--format', 'csv').stdout).toBe('x\n7\n');
      expect(cli(lake.root, 'query', '-- a comment first\nSELECT 8 AS x', '--format', 'csv').stdout).toBe('x\n8\n');
      const gmroi = cli(lake.root, 'query', '--warehouse', '--named', 'gmroi', '--format', 'csv');
      // the view has no ORDER BY (a view's rows have no order): its S1 row, wherever DuckDB's threads put it
      const [header, ...rows] = gmroi.stdout.split('\n');
      expect(header).toMatch(/^store_id,/);
      expect(rows).toContain('S1,2026-03-01,23,96.5,0.24');
    });

    it('exits 2 with one line naming a malformed parameter', () => {
      const r = cli(lake.root, 'query', '--named', 'top_skus', '--param', 'from=yesterday');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('retail-lake: query: named query top_skus: parameter from must be a date YYYY-MM-DD, got "yesterday"\n');
      const late = cli(lake.root, 'query', '--named', 'top_skus', '--param', 'from=2026-04-01');
      expect(late).toMatchObject({ code: 2, stderr: 'retail-lake: query: named query top_skus: from (2026-04-01) is after to (2026-03-02)\n' });
    });
  });
});
