import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export const FIVE_MINUTES = Duration.minutes(5);

export interface OpsAlarmProps {
  /** the alarm's name */
  readonly alarmName: string;
  /** what it means when it fires */
  readonly alarmDescription: string;
  /** the metric compared with the threshold */
  readonly metric: cloudwatch.IMetric;
  /** where the alarm goes (the ops topic) */
  readonly topic: sns.ITopic;
  /**
   * the value the metric must exceed
   * @default 0 (any occurrence alarms)
   */
  readonly threshold?: number;
  /**
   * periods evaluated; falling-behind alarms use 2 of 3
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * breaching periods among evaluationPeriods that alarm
   * @default - evaluationPeriods
   */
  readonly datapointsToAlarm?: number;
}

/** An alarm as every stage ships it: above the threshold, missing data is not a failure, notifies the ops topic. */
export function opsAlarm(scope: Construct, id: string, props: OpsAlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    metric: props.metric,
    threshold: props.threshold ?? 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    datapointsToAlarm: props.datapointsToAlarm,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cwActions.SnsAction(props.topic));
  return alarm;
}
