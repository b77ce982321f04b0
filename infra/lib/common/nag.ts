import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgement {
  /** the rule, e.g. AwsSolutions-IAM5 */
  rule: string;
  /** which findings of the rule: the exact finding for fixed ones, a description for computed ones */
  finding: string;
  /** exact id for findings that do not depend on generated names; computed ones go through iam-findings.ts */
  id?: string;
  reason: string;
}

/**
 * Every cdk-nag (AwsSolutions) finding this app acknowledges, with the reason. Constructs acknowledge by key, so the
 * reasons live in one list that docs/deploy.md reproduces (a test checks that every entry is there).
 */
export const NAG_ACKNOWLEDGEMENTS = {
  xrayTracing: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::* on xray:PutTraceSegments, xray:PutTelemetryRecords (and the X-Ray sampling reads of Step Functions)',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray actions have no resource-level permissions; active tracing on the Lambdas and the state machine needs Resource "*".',
  },
  apiKeysNotCognito: {
    rule: 'AwsSolutions-COG4',
    finding: 'POST /v1/events has no Cognito authorizer',
    id: 'AwsSolutions-COG4',
    reason: 'The callers are store tills (machines), not people: they send an API key (x-api-key, the ingest contract) bound to a usage plan with throttling and a quota, behind WAF rate limiting. There is no user pool to authorize against.',
  },
  apiKeysAuthorization: {
    rule: 'AwsSolutions-APIG4',
    finding: 'POST /v1/events uses API keys, not an authorizer',
    id: 'AwsSolutions-APIG4',
    reason: 'The method requires an API key (apiKeyRequired) tied to a usage plan; the tills have no IAM or Cognito identity to authorize.',
  },
  apiGatewayAccountRole: {
    rule: 'AwsSolutions-IAM4',
    finding: 'AmazonAPIGatewayPushToCloudWatchLogs on the API Gateway account role',
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: 'The account-level role API Gateway uses to write execution logs (APIG6); AWS maintains this managed policy for exactly that purpose.',
  },
  firehoseFromKinesis: {
    rule: 'AwsSolutions-KDF1',
    finding: 'the delivery stream has no server-side encryption of its own',
    id: 'AwsSolutions-KDF1',
    reason: 'A delivery stream whose source is a Kinesis stream cannot enable its own SSE: records are encrypted in the stream (KMS) and written to the raw bucket with SSE-KMS under the lake key.',
  },
  logStreams: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::<log group ARN>:* (logs:CreateLogStream, logs:PutLogEvents) of a Lambda or the Firehose delivery',
    reason: 'Log streams get generated names (one per Lambda execution environment, one per delivery); the grant is limited to the writer’s own log group.',
  },
  lakeObjects: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::arn:<AWS::Partition>:s3:::<lake bucket>/* and the S3 action groups of CDK bucket grants (s3:GetObject*, s3:GetBucket*, s3:List*, s3:DeleteObject*, s3:Abort*)',
    reason: 'The pipeline reads and writes generated keys (batch ids, partitions, part files) under its zones; grants name the lake buckets only, with CDK’s read / write action groups.',
  },
  kmsDataKeys: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Action::kms:GenerateDataKey* and Action::kms:ReEncrypt* on the lake key',
    reason: 'SSE-KMS writes and publishing to the KMS-encrypted topics need GenerateDataKey (and GenerateDataKeyWithoutPlaintext); ReEncrypt* comes with CDK’s encrypt/decrypt grant. The resource is the lake key only.',
  },
  glueCatalog: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/<curated database>/*',
    reason: 'Athena reads the metadata of the curated database’s tables (sales_lines, inventory_events, purchase_orders, quarantine, and the derived tables the pipeline refreshes); no other database.',
  },
  athenaObjects: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::arn:<AWS::Partition>:s3:::<bucket>/<prefix>* for Athena: curated/*, quarantine/* (read) and the workgroup’s results prefix (read/write)',
    reason: 'Athena reads every file of the queried partitions and writes result files with generated names; each grant is limited to one zone prefix of one lake bucket.',
  },
  stateMachineLogDelivery: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::* on the CloudWatch Logs delivery actions CDK grants a logging state machine (logs:CreateLogDelivery, ...)',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Step Functions delivers execution logs through CloudWatch Logs vended-log delivery, whose actions have no resource-level permissions.',
  },
  glueLogs: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws-glue/*',
    reason: 'Glue writes job logs to log groups it names under /aws-glue/ (with the security configuration’s suffix); the grant is limited to that path.',
  },
  glueAssets: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::arn:aws:s3:::cdk-<qualifier>-assets-<AWS::AccountId>-<region>/* on the Glue job role',
    reason: 'The job’s script and its support zip (spark_dialect.py, dialect.json and the sql/transform/ SQL) are CDK file assets; glue.Code grants the job read access to the bootstrap assets bucket that holds them.',
  },
  glueMetrics: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::* on cloudwatch:PutMetricData (condition cloudwatch:namespace = Glue)',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'PutMetricData has no resource-level permissions; the statement is limited to the Glue namespace by condition.',
  },
  redshiftDataStatements: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::* on redshift-data:DescribeStatement, GetStatementResult, CancelStatement',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Statement-level Data API actions have no resource ARN; Redshift only lets a caller see the statements it started itself. Execute/BatchExecute are limited to the workgroup.',
  },
  awsCustomResourceProvider: {
    rule: 'AwsSolutions-IAM4',
    finding: 'AWSLambdaBasicExecutionRole on the Lambda behind AwsCustomResource (the warehouse admin-secret lookup)',
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'CDK’s shared AwsCustomResource Lambda, used once to read the namespace’s admin-secret ARN (CloudFormation does not return it); the managed policy only lets it write its own logs.',
  },
  dashboardUserSecretRotation: {
    rule: 'AwsSolutions-SMG4',
    finding: 'the secret of QuickSight’s warehouse user has no automatic rotation',
    id: 'AwsSolutions-SMG4',
    reason: 'A generated 40-character password of a read-only database user (SELECT on the relations the dashboards read), granted to QuickSight and the DDL custom resource only; it is changed by hand and the custom resource re-run (docs/architecture.md): a rotation Lambda would need a network path into the isolated warehouse.',
  },
  quickSightNetwork: {
    rule: 'AwsSolutions-IAM5',
    finding: 'Resource::* on the EC2 network-interface actions of the QuickSight VPC connection role',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'QuickSight creates and deletes its network interfaces in the warehouse subnets; interface ids are not known in advance (the AWS-documented policy for VPC connections).',
  },
  accessLogsBucket: {
    rule: 'AwsSolutions-S1',
    finding: 'the access-logs bucket has no server access logging',
    id: 'AwsSolutions-S1',
    reason: 'It is the server access log bucket itself; logging it to itself would loop. CloudTrail data events record writes to it.',
  },
} satisfies Record<string, NagAcknowledgement>;

export type NagAcknowledgementKey = keyof typeof NAG_ACKNOWLEDGEMENTS;

/** Acknowledges fixed-id findings on `scope` and its children, with the reasons from the list above. */
export function acknowledge(scope: IConstruct, ...keys: NagAcknowledgementKey[]): void {
  Validations.of(scope).acknowledge(
    ...keys.map((k) => {
      const entry: NagAcknowledgement = NAG_ACKNOWLEDGEMENTS[k];
      if (!entry.id) throw new RangeError(`nag acknowledgement ${k} has computed findings: use acknowledgeWildcards`);
      return { id: entry.id, reason: entry.reason };
    }),
  );
}
