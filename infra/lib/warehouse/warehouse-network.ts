import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Redshift Serverless' default port. */
export const WAREHOUSE_PORT = 5439;

export interface WarehouseNetworkProps {
  /** resource name prefix: the VPC is `<prefix>-warehouse`, its flow logs `/<prefix>/vpc-flow-logs` */
  readonly prefix: string;
  /** the AZs of the isolated subnets (Redshift Serverless needs three) */
  readonly availabilityZones: string[];
  /** how long the flow logs keep events */
  readonly logRetention: logs.RetentionDays;
  /**
   * add the security group of QuickSight's VPC connection, allowed into the warehouse
   * @default false
   */
  readonly allowQuickSight?: boolean;
}

/**
 * A VPC with isolated subnets only (no internet gateway, no NAT): the warehouse is reached through the Redshift Data
 * API and QuickSight's VPC connection, and reaches S3 (COPY with enhanced VPC routing) through a gateway endpoint.
 * Flow logs go to CloudWatch Logs.
 */
export class WarehouseNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly warehouseSecurityGroup: ec2.SecurityGroup;
  /** the VPC's flow log (rejected traffic) */
  readonly flowLogs: logs.LogGroup;
  /** QuickSight's network interfaces, when QuickSight is enabled */
  readonly quickSightSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: WarehouseNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: `${props.prefix}-warehouse`,
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/22'),
      availabilityZones: props.availabilityZones,
      natGateways: 0,
      subnetConfiguration: [{ name: 'warehouse', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 }],
      restrictDefaultSecurityGroup: false, // true adds a custom resource Lambda; nothing uses the default group
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      logGroupName: `/${props.prefix}/vpc-flow-logs`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    this.warehouseSecurityGroup = new ec2.SecurityGroup(this, 'WarehouseSg', {
      vpc: this.vpc,
      description: 'Redshift Serverless workgroup: no inbound rules except from QuickSight when enabled',
      allowAllOutbound: true,
    });
    if (props.allowQuickSight) {
      const qs = new ec2.SecurityGroup(this, 'QuickSightSg', {
        vpc: this.vpc,
        description: 'QuickSight VPC connection: to the warehouse port only',
        allowAllOutbound: false,
      });
      qs.addEgressRule(this.warehouseSecurityGroup, ec2.Port.tcp(WAREHOUSE_PORT), 'to Redshift');
      // QuickSight's interfaces do not track connections: replies from the warehouse need an inbound rule.
      qs.addIngressRule(this.warehouseSecurityGroup, ec2.Port.allTcp(), 'replies from Redshift');
      this.warehouseSecurityGroup.addIngressRule(qs, ec2.Port.tcp(WAREHOUSE_PORT), 'from QuickSight');
      this.quickSightSecurityGroup = qs;
    }
  }
}
