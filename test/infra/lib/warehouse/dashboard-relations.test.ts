import { relationsRead, warehouseRelations } from '../../../../infra/lib/warehouse/dashboard-relations';
import { DASHBOARD_DB_ROLE, dashboardGrantStatements } from '../../../../infra/lib/warehouse/warehouse-access';
import { dashboardRelations, warehouseDdlHash, warehouseDdlProperties } from '../../../../infra/lib/warehouse/warehouse-ddl';
import { QUICKSIGHT_DATASETS } from '../../../../infra/lib/consumers/quicksight-datasets';

const migration = (version: number, statements: string[]) => ({ version, name: `m${version}`, statements });

describe('what the dashboards database role may read', () => {
  it('knows the tables and views the migrations leave: created, dropped, renamed, comments ignored', () => {
    const relations = warehouseRelations([
      migration(1, ['-- CREATE TABLE IF NOT EXISTS commented_out (x int)\nCREATE TABLE IF NOT EXISTS fact_a (x int)', 'CREATE TABLE old_b (x int)', 'CREATE OR REPLACE VIEW v_c AS SELECT x FROM fact_a']),
      migration(2, ['ALTER TABLE old_b RENAME TO new_b', 'DROP VIEW IF EXISTS v_c']),
    ]);
    expect([...relations].sort()).toEqual(['fact_a', 'new_b']);
  });

  it('takes the relations after FROM and JOIN, not CTE names or EXTRACT(... FROM column)', () => {
    const sql = `WITH recent AS (SELECT * FROM fact_a) SELECT EXTRACT(DOW FROM d) FROM recent r JOIN dim_b b ON b.id = r.id -- FROM secret_table`;
    expect(relationsRead([sql], new Set(['fact_a', 'dim_b', 'recent_unused', 'secret_table', 'd']))).toEqual(['dim_b', 'fact_a']);
  });

  it('covers every QuickSight data set and leaves out what no data set reads (the ledger, staging, alert outbox)', () => {
    const relations = dashboardRelations();
    expect(relations).toEqual(expect.arrayContaining(['agg_store_day', 'dim_store', 'v_exchange_rate_daily']));
    for (const d of QUICKSIGHT_DATASETS) expect([d.name, relations.some((r) => new RegExp(`\\b${r}\\b`).test(d.sql))]).toEqual([d.name, true]);
    for (const never of ['schema_migrations', 'stg_sales_lines', 'stock_risk_scope', 'forecast_model']) expect(relations).not.toContain(never);
  });

  it('revokes what the role had and grants SELECT on exactly those relations, USAGE on the schema, nothing else', () => {
    expect(dashboardGrantStatements(['dim_b', 'fact_a'])).toEqual([
      `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ROLE ${DASHBOARD_DB_ROLE}`,
      `GRANT USAGE ON SCHEMA public TO ROLE ${DASHBOARD_DB_ROLE}`,
      `GRANT SELECT ON dim_b, fact_a TO ROLE ${DASHBOARD_DB_ROLE}`,
    ]);
    expect(() => dashboardGrantStatements([])).toThrow(/read no warehouse relation/);
    expect(() => dashboardGrantStatements(['x; DROP TABLE y'])).toThrow(/not a plain lower-case name/);
  });

  it("changes the DDL hash with the user's password revision, not with the text of the secret ARN's token", () => {
    const user = (SecretArn: string, PasswordRevision: string) => warehouseDdlHash(warehouseDdlProperties({ dashboardUser: { Username: 'quicksight_reader', SecretArn, PasswordRevision } }));
    expect(user('${Token[TOKEN.1]}', '1')).toBe(user('${Token[TOKEN.99]}', '1'));
    expect(user('${Token[TOKEN.1]}', '1')).not.toBe(user('${Token[TOKEN.1]}', '2'));
    expect(user('x', '1')).not.toBe(warehouseDdlHash(warehouseDdlProperties()));
  });
});
