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
}

/**
 * The three topics the pipeline and the alarms publish to (functions/lib/ports.ts TopicName): low-stock (store
 * managers, filtered by store_id), data-quality and ops (the data team's e-mails). KMS-encrypted, TLS-only publishing.
 */
export class AlertTopics extends Construct {
  readonly lowStock: sns.Topic;
  readonly dataQuality: sns.Topic;
  readonly ops: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const topic = (name: TopicName, displayName: string): sns.Topic =>
      new sns.Topic(this, name, {
        topicName: `${props.prefix}-${name}`,
        displayName,
        masterKey: props.key,
        enforceSSL: true,
      });
    this.lowStock = topic('low-stock', 'Retail lake: low stock');
    this.dataQuality = topic('data-quality', 'Retail lake: data quality');
    this.ops = topic('ops', 'Retail lake: operations');
    for (const email of props.alertEmails ?? []) {
      this.ops.addSubscription(new subs.EmailSubscription(email));
      this.dataQuality.addSubscription(new subs.EmailSubscription(email));
    }
  }

  byName(name: TopicName): sns.ITopic {
    return { 'low-stock': this.lowStock, 'data-quality': this.dataQuality, ops: this.ops }[name];
  }
}
