import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export const FIVE_MINUTES = Duration.minutes(5);

export interface OpsAlarmProps {
  alarmName: string;
  alarmDescription: string;
  metric: cloudwatch.IMetric;
  /** where the alarm goes (the ops topic) */
  topic: sns.ITopic;
  /** default 0: any occurrence alarms */
  threshold?: number;
  /** default 1 of 1; falling-behind alarms use 2 of 3 */
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
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
