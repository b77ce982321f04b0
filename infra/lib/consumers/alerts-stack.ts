import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { AlertTopics } from '../shared/alert-topics';
import { StoreManagerSubscriptions } from './store-manager-subscriptions';

export interface AlertsStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'prefix' | 'alertEmails' | 'consumers'>;
  /** the lake key, which encrypts the topics */
  readonly key: kms.IKey;
}

/**
 * The consumers' notification side, deployed early because every other stack's alarms publish to its ops topic:
 * the topics, the data team's e-mails, and one filtered subscription per store manager.
 */
export class AlertsStack extends Stack {
  readonly topics: AlertTopics;
  readonly managers: StoreManagerSubscriptions;

  constructor(scope: Construct, id: string, props: AlertsStackProps) {
    super(scope, id, props);
    this.topics = new AlertTopics(this, 'Topics', { prefix: props.config.prefix, key: props.key, alertEmails: props.config.alertEmails });
    this.managers = new StoreManagerSubscriptions(this, 'StoreManagers', {
      topic: this.topics.lowStock,
      managers: props.config.consumers.storeManagers,
    });
  }
}
