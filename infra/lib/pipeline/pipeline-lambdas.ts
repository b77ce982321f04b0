import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { duckdbMemoryLimitMb, lambdaBatchLimitBytes, lambdaWorkerThreads, validateBatchLimitBytes } from '../../../functions/lib/pipeline/batch-sizing';
import type { TopicName } from '../../../functions/lib/ports';
import { PIPELINE_STEPS, type PipelineStep } from '../../../functions/pipeline/steps';
import type { LakeBuckets } from '../lake/lake-storage';
import type { AlertTopics } from '../common/alert-topics';
import { acknowledgeWildcards } from '../common/iam-findings';
import { LakeFunction } from '../common/lake-function';
import { acknowledge } from '../common/nag';
import { quickSightDataSetIds } from '../common/quicksight-dataset-ids';
import type { RedshiftWarehouse } from '../warehouse/redshift-warehouse';
import { tagAsWarehouseLoader } from '../warehouse/warehouse-access';
import { acknowledgeAthenaQueries, grantAthenaQueries, type AthenaWorkgroup } from '../common/athena-workgroup';
import type { DuckDbLayer } from './duckdb-layer';

/** Memory of the DuckDB steps unless the stage sets it (MB). */
const DEFAULT_DUCKDB_MEMORY_MB = 3008;
/** Ephemeral storage (/tmp) of the DuckDB steps (MiB): their work folder. */
export const DUCKDB_EPHEMERAL_STORAGE_MIB = 4096;

/** The Powertools service of the pipeline's Lambdas: its metrics (RetailLake/QuarantineRate, ...) carry service=this. */
export const PIPELINE_SERVICE = 'retail-lake-pipeline';

export interface PipelineLambdasProps {
  /** resource name prefix: the functions are `<prefix>-<step>`, the QuickSight datasets `<prefix>-<dataset>` */
  readonly prefix: string;
  /** the lake buckets the steps read and write */
  readonly buckets: LakeBuckets;
  /** the topics the steps publish to; the functions' alarms go to the ops topic */
  readonly topics: AlertTopics;
  /** the warehouse the steps load and query */
  readonly warehouse: RedshiftWarehouse;
  /** the workgroup the steps' Athena queries run in */
  readonly athena: AthenaWorkgroup;
  /** the layer the DuckDB steps load */
  readonly duckdb: DuckDbLayer;
  /** the handler file of a function folder (`pipeline/<step>`) */
  readonly entryFor: (name: string) => string;
  /** the Glue database of the curated tables */
  readonly curatedDatabase: string;
  /** batches larger than this (bytes) are curated by the Glue job; lowered to what the DuckDB Lambdas can
   * take (functions/lib/pipeline/batch-sizing.ts) */
  readonly glueThresholdBytes: number;
  /** stock risk: the safety stock's service level */
  readonly serviceLevel: number;
  /** stock risk: days without a sale after which stock on hand is dead */
  readonly deadStockDays: number;
  /** stock risk: cover above this many lead times is overstock */
  readonly overstockCover: number;
  /** share of a batch quarantined above which data quality is alerted */
  readonly quarantineAlertRate: number;
  /** ISO 4217 code of the totals across stores */
  readonly reportingCurrency: string;
  /**
   * days the quarantine bucket keeps an object (Reconcile checks only the batches it still keeps whole)
   * @default 0 - kept forever
   */
  readonly quarantineRetentionDays?: number;
  /**
   * how long PlanBatch's run lease lasts, in seconds: longer than an execution and its last Task can run
   * @default 0 - no lease
   */
  readonly runLeaseSeconds?: number;
  /**
   * memory of the steps without DuckDB, in MB
   * @default - LakeFunction's default (512)
   */
  readonly memorySize?: number;
  /**
   * memory of the DuckDB steps, in MB
   * @default 3008
   */
  readonly duckdbMemorySize?: number;
  /** how long the functions' logs keep events */
  readonly logRetention: logs.RetentionDays;
  /**
   * the QuickSight datasets exist (RefreshDashboards refreshes them)
   * @default false
   */
  readonly quickSightEnabled?: boolean;
}

/** What the DuckDB steps get: DuckDB's memory_limit, and Validate's and FitForecasts' threads, from their memory
 * (functions/lib/pipeline/batch-sizing.ts). */
export function duckdbEnvironment(memoryMb: number): Record<string, string> {
  const threads = String(lambdaWorkerThreads(memoryMb));
  return { DUCKDB_MEMORY_MB: String(duckdbMemoryLimitMb(memoryMb)), VALIDATE_WORKERS: threads, FORECAST_WORKERS: threads };
}

/** Batches above this go to Glue: the stage's threshold, or less if the DuckDB Lambdas could not take them. */
export function glueThresholdBytes(props: Pick<PipelineLambdasProps, 'glueThresholdBytes' | 'duckdbMemorySize'>): number {
  const lambdaLimit = lambdaBatchLimitBytes({ memoryMb: props.duckdbMemorySize ?? DEFAULT_DUCKDB_MEMORY_MB, ephemeralStorageMiB: DUCKDB_EPHEMERAL_STORAGE_MIB });
  return Math.min(props.glueThresholdBytes, lambdaLimit);
}

/** The environment every pipeline Lambda gets (functions/lib/aws/aws-runtime.ts and functions/lib/pipeline/pipeline-settings.ts read it). */
export function pipelineEnvironment(props: Omit<PipelineLambdasProps, 'duckdb' | 'entryFor'>): Record<string, string> {
  const { buckets, topics, warehouse, athena } = props;
  // one ARN per topic; the low-stock shards' ARNs comma-separated, in shard order (functions/lib/aws/sns-notifier.ts)
  const topicArn = (name: TopicName): string => topics.topicsOf(name).map((t) => t.topicArn).join(',');
  return {
    BUCKET_RAW: buckets.raw.bucketName,
    BUCKET_CURATED: buckets.curated.bucketName,
    BUCKET_QUARANTINE: buckets.quarantine.bucketName,
    TOPIC_LOW_STOCK_ARNS: topicArn('low-stock'),
    TOPIC_DATA_QUALITY_ARN: topicArn('data-quality'),
    TOPIC_OPS_ARN: topicArn('ops'),
    REDSHIFT_WORKGROUP: warehouse.workgroupName,
    REDSHIFT_DATABASE: warehouse.database,
    REDSHIFT_COPY_ROLE_ARN: warehouse.copyRole.roleArn,
    ATHENA_WORKGROUP: athena.name,
    CURATED_DATABASE: props.curatedDatabase,
    ATHENA_RESULTS_BUCKET: buckets.athenaResults.bucketName,
    GLUE_THRESHOLD_BYTES: String(glueThresholdBytes(props)),
    // Validate runs in Lambda for every batch, Glue's too: no batch may outgrow its /tmp
    MAX_BATCH_BYTES: String(validateBatchLimitBytes(DUCKDB_EPHEMERAL_STORAGE_MIB)),
    SERVICE_LEVEL: String(props.serviceLevel),
    DEAD_STOCK_DAYS: String(props.deadStockDays),
    OVERSTOCK_COVER: String(props.overstockCover),
    QUARANTINE_ALERT_RATE: String(props.quarantineAlertRate),
    REPORTING_CURRENCY: props.reportingCurrency,
    QUARANTINE_RETENTION_DAYS: String(props.quarantineRetentionDays ?? 0),
    RUN_LEASE_SECONDS: String(props.runLeaseSeconds ?? 0),
    QUICKSIGHT_ACCOUNT_ID: Stack.of(buckets.raw).account,
    QUICKSIGHT_DATASET_IDS: props.quickSightEnabled ? quickSightDataSetIds(props.prefix).join(',') : '',
    // the one writable folder in Lambda: DuckDB's spill files, scratch, the copy of the lake prefixes a step reads
    WORK_DIR: '/tmp',
  };
}

/** One Lambda per Task of the pipeline (PIPELINE_STEPS of functions/pipeline/steps.ts), each granted what its step touches. */
export class PipelineLambdas extends Construct {
  readonly functions = new Map<string, LakeFunction>();

  constructor(scope: Construct, id: string, props: PipelineLambdasProps) {
    super(scope, id);
    const environment = pipelineEnvironment(props);
    const duckdbMemoryMb = props.duckdbMemorySize ?? DEFAULT_DUCKDB_MEMORY_MB;
    for (const step of PIPELINE_STEPS) {
      const fn = new LakeFunction(this, step.name, {
        functionName: `${props.prefix}-${step.name}`,
        description: step.description,
        entry: props.entryFor(`pipeline/${step.name}`), // functions/pipeline/<name>/index.ts
        serviceName: PIPELINE_SERVICE,
        memorySize: step.duckdb ? duckdbMemoryMb : props.memorySize,
        ephemeralStorageMiB: step.duckdb ? DUCKDB_EPHEMERAL_STORAGE_MIB : undefined,
        timeout: Duration.minutes(step.timeoutMinutes),
        layers: step.duckdb ? [props.duckdb.layer] : undefined,
        withSql: step.sql,
        workers: step.workers ? [...step.workers] : undefined,
        alarmTopic: props.topics.ops,
        logRetention: props.logRetention,
        environment: step.duckdb ? { ...environment, ...duckdbEnvironment(duckdbMemoryMb) } : environment,
      });
      this.grantStep(fn, step, props);
      this.functions.set(step.name, fn);
    }
  }

  get(name: string): LakeFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new RangeError(`no pipeline function ${name}`);
    return fn;
  }

  private grantStep(fn: LakeFunction, step: PipelineStep, props: PipelineLambdasProps): void {
    const { buckets } = props;
    const bucketOf: Record<'raw' | 'quarantine' | 'curated', s3.IBucket> = { raw: buckets.raw, quarantine: buckets.quarantine, curated: buckets.curated };
    const touched: s3.IBucket[] = [];
    for (const zone of step.writes) {
      bucketOf[zone].grantReadWrite(fn.fn);
      bucketOf[zone].grantDelete(fn.fn);
      touched.push(bucketOf[zone]);
    }
    for (const zone of step.reads.filter((z) => !step.writes.includes(z))) {
      bucketOf[zone].grantRead(fn.fn);
      touched.push(bucketOf[zone]);
    }
    if (touched.length > 0) {
      acknowledgeWildcards(fn.role, 'lakeObjects', {
        resources: touched.map((b) => b.arnForObjects('*')),
        actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', ...(step.writes.length ? ['s3:DeleteObject*', 's3:Abort*'] : [])],
      });
      acknowledgeWildcards(fn.role, 'kmsDataKeys', { actions: step.writes.length ? ['kms:GenerateDataKey*', 'kms:ReEncrypt*'] : [] });
    }
    for (const topic of (step.topics ?? []).flatMap((name) => props.topics.topicsOf(name))) topic.grantPublish(fn.fn);
    if (step.athena) {
      const access = { workgroup: props.athena, database: props.curatedDatabase, curated: buckets.curated, quarantine: buckets.quarantine };
      grantAthenaQueries(fn.fn, access);
      acknowledgeAthenaQueries(fn.role, access);
    }
    if (step.warehouse) {
      props.warehouse.grantDataApi(fn.fn);
      tagAsWarehouseLoader(fn.role);
      acknowledge(fn.role, 'redshiftDataStatements');
    }
    if (step.quicksight) {
      const stack = Stack.of(this);
      fn.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['quicksight:CreateIngestion', 'quicksight:DescribeIngestion'],
          resources: quickSightDataSetIds(props.prefix).map((id) => stack.formatArn({ service: 'quicksight', resource: 'dataset', resourceName: id })),
        }),
      );
    }
  }
}

