import { columnDefinitions } from '../../../../functions/lib/curated-schema';
import { openDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { readRows } from '../../../../functions/lib/duckdb/duckdb-rows';
import type { PipelineState } from '../../../../functions/lib/pipeline/state';
import { buildLoadStatements, DATA_API_BATCH_LIMIT, partitionPrefixes } from '../../../../functions/lib/warehouse/load-statements';
import { splitSqlStatements } from '../../../../functions/lib/warehouse/sql-text';
import { run } from '../../../../functions/pipeline/prepare-loads/index';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { EXCHANGE_RATES_KEY } from '../../../../functions/lib/lake-layout';
import { tempLake } from '../../../helpers/lake-fixture';
import { prepareLoads } from '../../../../functions/pipeline/prepare-loads/prepare-loads';
import { line, USD_ONLY } from '../../../helpers/warehouse-fixture';

const state = (sales: string[], inventory: string[]): PipelineState =>
  ({
    plan: { batchId: 'b1', objectCount: 1, bytes: 10, useGlue: false, manifestKey: 'k', resumed: false },
    commit: { batchId: 'b1', affectedDates: { sales_lines: sales, inventory_events: inventory }, curatedEvents: 1, duplicates: 0 },
  }) as unknown as PipelineState;

const days = (from: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

describe('PrepareLoads', () => {
  const saved = { ...process.env };
  let lake: ReturnType<typeof tempLake>;
  beforeEach(() => {
    lake = tempLake('prepare-loads');
  });
  afterEach(() => {
    process.env = { ...saved };
    lake.cleanup();
  });
  const handler = (s: PipelineState, reportingCurrency = 'USD') => run(s, { store: lake.store, settings: { ...settingsFromEnv({}), reportingCurrency } });

  it('renders one COPY per affected date with the default bucket and role when the environment has none', async () => {
    delete process.env.BUCKET_CURATED;
    delete process.env.REDSHIFT_COPY_ROLE_ARN;
    const out = await handler(state(['2024-01-01', '2024-01-02'], ['2024-01-02']));
    const copies = out.redshiftSqls.filter((s) => s.startsWith('COPY'));
    expect(copies.map((s) => /FROM '([^']+)'/.exec(s)?.[1])).toEqual([
      's3://local-curated/reference/stores/stores.csv',
      's3://local-curated/reference/products/products.csv',
      's3://local-curated/curated/sales_lines/business_date=2024-01-01/',
      's3://local-curated/curated/sales_lines/business_date=2024-01-02/',
      's3://local-curated/curated/inventory_events/business_date=2024-01-02/',
    ]);
    for (const c of copies) expect(c).toContain(`IAM_ROLE 'arn:aws:iam::000000000000:role/local-copy'`);
    expect(out.prefixLevel).toBe('day');
    // DML only, besides the temporary staging tables of the load's session (created LIKE the schema's stg_ tables):
    // the pipeline's database role owns nothing in the schema, so its DDL is for the migrations (tested on PostgreSQL
    // in test/local/warehouse/redshift-semantics.test.ts)
    // the same for the derived tables' batch, which must fit the Data API's limit too
    expect(out.redshiftDerivedSqls.length).toBeGreaterThan(0);
    expect(out.redshiftDerivedSqls.length).toBeLessThanOrEqual(DATA_API_BATCH_LIMIT);
    for (const batch of [out.redshiftSqls, out.redshiftDerivedSqls]) {
      const ddl = batch.filter((s) => !/^(?:COPY|DELETE|INSERT)\b/.test(s));
      expect(ddl.filter((s) => !/^CREATE TEMP TABLE tmp_\w+ \(LIKE stg_\w+\)$/.test(s))).toEqual([]);
      expect(new Set(ddl).size).toBe(ddl.length);
      // every entry is one plain statement: the Data API takes one per entry
      for (const s of batch) expect(splitSqlStatements(s)).toEqual([s]);
      expect(batch.join('\n')).not.toMatch(/\{\{|TRUNCATE/);
    }
  });

  it('COPYs the exchange rates only when the lake has the file, and writes the reporting currency of the settings', async () => {
    const rates = (sqls: string[]) => sqls.filter((s) => s.startsWith('COPY stg_exchange_rate'));
    const without = await handler(state(['2024-01-01'], []), 'EUR');
    expect(rates(without.redshiftSqls)).toEqual([]);
    expect(without.redshiftSqls).toContain('DELETE FROM dim_exchange_rate');
    expect(without.redshiftSqls).toContain(`INSERT INTO dim_reporting_currency (currency) VALUES ('EUR')`);
    await lake.store.put(EXCHANGE_RATES_KEY, 'rate_date,currency,rate\n2024-01-01,GBP,1.25\n');
    const withRates = await handler(state(['2024-01-01'], []));
    expect(rates(withRates.redshiftSqls).map((s) => /FROM '([^']+)'/.exec(s)?.[1])).toEqual(['s3://local-curated/reference/exchange_rates/exchange_rates.csv']);
    expect(withRates.redshiftSqls).toContain(`INSERT INTO dim_reporting_currency (currency) VALUES ('USD')`);
    expect(() => buildLoadStatements({}, { bucket: 'b-1', role: 'arn:aws:iam::000000000000:role/r' }, { reportingCurrency: "US'", exchangeRates: false })).toThrow(/not an ISO 4217 code/);
  });

  it('takes the bucket and role from BUCKET_CURATED and REDSHIFT_COPY_ROLE_ARN', async () => {
    process.env.BUCKET_CURATED = 'acme-curated-123';
    process.env.REDSHIFT_COPY_ROLE_ARN = 'arn:aws:iam::123456789012:role/redshift-copy';
    const out = await handler(state(['2024-01-01'], []));
    const copy = out.redshiftSqls.find((s) => s.includes('sales_lines/business_date=2024-01-01'));
    expect(copy).toContain(`'s3://acme-curated-123/curated/sales_lines/business_date=2024-01-01/'`);
    expect(copy).toContain(`IAM_ROLE 'arn:aws:iam::123456789012:role/redshift-copy'`);
    expect(out.redshiftSqls.some((s) => s.includes('inventory_events'))).toBe(false);
  });

  it('fails clearly without a commit result, on a bad date and on a bad bucket', async () => {
    await expect(handler({ plan: state([], []).plan } as PipelineState)).rejects.toThrow(/no commit result/);
    expect(() => prepareLoads({ affectedDates: { sales_lines: ["2024-01-01'; DROP TABLE x; --"], inventory_events: [] } }, {})).toThrow(/not YYYY-MM-DD/);
    expect(() => prepareLoads({ affectedDates: { sales_lines: [], inventory_events: [] } }, { BUCKET_CURATED: "b'x" })).toThrow(/not an S3 bucket/);
  });

  it('still loads the dimensions and calendar when no fact date changed', () => {
    const out = prepareLoads({ affectedDates: { sales_lines: [], inventory_events: [] } }, {});
    expect(out.redshiftSqls.length).toBeGreaterThan(0);
    expect(out.redshiftSqls.some((s) => s.includes('fact_sales'))).toBe(true); // the calendar reads the facts
    expect(out.redshiftSqls.some((s) => s.includes('stg_sales_lines'))).toBe(false);
  });

  it('keeps the batch within the Data API limit by coarsening prefixes for many dates', () => {
    const many = days('2023-11-20', 70); // 70 dates in 3 months and 2 years
    const plan = buildLoadStatements({ sales_lines: many, inventory_events: many }, { bucket: 'b-1', role: 'arn:aws:iam::000000000000:role/r' }, USD_ONLY);
    expect(plan.statements.length).toBeLessThanOrEqual(DATA_API_BATCH_LIMIT);
    expect(plan.prefixLevel).toBe('month');
    expect(partitionPrefixes('sales_lines', many, 'month')).toEqual([
      'curated/sales_lines/business_date=2023-11-',
      'curated/sales_lines/business_date=2023-12-',
      'curated/sales_lines/business_date=2024-01-',
    ]);
    expect(partitionPrefixes('sales_lines', many, 'year')).toEqual(['curated/sales_lines/business_date=2023-', 'curated/sales_lines/business_date=2024-']);
    expect(partitionPrefixes('sales_lines', many, 'table')).toEqual(['curated/sales_lines/']);
    const source = { bucket: 'b-1', role: 'arn:aws:iam::000000000000:role/r' };
    const sixYears = [2019, 2020, 2021, 2022, 2023, 2024].flatMap((y) => ['01', '05', '09'].map((m) => `${y}-${m}-01`));
    expect(buildLoadStatements({ sales_lines: sixYears, inventory_events: sixYears }, source, USD_ONLY).prefixLevel).toBe('year');
    const fifteenYears = Array.from({ length: 15 }, (_, i) => `${2010 + i}-06-01`);
    expect(buildLoadStatements({ sales_lines: fifteenYears, inventory_events: fifteenYears }, source, USD_ONLY).prefixLevel).toBe('table');
  });

  it('gives Athena one CREATE OR REPLACE VIEW statement that DuckDB runs over sales_lines', async () => {
    const { athenaRefreshSql } = prepareLoads({ affectedDates: { sales_lines: [], inventory_events: [] } }, {});
    expect(athenaRefreshSql).toMatch(/^CREATE OR REPLACE VIEW daily_store_sales AS/);
    expect(athenaRefreshSql).not.toMatch(/;|--/);
    const conn = await openDuckDb();
    try {
      await conn.run(`CREATE TABLE sales_lines (${columnDefinitions('sales_lines')})`);
      const rows = [
        line({ event_id: 'a', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 3, unit_price: 2 }),
        line({ event_id: 'a', line_no: 2, store_id: 'S001', sku: 'SKU-2', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 1, unit_price: 5 }),
        line({ event_id: 'b', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 10:00:00', business_date: '2024-01-01', quantity: 1, unit_price: 2, event_type: 'return' }),
      ];
      for (const r of rows) {
        await conn.run(
          `INSERT INTO sales_lines VALUES ('${r.event_id}', ${r.line_no}, '${r.transaction_id}', '${r.store_id}', '${r.sku}', '${r.occurred_at}', '${r.business_date}', '${r.event_type}', ${r.quantity}, ${r.unit_price}, ${r.discount}, ${r.net_revenue}, ${r.unit_cost}, ${r.gross_margin}, NULL, 'card')`,
        );
      }
      await conn.run(athenaRefreshSql);
      await conn.run(athenaRefreshSql); // OR REPLACE: rerunnable
      expect(await readRows(conn, 'SELECT * FROM daily_store_sales')).toEqual([
        { business_date: '2024-01-01', store_id: 'S001', baskets: 1, units_sold: 4, units_returned: 1, net_revenue: 9, gross_margin: rows.reduce((n, r) => n + r.gross_margin, 0), sales_lines: 3 },
      ]);
    } finally {
      conn.closeSync();
    }
  });
});
