import { NestedStack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConfigurationError } from '../../../functions/lib/errors';
import type { StoreManager } from '../../../functions/lib/reference/store-managers';
import { lowStockShard } from '../../../functions/lib/risk/low-stock-shard';
import { AWS_QUOTAS } from '../common/quotas';

/** Subscriptions per nested stack: CloudFormation allows 500 resources in a stack; keep well under it. */
export const SUBSCRIPTIONS_PER_STACK = 400;

/** The most low-stock shards tried before the store list is refused (1,000 stores need about 7). */
export const MAX_LOW_STOCK_SHARDS = 50;

/** One filtered e-mail subscription: those of a manager's stores whose alerts go to one low-stock shard. */
export interface ManagerSubscription {
  /** the manager's e-mail address (the endpoint) */
  readonly email: string;
  /** the manager's 1-based position in the manager list (names the construct) */
  readonly manager: number;
  /** the low-stock shard (topic) subscribed to */
  readonly shard: number;
  /** the stores of this manager on that shard: the filter policy's `store_id` values */
  readonly storeIds: readonly string[];
}

/** How the store managers' subscriptions spread over the low-stock shards. */
export interface LowStockPlan {
  readonly shardCount: number;
  readonly subscriptions: readonly ManagerSubscription[];
}

/** The filter policy of one subscription: the stores' ids on the `store_id` message attribute. */
export function storeFilterPolicy(storeIds: readonly string[]): Record<string, sns.SubscriptionFilter> {
  const max = AWS_QUOTAS.snsFilterPolicyValues;
  if (storeIds.length === 0 || storeIds.length > max) {
    throw new ConfigurationError(`a store filter policy needs 1..${max} store ids, got ${storeIds.length}`);
  }
  return { store_id: sns.SubscriptionFilter.stringFilter({ allowlist: [...storeIds].sort() }) };
}

/** Each manager's stores grouped by the shard lowStockShard gives them: one subscription per (manager, shard). */
function subscriptionsOver(managers: readonly StoreManager[], shardCount: number): ManagerSubscription[] {
  return managers.flatMap((m, i) => {
    const byShard = new Map<number, string[]>();
    for (const id of m.storeIds) {
      const shard = lowStockShard(id, shardCount);
      byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
    }
    return [...byShard.entries()].sort(([a], [b]) => a - b).map(([shard, storeIds]) => ({ email: m.email, manager: i + 1, shard, storeIds }));
  });
}

/**
 * The fewest low-stock shards such that no shard holds more than `maxPerTopic` filtered subscriptions (SNS's
 * filter policies per topic), and the subscriptions over them. A store list small enough for one topic keeps one.
 */
export function planLowStockSubscriptions(managers: readonly StoreManager[], maxPerTopic: number = AWS_QUOTAS.snsFilterPoliciesPerTopic): LowStockPlan {
  for (let shardCount = Math.max(1, Math.ceil(managers.length / maxPerTopic)); shardCount <= MAX_LOW_STOCK_SHARDS; shardCount++) {
    const subscriptions = subscriptionsOver(managers, shardCount);
    const perShard = new Array<number>(shardCount).fill(0);
    for (const s of subscriptions) perShard[s.shard]++;
    if (Math.max(...perShard) <= maxPerTopic) return { shardCount, subscriptions };
  }
  throw new ConfigurationError(`${managers.length} store managers need more than ${MAX_LOW_STOCK_SHARDS} low-stock topics of ${maxPerTopic} filter policies each`);
}

export interface StoreManagerSubscriptionsProps {
  /** the low-stock shards, in shard order */
  readonly topics: readonly sns.ITopic[];
  /** the subscriptions, each on the shard it names (planLowStockSubscriptions) */
  readonly subscriptions: readonly ManagerSubscription[];
}

/**
 * The store managers' e-mail subscriptions on the low-stock shards, each filtered to the manager's stores on that
 * shard, so a manager receives the alerts of their own stores only. 1,000 stores means up to 1,000 subscriptions:
 * they live in nested stacks of SUBSCRIPTIONS_PER_STACK.
 */
export class StoreManagerSubscriptions extends Construct {
  readonly subscriptions: sns.Subscription[] = [];

  constructor(scope: Construct, id: string, props: StoreManagerSubscriptionsProps) {
    super(scope, id);
    for (let i = 0; i < props.subscriptions.length; i += SUBSCRIPTIONS_PER_STACK) {
      const chunk = props.subscriptions.slice(i, i + SUBSCRIPTIONS_PER_STACK);
      const nested = new NestedStack(this, `Managers${i / SUBSCRIPTIONS_PER_STACK + 1}`, {
        description: `Low-stock e-mail subscriptions of store managers ${chunk[0].manager}-${chunk[chunk.length - 1].manager}`,
      });
      for (const s of chunk) {
        const topic = props.topics[s.shard];
        if (!topic) throw new ConfigurationError(`subscription of ${s.email} names low-stock shard ${s.shard}; there are ${props.topics.length}`);
        // shard 0's ids are those of the unsharded topic, so a stage that fits one topic keeps its subscriptions
        this.subscriptions.push(
          new sns.Subscription(nested, `Manager${s.manager}${s.shard === 0 ? '' : `Shard${s.shard}`}`, {
            topic,
            protocol: sns.SubscriptionProtocol.EMAIL,
            endpoint: s.email,
            filterPolicy: storeFilterPolicy(s.storeIds),
          }),
        );
      }
    }
  }
}
