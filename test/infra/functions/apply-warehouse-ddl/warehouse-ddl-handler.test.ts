import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { applyDdl, type DdlProperties } from '../../../../infra/functions/apply-warehouse-ddl/index';
import type { Row } from '../../../../functions/lib/ports';

const LEDGER = ['CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, name VARCHAR(128), applied_at TIMESTAMP)'];
const props: DdlProperties = {
  WorkgroupName: 'wg',
  Database: 'retail',
  SecretArn: 'arn:secret',
  CreateIfMissing: ['CREATE ROLE loader'],
  MigrationLedger: LEDGER,
  Migrations: [
    { version: 1, name: '0001_initial', statements: ['CREATE TABLE IF NOT EXISTS a (x int)'] },
    { version: 2, name: '0002_more', statements: ['ALTER TABLE a ADD COLUMN y int'] },
  ],
  Statements: ['GRANT SELECT ON a TO ROLE loader'],
};

/** CloudFormation hands every scalar property to the handler as a string. */
const asCloudFormationSendsThem = (p: DdlProperties): Record<string, unknown> => JSON.parse(JSON.stringify(p, (_k, v: unknown) => (typeof v === 'number' ? String(v) : v))) as Record<string, unknown>;

function event(type: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:fn',
    ResponseURL: 'https://cfn.example/response',
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'Ddl',
    ResourceType: 'Custom::WarehouseDdl',
    ResourceProperties: { ServiceToken: 'arn:fn', ...asCloudFormationSendsThem(props) },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: 'warehouse-ddl-Ddl', OldResourceProperties: { ServiceToken: 'arn:fn' } };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: 'warehouse-ddl-Ddl' };
}

/** A warehouse that records batches; its ledger lists `applied`. */
function recorder(fail?: (sqls: string[]) => Error | undefined, applied: number[] = []) {
  const executed: string[][] = [];
  const responses: Record<string, string>[] = [];
  const warehouse = {
    execute: async (sqls: string[]) => {
      executed.push(sqls);
      const err = fail?.(sqls);
      if (err) throw err;
    },
    query: async (sql: string): Promise<Row[]> => {
      expect(sql).toBe('SELECT version FROM schema_migrations');
      return applied.map((version) => ({ version }));
    },
  };
  const send = async (url: string, body: string) => {
    expect(url).toBe('https://cfn.example/response');
    responses.push(JSON.parse(body) as Record<string, string>);
  };
  return { executed, responses, make: () => warehouse, send };
}

const ledgerRow = (v: number, name: string): string => `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${v}, '${name}', GETDATE())`;

describe('warehouse DDL custom resource', () => {
  it('creates the roles, applies each migration with its ledger row in one batch, then the grants, and reports success', async () => {
    const r = recorder();
    await applyDdl(event('Create'), r.make, r.send);
    expect(r.executed).toEqual([
      ['CREATE ROLE loader'],
      LEDGER,
      ['CREATE TABLE IF NOT EXISTS a (x int)', ledgerRow(1, '0001_initial')],
      ['ALTER TABLE a ADD COLUMN y int', ledgerRow(2, '0002_more')],
      props.Statements,
    ]);
    expect(r.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', Reason: 'applied migrations [1, 2] and 1 grant statements', PhysicalResourceId: 'warehouse-ddl-Ddl', RequestId: 'req', StackId: 'stack' })]);
  });

  it('applies only the migrations the ledger lacks, and accepts a role that already exists', async () => {
    const r = recorder((sqls) => (sqls[0].startsWith('CREATE ROLE') ? new Error('Redshift Data API: ... FAILED: role "loader" already exists') : undefined), [1]);
    await applyDdl(event('Update'), r.make, r.send);
    expect(r.executed).toEqual([['CREATE ROLE loader'], LEDGER, ['ALTER TABLE a ADD COLUMN y int', ledgerRow(2, '0002_more')], props.Statements]);
    expect(r.responses[0]).toMatchObject({ Status: 'SUCCESS', Reason: 'applied migrations [2] and 1 grant statements' });
  });

  it('reports a failing migration to CloudFormation instead of leaving it waiting, and stops there', async () => {
    const r = recorder((sqls) => (sqls[0].startsWith('ALTER') ? new Error('syntax error at or near "TABEL"') : undefined));
    await applyDdl(event('Create'), r.make, r.send);
    expect(r.responses[0]).toMatchObject({ Status: 'FAILED', Reason: 'syntax error at or near "TABEL"' });
    expect(r.executed.at(-1)?.[0]).toMatch(/^ALTER/); // no grants after a failed migration
  });

  it('leaves the warehouse alone on delete', async () => {
    const r = recorder();
    await applyDdl(event('Delete'), r.make, r.send);
    expect(r.executed).toEqual([]);
    expect(r.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'warehouse-ddl-Ddl' });
  });
});
