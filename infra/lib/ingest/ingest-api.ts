import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_BODY_BYTES_LIMIT, MAX_EVENTS_PER_REQUEST } from '../../../functions/ingest/config';
import { ConfigurationError } from '../../../functions/lib/errors';
import { INGEST_KEYS_KEY } from '../../../functions/lib/lake-layout';
import { FIVE_MINUTES, opsAlarm } from '../common/alarms';
import { LakeFunction } from '../common/lake-function';
import { acknowledge } from '../common/nag';
import { addRequestTooLargeResponse, bodySizeResponseBodies, bodySizeRule } from './body-size-limit';

export interface IngestApiProps {
  /** resource name prefix: names the API, the Lambda, the usage plan, the keys and the web ACL */
  readonly prefix: string;
  /** the API's deployment stage (the path's first segment) */
  readonly stageName: string;
  /** the stream the Lambda writes events to */
  readonly stream: kinesis.IStream;
  /** where the alarms go */
  readonly alarmTopic: sns.ITopic;
  /** the ingest-api handler (functions/ingest/index.ts) */
  readonly entry: string;
  /** how long the access and Lambda logs keep events */
  readonly logRetention: logs.RetentionDays;
  /** largest request body the Lambda accepts, in bytes (at most MAX_BODY_BYTES_LIMIT); larger ones get a 413 */
  readonly maxBodyBytes: number;
  /** steady-state requests per second, for the stage and per API key */
  readonly throttleRateLimit: number;
  /** burst of requests, for the stage and per API key */
  readonly throttleBurstLimit: number;
  /** requests per day per API key */
  readonly quotaPerDay: number;
  /** WAF: requests per 5 minutes from one IP before it is blocked */
  readonly wafRateLimitPer5Min: number;
  /** one usage plan per store group (`<prefix>-tills-<group>`); keys are issued into them, not made here */
  readonly storeGroups: readonly string[];
  /** the curated bucket: the ingest keys file (INGEST_KEYS_KEY) binds each API key id to its stores */
  readonly curated: s3.IBucket;
  /** the lake's KMS key, which encrypts the curated bucket */
  readonly lakeKey: kms.IKey;
}

/** The request model of `application/json`: an array of 1..500 event objects (the event contract, §3). */
export const EVENTS_ARRAY_SCHEMA: apigw.JsonSchema = {
  schema: apigw.JsonSchemaVersion.DRAFT4,
  title: 'PosEvents',
  type: apigw.JsonSchemaType.ARRAY,
  minItems: 1,
  maxItems: MAX_EVENTS_PER_REQUEST,
  items: { type: apigw.JsonSchemaType.OBJECT },
};

/**
 * POST /v1/events: API key + a usage plan per store group (throttle, burst, daily quota per key), the key's stores
 * checked per record by the Lambda against the ingest keys file in the curated bucket, WAF (per-IP rate limit, a 413 for a
 * declared body over the limit, AWS bad-input and IP-reputation rules), request validation (Content-Type header required; JSON bodies must be an array of at
 * most 500 objects; the Lambda checks NDJSON and the body size), JSON access logs, X-Ray, and the ingest Lambda.
 */
export class IngestApi extends Construct {
  readonly api: apigw.RestApi;
  /** the stage's JSON access log */
  readonly accessLogs: logs.LogGroup;
  readonly handler: LakeFunction;
  /** by store group */
  readonly usagePlans: Record<string, apigw.UsagePlan>;
  readonly webAcl: wafv2.CfnWebACL;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    if (props.maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
      throw new ConfigurationError(`ingest maxBodyBytes: at most ${MAX_BODY_BYTES_LIMIT} (what fits a synchronous Lambda invocation), got ${props.maxBodyBytes}`);
    }
    this.handler = new LakeFunction(this, 'Handler', {
      functionName: `${props.prefix}-ingest-api`,
      description: 'POST /v1/events: validates the request, writes events to Kinesis (partition key store_id)',
      entry: props.entry,
      serviceName: 'ingest-api',
      memorySize: 512,
      timeout: Duration.seconds(29),
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      environment: { STREAM_NAME: props.stream.streamName, MAX_BODY_BYTES: String(props.maxBodyBytes), BUCKET_CURATED: props.curated.bucketName },
    });
    props.stream.grantWrite(this.handler.fn);
    // the keys file and nothing else of the lake: one object, read only
    this.handler.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.curated.arnForObjects(INGEST_KEYS_KEY)] }));
    props.lakeKey.grantDecrypt(this.handler.fn);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${props.prefix}-ingest/access`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = this.createRestApi(props);
    this.addEventsMethod();
    addRequestTooLargeResponse(this.api);
    this.usagePlans = Object.fromEntries(
      props.storeGroups.map((group) => [
        group,
        this.api.addUsagePlan(`UsagePlan-${group}`, {
          name: `${props.prefix}-tills-${group}`,
          description: `tills of store group ${group}: their keys are bound to their stores in ${INGEST_KEYS_KEY}`,
          throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
          quota: { limit: props.quotaPerDay, period: apigw.Period.DAY },
          apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
        }),
      ]),
    );

    this.webAcl = this.createWebAcl(props);
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    this.alarms = [
      opsAlarm(this, 'ServerErrorAlarm', {
        alarmName: `${props.prefix}-ingest-api-5xx`,
        alarmDescription: 'The ingest API answered with server errors (events may not have been accepted)',
        metric: this.api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
        topic: props.alarmTopic,
      }),
    ];
  }

  /** The regional REST API with its stage: JSON access logs, X-Ray, stage throttling. */
  private createRestApi(props: IngestApiProps): apigw.RestApi {
    const api = new apigw.RestApi(this, 'Api', {
      restApiName: `${props.prefix}-ingest`,
      description: 'retail-lake ingest API for store tills',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      apiKeySourceType: apigw.ApiKeySourceType.HEADER,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: props.throttleRateLimit,
        throttlingBurstLimit: props.throttleBurstLimit,
      },
    });
    acknowledge(api, 'apiGatewayAccountRole');
    return api;
  }

  /** POST /v1/events to the Lambda: API key required, Content-Type required, JSON bodies checked against the model. */
  private addEventsMethod(): void {
    const validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'body-and-headers',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const eventsModel = this.api.addModel('EventsArray', {
      contentType: 'application/json',
      modelName: 'PosEventsArray',
      schema: EVENTS_ARRAY_SCHEMA,
    });
    const events = this.api.root.addResource('v1').addResource('events');
    const method = events.addMethod('POST', new apigw.LambdaIntegration(this.handler.fn, { proxy: true }), {
      apiKeyRequired: true,
      requestValidator: validator,
      requestParameters: { 'method.request.header.Content-Type': true },
      requestModels: { 'application/json': eventsModel },
    });
    acknowledge(method, 'apiKeysAuthorization', 'apiKeysNotCognito');
  }

  private createWebAcl(props: IngestApiProps): wafv2.CfnWebACL {
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed = (priority: number, name: string): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    return new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.prefix}-ingest`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${props.prefix}-ingest`),
      customResponseBodies: bodySizeResponseBodies(props.maxBodyBytes),
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.wafRateLimitPer5Min, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        bodySizeRule(1, props.maxBodyBytes, visibility('body-too-large')),
        managed(2, 'AWSManagedRulesAmazonIpReputationList'),
        // Not the common rule set: its 8 KB body-size rule would reject legitimate batches of events.
        managed(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
  }
}
