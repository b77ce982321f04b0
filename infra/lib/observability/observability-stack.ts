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
  config: StageConfig;
  opsTopic: sns.ITopic;
  ingest: IngestStack;
  pipeline: PipelineStack;
  /** the alarms the other stacks' constructs created (each stage ships its own) */
  stageAlarms: cloudwatch.IAlarm[];
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
    this.metricAlarms = new PipelineMetricAlarms(this, 'PipelineMetrics', { config: props.config, alarmTopic: props.opsTopic });
    this.dashboard = new OpsDashboard(this, 'Dashboard', {
      config: props.config,
      ingest: props.ingest,
      pipeline: props.pipeline,
      alarms: [...props.stageAlarms, ...Object.values(this.metricAlarms.alarms)],
    });
  }
}
