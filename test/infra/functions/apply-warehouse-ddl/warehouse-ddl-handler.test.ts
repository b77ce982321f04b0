import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { applyDdl, type DdlProperties } from '../../../../infra/functions/apply-warehouse-ddl/index';
import { redshiftPasswordHash, secretsManagerReader } from '../../../../infra/functions/apply-warehouse-ddl/dashboard-user';
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

function event(type: 'Create' | 'Update' | 'Delete', p: DdlProperties = props): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:fn',
    ResponseURL: 'https://cfn.example/response',
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'Ddl',
    ResourceType: 'Custom::WarehouseDdl',
    ResourceProperties: { ServiceToken: 'arn:fn', ...asCloudFormationSendsThem(p) },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: 'warehouse-ddl-Ddl', OldResourceProperties: { ServiceToken: 'arn:fn' } };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: 'warehouse-ddl-Ddl' };
}

/** A warehouse that records batches; its ledger lists `applied`, pg_user the `users`. */
function recorder(fail?: (sqls: string[]) => Error | undefined, applied: number[] = [], users: string[] = []) {
  const executed: string[][] = [];
  const responses: Record<string, string>[] = [];
  const warehouse = {
    execute: async (sqls: string[]) => {
      executed.push(sqls);
      const err = fail?.(sqls);
      if (err) throw err;
    },
    query: async (sql: string): Promise<Row[]> => {
      const user = /^SELECT usename FROM pg_user WHERE usename = '(\w+)'$/.exec(sql);
      if (user) return users.filter((u) => u === user[1]).map((usename) => ({ usename }));
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

  describe("QuickSight's database user", () => {
    const PASSWORD = 'Gen3rated-pa$$word{with}#punctuation';
    const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:reader-AbCdEf';
    const withUser: DdlProperties = { ...props, DashboardUser: { Username: 'quicksight_reader', SecretArn: SECRET_ARN, Role: 'dashboards', PasswordRevision: '1' } };
    const md5 = `md5${createHash('md5').update(`${PASSWORD}quicksight_reader`).digest('hex')}`;
    const secrets = (value: string = JSON.stringify({ username: 'quicksight_reader', password: PASSWORD })) => {
      const asked: string[] = [];
      return { asked, read: async (arn: string) => (asked.push(arn), value) };
    };
    /** every text that leaves the handler: the statements it runs and what it tells CloudFormation */
    const everythingSent = (r: ReturnType<typeof recorder>) => JSON.stringify([r.executed, r.responses]);

    it('creates the user with the secret password (as its MD5 form, never in clear) after the grants, then grants it the role', async () => {
      const r = recorder();
      const s = secrets();
      await applyDdl(event('Create', withUser), r.make, r.send, s.read);
      expect(s.asked).toEqual([SECRET_ARN]);
      expect(r.executed.at(-2)).toEqual(props.Statements);
      expect(r.executed.at(-1)).toEqual([`CREATE USER quicksight_reader PASSWORD '${md5}'`, 'GRANT ROLE dashboards TO quicksight_reader']);
      expect(r.responses[0]).toMatchObject({ Status: 'SUCCESS', Reason: 'applied migrations [1, 2] and 1 grant statements; created user quicksight_reader with role dashboards' });
      expect(everythingSent(r)).not.toContain(PASSWORD);
    });

    it('sets the password of a user that exists to the secret one (a changed secret takes effect on the next run)', async () => {
      const r = recorder(undefined, [1, 2], ['quicksight_reader']);
      await applyDdl(event('Update', withUser), r.make, r.send, secrets().read);
      expect(r.executed.at(-1)).toEqual([`ALTER USER quicksight_reader PASSWORD '${md5}'`, 'GRANT ROLE dashboards TO quicksight_reader']);
      expect(r.responses[0]).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringContaining('set the password of user quicksight_reader') });
    });

    it('reports a failed CREATE USER without the password or its hash, even when the error quotes the statement', async () => {
      const r = recorder((sqls) => (sqls[0].startsWith('CREATE USER') ? new Error(`batch starting "${sqls[0]}" failed: syntax error`) : undefined));
      await applyDdl(event('Create', withUser), r.make, r.send, secrets().read);
      expect(r.responses[0]).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^creating database user quicksight_reader failed: .*PASSWORD '\*\*\*'.*syntax error/) });
      expect(JSON.stringify(r.responses)).not.toContain(md5);
      expect(JSON.stringify(r.responses)).not.toContain(PASSWORD);
    });

    it('refuses a secret of another user, without JSON, or with a password Redshift would not take, never echoing it', async () => {
      const cases: [string, RegExp][] = [
        [JSON.stringify({ username: 'admin', password: PASSWORD }), /the secret's username field must be quicksight_reader/],
        ['not json ' + PASSWORD, /is not JSON/],
        [JSON.stringify({ username: 'quicksight_reader', password: 'alllowercase1' }), /needs an upper-case letter, a lower-case letter and a digit/],
        [JSON.stringify({ username: 'quicksight_reader', password: "Quote'd-Pass1" }), /may only hold ASCII 33-126 except/],
        [JSON.stringify({ username: 'quicksight_reader', password: 'Sh0rt' }), /8 to 64 characters/],
      ];
      for (const [value, reason] of cases) {
        const r = recorder();
        await applyDdl(event('Create', withUser), r.make, r.send, secrets(value).read);
        expect(r.responses[0]).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(reason) });
        expect(r.executed.flat().filter((sql) => /USER/.test(sql))).toEqual([]);
        expect(JSON.stringify(r.responses)).not.toContain(PASSWORD);
      }
    });

    it("reads the secret with Secrets Manager's GetSecretValue, and refuses a secret without a string", async () => {
      const sm = mockClient(SecretsManagerClient);
      try {
        sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: '{"username":"u","password":"p"}' });
        sm.on(GetSecretValueCommand, { SecretId: 'arn:binary' }).resolves({ SecretBinary: new Uint8Array([1]) });
        const read = secretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' }));
        await expect(read(SECRET_ARN)).resolves.toBe('{"username":"u","password":"p"}');
        await expect(read('arn:binary')).rejects.toThrow('secret arn:binary has no string value');
        expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ARN }, { SecretId: 'arn:binary' }]);
      } finally {
        sm.restore();
      }
    });

    it('hashes as Redshift does: md5 of the password followed by the user name', () => {
      expect(redshiftPasswordHash('quicksight_reader', PASSWORD)).toBe(md5);
    });
  });
});
