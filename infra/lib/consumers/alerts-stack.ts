import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { AlertTopics } from '../common/alert-topics';
import { planLowStockSubscriptions, StoreManagerSubscriptions } from './store-manager-subscriptions';

export interface AlertsStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'prefix' | 'alertEmails' | 'consumers'>;
  /** the lake key, which encrypts the topics */
  readonly key: kms.IKey;
}

/**
 * The consumers' notification side, deployed early because every other stack's alarms publish to its ops topic:
 * the topics, the data team's e-mails, and the store managers' filtered subscriptions, spread over as many
 * low-stock topics as SNS's 200 filter policies per topic require.
 */
export class AlertsStack extends Stack {
  readonly topics: AlertTopics;
  readonly managers: StoreManagerSubscriptions;

  constructor(scope: Construct, id: string, props: AlertsStackProps) {
    super(scope, id, props);
    const plan = planLowStockSubscriptions(props.config.consumers.storeManagers);
    this.topics = new AlertTopics(this, 'Topics', {
      prefix: props.config.prefix,
      key: props.key,
      alertEmails: props.config.alertEmails,
      lowStockShards: plan.shardCount,
    });
    this.managers = new StoreManagerSubscriptions(this, 'StoreManagers', { topics: this.topics.lowStock, subscriptions: plan.subscriptions });
  }
}
