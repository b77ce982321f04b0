import { App, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { greaterThanPattern } from '../../../../infra/lib/ingest/body-size-limit';
import { IngestApi } from '../../../../infra/lib/ingest/ingest-api';

describe('greaterThanPattern', () => {
  it.each([1, 9, 10, 99, 100, 1000, 5242880, 6291456, 9999999])('matches exactly the integers above %i', (limit) => {
    const re = new RegExp(greaterThanPattern(limit));
    const around = Array.from({ length: 2001 }, (_, i) => limit - 1000 + i).filter((n) => n >= 0);
    const wide = [0, 1, 10, 999, 1_000_000, 5_000_000, 5_242_879, 5_242_881, 6_000_000, 10_485_760, 99_999_999, 123_456_789_012];
    for (const n of [...around, ...wide]) expect({ n, match: re.test(String(n)) }).toEqual({ n, match: n > limit });
    expect(re.test(`000${limit + 1}`)).toBe(true); // leading zeros do not hide a size
    expect(re.test(`000${limit}`)).toBe(false);
    for (const text of ['', 'abc', `${limit + 1}x`, `-${limit + 1}`, ` ${limit + 1}`]) expect(re.test(text)).toBe(false);
  });

  it('fits a WAF regex (at most 512 characters)', () => {
    expect(greaterThanPattern(Number.MAX_SAFE_INTEGER).length).toBeLessThanOrEqual(512);
  });
});

describe('IngestApi', () => {
  it('refuses a body limit a synchronous Lambda cannot take', () => {
    const stack = new Stack(new App(), 'S');
    const props = {
      prefix: 'x',
      stageName: 'dev',
      stream: kinesis.Stream.fromStreamArn(stack, 'Stream', 'arn:aws:kinesis:eu-west-1:111111111111:stream/s'),
      alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:111111111111:t'),
      entry: 'functions/ingest/index.ts',
      logRetention: logs.RetentionDays.ONE_WEEK,
      maxBodyBytes: 6 * 1024 * 1024,
      throttleRateLimit: 1,
      throttleBurstLimit: 1,
      quotaPerDay: 1,
      wafRateLimitPer5Min: 100,
      storeGroups: ['all'],
      curated: s3.Bucket.fromBucketName(stack, 'Curated', 'curated'),
      lakeKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111111111111:key/k'),
    };
    expect(() => new IngestApi(stack, 'Api', props)).toThrow(/maxBodyBytes: at most 5242880/);
  });
});
