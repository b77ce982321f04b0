import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CURATED_PREFIX, QUARANTINE_PREFIX } from '../../../functions/lib/lake-layout';
import { acknowledgeWildcards } from './iam-findings';

export interface AthenaWorkgroupProps {
  name: string;
  description: string;
  results: s3.IBucket;
  /** key prefix of this workgroup's results in the results bucket */
  resultsPrefix: string;
  key: kms.IKey;
  /** per-query scan limit; undefined = none */
  bytesScannedCutoffPerQuery?: number;
  /** let `cdk destroy` remove the workgroup with its query history */
  recursiveDelete: boolean;
}

/** An Athena workgroup whose settings clients cannot override: engine v3, KMS-encrypted results in the lake. */
export class AthenaWorkgroup extends Construct {
  readonly workgroup: athena.CfnWorkGroup;
  readonly name: string;
  readonly props: AthenaWorkgroupProps;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    this.name = props.name;
    this.props = props;
    this.workgroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.name,
      description: props.description,
      state: 'ENABLED',
      recursiveDeleteOption: props.recursiveDelete,
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
  workgroup: AthenaWorkgroup;
  database: string;
  curated: s3.IBucket;
  quarantine: s3.IBucket;
  /** also create/replace views (the pipeline's derived-table refresh) */
  writeViews?: boolean;
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
  const results = workgroup.props.results;
  add(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket'], resources: [results.bucketArn, access.curated.bucketArn, access.quarantine.bucketArn] }));
  add(
    new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [results.arnForObjects(`${workgroup.props.resultsPrefix}*`)],
    }),
  );
  add(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [access.curated.arnForObjects(`${CURATED_PREFIX}*`), access.quarantine.arnForObjects(`${QUARANTINE_PREFIX}*`)],
    }),
  );
  add(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [workgroup.props.key.keyArn] }));
}

/** The IAM5 acknowledgements that go with grantAthenaQueries, on the policy's scope. */
export function acknowledgeAthenaQueries(scope: Construct, access: AthenaQueryAccess): void {
  const stack = Stack.of(scope);
  acknowledgeWildcards(scope, 'glueCatalog', {
    resources: [stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${access.database}/*` })],
  });
  acknowledgeWildcards(scope, 'athenaObjects', {
    resources: [
      access.workgroup.props.results.arnForObjects(`${access.workgroup.props.resultsPrefix}*`),
      access.curated.arnForObjects(`${CURATED_PREFIX}*`),
      access.quarantine.arnForObjects(`${QUARANTINE_PREFIX}*`),
    ],
  });
}
