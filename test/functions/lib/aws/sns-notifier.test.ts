import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsNotifier, snsSubject } from '../../../../functions/lib/aws/sns-notifier';
import { lowStockShard } from '../../../../functions/lib/risk/low-stock-shard';

const snsMock = mockClient(SNSClient);
const env = { TOPIC_LOW_STOCK_ARNS: 'arn:aws:sns:eu-west-1:1:low', TOPIC_DATA_QUALITY_ARN: 'arn:dq', TOPIC_OPS_ARN: 'arn:ops' };

beforeEach(() => snsMock.reset());

describe('SnsNotifier', () => {
  it('publishes to the topic named by the environment with String message attributes', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm1' });
    await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), env).publish({
      topic: 'low-stock',
      subject: 'Low stock at S001',
      message: 'SKU-1: 2 days of supply',
      attributes: { store_id: 'S001', severity: 'critical', empty: '' },
    });
    const input = snsMock.commandCalls(PublishCommand)[0].args[0].input;
    expect(input).toEqual({
      TopicArn: 'arn:aws:sns:eu-west-1:1:low',
      Subject: 'Low stock at S001',
      Message: 'SKU-1: 2 days of supply',
      MessageAttributes: {
        store_id: { DataType: 'String', StringValue: 'S001' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
    });
  });

  it("publishes a low-stock message to the shard of its store_id, the one holding its manager's subscription", async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm1' });
    const shards = ['arn:aws:sns:eu-west-1:1:low', 'arn:aws:sns:eu-west-1:1:low-1', 'arn:aws:sns:eu-west-1:1:low-2'];
    const n = new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), { ...env, TOPIC_LOW_STOCK_ARNS: shards.join(',') });
    const stores = Array.from({ length: 30 }, (_, i) => `S${String(i).padStart(3, '0')}`);
    for (const store_id of stores) await n.publish({ topic: 'low-stock', subject: 's', message: 'm', attributes: { store_id, severity: 'high' } });
    const arns = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn);
    expect(arns).toEqual(stores.map((s) => shards[lowStockShard(s, shards.length)]));
    expect(new Set(arns).size).toBe(3);
    // the attributes the filter policies match stay as they are
    expect(snsMock.commandCalls(PublishCommand)[0].args[0].input.MessageAttributes).toEqual({
      store_id: { DataType: 'String', StringValue: 'S000' },
      severity: { DataType: 'String', StringValue: 'high' },
    });
    await expect(n.publish({ topic: 'low-stock', subject: 's', message: 'm', attributes: {} })).rejects.toThrow(/3 shards and the message has no store_id/);
  });

  it('names the missing environment variable', async () => {
    const n = new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), {});
    await expect(n.publish({ topic: 'ops', subject: 's', message: 'm', attributes: {} })).rejects.toThrow('set TOPIC_OPS_ARN');
  });

  it('passes SNS failures through', async () => {
    snsMock.on(PublishCommand).rejects(new Error('AuthorizationError'));
    const n = new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), env);
    await expect(n.publish({ topic: 'data-quality', subject: 's', message: 'm', attributes: {} })).rejects.toThrow('AuthorizationError');
  });

  it('keeps subjects within what SNS accepts', () => {
    expect(snsSubject('a\nb  ')).toBe('a b');
    expect(snsSubject('café')).toBe('caf?');
    const long = snsSubject('x'.repeat(150));
    expect(long).toHaveLength(100);
    expect(long.endsWith('~')).toBe(true);
  });
});
