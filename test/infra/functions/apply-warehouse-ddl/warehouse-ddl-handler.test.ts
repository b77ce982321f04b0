import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { applyDdl, type DdlProperties } from '../../../../infra/functions/apply-warehouse-ddl/index';

const props: DdlProperties = {
  WorkgroupName: 'wg',
  Database: 'retail',
  SecretArn: 'arn:secret',
  CreateIfMissing: ['CREATE ROLE loader'],
  Statements: ['CREATE TABLE IF NOT EXISTS a (x int)', 'GRANT SELECT ON a TO ROLE loader'],
};

function event(type: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:fn',
    ResponseURL: 'https://cfn.example/response',
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'Ddl',
    ResourceType: 'Custom::WarehouseDdl',
    ResourceProperties: { ServiceToken: 'arn:fn', ...props },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: 'warehouse-ddl-Ddl', OldResourceProperties: { ServiceToken: 'arn:fn' } };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: 'warehouse-ddl-Ddl' };
}

function recorder(fail?: (sqls: string[]) => Error | undefined) {
  const executed: string[][] = [];
  const responses: Record<string, string>[] = [];
  const warehouse = {
    execute: async (sqls: string[]) => {
      executed.push(sqls);
      const err = fail?.(sqls);
      if (err) throw err;
    },
  };
  const send = async (url: string, body: string) => {
    expect(url).toBe('https://cfn.example/response');
    responses.push(JSON.parse(body) as Record<string, string>);
  };
  return { executed, responses, make: () => warehouse, send };
}

describe('warehouse DDL custom resource', () => {
  it('creates the roles, applies the statements as one batch and reports success', async () => {
    const r = recorder();
    await applyDdl(event('Create'), r.make, r.send);
    expect(r.executed).toEqual([['CREATE ROLE loader'], props.Statements]);
    expect(r.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'warehouse-ddl-Ddl', RequestId: 'req', StackId: 'stack' })]);
  });

  it('accepts a role that already exists', async () => {
    const r = recorder((sqls) => (sqls[0].startsWith('CREATE ROLE') ? new Error('Redshift Data API: ... FAILED: role "loader" already exists') : undefined));
    await applyDdl(event('Update'), r.make, r.send);
    expect(r.executed).toHaveLength(2);
    expect(r.responses[0].Status).toBe('SUCCESS');
  });

  it('reports a failing statement to CloudFormation instead of leaving it waiting', async () => {
    const r = recorder((sqls) => (sqls.length > 1 ? new Error('syntax error at or near "TABEL"') : undefined));
    await applyDdl(event('Create'), r.make, r.send);
    expect(r.responses[0]).toMatchObject({ Status: 'FAILED', Reason: 'syntax error at or near "TABEL"' });
  });

  it('leaves the warehouse alone on delete', async () => {
    const r = recorder();
    await applyDdl(event('Delete'), r.make, r.send);
    expect(r.executed).toEqual([]);
    expect(r.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'warehouse-ddl-Ddl' });
  });
});
