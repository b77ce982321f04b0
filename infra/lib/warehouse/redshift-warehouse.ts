import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as redshift from 'aws-cdk-lib/aws-redshiftserverless';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CURATED_PREFIX, FORECAST_PREFIX, REFERENCE_PREFIX } from '../../../functions/lib/lake-layout';
import { acknowledgeWildcards } from '../common/iam-findings';
import { LakeFunction } from '../common/lake-function';
import { acknowledge } from '../common/nag';
import { dataRetention } from '../common/retention';
import { warehouseDdlHash, warehouseDdlProperties } from './warehouse-ddl';

/** The construct id CDK gives the shared Lambda behind every AwsCustomResource in a stack. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

export interface RedshiftWarehouseProps {
  /** resource name prefix: the namespace and the workgroup are `<prefix>`, the DDL Lambda `<prefix>-warehouse-ddl` */
  readonly prefix: string;
  /** the database the namespace creates and the DDL applies to */
  readonly database: string;
  /** the admin user (its password is managed by Secrets Manager) */
  readonly adminUsername: string;
  /** the workgroup's base capacity in RPUs */
  readonly baseCapacityRpu: number;
  /** the workgroup's maximum capacity in RPUs */
  readonly maxCapacityRpu: number;
  /** the VPC whose isolated subnets hold the workgroup */
  readonly vpc: ec2.IVpc;
  /** the workgroup's security group */
  readonly securityGroup: ec2.ISecurityGroup;
  /** the key that encrypts the namespace and the admin secret */
  readonly key: kms.IKey;
  /** the bucket COPY reads curated/ and reference/ from */
  readonly curated: s3.IBucket;
  /** where the DDL Lambda's alarms go */
  readonly alarmTopic: sns.ITopic;
  /** the DDL custom resource handler */
  readonly ddlEntry: string;
  /** how long the DDL Lambda's logs keep events */
  readonly logRetention: logs.RetentionDays;
  /**
   * memory of the DDL Lambda in MB
   * @default 512
   */
  readonly ddlMemorySize?: number;
  /**
   * let `cdk destroy` delete the namespace with its data
   * @default false
   */
  readonly removeDataOnDestroy?: boolean;
}

/**
 * Redshift Serverless: a namespace encrypted with the lake key whose admin password Secrets Manager manages, a
 * workgroup in the isolated subnets (enhanced VPC routing, TLS required, user activity logging), the role COPY uses
 * to read curated/ and reference/, and a custom resource that applies the warehouse migrations and grants.
 */
export class RedshiftWarehouse extends Construct {
  readonly namespace: redshift.CfnNamespace;
  readonly workgroup: redshift.CfnWorkgroup;
  readonly copyRole: iam.Role;
  readonly workgroupName: string;
  readonly database: string;
  /** the admin credentials secret Redshift created (manageAdminPassword) */
  readonly adminSecretArn: string;
  /** the Lambda behind the DDL custom resource */
  readonly ddlHandler: LakeFunction;
  readonly ddl: CustomResource;

  constructor(scope: Construct, id: string, props: RedshiftWarehouseProps) {
    super(scope, id);
    this.workgroupName = props.prefix;
    this.database = props.database;
    this.copyRole = this.createCopyRole(props.curated);
    this.namespace = new redshift.CfnNamespace(this, 'Namespace', {
      namespaceName: props.prefix,
      dbName: this.database,
      adminUsername: props.adminUsername,
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: props.key.keyArn,
      kmsKeyId: props.key.keyArn,
      iamRoles: [this.copyRole.roleArn],
      defaultIamRoleArn: this.copyRole.roleArn,
      logExports: ['userlog', 'connectionlog', 'useractivitylog'],
    });
    this.namespace.applyRemovalPolicy(dataRetention(props).removalPolicy);

    this.workgroup = new redshift.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: this.workgroupName,
      namespaceName: props.prefix,
      baseCapacity: props.baseCapacityRpu,
      maxCapacity: props.maxCapacityRpu,
      enhancedVpcRouting: true,
      publiclyAccessible: false,
      subnetIds: props.vpc.isolatedSubnets.map((s) => s.subnetId),
      securityGroupIds: [props.securityGroup.securityGroupId],
      configParameters: [
        { parameterKey: 'require_ssl', parameterValue: 'true' },
        { parameterKey: 'enable_user_activity_logging', parameterValue: 'true' },
      ],
    });
    this.workgroup.node.addDependency(this.namespace);

    this.adminSecretArn = this.lookUpAdminSecret(props.prefix);
    this.ddlHandler = this.createDdlHandler(props);
    this.ddl = this.applyDdl();
  }

  get workgroupArn(): string {
    return this.workgroup.attrWorkgroupWorkgroupArn;
  }

  /** Lets `grantee` run statements on the workgroup through the Data API with its own IAM identity. */
  grantDataApi(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement', 'redshift-serverless:GetCredentials'],
        resources: [this.workgroupArn],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
        resources: ['*'],
      }),
    );
  }

  /** The role COPY assumes: reads curated/ and reference/. */
  private createCopyRole(curated: s3.IBucket): iam.Role {
    const role = new iam.Role(this, 'CopyRole', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('redshift.amazonaws.com'), new iam.ServicePrincipal('redshift-serverless.amazonaws.com')),
      description: 'Redshift COPY from the curated bucket (curated/ Parquet, reference/ CSV, forecast/ models)',
    });
    curated.grantRead(role, `${CURATED_PREFIX}*`);
    curated.grantRead(role, `${REFERENCE_PREFIX}*`);
    curated.grantRead(role, `${FORECAST_PREFIX}*`);
    acknowledgeWildcards(role, 'lakeObjects', {
      resources: [curated.arnForObjects(`${CURATED_PREFIX}*`), curated.arnForObjects(`${REFERENCE_PREFIX}*`), curated.arnForObjects(`${FORECAST_PREFIX}*`)],
      actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
    });
    return role;
  }

  /** CloudFormation does not return the managed secret's ARN; the namespace API does. */
  private lookUpAdminSecret(prefix: string): string {
    const secretLookup = new cr.AwsCustomResource(this, 'AdminSecretLookup', {
      onUpdate: {
        service: 'RedshiftServerless',
        action: 'getNamespace',
        parameters: { namespaceName: this.namespace.namespaceName },
        physicalResourceId: cr.PhysicalResourceId.of(`${prefix}-admin-secret`),
        outputPaths: ['namespace.adminPasswordSecretArn'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['redshift-serverless:GetNamespace'], resources: [this.namespace.attrNamespaceNamespaceArn] }),
      ]),
      installLatestAwsSdk: false,
    });
    secretLookup.node.addDependency(this.namespace);
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    if (provider) acknowledge(provider, 'awsCustomResourceProvider');
    return secretLookup.getResponseField('namespace.adminPasswordSecretArn');
  }

  /** The custom resource's Lambda: Data API as the admin (the secret), on this workgroup. */
  private createDdlHandler(props: RedshiftWarehouseProps): LakeFunction {
    const handler = new LakeFunction(this, 'DdlHandler', {
      functionName: `${props.prefix}-warehouse-ddl`,
      description: 'Custom resource: applies the migrations of sql/redshift/migrations/ and the warehouse grants through the Data API',
      entry: props.ddlEntry,
      serviceName: 'warehouse-ddl',
      timeout: Duration.minutes(10),
      memorySize: props.ddlMemorySize,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
    });
    this.grantDataApi(handler.fn);
    handler.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.adminSecretArn] }));
    props.key.grantDecrypt(handler.fn);
    acknowledge(handler.role, 'redshiftDataStatements');
    return handler;
  }

  /** The migrations and the grants, applied on every deployment that changes them (as the admin). */
  private applyDdl(): CustomResource {
    const properties = warehouseDdlProperties();
    const ddl = new CustomResource(this, 'Ddl', {
      serviceToken: this.ddlHandler.fn.functionArn,
      resourceType: 'Custom::WarehouseDdl',
      properties: {
        WorkgroupName: this.workgroupName,
        Database: this.database,
        SecretArn: this.adminSecretArn,
        ...properties,
        Hash: warehouseDdlHash(properties),
      },
    });
    ddl.node.addDependency(this.workgroup);
    return ddl;
  }
}
