import { AthenaClient } from '@aws-sdk/client-athena';
import { QuickSightClient } from '@aws-sdk/client-quicksight';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { settingsFromEnv } from '../pipeline/pipeline-settings';
import { workPaths } from '../pipeline/work-dir';
import type { Runtime } from '../ports';
import { AthenaQueryEngine } from './athena-query-engine';
import { EmfMetricsPublisher } from './emf-metrics';
import { requireEnv } from './env';
import { dataSetIdsFromEnv, QuickSightDashboards } from './quicksight-dashboards';
import { RedshiftDataWarehouse } from './redshift-data-warehouse';
import { S3LakeFiles } from './s3-lake-files';
import { S3ObjectStore } from './s3-object-store';
import { SnsNotifier } from './sns-notifier';

/** SDK clients, injectable for tests; by default built from the Lambda environment (region, credentials). */
export interface AwsClients {
  s3: S3Client;
  sns: SNSClient;
  redshiftData: RedshiftDataClient;
  athena: AthenaClient;
  quickSight: QuickSightClient;
}

const defaultClients = (): AwsClients => ({
  s3: new S3Client({}),
  sns: new SNSClient({}),
  redshiftData: new RedshiftDataClient({}),
  athena: new AthenaClient({}),
  quickSight: new QuickSightClient({}),
});

/**
 * The AWS adapters behind the handlers' ports, configured by the environment infra/ sets on every pipeline
 * Lambda: BUCKET_RAW, BUCKET_QUARANTINE, BUCKET_CURATED, TOPIC_*_ARN, REDSHIFT_WORKGROUP, REDSHIFT_DATABASE,
 * ATHENA_WORKGROUP, CURATED_DATABASE, QUICKSIGHT_ACCOUNT_ID + QUICKSIGHT_DATASET_IDS (empty: no QuickSight) and
 * the pipeline settings (RISK_*_DAYS, QUARANTINE_ALERT_RATE, GLUE_THRESHOLD_BYTES). The buckets are required up front; the others are checked when first used, so a
 * function that never queries Athena does not need its settings.
 */
export function createAwsRuntime(env: NodeJS.ProcessEnv, clients: AwsClients = defaultClients()): Runtime {
  const store = new S3ObjectStore(clients.s3, {
    raw: requireEnv(env, 'BUCKET_RAW'),
    quarantine: requireEnv(env, 'BUCKET_QUARANTINE'),
    curated: requireEnv(env, 'BUCKET_CURATED'),
  });
  let warehouse: RedshiftDataWarehouse | undefined;
  const redshift = (): RedshiftDataWarehouse =>
    (warehouse ??= new RedshiftDataWarehouse(clients.redshiftData, {
      workgroupName: requireEnv(env, 'REDSHIFT_WORKGROUP'),
      database: requireEnv(env, 'REDSHIFT_DATABASE'),
    }));
  let athena: AthenaQueryEngine | undefined;
  const curated = (): AthenaQueryEngine =>
    (athena ??= new AthenaQueryEngine(clients.athena, {
      workGroup: requireEnv(env, 'ATHENA_WORKGROUP'),
      database: requireEnv(env, 'CURATED_DATABASE'),
    }));
  const settings = settingsFromEnv(env);
  return {
    mode: 'aws',
    store,
    files: new S3LakeFiles(store, workPaths(settings.workDir).lake),
    notifier: new SnsNotifier(clients.sns, env),
    // async wrappers: a missing setting surfaces as a rejected promise, like any other port failure
    warehouse: {
      execute: async (statements) => redshift().execute(statements),
      query: async (sql) => redshift().query(sql),
    },
    curatedQuery: { query: async (sql) => curated().query(sql) },
    dashboards: {
      refresh: async () => {
        const dataSetIds = dataSetIdsFromEnv(env.QUICKSIGHT_DATASET_IDS);
        if (dataSetIds.length === 0) return [];
        const accountId = requireEnv(env, 'QUICKSIGHT_ACCOUNT_ID');
        return new QuickSightDashboards(clients.quickSight, { accountId, dataSetIds }).refresh();
      },
    },
    metrics: new EmfMetricsPublisher(env),
    settings,
  };
}
