import { PublishCommand, SNSClient, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { ConfigurationError, DataError } from '../errors';
import type { Notification, Notifier, TopicName } from '../ports';
import { lowStockShard } from '../risk/low-stock-shard';
import { awsCall } from './sdk-errors';

/**
 * The environment variable that carries each topic's ARN (set by infra/). Low-stock is sharded: its variable
 * holds the shards' ARNs, comma-separated, in shard order.
 */
export const TOPIC_ENV: Record<TopicName, string> = {
  'low-stock': 'TOPIC_LOW_STOCK_ARNS',
  'data-quality': 'TOPIC_DATA_QUALITY_ARN',
  ops: 'TOPIC_OPS_ARN',
};

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
export function snsSubject(subject: string): string {
  const clean = subject.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7E]/g, '?').trim();
  return clean.length > 100 ? `${clean.slice(0, 99)}~` : clean;
}

/**
 * The ARN to publish a notification to: the topic's, or for a sharded topic the shard of the message's `store_id`
 * attribute, the one that holds the filtered subscription of that store's manager.
 */
export function topicArnFor(notification: Notification, env: NodeJS.ProcessEnv): string {
  const envName = TOPIC_ENV[notification.topic];
  const arns = (env[envName] ?? '').split(',').filter((a) => a !== '');
  if (arns.length === 0) throw new ConfigurationError(`SnsNotifier: no topic ARN for "${notification.topic}" (set ${envName})`);
  if (arns.length === 1) return arns[0];
  const storeId = notification.attributes.store_id;
  if (!storeId) throw new DataError(`SnsNotifier: "${notification.topic}" has ${arns.length} shards and the message has no store_id attribute to pick one`);
  return arns[lowStockShard(storeId, arns.length)];
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async publish(notification: Notification): Promise<void> {
    const topicArn = topicArnFor(notification, this.env);
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(notification.attributes)) {
      // SNS rejects empty attribute values; an absent attribute filters the same way.
      if (value === '') continue;
      attributes[name] = { DataType: 'String', StringValue: value };
    }
    await awsCall(`SNS Publish to ${topicArn}`, () =>
      this.sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: snsSubject(notification.subject),
          Message: notification.message,
          MessageAttributes: attributes,
        }),
      ),
    );
  }
}
