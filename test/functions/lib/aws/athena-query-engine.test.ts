import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaQueryEngine } from '../../../../functions/lib/aws/athena-query-engine';
import { TransientError } from '../../../../functions/lib/errors';

const athenaMock = mockClient(AthenaClient);
const engine = () =>
  new AthenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), { workGroup: 'retail-lake-pipeline', database: 'retail_curated' }, { intervalMs: 1, maxWaitMs: 200 });
const columns = [
  { Name: 'store_id', Type: 'varchar' },
  { Name: 'revenue', Type: 'decimal' },
  { Name: 'lines', Type: 'bigint' },
];

beforeEach(() => athenaMock.reset());

describe('AthenaQueryEngine', () => {
  it('starts the query in the workgroup and database, polls, and pages through results without the header row', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'e1' });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athenaMock
      .on(GetQueryResultsCommand, { QueryExecutionId: 'e1', NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [{ Data: [{ VarCharValue: 'store_id' }, { VarCharValue: 'revenue' }, { VarCharValue: 'lines' }] }, { Data: [{ VarCharValue: 'S001' }, { VarCharValue: '12.30' }, { VarCharValue: '4' }] }],
        },
        NextToken: 'p2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'e1', NextToken: 'p2' })
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [{ Data: [{ VarCharValue: 'S002' }, {}, { VarCharValue: '0' }] }] } });

    const rows = await engine().query('select store_id, sum(net_revenue) revenue, count(*) lines from sales_lines group by 1');
    expect(rows).toEqual([
      { store_id: 'S001', revenue: 12.3, lines: 4 },
      { store_id: 'S002', revenue: null, lines: 0 },
    ]);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0].args[0].input).toMatchObject({
      WorkGroup: 'retail-lake-pipeline',
      QueryExecutionContext: { Database: 'retail_curated' },
    });
    expect(athenaMock.commandCalls(GetQueryExecutionCommand)).toHaveLength(2);
  });

  it('fails with Athena’s reason', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'e2' });
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'x', AthenaError: { ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" } } },
    });
    await expect(engine().query('select nope from sales_lines')).rejects.toThrow("Athena query e2 FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved");
    expect(athenaMock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('fails with a TransientError when Athena says the failure is retryable', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'e4' });
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', AthenaError: { ErrorMessage: 'internal error', Retryable: true } } },
    });
    await expect(engine().query('select 1')).rejects.toBeInstanceOf(TransientError);
  });

  it('gives up after the wait bound', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'e3' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'QUEUED' } } });
    await expect(engine().query('select 1')).rejects.toThrow(/Athena query e3: still running/);
  });
});
