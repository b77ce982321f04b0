import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CreateIngestionCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsRuntime, type AwsClients } from '../../../../functions/lib/aws/aws-runtime';
import { lambdaHandler, lambdaRuntime } from '../../../../functions/lib/aws/lambda-runtime';
import type { Runtime } from '../../../../functions/lib/ports';
import { QuickSightDashboards } from '../../../../functions/lib/aws/quicksight-dashboards';

const region = 'eu-west-1';
const clients = (): AwsClients => ({
  s3: new S3Client({ region }),
  sns: new SNSClient({ region }),
  redshiftData: new RedshiftDataClient({ region }),
  athena: new AthenaClient({ region }),
  quickSight: new QuickSightClient({ region }),
});
const env = {
  BUCKET_RAW: 'raw-b',
  BUCKET_QUARANTINE: 'q-b',
  BUCKET_CURATED: 'c-b',
  ATHENA_WORKGROUP: 'wg',
  CURATED_DATABASE: 'retail_curated',
  DEAD_STOCK_DAYS: '14',
  WORK_DIR: '/tmp/work-test',
};

describe('createAwsRuntime', () => {
  const s3Mock = mockClient(S3Client);
  const athenaMock = mockClient(AthenaClient);
  const qsMock = mockClient(QuickSightClient);
  beforeEach(() => {
    s3Mock.reset();
    athenaMock.reset();
    qsMock.reset();
  });

  it('wires the adapters from the environment', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'e' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'integer' }] }, Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '7' }] }] } });
    const rt = createAwsRuntime(env, clients());
    expect(rt.mode).toBe('aws');
    expect(rt.settings.deadStockDays).toBe(14);
    expect(rt.settings.workDir).toBe('/tmp/work-test');
    await rt.store.put('reference/stores/stores.csv', 'x');
    expect(s3Mock.commandCalls(PutObjectCommand)[0].args[0].input.Bucket).toBe('c-b');
    expect(await rt.curatedQuery.query('select 7 n')).toEqual([{ n: 7 }]);
    expect(await rt.dashboards.refresh()).toEqual([]);
  });

  it('requires the bucket variables up front and the others when first used', async () => {
    expect(() => createAwsRuntime({ ...env, BUCKET_CURATED: '' }, clients())).toThrow('environment variable BUCKET_CURATED is not set');
    const rt = createAwsRuntime(env, clients());
    await expect(rt.warehouse.execute(['select 1'])).rejects.toThrow('environment variable REDSHIFT_WORKGROUP is not set');
  });

  it('refreshes every configured QuickSight dataset', async () => {
    qsMock.on(CreateIngestionCommand).resolves({ IngestionId: 'i', IngestionStatus: 'INITIALIZED' });
    const rt = createAwsRuntime({ ...env, QUICKSIGHT_ACCOUNT_ID: '123', QUICKSIGHT_DATASET_IDS: 'a, b' }, clients());
    const started = await rt.dashboards.refresh();
    expect(started).toEqual(['quicksight:a ingestion i INITIALIZED', 'quicksight:b ingestion i INITIALIZED']);
    expect(qsMock.commandCalls(CreateIngestionCommand).map((c) => [c.args[0].input.AwsAccountId, c.args[0].input.DataSetId])).toEqual([
      ['123', 'a'],
      ['123', 'b'],
    ]);
  });

  it('names the ingestion after the refresh time and passes QuickSight errors through', async () => {
    qsMock.on(CreateIngestionCommand).rejects(new Error('ResourceNotFoundException: dataset x'));
    const qs = new QuickSightDashboards(new QuickSightClient({ region }), { accountId: '1', dataSetIds: ['x'] }, () => new Date('2024-03-09T10:11:12Z'));
    await expect(qs.refresh()).rejects.toThrow('ResourceNotFoundException');
    expect(qsMock.commandCalls(CreateIngestionCommand)[0].args[0].input.IngestionId).toBe('retail-lake-20240309101112');
  });
});

describe('lambdaHandler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("gives a step's core the AWS runtime from the environment, built once per container", async () => {
    Object.assign(process.env, env);
    const seen: Runtime[] = [];
    const handler = lambdaHandler(async (state: { n: number }, rt: Runtime) => {
      seen.push(rt);
      return state.n + 1;
    });
    expect(await handler({ n: 1 })).toBe(2);
    expect(await handler({ n: 2 })).toBe(3);
    expect(seen[0].mode).toBe('aws');
    expect(seen[0].settings.deadStockDays).toBe(14);
    expect(seen[1]).toBe(seen[0]);
    expect(await lambdaRuntime()).toBe(seen[0]);
  });
});
