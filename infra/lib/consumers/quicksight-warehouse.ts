import { Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DatasetDefinition } from '../../../dashboards/datasets';
import { isDirectQuery } from '../../../dashboards/definition';
import { ConfigurationError } from '../../../functions/lib/errors';
import { acknowledge } from '../common/nag';
import type { RedshiftWarehouse } from '../warehouse/redshift-warehouse';
import { WAREHOUSE_PORT } from '../warehouse/warehouse-network';
import { quickSightDataSetId, quickSightRowSecurityDataSetId, rowSecurityStoreColumns } from '../common/quicksight-dataset-ids';
import { QUICKSIGHT_COLUMN_TYPE, QUICKSIGHT_DATASETS } from './quicksight-datasets';
import { RULE_COLUMNS, RULE_FIELDS, storeRowRulesSql, type StoreRowRule } from './quicksight-row-security';

const DATA_SOURCE_ACTIONS = [
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
  'quicksight:UpdateDataSource',
  'quicksight:DeleteDataSource',
  'quicksight:UpdateDataSourcePermissions',
];
/**
 * The role QuickSight reads data-source secrets with: it creates it when an admin first allows Secrets Manager
 * (Manage QuickSight > Security & permissions), granting GetSecretValue on the secrets chosen there, not kms:Decrypt.
 */
export const QUICKSIGHT_SECRETS_ROLE_NAME = 'aws-quicksight-secretsmanager-role-v0';

const DATA_SET_ACTIONS = [
  'quicksight:DescribeDataSet',
  'quicksight:DescribeDataSetPermissions',
  'quicksight:PassDataSet',
  'quicksight:DescribeIngestion',
  'quicksight:ListIngestions',
  'quicksight:UpdateDataSet',
  'quicksight:DeleteDataSet',
  'quicksight:CreateIngestion',
  'quicksight:CancelIngestion',
  'quicksight:UpdateDataSetPermissions',
];

/** QuickSight's login: the warehouse must have been built with its read-only user. */
function dashboardUserSecret(props: QuickSightWarehouseProps): secretsmanager.ISecret {
  const secret = props.warehouse.dashboardUserSecret;
  if (!secret) throw new ConfigurationError('QuickSight needs the warehouse built with its read-only user (RedshiftWarehouse dashboardUser)');
  return secret;
}

export interface QuickSightWarehouseProps {
  /** resource name prefix: names the VPC connection, the data source and the dataset ids */
  readonly prefix: string;
  /** the QuickSight user or group that owns the data source and the datasets */
  readonly ownerArn: string;
  /** the warehouse the datasets query */
  readonly warehouse: RedshiftWarehouse;
  /** the key that encrypts the warehouse's secrets (the lake key) */
  readonly secretKey: kms.IKey;
  /** the warehouse's VPC; QuickSight's network interfaces go into its isolated subnets */
  readonly vpc: ec2.IVpc;
  /** the group QuickSight's network interfaces use (allowed into the warehouse on its port) */
  readonly securityGroup: ec2.ISecurityGroup;
  /** who sees which stores' rows (quicksight-row-security.ts): applied to every dataset with a store column */
  readonly rowRules: readonly StoreRowRule[];
}

/**
 * QuickSight on the warehouse: a VPC connection into the isolated subnets, a Redshift data source over TLS, and one
 * dataset per dashboard dataset (dashboards/datasets.ts), owned by the configured QuickSight principal: SPICE, or
 * DIRECT_QUERY for a definition with `queryMode: 'direct_query'` (its visuals' queries go to Redshift with their
 * filters; custom SQL and row-level security work in both modes; only SPICE datasets are refreshed). Datasets
 * with a store column get row-level security from a rules dataset (user or group, store) per store column. The
 * account must already have a QuickSight subscription; stages without one leave `consumers.quicksight.enabled` off.
 */
export class QuickSightWarehouse extends Construct {
  /** the role QuickSight manages its network interfaces with */
  readonly vpcConnectionRole: iam.Role;
  readonly vpcConnection: quicksight.CfnVPCConnection;
  readonly dataSource: quicksight.CfnDataSource;
  readonly dataSets: quicksight.CfnDataSet[];
  /** the row-level-security rules datasets, by the store column they restrict */
  readonly rowSecurityDataSets: Record<string, quicksight.CfnDataSet>;
  /** every dashboard dataset's ARN by dataset name (what the dashboards' definitions declare) */
  readonly dataSetArnByName: Record<string, string>;
  /** what QuickSight's secrets role may read: the dashboard user's secret, and the key through Secrets Manager */
  readonly secretAccess: iam.Policy;

  constructor(scope: Construct, id: string, props: QuickSightWarehouseProps) {
    super(scope, id);
    this.vpcConnectionRole = this.createVpcConnectionRole();
    this.vpcConnection = new quicksight.CfnVPCConnection(this, 'VpcConnection', {
      awsAccountId: Stack.of(this).account,
      vpcConnectionId: `${props.prefix}-warehouse`,
      name: `${props.prefix} warehouse`,
      roleArn: this.vpcConnectionRole.roleArn,
      subnetIds: props.vpc.isolatedSubnets.map((s) => s.subnetId),
      securityGroupIds: [props.securityGroup.securityGroupId],
    });
    this.secretAccess = this.allowQuickSightToReadSecret(props);
    this.dataSource = this.createDataSource(props);
    this.dataSource.node.addDependency(this.secretAccess);
    this.rowSecurityDataSets = Object.fromEntries(rowSecurityStoreColumns(QUICKSIGHT_DATASETS).map((c) => [c, this.createRowSecurityDataSet(props, c)]));
    this.dataSets = QUICKSIGHT_DATASETS.map((dataset) => this.createDataSet(props, dataset));
    this.dataSetArnByName = Object.fromEntries(QUICKSIGHT_DATASETS.map((d, i) => [d.name, this.dataSets[i].attrArn]));
  }

  private createVpcConnectionRole(): iam.Role {
    const networkRole = new iam.Role(this, 'VpcConnectionRole', {
      assumedBy: new iam.ServicePrincipal('quicksight.amazonaws.com'),
      description: 'QuickSight manages its network interfaces in the warehouse subnets',
    });
    networkRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:DeleteNetworkInterface', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
        resources: ['*'],
      }),
    );
    acknowledge(networkRole, 'quickSightNetwork');
    return networkRole;
  }

  /**
   * QuickSight's secrets role may read the dashboard user's secret (only that one: never the admin's) and decrypt it
   * with the lake key through Secrets Manager (the console grants no kms:Decrypt, and the secret uses the lake key).
   */
  private allowQuickSightToReadSecret(props: QuickSightWarehouseProps): iam.Policy {
    const secret = dashboardUserSecret(props);
    const stack = Stack.of(this);
    return new iam.Policy(this, 'SecretAccess', {
      roles: [iam.Role.fromRoleName(this, 'SecretsRole', QUICKSIGHT_SECRETS_ROLE_NAME)],
      statements: [
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secretKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
        }),
      ],
    });
  }

  /** Over TLS, as the read-only dashboard user (never the admin: its secret could write and drop everything). */
  private createDataSource(props: QuickSightWarehouseProps): quicksight.CfnDataSource {
    const { warehouse } = props;
    const secret = dashboardUserSecret(props);
    return new quicksight.CfnDataSource(this, 'DataSource', {
      awsAccountId: Stack.of(this).account,
      dataSourceId: `${props.prefix}-warehouse`,
      name: `${props.prefix} warehouse`,
      type: 'REDSHIFT',
      dataSourceParameters: {
        redshiftParameters: {
          host: warehouse.workgroup.attrWorkgroupEndpointAddress,
          port: WAREHOUSE_PORT,
          database: warehouse.database,
        },
      },
      credentials: { secretArn: secret.secretArn },
      sslProperties: { disableSsl: false },
      vpcConnectionProperties: { vpcConnectionArn: this.vpcConnection.attrArn },
      permissions: [{ principal: props.ownerArn, actions: DATA_SOURCE_ACTIONS }],
    });
  }

  private createDataSet(props: QuickSightWarehouseProps, dataset: DatasetDefinition): quicksight.CfnDataSet {
    const store = dataset.filterColumns.store;
    return new quicksight.CfnDataSet(this, `DataSet-${dataset.name}`, {
      awsAccountId: Stack.of(this).account,
      dataSetId: quickSightDataSetId(props.prefix, dataset),
      name: dataset.title,
      importMode: isDirectQuery(dataset) ? 'DIRECT_QUERY' : 'SPICE',
      physicalTableMap: {
        // physical table ids allow letters, digits and hyphens only (the dataset names have underscores)
        [dataset.name.replace(/_/g, '-')]: {
          customSql: {
            dataSourceArn: this.dataSource.attrArn,
            name: dataset.name,
            sqlQuery: dataset.sql,
            columns: dataset.columns.map((c) => ({ name: c.name, type: QUICKSIGHT_COLUMN_TYPE[c.type] })),
          },
        },
      },
      ...(store ? { rowLevelPermissionDataSet: { arn: this.rowSecurityDataSets[store].attrArn, permissionPolicy: 'GRANT_ACCESS', formatVersion: 'VERSION_2' } } : {}),
      permissions: [{ principal: props.ownerArn, actions: DATA_SET_ACTIONS }],
    });
  }

  /**
   * The rules as literal rows in custom SQL (they change only with the config, on deploy); SPICE, refreshed with the
   * dashboard datasets. Redshift folds the column names to lower case: the logical table renames them to the field
   * names QuickSight's row-level security reads (UserARN, GroupARN).
   */
  private createRowSecurityDataSet(props: QuickSightWarehouseProps, storeColumn: string): quicksight.CfnDataSet {
    const physicalId = `rls-${storeColumn.replace(/_/g, '-')}`;
    const rename = (columnName: string, newColumnName: string): quicksight.CfnDataSet.TransformOperationProperty => ({ renameColumnOperation: { columnName, newColumnName } });
    return new quicksight.CfnDataSet(this, `RowSecurity-${storeColumn}`, {
      awsAccountId: Stack.of(this).account,
      dataSetId: quickSightRowSecurityDataSetId(props.prefix, storeColumn),
      name: `Store access rules (${storeColumn})`,
      importMode: 'SPICE',
      physicalTableMap: {
        [physicalId]: {
          customSql: {
            dataSourceArn: this.dataSource.attrArn,
            name: `store_access_${storeColumn}`,
            sqlQuery: storeRowRulesSql(props.rowRules, storeColumn),
            columns: [RULE_COLUMNS.user, RULE_COLUMNS.group, storeColumn].map((name) => ({ name, type: 'STRING' })),
          },
        },
      },
      logicalTableMap: {
        [physicalId]: {
          alias: `store_access_${storeColumn}`,
          source: { physicalTableId: physicalId },
          dataTransforms: [rename(RULE_COLUMNS.user, RULE_FIELDS.user), rename(RULE_COLUMNS.group, RULE_FIELDS.group)],
        },
      },
      permissions: [{ principal: props.ownerArn, actions: DATA_SET_ACTIONS }],
    });
  }
}
