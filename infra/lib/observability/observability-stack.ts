import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { IngestStack } from '../ingest/ingest-stack';
import type { PipelineStack } from '../pipeline/pipeline-stack';
import { OpsDashboard } from './ops-dashboard';
import { PipelineMetricAlarms } from './pipeline-metric-alarms';

export interface ObservabilityStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'stage' | 'prefix' | 'pipeline' | 'observability'>;
  /** where the alarms go */
  readonly opsTopic: sns.ITopic;
  /** the ingest side the dashboard shows */
  readonly ingest: IngestStack;
  /** the pipeline the dashboard shows */
  readonly pipeline: PipelineStack;
  /** the alarms the other stacks' constructs created (each stage ships its own) */
  readonly stageAlarms: cloudwatch.IAlarm[];
}

/**
 * The health view: alarms on the pipeline's own metrics and the operations dashboard over every stage. (Each
 * construct that creates a stream, job, function or state machine creates its own alarms; the data-event trail is
 * part of the lake stack, next to the buckets it audits.)
 */
export class ObservabilityStack extends Stack {
  readonly metricAlarms: PipelineMetricAlarms;
  readonly dashboard: OpsDashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.metricAlarms = new PipelineMetricAlarms(this, 'PipelineMetrics', {
      prefix: config.prefix,
      alarmTopic: props.opsTopic,
      thresholds: {
        QuarantineRate: config.pipeline.quarantineAlertRate,
        StockoutCount: config.observability.stockoutThreshold,
        ReconciliationGap: config.observability.reconciliationGapThreshold,
        // every parked batch alarms: its raw objects are out of the lake until someone redrives them
        BatchesParked: 0,
        // percent: the forecast's total over the backtest off by more than a tenth either way
        ForecastBias: 10,
      },
    });
    this.dashboard = new OpsDashboard(this, 'Dashboard', {
      prefix: config.prefix,
      stage: config.stage,
      ingestApi: props.ingest.api.api,
      events: props.ingest.events,
      pipeline: props.pipeline.pipeline,
      functions: props.pipeline.functions,
      curateJob: props.pipeline.curateJob,
      alarms: [...props.stageAlarms, ...Object.values(this.metricAlarms.alarms)],
    });
  }
}
