import { Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { acknowledge } from '../shared/nag';
import type { RedshiftWarehouse } from '../warehouse/redshift-warehouse';
import { WAREHOUSE_PORT } from '../warehouse/warehouse-network';
import { quickSightDataSetId } from '../shared/quicksight-dataset-ids';
import { QUICKSIGHT_COLUMN_TYPE, QUICKSIGHT_DATASETS } from './quicksight-datasets';

const DATA_SOURCE_ACTIONS = [
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
  'quicksight:UpdateDataSource',
  'quicksight:DeleteDataSource',
  'quicksight:UpdateDataSourcePermissions',
];
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

export interface QuickSightWarehouseProps {
  config: StageConfig;
  warehouse: RedshiftWarehouse;
  vpc: ec2.IVpc;
  /** the group QuickSight's network interfaces use (allowed into the warehouse on its port) */
  securityGroup: ec2.ISecurityGroup;
}

/**
 * QuickSight on the warehouse: a VPC connection into the isolated subnets, a Redshift data source over TLS, and one
 * SPICE dataset per dashboard dataset (dashboards/datasets.ts), owned by the configured QuickSight principal. The
 * account must already have a QuickSight subscription; stages without one leave `consumers.quicksight.enabled` off.
 */
export class QuickSightWarehouse extends Construct {
  readonly vpcConnection: quicksight.CfnVPCConnection;
  readonly dataSource: quicksight.CfnDataSource;
  readonly dataSets: quicksight.CfnDataSet[];

  constructor(scope: Construct, id: string, props: QuickSightWarehouseProps) {
    super(scope, id);
    const { config, warehouse } = props;
    const account = Stack.of(this).account;
    const principal = config.consumers.quicksight.principalArn;

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

    this.vpcConnection = new quicksight.CfnVPCConnection(this, 'VpcConnection', {
      awsAccountId: account,
      vpcConnectionId: `${config.prefix}-warehouse`,
      name: `${config.prefix} warehouse`,
      roleArn: networkRole.roleArn,
      subnetIds: props.vpc.isolatedSubnets.map((s) => s.subnetId),
      securityGroupIds: [props.securityGroup.securityGroupId],
    });

    this.dataSource = new quicksight.CfnDataSource(this, 'DataSource', {
      awsAccountId: account,
      dataSourceId: `${config.prefix}-warehouse`,
      name: `${config.prefix} warehouse`,
      type: 'REDSHIFT',
      dataSourceParameters: {
        redshiftParameters: {
          host: warehouse.workgroup.attrWorkgroupEndpointAddress,
          port: WAREHOUSE_PORT,
          database: warehouse.database,
        },
      },
      credentials: { secretArn: warehouse.adminSecretArn },
      sslProperties: { disableSsl: false },
      vpcConnectionProperties: { vpcConnectionArn: this.vpcConnection.attrArn },
      permissions: [{ principal, actions: DATA_SOURCE_ACTIONS }],
    });

    this.dataSets = QUICKSIGHT_DATASETS.map((dataset) => {
      const dataSetId = quickSightDataSetId(config.prefix, dataset);
      return new quicksight.CfnDataSet(this, `DataSet-${dataset.name}`, {
        awsAccountId: account,
        dataSetId,
        name: dataset.title,
        importMode: 'SPICE',
        physicalTableMap: {
          [dataset.name]: {
            customSql: {
              dataSourceArn: this.dataSource.attrArn,
              name: dataset.name,
              sqlQuery: dataset.sql,
              columns: dataset.columns.map((c) => ({ name: c.name, type: QUICKSIGHT_COLUMN_TYPE[c.type] })),
            },
          },
        },
        permissions: [{ principal, actions: DATA_SET_ACTIONS }],
      });
    });
  }
}
