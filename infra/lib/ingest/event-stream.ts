import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { RAW_PREFIX } from '../../../functions/lib/lake-layout';
import { FIVE_MINUTES, opsAlarm } from '../common/alarms';
import { acknowledgeWildcards } from '../common/iam-findings';
import { acknowledge } from '../common/nag';

/** Firehose's arrival-time layout, the `raw/pos/YYYY/MM/DD/HH/` of docs/architecture.md §4 (UTC). */
export const RAW_DATA_PREFIX = `${RAW_PREFIX}!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/`;
/** Records Firehose could not deliver, by error type, kept in the raw zone so they can be redriven. */
export const RAW_ERROR_PREFIX = 'raw/firehose-errors/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/';

export interface EventStreamProps {
  /** resource name prefix: the stream is `<prefix>-pos-events`, the delivery stream `<prefix>-pos-raw` */
  readonly prefix: string;
  /** the bucket Firehose delivers to */
  readonly raw: s3.IBucket;
  /** the key Firehose encrypts the delivered objects with */
  readonly key: kms.IKey;
  /** where the alarms go */
  readonly alarmTopic: sns.ITopic;
  /** how long the delivery error log keeps events */
  readonly logRetention: logs.RetentionDays;
  /**
   * how long the stream keeps records
   * @default Duration.hours(24)
   */
  readonly streamRetention?: Duration;
  /**
   * Firehose delivers at least this often
   * @default Duration.seconds(300)
   */
  readonly bufferingInterval?: Duration;
  /**
   * or when this much has arrived
   * @default Size.mebibytes(5)
   */
  readonly bufferingSize?: Size;
  /** alarm when the oldest unread record of the stream is older than this */
  readonly iteratorAgeThreshold: Duration;
  /** alarm when the oldest record not yet delivered to the raw bucket is older than this */
  readonly freshnessThreshold: Duration;
}

/**
 * Kinesis (on-demand, KMS) -> Firehose -> the raw bucket as gzip NDJSON under arrival-time prefixes, with the alarms
 * that say it is falling behind: iterator age, write throttling, delivery freshness.
 */
export class EventStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly delivery: firehose.DeliveryStream;
  /** Firehose's delivery error log */
  readonly deliveryLogs: logs.LogGroup;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: EventStreamProps) {
    super(scope, id);
    // The AWS-managed key (aws/kinesis): producers and Firehose need no key grants, and AwsSolutions-KDS3 asks for it.
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamName: `${props.prefix}-pos-events`,
      streamMode: kinesis.StreamMode.ON_DEMAND,
      encryption: kinesis.StreamEncryption.MANAGED,
      retentionPeriod: props.streamRetention ?? Duration.hours(24),
    });
    this.deliveryLogs = new logs.LogGroup(this, 'DeliveryLogs', {
      logGroupName: `/aws/kinesisfirehose/${props.prefix}-pos-raw`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.delivery = this.createDelivery(props);
    this.alarms = this.createAlarms(props);
  }

  /** Firehose from the stream to raw/, gzip, encrypted with the lake key, errors logged. */
  private createDelivery(props: EventStreamProps): firehose.DeliveryStream {
    const delivery = new firehose.DeliveryStream(this, 'Delivery', {
      deliveryStreamName: `${props.prefix}-pos-raw`,
      source: new firehose.KinesisStreamSource(this.stream),
      destination: new firehose.S3Bucket(props.raw, {
        dataOutputPrefix: RAW_DATA_PREFIX,
        errorOutputPrefix: RAW_ERROR_PREFIX,
        compression: firehose.Compression.GZIP,
        bufferingInterval: props.bufferingInterval ?? Duration.seconds(300),
        bufferingSize: props.bufferingSize ?? Size.mebibytes(5),
        encryptionKey: props.key,
        loggingConfig: new firehose.EnableLogging(this.deliveryLogs),
      }),
    });
    acknowledge(delivery, 'firehoseFromKinesis');
    acknowledgeWildcards(delivery, 'lakeObjects', {
      resources: [props.raw.arnForObjects('*')],
      actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'],
    });
    acknowledgeWildcards(delivery, 'kmsDataKeys', { actions: ['kms:GenerateDataKey*', 'kms:ReEncrypt*'] });
    acknowledgeWildcards(delivery, 'logStreams', { resources: [`${this.deliveryLogs.logGroupArn}:*`] });
    return delivery;
  }

  private createAlarms(props: EventStreamProps): cloudwatch.Alarm[] {
    const { prefix } = props;
    const topic = props.alarmTopic;
    return [
      opsAlarm(this, 'IteratorAgeAlarm', {
        alarmName: `${prefix}-kinesis-iterator-age`,
        alarmDescription: 'Firehose is falling behind the POS stream (oldest unread record age)',
        metric: this.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: FIVE_MINUTES }),
        threshold: props.iteratorAgeThreshold.toMilliseconds(),
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        topic,
      }),
      opsAlarm(this, 'WriteThrottleAlarm', {
        alarmName: `${prefix}-kinesis-write-throttled`,
        alarmDescription: 'PutRecords was throttled by the POS stream',
        metric: this.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period: FIVE_MINUTES }),
        topic,
      }),
      opsAlarm(this, 'DataFreshnessAlarm', {
        alarmName: `${prefix}-firehose-data-freshness`,
        alarmDescription: 'The oldest record not yet delivered to the raw bucket is older than expected',
        metric: this.delivery.metric('DeliveryToS3.DataFreshness', { statistic: 'Maximum', period: FIVE_MINUTES }),
        threshold: props.freshnessThreshold.toSeconds(),
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        topic,
      }),
    ];
  }
}
