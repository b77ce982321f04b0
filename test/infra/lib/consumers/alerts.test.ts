import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MAX_FILTER_VALUES, managersFromStores } from '../../../../infra/lib/config';
import { StoreManagerSubscriptions, SUBSCRIPTIONS_PER_STACK, storeFilterPolicy } from '../../../../infra/lib/consumers/store-manager-subscriptions';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

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
    expect(() => storeFilterPolicy(Array.from({ length: MAX_FILTER_VALUES + 1 }, (_, i) => `S${i}`))).toThrow(/1\.\.150 store ids/);
    expect(() => storeFilterPolicy([])).toThrow();
  });

  it('spreads 1,000 managers over nested stacks of at most 400 subscriptions', () => {
    // the splitting is under test here; CloudFormation schema validation of these subscriptions runs in
    // app-synth.test.ts's synth of the stage, and over 1,000 of them it costs half a minute
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'S');
    const topic = new sns.Topic(stack, 'T');
    const managers = Array.from({ length: 1000 }, (_, i) => ({ email: `m${i}@stores.example.com`, storeIds: [`S${i}`] }));
    const subs = new StoreManagerSubscriptions(stack, 'Managers', { topic, managers });
    const nested = subs.node.children.filter((c): c is Stack => Stack.isStack(c));
    expect(nested).toHaveLength(Math.ceil(1000 / SUBSCRIPTIONS_PER_STACK));
    expect(nested.map((n) => Object.keys(Template.fromStack(n).findResources('AWS::SNS::Subscription')).length)).toEqual([400, 400, 200]);
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.alerts).toEqual([]);
  });
});
