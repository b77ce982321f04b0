import { PublishCommand, SNSClient, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { ConfigurationError } from '../errors';
import type { Notification, Notifier, TopicName } from '../ports';
import { awsCall } from './sdk-errors';

/** The environment variable that carries each topic's ARN (set by infra/). */
export const TOPIC_ENV: Record<TopicName, string> = {
  'low-stock': 'TOPIC_LOW_STOCK_ARN',
  'data-quality': 'TOPIC_DATA_QUALITY_ARN',
  ops: 'TOPIC_OPS_ARN',
};

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
export function snsSubject(subject: string): string {
  const clean = subject.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7E]/g, '?').trim();
  return clean.length > 100 ? `${clean.slice(0, 99)}~` : clean;
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async publish(notification: Notification): Promise<void> {
    const envName = TOPIC_ENV[notification.topic];
    const topicArn = this.env[envName];
    if (!topicArn) throw new ConfigurationError(`SnsNotifier: no topic ARN for "${notification.topic}" (set ${envName})`);
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
