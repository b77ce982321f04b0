import { RedshiftTranslationError } from '../../../local/warehouse/redshift-dialect';
import { translateForPostgres, translateScriptForPostgres, type PostgresStatement } from '../../../local/warehouse/redshift-to-postgres';
import { GRANT_STATEMENTS } from '../../../infra/lib/warehouse/warehouse-access';

const opts = (keys: string[] = []) => ({ lakeRoot: '/lake', listKeys: (prefix: string) => keys.filter((k) => k.startsWith(prefix)) });
const sqlOf = (s: PostgresStatement | null): string => {
  if (!s || !('sql' in s)) throw new Error(`not SQL: ${JSON.stringify(s)}`);
  return s.sql.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
};
const t = (sql: string): string => sqlOf(translateForPostgres(sql, opts()));

describe('redshift-to-postgres translator', () => {
  it('rules 1-3: drops physical design, identity and constraints, keeps NOT NULL (same shared rules as DuckDB)', () => {
    expect(t(`CREATE TABLE IF NOT EXISTS f (a INT NOT NULL ENCODE raw, b VARCHAR(8) ENCODE zstd, PRIMARY KEY (a), FOREIGN KEY (b) REFERENCES d (b)) DISTKEY (b) COMPOUND SORTKEY (a)`)).toBe(
      'CREATE TABLE IF NOT EXISTS f (a INT NOT NULL, b VARCHAR(8))',
    );
    expect(t(`ALTER TABLE dim_store ADD COLUMN currency CHAR(3) DEFAULT 'USD' ENCODE bytedict`)).toBe(`ALTER TABLE dim_store ADD COLUMN currency CHAR(3) DEFAULT 'USD'`);
  });

  it('rule 4: maps types PostgreSQL lacks and refuses those it cannot map', () => {
    expect(t('CREATE TABLE x (a VARCHAR(MAX), b NVARCHAR(20), c SUPER, d VARBYTE(16), e NCHAR(2))')).toBe('CREATE TABLE x (a VARCHAR, b VARCHAR(20), c JSONB, d BYTEA, e CHAR(2))');
    expect(() => t('CREATE TABLE g (shape GEOMETRY)')).toThrow(RedshiftTranslationError);
  });

  it('rule 5: COPY becomes rows read by DuckDB (as text, by position) to insert, with the DuckDB rule set\'s reader', () => {
    const keys = ['curated/sales_lines/business_date=2024-01-05/part-0.parquet', 'curated/sales_lines/business_date=2024-01-05/_SUCCESS'];
    expect(translateForPostgres(`COPY stg_sales_lines FROM 's3://b/curated/sales_lines/business_date=2024-01-05/' IAM_ROLE 'arn' FORMAT AS PARQUET`, opts(keys))).toEqual({
      copy: {
        insertInto: 'INSERT INTO stg_sales_lines',
        rowsSql: `SELECT COLUMNS(*)::VARCHAR FROM (SELECT * FROM read_parquet(['/lake/curated/sales_lines/business_date=2024-01-05/part-0.parquet'], hive_partitioning = false))`,
      },
    });
    const csv = translateForPostgres(`COPY stg_store (store_id, store_name) FROM 's3://b/reference/stores/stores.csv' IAM_ROLE 'arn' CSV IGNOREHEADER 1`, opts(['reference/stores/stores.csv']));
    expect(csv).toEqual({ copy: expect.objectContaining({ insertInto: 'INSERT INTO stg_store (store_id, store_name)', rowsSql: expect.stringContaining('read_csv') }) });
    expect(() => translateForPostgres(`COPY s FROM 's3://b/curated/x/' IAM_ROLE 'r' FORMAT AS PARQUET`, opts())).toThrow(/no Parquet files/);
  });

  it('rule 6: maps GETDATE, NVL, DATEADD and DATEDIFF, counting boundaries crossed as Redshift does', () => {
    expect(t('SELECT GETDATE(), NVL(a, 0) FROM t')).toBe(`SELECT CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP), COALESCE(a, 0) FROM t`);
    expect(t('SELECT DATEADD(day, n.n, b.first_date) FROM b')).toBe(`SELECT (CAST(b.first_date AS TIMESTAMP) + (n.n) * INTERVAL '1 day') FROM b`);
    expect(t(`SELECT DATEADD('qtr', 1, x)`)).toBe(`SELECT (CAST(x AS TIMESTAMP) + (1) * INTERVAL '3 months')`);
    expect(t('SELECT DATEDIFF(day, a, b)')).toBe('SELECT (CAST(b AS DATE) - CAST(a AS DATE))');
    expect(t('SELECT DATEDIFF(month, a, b)')).toBe(
      'SELECT CAST((EXTRACT(YEAR FROM CAST(b AS TIMESTAMP)) - EXTRACT(YEAR FROM CAST(a AS TIMESTAMP))) * 12 + EXTRACT(MONTH FROM CAST(b AS TIMESTAMP)) - EXTRACT(MONTH FROM CAST(a AS TIMESTAMP)) AS BIGINT)',
    );
    expect(t('SELECT DATEDIFF(hour, a, b)')).toBe(`SELECT CAST(EXTRACT(EPOCH FROM date_trunc('hour', CAST(b AS TIMESTAMP)) - date_trunc('hour', CAST(a AS TIMESTAMP))) / 3600 AS BIGINT)`);
    expect(() => t('SELECT DATEDIFF(week, a, b)')).toThrow(/week/);
  });

  it('rule 7: skips VACUUM and ANALYZE', () => {
    expect(translateForPostgres('VACUUM fact_sales', opts())).toBeNull();
    expect(translateScriptForPostgres('ANALYZE a; SELECT 1;', opts())).toEqual([{ sql: 'SELECT 1' }]);
  });

  it('rule 8: runs access control, naming role grantees the PostgreSQL way (every grant CDK gives)', () => {
    expect(t('GRANT USAGE ON SCHEMA public TO ROLE retail_lake_loader')).toBe('GRANT USAGE ON SCHEMA public TO retail_lake_loader');
    expect(t('REVOKE SELECT ON t FROM ROLE r')).toBe('REVOKE SELECT ON t FROM r');
    expect(t('CREATE ROLE r')).toBe('CREATE ROLE r');
    for (const grant of GRANT_STATEMENTS) expect(t(grant)).not.toMatch(/\bROLE\b/);
  });

  it('leaves literals and ordinary SQL alone', () => {
    const sql = `DELETE FROM dim_store USING stg_store WHERE dim_store.store_id = stg_store.store_id AND stg_store.x <> 'TO ROLE DISTKEY (a) GETDATE()'`;
    expect(t(sql)).toBe(sql);
  });
});
