import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, AssetHashType, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CURATED_COLUMNS } from '../../../functions/lib/curated-schema';
import {
  ACCEPTED_IDS_PREFIX,
  acceptedIdsKey,
  dailyAcceptedIdsPrefix,
  commitIntentKey,
  commitPrefix,
  curateCommitId,
  curatedBatchFileKey,
  curatedPartitionPrefix,
  PRODUCTS_KEY,
  runPrefix,
  runRecordKeys,
  STAGED_EVENTS_GLOB,
  stagingPrefix,
  STORES_KEY,
} from '../../../functions/lib/lake-layout';
import { FIVE_MINUTES, opsAlarm } from '../common/alarms';
import { acknowledgeGrantedWildcards, acknowledgeWildcards } from '../common/iam-findings';
import { localCopyBundling } from '../common/local-bundling';
import { acknowledge } from '../common/nag';
import { projectPath } from '../common/paths';

/** The transform SQL the job runs. `*.duckdb.sql` files are the curate Lambda's alone: the DuckDB half of the dialect
 * mapping (functions.duckdb.sql, see glue/dialect.json), the unnest and the counts the job does in PySpark. */
export function transformSqlFiles(): string[] {
  return readdirSync(projectPath('sql', 'transform'))
    .filter((f) => f.endsWith('.sql') && !f.endsWith('.duckdb.sql'))
    .sort();
}

/** The Python module the job imports; the files it reads sit beside it (spark_dialect.resource_text). */
export const JOB_SUPPORT_MODULE = 'spark_dialect.py';

/**
 * How long a curate job run may take, in minutes: the job's own timeout and its Task's TimeoutSeconds in the state
 * machine (statemachines/pipeline.asl.json, held equal by a test): short enough that, after the longest way to it
 * (PlanBatch, Validate, the data-quality alert), its timeout still parks the batch and releases the lease within the
 * execution's 2 hours (a test sums the path). Without a
 * TimeoutSeconds the local runner cut the Task at its 60-second default and parked a month's batch while its curate
 * still ran; at the Task's timeout Step Functions stops the job run (glue:BatchStopJobRun) before the batch is parked.
 */
export const CURATE_GLUE_TIMEOUT_MINUTES = 90;

/**
 * The files of the job's support zip, by the name the script uses, and where each comes from. They ship as one
 * zip in `--extra-py-files`: Glue puts a zip on the Python path whatever its S3 key, so `import spark_dialect`
 * works although CDK names assets by hash, and the script reads dialect.json and the SQL from the same zip.
 */
export function jobSupportFiles(): Record<string, string> {
  return {
    [JOB_SUPPORT_MODULE]: projectPath('glue', JOB_SUPPORT_MODULE),
    'dialect.json': projectPath('glue', 'dialect.json'),
    ...Object.fromEntries(transformSqlFiles().map((f) => [f, projectPath('sql', 'transform', f)])),
  };
}

const BATCH = '{batch_id}';

/**
 * The job's key layout, rendered from functions/lib/lake-layout.ts so the PySpark script and the Lambdas cannot
 * drift apart: `{batch_id}`, `{table}`, `{date}` and `{month}` are filled in by the script.
 */
export function curateJobArguments(curatedBucket: string): Record<string, string> {
  return {
    '--curated_bucket': curatedBucket,
    '--staged_events_key': `${stagingPrefix(BATCH)}${STAGED_EVENTS_GLOB}`,
    '--accepted_ids_prefix': ACCEPTED_IDS_PREFIX,
    '--accepted_ids_key': acceptedIdsKey('{month}', BATCH),
    '--daily_accepted_ids_prefix': dailyAcceptedIdsPrefix('{date}'),
    '--glue_work_prefix': `${stagingPrefix(BATCH)}glue/`,
    '--curate_record_key': runRecordKeys(runPrefix(BATCH)).curate,
    '--stores_key': STORES_KEY,
    '--products_key': PRODUCTS_KEY,
    '--partition_prefix': curatedPartitionPrefix('{table}' as 'sales_lines', '{date}'),
    '--curated_file_key': curatedBatchFileKey('{table}' as 'sales_lines', '{date}', BATCH),
    '--commit_id': curateCommitId(BATCH),
    '--commit_prefix': commitPrefix(curateCommitId(BATCH)),
    '--commit_intent_key': commitIntentKey(curateCommitId(BATCH)),
    '--sales_lines_columns': Object.keys(CURATED_COLUMNS.sales_lines).join(','),
    '--inventory_events_columns': Object.keys(CURATED_COLUMNS.inventory_events).join(','),
    '--purchase_orders_columns': Object.keys(CURATED_COLUMNS.purchase_orders).join(','),
  };
}

export interface CurateGlueJobProps {
  /** resource name prefix: the job is `<prefix>-curate` */
  readonly prefix: string;
  /** the bucket the job reads staging from and writes curated/ to */
  readonly curated: s3.IBucket;
  /** the lake key: the job's logs, bookmarks and output are encrypted with it */
  readonly key: kms.IKey;
  /** where failed runs and the alarm go */
  readonly alarmTopic: sns.ITopic;
  /**
   * G.1X workers per run
   * @default 2
   */
  readonly numberOfWorkers?: number;
}

/**
 * The Glue (PySpark, Glue 5.0) job that curates batches above GLUE_THRESHOLD_BYTES with the same sql/transform/ SQL:
 * glue/spark_dialect.py, glue/dialect.json and the SQL files ship as one zip in `--extra-py-files` (jobSupportFiles),
 * so every file keeps the name the script uses although CDK stores assets under hash names. Logs,
 * bookmarks and S3 output are encrypted with the lake key (security configuration). A failed, timed-out or errored
 * run notifies the ops topic, and an alarm counts failed runs.
 */
export class CurateGlueJob extends Construct {
  readonly job: glue.PySparkEtlJob;
  readonly role: iam.Role;
  /** encrypts the job's logs, bookmarks and S3 output with the lake key */
  readonly securityConfiguration: glue.SecurityConfiguration;
  readonly failureRule: events.Rule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CurateGlueJobProps) {
    super(scope, id);
    const jobName = `${props.prefix}-curate`;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: `${jobName} Glue job`,
    });
    const glueLogs = this.grantJobAccess(props);

    this.securityConfiguration = new glue.SecurityConfiguration(this, 'Security', {
      securityConfigurationName: jobName,
      cloudWatchEncryption: glue.CloudWatchEncryption.kms(props.key),
      jobBookmarksEncryption: glue.JobBookmarksEncryption.clientSideKms(props.key),
      s3Encryption: glue.S3Encryption.kms(props.key),
    });
    props.key.grantEncryptDecrypt(this.role);

    this.job = new glue.PySparkEtlJob(this, 'Job', {
      jobName,
      description: 'Curates a large batch: sql/transform/ on Spark (same SQL as the curate Lambda)',
      role: this.role,
      glueVersion: glue.GlueVersion.V5_0,
      workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: props.numberOfWorkers ?? 2 },
      script: glue.Code.fromAsset(projectPath('glue', 'curate_batch.py')),
      extraPythonFiles: [this.supportZip()],
      securityConfiguration: this.securityConfiguration,
      maxConcurrentRuns: 1,
      maxRetries: 0, // the state machine retries
      timeout: Duration.minutes(CURATE_GLUE_TIMEOUT_MINUTES),
      defaultArguments: curateJobArguments(props.curated.bucketName),
    });
    this.acknowledgeGrants(props.curated, glueLogs);
    this.failureRule = this.notifyFailedRuns(jobName, props.alarmTopic);
    this.alarm = opsAlarm(this, 'FailedRunsAlarm', {
      alarmName: `${jobName}-failed-runs`,
      alarmDescription: 'Glue curate job runs failed',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: this.failureRule.ruleName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      topic: props.alarmTopic,
    });
  }

  /**
   * The support files as one zip asset. Its hash is taken from the copied files (OUTPUT), so a change to any SQL
   * file ships a new zip; the folder given as the source only anchors the asset.
   */
  private supportZip(): glue.Code {
    const asset = new s3assets.Asset(this, 'SupportFiles', {
      path: projectPath('glue'),
      assetHashType: AssetHashType.OUTPUT,
      bundling: localCopyBundling((outputDir) => {
        for (const [name, source] of Object.entries(jobSupportFiles())) copyFileSync(source, join(outputDir, name));
      }),
    });
    return glue.Code.fromBucket(asset.bucket, asset.s3ObjectKey);
  }

  /** The role's access to the curated bucket, the Glue log groups and Glue's metrics; returns the log groups' ARN. */
  private grantJobAccess(props: CurateGlueJobProps): string {
    props.curated.grantReadWrite(this.role);
    props.curated.grantDelete(this.role);
    const glueLogs = Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws-glue/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
        resources: [glueLogs],
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } } }));
    return glueLogs;
  }

  private acknowledgeGrants(curated: s3.IBucket, glueLogs: string): void {
    acknowledgeWildcards(this.role, 'lakeObjects', {
      resources: [curated.arnForObjects('*')],
      actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'],
    });
    acknowledgeWildcards(this.role, 'kmsDataKeys', { actions: ['kms:GenerateDataKey*', 'kms:ReEncrypt*'] });
    acknowledgeWildcards(this.role, 'glueLogs', { resources: [glueLogs] });
    acknowledge(this.role, 'glueMetrics');
    // glue.Code grants the role read access to the CDK assets bucket holding the script and the support zip.
    acknowledgeGrantedWildcards(this.role, 'glueAssets', (resource) => /:s3:::cdk-[a-z0-9]+-assets-/.test(resource));
  }

  /** An EventBridge rule that sends failed, timed-out and errored runs to the topic. */
  private notifyFailedRuns(jobName: string, topic: sns.ITopic): events.Rule {
    const field = (path: string): string => events.EventField.fromPath(path);
    return new events.Rule(this, 'FailureRule', {
      ruleName: `${jobName}-failed`,
      description: 'Glue curate job run failed, timed out or errored',
      eventPattern: {
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: { jobName: [jobName], state: ['FAILED', 'TIMEOUT', 'ERROR'] },
      },
      targets: [
        new targets.SnsTopic(topic, {
          message: events.RuleTargetInput.fromText(`retail-lake: Glue job ${jobName} run ${field('$.detail.jobRunId')} ${field('$.detail.state')}: ${field('$.detail.message')}`),
        }),
      ],
    });
  }
}
