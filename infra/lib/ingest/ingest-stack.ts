import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { LakeStack } from '../lake/lake-stack';
import { handlerEntry } from '../shared/paths';
import { EventStream } from './event-stream';
import { IngestApi } from './ingest-api';

export interface IngestStackProps extends StackProps {
  config: StageConfig;
  lake: LakeStack;
  opsTopic: sns.ITopic;
  /** handler file of a function folder (tests may point at fixtures); default functions/<name>/index.ts */
  entryFor?: (name: string) => string;
}

/** Tills -> API Gateway -> ingest Lambda -> Kinesis -> Firehose -> raw bucket. */
export class IngestStack extends Stack {
  readonly events: EventStream;
  readonly api: IngestApi;

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);
    const buckets = props.lake.bucketsFor(this);
    this.events = new EventStream(this, 'Events', { config: props.config, raw: buckets.raw, key: buckets.key, alarmTopic: props.opsTopic });
    this.api = new IngestApi(this, 'Api', {
      config: props.config,
      stream: this.events.stream,
      alarmTopic: props.opsTopic,
      entry: (props.entryFor ?? handlerEntry)('ingest'),
    });
  }
}
