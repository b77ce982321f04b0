import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { lowStockShard } from '../../../../functions/lib/risk/low-stock-shard';
import { managersFromStores, type StoreManager } from '../../../../functions/lib/reference/store-managers';
import {
  planLowStockSubscriptions,
  StoreManagerSubscriptions,
  SUBSCRIPTIONS_PER_STACK,
  storeFilterPolicy,
} from '../../../../infra/lib/consumers/store-manager-subscriptions';
import { AlertTopics } from '../../../../infra/lib/common/alert-topics';
import { AWS_QUOTAS } from '../../../../infra/lib/common/quotas';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The alerts stack's topics and subscriptions for these managers, as AlertsStack composes them. */
function alertsFor(managers: readonly StoreManager[]): { stack: Stack; topics: AlertTopics; subs: StoreManagerSubscriptions } {
  // CloudFormation's validation runs in test/infra/bin/stage-variants.test.ts; here it would only cost time
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'S');
  const plan = planLowStockSubscriptions(managers);
  const topics = new AlertTopics(stack, 'Topics', { prefix: 'p', key: new kms.Key(stack, 'K'), lowStockShards: plan.shardCount });
  const subs = new StoreManagerSubscriptions(stack, 'Managers', { topics: topics.lowStock, subscriptions: plan.subscriptions });
  return { stack, topics, subs };
}

/** Every subscription of the nested stacks as { topic name, endpoint, store ids }, its TopicArn followed to the parent's topic. */
function subscriptionsByTopicName(stack: Stack, subs: StoreManagerSubscriptions): { topic: string; endpoint: string; stores: string[] }[] {
  const assembly = App.of(stack)!.synth(); // once: Template.fromStack would synthesize again per stack
  const read = (file: string): Resources => (JSON.parse(readFileSync(join(assembly.directory, file), 'utf8')) as { Resources: Resources }).Resources;
  const parent = read(stack.templateFile);
  return subs.node.children
    .filter((c): c is NestedStack => NestedStack.isNestedStack(c))
    .flatMap((nested) => {
      const params = parent[stack.resolve(nested.nestedStackResource!.logicalId) as string].Properties.Parameters as Record<string, { Ref: string }>;
      return Object.values(read(nested.templateFile))
        .filter((r) => r.Type === 'AWS::SNS::Subscription')
        .map((r) => {
          const p = r.Properties as { TopicArn: { Ref: string }; Endpoint: string; FilterPolicy: { store_id: string[] } };
          return { topic: String(parent[params[p.TopicArn.Ref].Ref].Properties.TopicName), endpoint: p.Endpoint, stores: p.FilterPolicy.store_id };
        });
    });
}

describe('alerts stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  beforeAll(async () => {
    t = await synthesizedStage();
    template = t.templates.alerts;
  });

  it('creates the three topics, KMS-encrypted, TLS-only', () => {
    const topics = resourcesOfType(template, 'AWS::SNS::Topic').map(([, p]) => p);
    expect(topics.map((p) => p.TopicName).sort()).toEqual(['retail-lake-dev-data-quality', 'retail-lake-dev-low-stock', 'retail-lake-dev-ops']);
    for (const p of topics) expect(p.KmsMasterKeyId).toBeDefined();
    for (const [, p] of resourcesOfType(template, 'AWS::SNS::TopicPolicy')) {
      expect(JSON.stringify(p.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('subscribes the data team to ops and data-quality', () => {
    const subs = resourcesOfType(template, 'AWS::SNS::Subscription').map(([, p]) => p);
    expect(subs).toHaveLength(2 * t.config.alertEmails.length);
    for (const s of subs) expect(t.config.alertEmails).toContain(s.Endpoint);
  });

  it('gives each store manager one e-mail subscription filtered on their stores', () => {
    const nested = t.nestedTemplates.alerts;
    expect(nested).toHaveLength(1);
    const subs = nested[0];
    // stores.sample.csv: S003 and S004 share a manager
    subs.resourceCountIs('AWS::SNS::Subscription', 4);
    subs.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'manager.central@chicago.stores.example.com',
      FilterPolicy: { store_id: ['S003', 'S004'] },
    });
    subs.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'manager.s001@seattle.stores.example.com', FilterPolicy: { store_id: ['S001'] }, TopicArn: Match.anyValue() });
  });

  it('groups stores by manager and caps a filter policy at 150 values', () => {
    expect(managersFromStores([{ store_id: 'S2', manager_email: 'a@x.io' }, { store_id: 'S1', manager_email: 'a@x.io' }, { store_id: 'S3', manager_email: 'b@x.io' }])).toEqual([
      { email: 'a@x.io', storeIds: ['S1', 'S2'] },
      { email: 'b@x.io', storeIds: ['S3'] },
    ]);
    expect(() => storeFilterPolicy(Array.from({ length: AWS_QUOTAS.snsFilterPolicyValues + 1 }, (_, i) => `S${i}`))).toThrow(/1\.\.150 store ids/);
    expect(() => storeFilterPolicy([])).toThrow();
  });

  it('shards 1,000 managers over low-stock topics of at most 200 filter policies, each store on the shard the notifier picks', () => {
    const managers = Array.from({ length: 1000 }, (_, i) => ({ email: `m${i}@stores.example.com`, storeIds: [`S${String(i).padStart(4, '0')}`] }));
    const { stack, topics, subs } = alertsFor(managers);
    const shards = topics.lowStock.length;
    expect(shards).toBeGreaterThanOrEqual(Math.ceil(1000 / AWS_QUOTAS.snsFilterPoliciesPerTopic));
    const names = topics.lowStock.map((_, k) => (k === 0 ? 'p-low-stock' : `p-low-stock-${k}`));
    const found = subscriptionsByTopicName(stack, subs);
    expect(found).toHaveLength(1000);
    for (const name of names) expect(found.filter((f) => f.topic === name).length).toBeLessThanOrEqual(AWS_QUOTAS.snsFilterPoliciesPerTopic);
    for (const f of found) for (const store of f.stores) expect(f.topic).toBe(names[lowStockShard(store, shards)]);
    // nested stacks keep well under CloudFormation's 500 resources
    const nested = subs.node.children.filter((c): c is Stack => Stack.isStack(c));
    expect(nested).toHaveLength(Math.ceil(1000 / SUBSCRIPTIONS_PER_STACK));
  });

  it("splits a manager's stores over the shards: one subscription per shard holding any of them", () => {
    const managers = Array.from({ length: 400 }, (_, i) => ({ email: `m${i}@stores.example.com`, storeIds: [`S${i}`] }));
    const regional = { email: 'region@stores.example.com', storeIds: Array.from({ length: 100 }, (_, i) => `R${i}`) };
    const plan = planLowStockSubscriptions([...managers, regional]);
    const mine = plan.subscriptions.filter((s) => s.email === regional.email);
    expect(mine.length).toBe(plan.shardCount);
    expect(mine.flatMap((s) => s.storeIds).sort()).toEqual([...regional.storeIds].sort());
    for (const s of mine) for (const store of s.storeIds) expect(lowStockShard(store, plan.shardCount)).toBe(s.shard);
  });

  it('keeps one low-stock topic, and the subscription ids of an unsharded stage, while the managers fit', () => {
    const managers = Array.from({ length: AWS_QUOTAS.snsFilterPoliciesPerTopic }, (_, i) => ({ email: `m${i}@stores.example.com`, storeIds: [`S${i}`, `T${i}`] }));
    const { topics, subs } = alertsFor(managers);
    expect(topics.lowStock).toHaveLength(1);
    expect(subs.subscriptions.map((s) => s.node.id)).toEqual(managers.map((_, i) => `Manager${i + 1}`));
    expect(planLowStockSubscriptions([...managers, { email: 'one-more@stores.example.com', storeIds: ['U1'] }]).shardCount).toBeGreaterThan(1);
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.alerts).toEqual([]);
  });
});
