import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { TopicName } from '../../../functions/lib/ports';

export interface AlertTopicsProps {
  /** resource name prefix: the topics are `<prefix>-<topic name>` */
  readonly prefix: string;
  /** the key the topics are encrypted with */
  readonly key: kms.IKey;
  /**
   * the data team's e-mails, subscribed to the ops and data-quality topics
   * @default - no subscriptions
   */
  readonly alertEmails?: readonly string[];
  /**
   * how many topics share the low-stock alerts (SNS allows 200 filter policies per topic; see
   * infra/lib/consumers/store-manager-subscriptions.ts)
   * @default 1
   */
  readonly lowStockShards?: number;
}

/**
 * The topics the pipeline and the alarms publish to (functions/lib/ports.ts TopicName): low-stock (store managers,
 * filtered by store_id), data-quality and ops (the data team's e-mails). KMS-encrypted, TLS-only publishing.
 * Low-stock is one topic per shard: shard 0 is `<prefix>-low-stock`, shard k `<prefix>-low-stock-<k>`.
 */
export class AlertTopics extends Construct {
  /** the low-stock shards, in shard order (functions/lib/risk/low-stock-shard.ts picks a store's shard) */
  readonly lowStock: readonly sns.Topic[];
  readonly dataQuality: sns.Topic;
  readonly ops: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const topic = (name: string, displayName: string): sns.Topic =>
      new sns.Topic(this, name, {
        topicName: `${props.prefix}-${name}`,
        displayName,
        masterKey: props.key,
        enforceSSL: true,
      });
    const lowStock: TopicName = 'low-stock';
    this.lowStock = Array.from({ length: props.lowStockShards ?? 1 }, (_, shard) =>
      topic(shard === 0 ? lowStock : `${lowStock}-${shard}`, 'Retail lake: low stock'),
    );
    this.dataQuality = topic('data-quality', 'Retail lake: data quality');
    this.ops = topic('ops', 'Retail lake: operations');
    for (const email of props.alertEmails ?? []) {
      this.ops.addSubscription(new subs.EmailSubscription(email));
      this.dataQuality.addSubscription(new subs.EmailSubscription(email));
    }
  }

  /** A topic that is one SNS topic (low-stock is sharded: see `topicsOf`). */
  byName(name: Exclude<TopicName, 'low-stock'>): sns.ITopic {
    return { 'data-quality': this.dataQuality, ops: this.ops }[name];
  }

  /** Every SNS topic a publisher to `name` may need: the low-stock shards, or the one topic. */
  topicsOf(name: TopicName): readonly sns.ITopic[] {
    return name === 'low-stock' ? this.lowStock : [this.byName(name)];
  }
}
