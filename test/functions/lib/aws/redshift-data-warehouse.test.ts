import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  InternalServerException,
  RedshiftDataClient,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { RedshiftDataWarehouse } from '../../../../functions/lib/aws/redshift-data-warehouse';
import { RetailLakeError, TransientError } from '../../../../functions/lib/errors';

const rsMock = mockClient(RedshiftDataClient);
const fast = { intervalMs: 1, maxWaitMs: 200 };
const warehouse = () => new RedshiftDataWarehouse(new RedshiftDataClient({ region: 'eu-west-1' }), { workgroupName: 'wg', database: 'retail' }, fast);

beforeEach(() => rsMock.reset());

describe('RedshiftDataWarehouse', () => {
  it('runs statements as batches of at most 40 and waits for each to finish', async () => {
    rsMock.on(BatchExecuteStatementCommand).resolves({ Id: 'b1' });
    rsMock.on(DescribeStatementCommand).resolvesOnce({ Status: 'STARTED' }).resolvesOnce({ Status: 'FINISHED' }).resolves({ Status: 'FINISHED' });
    const statements = Array.from({ length: 41 }, (_, i) => `select ${i}`);
    await warehouse().execute(statements);
    const batches = rsMock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input);
    expect(batches.map((b) => b.Sqls?.length)).toEqual([40, 1]);
    expect(batches[0]).toMatchObject({ WorkgroupName: 'wg', Database: 'retail' });
    expect(rsMock.commandCalls(DescribeStatementCommand)).toHaveLength(3);
  });

  it('reports the failing statement and its error', async () => {
    rsMock.on(BatchExecuteStatementCommand).resolves({ Id: 'b2' });
    rsMock.on(DescribeStatementCommand).resolves({
      Status: 'FAILED',
      Error: 'batch failed',
      SubStatements: [
        { Id: 'b2:1', Status: 'FINISHED', QueryString: 'create table a (x int)' },
        { Id: 'b2:2', Status: 'FAILED', QueryString: 'copy fact_sales from s3://x', Error: 'Spectrum Scan Error' },
      ],
    });
    await expect(warehouse().execute(['create table a (x int)', 'copy fact_sales from s3://x'])).rejects.toThrow(
      /FAILED at statement "copy fact_sales from s3:\/\/x": Spectrum Scan Error/,
    );
  });

  it('gives up after the wait bound', async () => {
    rsMock.on(BatchExecuteStatementCommand).resolves({ Id: 'b3' });
    rsMock.on(DescribeStatementCommand).resolves({ Status: 'STARTED' });
    await expect(warehouse().execute(['vacuum'])).rejects.toThrow(/still running after 0 s, gave up waiting/);
    await expect(warehouse().execute(['vacuum'])).rejects.toBeInstanceOf(TransientError);
  });

  it('turns a Data API internal error into a TransientError that keeps it as the cause', async () => {
    const internal = new InternalServerException({ Message: 'try again', message: 'try again', $metadata: { httpStatusCode: 500 } });
    rsMock.on(BatchExecuteStatementCommand).resolves({ Id: 'b4' });
    rsMock.on(DescribeStatementCommand).rejects(internal);
    const err = await warehouse()
      .execute(['select 1'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe('Redshift Data API DescribeStatement b4: InternalServerException: try again');
    expect((err as Error).cause).toBe(internal);
  });

  it('passes a request the Data API refuses through as it was, and a FAILED statement is not transient', async () => {
    const invalid = new ValidationException({ message: 'bad', $metadata: { httpStatusCode: 400 } });
    rsMock.on(ExecuteStatementCommand).rejects(invalid);
    await expect(warehouse().query('select')).rejects.toBe(invalid);
    rsMock.on(BatchExecuteStatementCommand).resolves({ Id: 'b5' });
    rsMock.on(DescribeStatementCommand).resolves({ Status: 'FAILED', Error: 'syntax error' });
    const failed = await warehouse()
      .execute(['selec 1'])
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RetailLakeError);
    expect(failed).not.toBeInstanceOf(TransientError);
  });

  it('pages through query results and converts values', async () => {
    rsMock.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    rsMock.on(DescribeStatementCommand).resolves({ Id: 'q1', Status: 'FINISHED', HasResultSet: true });
    const columns = [
      { name: 'store_id', typeName: 'varchar' },
      { name: 'revenue', typeName: 'numeric' },
      { name: 'lines', typeName: 'int8' },
      { name: 'ok', typeName: 'bool' },
    ];
    rsMock
      .on(GetStatementResultCommand, { Id: 'q1', NextToken: undefined })
      .resolves({ ColumnMetadata: columns, Records: [[{ stringValue: 'S001' }, { stringValue: '10.50' }, { longValue: 3 }, { booleanValue: true }]], NextToken: 'n1' })
      .on(GetStatementResultCommand, { Id: 'q1', NextToken: 'n1' })
      .resolves({ ColumnMetadata: columns, Records: [[{ stringValue: 'S002' }, { isNull: true }, { longValue: 0 }, { booleanValue: false }]] });
    expect(await warehouse().query('select ...')).toEqual([
      { store_id: 'S001', revenue: 10.5, lines: 3, ok: true },
      { store_id: 'S002', revenue: null, lines: 0, ok: false },
    ]);
  });

  it('returns no rows for a statement without a result set', async () => {
    rsMock.on(ExecuteStatementCommand).resolves({ Id: 'q2' });
    rsMock.on(DescribeStatementCommand).resolves({ Id: 'q2', Status: 'FINISHED', HasResultSet: false });
    expect(await warehouse().query('analyze fact_sales')).toEqual([]);
    expect(rsMock.commandCalls(GetStatementResultCommand)).toHaveLength(0);
  });
});
