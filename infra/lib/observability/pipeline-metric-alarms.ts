import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { opsAlarm } from '../shared/alarms';
import { METRICS_NAMESPACE } from '../shared/lake-function';
import { PIPELINE_SERVICE } from '../pipeline/pipeline-lambdas';

/** The pipeline's own metrics (Powertools EMF from the pipeline Lambdas: namespace RetailLake, service dimension). */
export const PIPELINE_METRICS = ['QuarantineRate', 'StockoutCount', 'ReconciliationGap'] as const;
export type PipelineMetricName = (typeof PIPELINE_METRICS)[number];

export function pipelineMetric(name: PipelineMetricName, statistic = 'Maximum'): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: PIPELINE_SERVICE },
    statistic,
    period: Duration.hours(1),
  });
}

export interface PipelineMetricAlarmsProps {
  config: StageConfig;
  alarmTopic: sns.ITopic;
}

/** Alarms on what the data says: too much quarantined, too many stock-outs, raw vs curated vs warehouse out of balance. */
export class PipelineMetricAlarms extends Construct {
  readonly alarms: Record<PipelineMetricName, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: PipelineMetricAlarmsProps) {
    super(scope, id);
    const { config } = props;
    const alarm = (name: PipelineMetricName, threshold: number, description: string): cloudwatch.Alarm =>
      opsAlarm(this, name, { alarmName: `${config.prefix}-${name}`, alarmDescription: description, metric: pipelineMetric(name), threshold, topic: props.alarmTopic });
    this.alarms = {
      QuarantineRate: alarm('QuarantineRate', config.pipeline.quarantineAlertRate, 'Share of a batch quarantined above the data-quality threshold'),
      StockoutCount: alarm('StockoutCount', config.observability.stockoutThreshold, 'More store x SKU pairs at critical stock than expected'),
      ReconciliationGap: alarm('ReconciliationGap', config.observability.reconciliationGapThreshold, 'Raw, curated and warehouse counts or revenue disagree'),
    };
  }
}
