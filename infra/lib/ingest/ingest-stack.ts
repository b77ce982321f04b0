import { Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { LakeStack } from '../lake/lake-stack';
import { handlerEntry } from '../common/paths';
import { logRetention } from '../common/retention';
import { EventStream } from './event-stream';
import { IngestApi } from './ingest-api';

export interface IngestStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'stage' | 'prefix' | 'logRetentionDays' | 'ingest' | 'observability'>;
  /** the lake: its raw bucket (imported here) and key */
  readonly lake: LakeStack;
  /** where the alarms go */
  readonly opsTopic: sns.ITopic;
  /**
   * handler file of a function folder (tests may point at fixtures)
   * @default - functions/<name>/index.ts
   */
  readonly entryFor?: (name: string) => string;
}

/** Tills -> API Gateway -> ingest Lambda -> Kinesis -> Firehose -> raw bucket. */
export class IngestStack extends Stack {
  readonly events: EventStream;
  readonly api: IngestApi;

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { ingest, observability } = config;
    const buckets = props.lake.bucketsFor(this);
    this.events = new EventStream(this, 'Events', {
      prefix: config.prefix,
      raw: buckets.raw,
      key: buckets.key,
      alarmTopic: props.opsTopic,
      logRetention: logRetention(config.logRetentionDays),
      streamRetention: Duration.hours(ingest.streamRetentionHours),
      bufferingInterval: Duration.seconds(ingest.firehoseBufferSeconds),
      bufferingSize: Size.mebibytes(ingest.firehoseBufferMiB),
      iteratorAgeThreshold: Duration.seconds(observability.kinesisIteratorAgeSeconds),
      freshnessThreshold: Duration.seconds(observability.firehoseFreshnessSeconds),
    });
    this.api = new IngestApi(this, 'Api', {
      prefix: config.prefix,
      stageName: config.stage,
      stream: this.events.stream,
      alarmTopic: props.opsTopic,
      entry: (props.entryFor ?? handlerEntry)('ingest'),
      logRetention: logRetention(config.logRetentionDays),
      maxBodyBytes: ingest.maxBodyBytes,
      throttleRateLimit: ingest.throttleRateLimit,
      throttleBurstLimit: ingest.throttleBurstLimit,
      quotaPerDay: ingest.quotaPerDay,
      wafRateLimitPer5Min: ingest.wafRateLimitPer5Min,
      storeGroups: ingest.storeGroups,
      curated: buckets.curated,
      lakeKey: buckets.key,
    });
  }
}
