import { NestedStack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConfigurationError } from '../../../functions/lib/errors';
import { MAX_FILTER_VALUES, type StoreManager } from '../config';

/** Subscriptions per nested stack: CloudFormation allows 500 resources in a stack; keep well under it. */
export const SUBSCRIPTIONS_PER_STACK = 400;

export interface StoreManagerSubscriptionsProps {
  /** the low-stock topic */
  readonly topic: sns.ITopic;
  /** the managers, each subscribed with a filter on their stores */
  readonly managers: readonly StoreManager[];
}

/** The filter policy of one manager: their stores' ids on the `store_id` message attribute. */
export function storeFilterPolicy(storeIds: readonly string[]): Record<string, sns.SubscriptionFilter> {
  if (storeIds.length === 0 || storeIds.length > MAX_FILTER_VALUES) {
    throw new ConfigurationError(`a store filter policy needs 1..${MAX_FILTER_VALUES} store ids, got ${storeIds.length}`);
  }
  return { store_id: sns.SubscriptionFilter.stringFilter({ allowlist: [...storeIds].sort() }) };
}

/**
 * One e-mail subscription per store manager on the low-stock topic, filtered to the manager's stores, so a
 * manager receives the alerts of their own stores only. 1,000 stores means up to 1,000 subscriptions: they live in
 * nested stacks of SUBSCRIPTIONS_PER_STACK.
 */
export class StoreManagerSubscriptions extends Construct {
  readonly subscriptions: sns.Subscription[] = [];

  constructor(scope: Construct, id: string, props: StoreManagerSubscriptionsProps) {
    super(scope, id);
    for (let i = 0; i < props.managers.length; i += SUBSCRIPTIONS_PER_STACK) {
      const chunk = props.managers.slice(i, i + SUBSCRIPTIONS_PER_STACK);
      const nested = new NestedStack(this, `Managers${i / SUBSCRIPTIONS_PER_STACK + 1}`, {
        description: `Low-stock e-mail subscriptions of store managers ${i + 1}-${i + chunk.length}`,
      });
      chunk.forEach((manager, j) => {
        this.subscriptions.push(
          new sns.Subscription(nested, `Manager${i + j + 1}`, {
            topic: props.topic,
            protocol: sns.SubscriptionProtocol.EMAIL,
            endpoint: manager.email,
            filterPolicy: storeFilterPolicy(manager.storeIds),
          }),
        );
      });
    }
  }
}
