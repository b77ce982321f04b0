import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type PipelineMetricName } from '../../../functions/lib/metric-names';
import { opsAlarm } from '../common/alarms';
import { PIPELINE_SERVICE } from '../pipeline/pipeline-lambdas';

/** One of the pipeline's own metrics (Powertools EMF from the pipeline Lambdas, service dimension). */
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
  /** resource name prefix: the alarms are `<prefix>-<metric>` */
  readonly prefix: string;
  /** where the alarms go */
  readonly alarmTopic: sns.ITopic;
  /** the value of each metric above which its alarm fires */
  readonly thresholds: Readonly<Record<PipelineMetricName, number>>;
}

const DESCRIPTIONS: Record<PipelineMetricName, string> = {
  QuarantineRate: 'Share of a batch quarantined above the data-quality threshold',
  StockoutCount: 'More store x SKU pairs at critical stock than expected',
  ReconciliationGap: 'Run records, quarantine and warehouse counts or revenue disagree (the ops message names the business dates)',
  BatchesParked: 'A batch failed after its retries and was parked (control/parked/): its raw objects wait for a redrive',
  ForecastBias: 'The weekly forecast fit is biased (|bias %| of the selected models over the backtest above the threshold): stock risk over- or under-orders',
};

/** Alarms on what the data says: too much quarantined, too many stock-outs, lake vs warehouse out of balance, a
 * batch parked. */
export class PipelineMetricAlarms extends Construct {
  readonly alarms: Record<PipelineMetricName, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: PipelineMetricAlarmsProps) {
    super(scope, id);
    const alarm = (name: PipelineMetricName, metric: cloudwatch.IMetric = pipelineMetric(name)): cloudwatch.Alarm =>
      opsAlarm(this, name, {
        alarmName: `${props.prefix}-${name}`,
        alarmDescription: DESCRIPTIONS[name],
        metric,
        threshold: props.thresholds[name],
        topic: props.alarmTopic,
      });
    this.alarms = {
      QuarantineRate: alarm('QuarantineRate'),
      StockoutCount: alarm('StockoutCount'),
      ReconciliationGap: alarm('ReconciliationGap'),
      BatchesParked: alarm('BatchesParked'),
      // bias is signed: too high and too low both alarm
      ForecastBias: alarm('ForecastBias', new cloudwatch.MathExpression({ expression: 'ABS(bias)', usingMetrics: { bias: pipelineMetric('ForecastBias') }, label: '|ForecastBias|', period: Duration.hours(1) })),
    };
  }
}
