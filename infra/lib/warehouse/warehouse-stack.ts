import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { LakeStack } from '../lake/lake-stack';
import { projectPath } from '../shared/paths';
import { RedshiftWarehouse } from './redshift-warehouse';
import { WarehouseNetwork } from './warehouse-network';

export interface WarehouseStackProps extends StackProps {
  config: StageConfig;
  lake: LakeStack;
  opsTopic: sns.ITopic;
}

/** The star-schema warehouse: VPC, Redshift Serverless, COPY role, schema DDL. */
export class WarehouseStack extends Stack {
  readonly network: WarehouseNetwork;
  readonly warehouse: RedshiftWarehouse;

  constructor(scope: Construct, id: string, props: WarehouseStackProps) {
    super(scope, id, props);
    const buckets = props.lake.bucketsFor(this);
    this.network = new WarehouseNetwork(this, 'Network', { config: props.config });
    this.warehouse = new RedshiftWarehouse(this, 'Redshift', {
      config: props.config,
      vpc: this.network.vpc,
      securityGroup: this.network.warehouseSecurityGroup,
      key: buckets.key,
      curated: buckets.curated,
      alarmTopic: props.opsTopic,
      ddlEntry: projectPath('infra', 'functions', 'apply-warehouse-ddl', 'index.ts'),
    });
  }
}
