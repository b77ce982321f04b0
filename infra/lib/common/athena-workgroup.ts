import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CURATED_PREFIX, QUARANTINE_PREFIX } from '../../../functions/lib/lake-layout';
import { acknowledgeWildcards } from './iam-findings';

export interface AthenaWorkgroupProps {
  /** the workgroup's name */
  readonly name: string;
  /** the workgroup's description */
  readonly description: string;
  /** the bucket query results go to */
  readonly results: s3.IBucket;
  /** key prefix of this workgroup's results in the results bucket */
  readonly resultsPrefix: string;
  /** the key query results are encrypted with (SSE-KMS) */
  readonly key: kms.IKey;
  /**
   * per-query scan limit in bytes
   * @default - none
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * let `cdk destroy` remove the workgroup with its query history
   * @default false
   */
  readonly recursiveDelete?: boolean;
}

/** An Athena workgroup whose settings clients cannot override: engine v3, KMS-encrypted results in the lake. */
export class AthenaWorkgroup extends Construct {
  readonly workgroup: athena.CfnWorkGroup;
  readonly name: string;
  /** where its results go: the bucket, the key prefix and the key that encrypts them */
  readonly results: s3.IBucket;
  readonly resultsPrefix: string;
  readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    this.name = props.name;
    this.results = props.results;
    this.resultsPrefix = props.resultsPrefix;
    this.key = props.key;
    this.workgroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.name,
      description: props.description,
      state: 'ENABLED',
      recursiveDeleteOption: props.recursiveDelete ?? false,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: `s3://${props.results.bucketName}/${props.resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
  }

  get arn(): string {
    return Stack.of(this).formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.name });
  }
}

export interface AthenaQueryAccess {
  /** the workgroup the queries run in */
  readonly workgroup: AthenaWorkgroup;
  /** the Glue database of the curated tables */
  readonly database: string;
  /** the bucket of curated/ */
  readonly curated: s3.IBucket;
  /** the bucket of quarantine/ */
  readonly quarantine: s3.IBucket;
  /**
   * also create/replace views (the pipeline's derived-table refresh)
   * @default false
   */
  readonly writeViews?: boolean;
}

/**
 * What running queries over the curated tables takes: the workgroup's query actions, the catalog entries of the
 * curated database, reading curated/ and quarantine/, writing results to the workgroup's prefix, the lake key.
 */
export function grantAthenaQueries(grantee: iam.IGrantable, access: AthenaQueryAccess): void {
  const { workgroup, database } = access;
  const stack = Stack.of(workgroup);
  const catalog = stack.formatArn({ service: 'glue', resource: 'catalog' });
  const db = stack.formatArn({ service: 'glue', resource: 'database', resourceName: database });
  const tables = stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/*` });
  const add = (statement: iam.PolicyStatement): void => {
    grantee.grantPrincipal.addToPrincipalPolicy(statement);
  };
  add(
    new iam.PolicyStatement({
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
      resources: [workgroup.arn],
    }),
  );
  add(
    new iam.PolicyStatement({
      actions: [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
        ...(access.writeViews ? ['glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable'] : []),
      ],
      resources: [catalog, db, tables],
    }),
  );
  const results = workgroup.results;
  add(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket'], resources: [results.bucketArn, access.curated.bucketArn, access.quarantine.bucketArn] }));
  add(
    new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [results.arnForObjects(`${workgroup.resultsPrefix}*`)],
    }),
  );
  add(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [access.curated.arnForObjects(`${CURATED_PREFIX}*`), access.quarantine.arnForObjects(`${QUARANTINE_PREFIX}*`)],
    }),
  );
  add(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [workgroup.key.keyArn] }));
}

/** The IAM5 acknowledgements that go with grantAthenaQueries, on the policy's scope. */
export function acknowledgeAthenaQueries(scope: Construct, access: AthenaQueryAccess): void {
  const stack = Stack.of(scope);
  acknowledgeWildcards(scope, 'glueCatalog', {
    resources: [stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${access.database}/*` })],
  });
  acknowledgeWildcards(scope, 'athenaObjects', {
    resources: [
      access.workgroup.results.arnForObjects(`${access.workgroup.resultsPrefix}*`),
      access.curated.arnForObjects(`${CURATED_PREFIX}*`),
      access.quarantine.arnForObjects(`${QUARANTINE_PREFIX}*`),
    ],
  });
}
