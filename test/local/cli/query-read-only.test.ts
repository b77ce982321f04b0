import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNamedQueries, renderNamedQuery } from '../../../functions/lib/athena/named-queries';
import { neutralizeFormula } from '../../../local/cli/format-rows';
import { queryCommand } from '../../../local/cli/query-command';
import { PRODUCTS_CSV, STORES_CSV, sale } from '../../helpers/lake-fixture';
import { cli } from '../../helpers/cli';

const REFUSED = /^query: refused: this engine is read-only \(as Athena is\): /;

// `query` is read-only, as Athena is (issue 9): each probe that wrote or read outside the lake is refused.
describe('retail-lake query is read-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-query-ro-'));
  const lake = join(dir, 'lake');
  const json = (sql: string, warehouse = false) => queryCommand(lake, sql, { format: 'json', warehouse });
  let lines = 0; // the curated sales lines, which the warehouse must keep holding
  const count = async (sql: string, warehouse = false) => Number((JSON.parse(await json(sql, warehouse)) as { n: number }).n);

  beforeAll(() => {
    writeFileSync(join(dir, 'stores.csv'), STORES_CSV);
    writeFileSync(join(dir, 'products.csv'), PRODUCTS_CSV);
    writeFileSync(join(dir, 'day.ndjson'), [sale(), sale(), sale({ store_id: 'S404' })].map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect(cli(lake, 'reference', '--stores', join(dir, 'stores.csv'), '--products', join(dir, 'products.csv')).code).toBe(0);
    expect(cli(lake, 'ingest', join(dir, 'day.ndjson')).code).toBe(0);
    expect(cli(lake, 'run').code).toBe(0);
  });

  it('still answers analyst queries over the curated views, the derived views and the warehouse', async () => {
    lines = await count('SELECT count(*) AS n FROM sales_lines');
    expect(lines).toBeGreaterThan(0);
    expect(await count('SELECT count(*) AS n FROM quarantine')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM stores')).toBeGreaterThan(0);
    expect(await count('SELECT count(*) AS n FROM fact_sales', true)).toBe(lines);
  });

  it('still runs the named analyst queries (sql/athena/queries/)', async () => {
    for (const q of readNamedQueries()) {
      await expect(json(renderNamedQuery(q)).then(() => q.name)).resolves.toBe(q.name);
    }
  });

  it('refuses COPY TO a file, and writes nothing', async () => {
    const target = join(dir, 'copied.csv');
    await expect(json(`COPY (SELECT * FROM sales_lines) TO '${target}'`)).rejects.toThrow(REFUSED);
    await expect(json(`COPY (SELECT * FROM sales_lines) TO '${join(lake, 'copied.csv')}'`)).rejects.toThrow(REFUSED);
    expect(existsSync(target) || existsSync(join(lake, 'copied.csv'))).toBe(false);
  });

  it('refuses read_text of /etc/hostname (a file outside the lake)', async () => {
    await expect(json(`SELECT * FROM read_text('/etc/hostname')`)).rejects.toThrow(REFUSED);
    await expect(json(`SELECT * FROM read_text('/etc/hostname')`, true)).rejects.toThrow(REFUSED);
  });

  it('refuses ATTACH of the warehouse file and a DELETE through it', async () => {
    const warehouseFile = join(lake, 'warehouse', 'warehouse.duckdb');
    await expect(json(`ATTACH '${warehouseFile}' AS w`)).rejects.toThrow(REFUSED);
    await expect(json(`DELETE FROM fact_sales`, true)).rejects.toThrow(REFUSED);
    expect(await count('SELECT count(*) AS n FROM fact_sales', true)).toBe(lines);
  });

  it('refuses DROP TABLE on --warehouse: exit 2, one stderr line naming the refusal', async () => {
    const r = cli(lake, 'query', '--warehouse', 'DROP TABLE fact_sales');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^retail-lake: query: refused: this engine is read-only \(as Athena is\): DROP statements are not allowed/);
    expect(await count('SELECT count(*) AS n FROM fact_sales', true)).toBe(lines);
  });

  it('refuses INSTALL and LOAD of extensions', async () => {
    await expect(json('INSTALL httpfs')).rejects.toThrow(REFUSED);
    await expect(json('LOAD httpfs')).rejects.toThrow(REFUSED);
  });

  it('refuses a SET that tries to re-enable external access, and replacing a view', async () => {
    await expect(json('SET enable_external_access = true')).rejects.toThrow(REFUSED);
    await expect(json(`SELECT current_setting('enable_external_access') AS a; SET allowed_directories = ['/']`)).rejects.toThrow(REFUSED);
    await expect(json('CREATE OR REPLACE VIEW sales_lines AS SELECT 1 AS x')).rejects.toThrow(REFUSED);
  });

  it('neutralises formula cells in CSV unless --raw-csv', async () => {
    const sql = `SELECT '=HYPERLINK(1)' AS a, '+1' AS b, '@x' AS c, 'plain' AS d`;
    expect(await queryCommand(lake, sql, { format: 'csv' })).toContain(`'=HYPERLINK(1),'+1,'@x,plain`);
    expect(await queryCommand(lake, sql, { format: 'csv', rawCsv: true })).toContain('=HYPERLINK(1),+1,@x,plain');
    expect(['-2', '\tx', '\rx', 'a=b'].map(neutralizeFormula)).toEqual(["'-2", "'\tx", "'\rx", 'a=b']);
    // stdout is a pipe here, not a terminal
    expect(cli(lake, 'query', '--format', 'csv', sql).stdout).toContain(`'=HYPERLINK(1)`);
  });

  it('leaves the lake balanced after the attempts', async () => {
    expect(await count('SELECT count(*) AS n FROM sales_lines')).toBe(await count('SELECT count(*) AS n FROM fact_sales', true));
    expect(cli(lake, 'status').stdout).toMatch(/OK +ReconciliationGap/);
  });
});
