import type { App, Environment } from 'aws-cdk-lib';
import type { StageConfig } from './config';
import { AlertsStack } from './consumers/alerts-stack';
import { ConsumersStack } from './consumers/consumers-stack';
import { IngestStack } from './ingest/ingest-stack';
import { LakeStack } from './lake/lake-stack';
import { ObservabilityStack } from './observability/observability-stack';
import { PipelineStack } from './pipeline/pipeline-stack';
import { WarehouseStack } from './warehouse/warehouse-stack';

export interface RetailLakeOptions {
  /**
   * handler file of a function folder
   * @default - functions/<name>/index.ts
   */
  readonly entryFor?: (name: string) => string;
}

export interface RetailLakeStacks {
  readonly lake: LakeStack;
  readonly alerts: AlertsStack;
  readonly warehouse: WarehouseStack;
  readonly ingest: IngestStack;
  readonly pipeline: PipelineStack;
  readonly consumers: ConsumersStack;
  readonly observability: ObservabilityStack;
}

/** Stack ids: `RetailLake-<Stage>-<Concern>`. */
export function stackId(config: Pick<StageConfig, 'stage'>, concern: string): string {
  return `RetailLake-${config.stage[0].toUpperCase()}${config.stage.slice(1)}-${concern}`;
}

/**
 * The whole deployment, in dependency order: lake (storage, catalog) -> alerts (topics every alarm uses) ->
 * warehouse -> ingest -> pipeline -> consumers -> observability.
 */
export function buildRetailLake(app: App, config: StageConfig, options: RetailLakeOptions = {}): RetailLakeStacks {
  const env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region };
  const tags = { project: 'retail-lake', stage: config.stage };
  const common = { env, tags, config };

  const lake = new LakeStack(app, stackId(config, 'Lake'), { ...common, description: 'retail-lake: key, buckets, Glue catalog, data-event trail' });
  const alerts = new AlertsStack(app, stackId(config, 'Alerts'), { ...common, key: lake.key, description: 'retail-lake: SNS topics and subscriptions' });
  const warehouse = new WarehouseStack(app, stackId(config, 'Warehouse'), {
    ...common,
    lake,
    opsTopic: alerts.topics.ops,
    description: 'retail-lake: VPC, Redshift Serverless, warehouse DDL',
  });
  const ingest = new IngestStack(app, stackId(config, 'Ingest'), {
    ...common,
    lake,
    opsTopic: alerts.topics.ops,
    entryFor: options.entryFor,
    description: 'retail-lake: ingest API, Kinesis, Firehose',
  });
  const pipeline = new PipelineStack(app, stackId(config, 'Pipeline'), {
    ...common,
    lake,
    topics: alerts.topics,
    warehouse: warehouse.warehouse,
    entryFor: options.entryFor,
    description: 'retail-lake: pipeline state machine, Lambdas, Glue job, schedule',
  });
  const consumers = new ConsumersStack(app, stackId(config, 'Consumers'), {
    ...common,
    lake,
    warehouse,
    description: 'retail-lake: analyst workgroup and queries, Lake Formation store filters, QuickSight',
  });
  const observability = new ObservabilityStack(app, stackId(config, 'Observability'), {
    ...common,
    opsTopic: alerts.topics.ops,
    ingest,
    pipeline,
    stageAlarms: [
      ...ingest.api.alarms,
      ...ingest.events.alarms,
      ...pipeline.pipeline.alarms,
      pipeline.curateJob.alarm,
      ...[ingest.api.handler, ...pipeline.functions.functions.values()].flatMap((f) => f.alarms),
    ],
    description: 'retail-lake: operations dashboard and pipeline-metric alarms',
  });
  return { lake, alerts, warehouse, ingest, pipeline, consumers, observability };
}
