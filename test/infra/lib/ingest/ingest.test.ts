import { Match, Template } from 'aws-cdk-lib/assertions';
import { RAW_DATA_PREFIX } from '../../../../infra/lib/ingest/event-stream';
import { BODY_TOO_LARGE_KEY, bodyTooLargeMessage, greaterThanPattern } from '../../../../infra/lib/ingest/body-size-limit';
import { INGEST_KEYS_KEY } from '../../../../functions/lib/lake-layout';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

describe('ingest stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  beforeAll(async () => {
    t = await synthesizedStage();
    template = t.templates.ingest;
  });

  it('exposes POST /v1/events behind an API key, a request validator and a JSON model', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'v1' });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'events' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      ApiKeyRequired: true,
      AuthorizationType: 'NONE',
      RequestParameters: { 'method.request.header.Content-Type': true },
      RequestModels: { 'application/json': Match.anyValue() },
      RequestValidatorId: Match.anyValue(),
      Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({ type: 'array', minItems: 1, maxItems: 500 }),
    });
  });

  it('throttles per key with a usage plan per store group, issues no key itself, and logs access as JSON', () => {
    const { ingest } = t.config;
    for (const group of ingest.storeGroups) {
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: `${t.config.prefix}-tills-${group}`,
        Throttle: { RateLimit: ingest.throttleRateLimit, BurstLimit: ingest.throttleBurstLimit },
        Quota: { Limit: ingest.quotaPerDay, Period: 'DAY' },
        ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
      });
    }
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', ingest.storeGroups.length);
    // keys are issued and rotated at run time (docs/deploy.md): none in the template, so rotating needs no deploy
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', ThrottlingRateLimit: ingest.throttleRateLimit })],
    });
  });

  it('puts a WAF web ACL with a per-IP rate limit in front of the stage', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: { Limit: t.config.ingest.wafRateLimitPer5Min, AggregateKeyType: 'IP' } } })]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('answers 413, not 5xx, for a body over the limit that API Gateway would still take (up to 10 MB)', () => {
    const limit = t.config.ingest.maxBodyBytes;
    const [, acl] = resourcesOfType(template, 'AWS::WAFv2::WebACL')[0];
    const rule = (acl.Rules as Record<string, unknown>[]).find((r) => r.Name === 'body-too-large');
    expect(rule).toMatchObject({
      Action: { Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: BODY_TOO_LARGE_KEY } } },
      Statement: { RegexMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'content-length' } }, RegexString: greaterThanPattern(limit) } },
    });
    expect(acl.CustomResponseBodies).toEqual({ [BODY_TOO_LARGE_KEY]: { ContentType: 'APPLICATION_JSON', Content: bodyTooLargeMessage(limit) } });
    // the rule blocks the declared sizes from just over the handler's limit to API Gateway's own 10 MB
    const re = new RegExp(String((rule?.Statement as { RegexMatchStatement: { RegexString: string } }).RegexMatchStatement.RegexString));
    expect([limit, limit + 1, 6 * 1024 * 1024 + 1, 10 * 1024 * 1024].map((n) => re.test(String(n)))).toEqual([false, true, true, true]);
    // the rules' priorities stay distinct
    const priorities = (acl.Rules as { Priority: number }[]).map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    // and API Gateway's own 413 has the API's error shape
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'REQUEST_TOO_LARGE',
      StatusCode: '413',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('body_too_large') },
    });
  });

  it('runs the ingest-api handler with the stream name and Powertools settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'retail-lake-dev-ingest-api',
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          STREAM_NAME: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'ingest-api',
          POWERTOOLS_METRICS_NAMESPACE: 'RetailLake',
          MAX_BODY_BYTES: String(t.config.ingest.maxBodyBytes),
          BUCKET_CURATED: Match.anyValue(),
        }),
      },
    });
  });

  it('lets the handler write only to its stream', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) => id.includes('HandlerRole'));
    const statements = policies.flatMap(([, p]) => (p.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const kinesis = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kinesis:')));
    expect(kinesis.length).toBeGreaterThan(0);
    const [streamId] = resourcesOfType(template, 'AWS::Kinesis::Stream')[0];
    for (const s of kinesis) expect(s.Resource).toEqual({ 'Fn::GetAtt': [streamId, 'Arn'] });
  });

  it('lets the handler read the ingest keys file and no other object of the lake', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) => id.includes('HandlerRole'));
    const statements = policies.flatMap(([, p]) => (p.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => s.Action)).toEqual(['s3:GetObject']);
    const arn = JSON.stringify(s3[0].Resource);
    expect(arn).toContain('retail-lake-dev-curated-');
    expect(arn).toContain(`"/${INGEST_KEYS_KEY}"`);
    expect(statements.some((s) => [s.Action].flat().includes('kms:Decrypt'))).toBe(true);
  });

  it('streams on demand with KMS into Firehose, which writes gzip NDJSON under raw/pos/YYYY/MM/DD/HH/', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
    expect(RAW_DATA_PREFIX).toBe('raw/pos/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/');
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: RAW_DATA_PREFIX,
        ErrorOutputPrefix: Match.stringLikeRegexp('^raw/firehose-errors/!\\{firehose:error-output-type\\}/'),
        CompressionFormat: 'GZIP',
        BufferingHints: { IntervalInSeconds: t.config.ingest.firehoseBufferSeconds, SizeInMBs: t.config.ingest.firehoseBufferMiB },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: Match.anyValue() } },
      }),
    });
  });

  it('alarms on iterator age, write throttling, delivery freshness and Lambda errors, to the ops topic', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, p]) => p);
    const names = alarms.map((a) => a.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining([
        'retail-lake-dev-kinesis-iterator-age',
        'retail-lake-dev-kinesis-write-throttled',
        'retail-lake-dev-firehose-data-freshness',
        'retail-lake-dev-ingest-api-error-rate',
        'retail-lake-dev-ingest-api-throttles',
        'retail-lake-dev-ingest-api-5xx',
      ]),
    );
    for (const a of alarms) expect(JSON.stringify(a.AlarmActions)).toContain('Topicsops');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'retail-lake-dev-kinesis-iterator-age', MetricName: 'GetRecords.IteratorAgeMilliseconds', Threshold: t.config.observability.kinesisIteratorAgeSeconds * 1000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'retail-lake-dev-firehose-data-freshness', MetricName: 'DeliveryToS3.DataFreshness', Threshold: t.config.observability.firehoseFreshnessSeconds });
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.ingest).toEqual([]);
  });
});
