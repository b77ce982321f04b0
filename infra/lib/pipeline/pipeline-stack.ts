import { Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { AlertTopics } from '../common/alert-topics';
import type { LakeStack } from '../lake/lake-stack';
import { handlerEntry } from '../common/paths';
import { logRetention } from '../common/retention';
import type { RedshiftWarehouse } from '../warehouse/redshift-warehouse';
import { AthenaWorkgroup } from '../common/athena-workgroup';
import { CurateGlueJob } from './curate-glue-job';
import { DuckDbLayer } from './duckdb-layer';
import { PipelineLambdas } from './pipeline-lambdas';
import { PipelineStateMachine, runLeaseSeconds } from './pipeline-state-machine';

export interface PipelineStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'prefix' | 'logRetentionDays' | 'lake' | 'pipeline' | 'consumers'>;
  /** the lake: its buckets (imported here) and key */
  readonly lake: LakeStack;
  /** the topics the pipeline publishes to; its alarms go to the ops topic */
  readonly topics: AlertTopics;
  /** the warehouse the pipeline loads */
  readonly warehouse: RedshiftWarehouse;
  /**
   * handler file of a function folder (tests may point at fixtures)
   * @default - functions/<name>/index.ts
   */
  readonly entryFor?: (name: string) => string;
}

/** The scheduled pipeline: its Lambdas, the Glue job, the pipeline's Athena workgroup and the state machine. */
export class PipelineStack extends Stack {
  readonly athena: AthenaWorkgroup;
  readonly curateJob: CurateGlueJob;
  readonly functions: PipelineLambdas;
  readonly pipeline: PipelineStateMachine;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { pipeline } = config;
    const buckets = props.lake.bucketsFor(this);
    const retention = logRetention(config.logRetentionDays);
    this.athena = new AthenaWorkgroup(this, 'Athena', {
      name: `${config.prefix}-pipeline`,
      description: 'The pipeline: derived-table refresh and reconciliation queries',
      results: buckets.athenaResults,
      resultsPrefix: 'pipeline/',
      key: buckets.key,
      recursiveDelete: true,
    });
    this.curateJob = new CurateGlueJob(this, 'CurateJob', {
      prefix: config.prefix,
      curated: buckets.curated,
      key: buckets.key,
      alarmTopic: props.topics.ops,
      numberOfWorkers: pipeline.glueWorkers,
    });
    this.functions = new PipelineLambdas(this, 'Functions', {
      prefix: config.prefix,
      buckets,
      topics: props.topics,
      warehouse: props.warehouse,
      athena: this.athena,
      duckdb: new DuckDbLayer(this, 'DuckDb'),
      entryFor: props.entryFor ?? handlerEntry,
      curatedDatabase: config.lake.curatedDatabase,
      glueThresholdBytes: pipeline.glueThresholdBytes,
      serviceLevel: pipeline.serviceLevel,
      deadStockDays: pipeline.deadStockDays,
      overstockCover: pipeline.overstockCover,
      quarantineAlertRate: pipeline.quarantineAlertRate,
      reportingCurrency: pipeline.reportingCurrency,
      quarantineRetentionDays: config.lake.quarantineExpireDays,
      runLeaseSeconds: runLeaseSeconds(),
      memorySize: pipeline.lambdaMemoryMb,
      duckdbMemorySize: pipeline.duckdbMemoryMb,
      logRetention: retention,
      quickSightEnabled: config.consumers.quicksight.enabled,
    });
    this.pipeline = new PipelineStateMachine(this, 'Pipeline', {
      prefix: config.prefix,
      functions: this.functions,
      curateJob: this.curateJob.job,
      topics: props.topics,
      athena: this.athena,
      warehouse: props.warehouse,
      curatedDatabase: config.lake.curatedDatabase,
      curated: buckets.curated,
      quarantine: buckets.quarantine,
      logRetention: retention,
      schedule: events.Schedule.expression(pipeline.schedule),
      scheduleEnabled: pipeline.scheduleEnabled,
    });
  }
}
