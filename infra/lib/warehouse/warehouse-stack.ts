import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { LakeStack } from '../lake/lake-stack';
import { projectPath } from '../common/paths';
import { logRetention } from '../common/retention';
import { RedshiftWarehouse } from './redshift-warehouse';
import { WarehouseNetwork } from './warehouse-network';

export interface WarehouseStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'prefix' | 'availabilityZones' | 'removeDataOnDestroy' | 'logRetentionDays' | 'pipeline' | 'warehouse' | 'consumers'>;
  /** the lake: its curated bucket (imported here) and key */
  readonly lake: LakeStack;
  /** where the alarms go */
  readonly opsTopic: sns.ITopic;
}

/** The star-schema warehouse: VPC, Redshift Serverless, COPY role, schema DDL. */
export class WarehouseStack extends Stack {
  readonly network: WarehouseNetwork;
  readonly warehouse: RedshiftWarehouse;

  constructor(scope: Construct, id: string, props: WarehouseStackProps) {
    super(scope, id, props);
    const { config } = props;
    const buckets = props.lake.bucketsFor(this);
    this.network = new WarehouseNetwork(this, 'Network', {
      prefix: config.prefix,
      availabilityZones: config.availabilityZones,
      logRetention: logRetention(config.logRetentionDays),
      allowQuickSight: config.consumers.quicksight.enabled,
    });
    this.warehouse = new RedshiftWarehouse(this, 'Redshift', {
      prefix: config.prefix,
      database: config.warehouse.database,
      adminUsername: config.warehouse.adminUsername,
      baseCapacityRpu: config.warehouse.baseCapacityRpu,
      maxCapacityRpu: config.warehouse.maxCapacityRpu,
      vpc: this.network.vpc,
      securityGroup: this.network.warehouseSecurityGroup,
      key: buckets.key,
      curated: buckets.curated,
      alarmTopic: props.opsTopic,
      ddlEntry: projectPath('infra', 'functions', 'apply-warehouse-ddl', 'index.ts'),
      logRetention: logRetention(config.logRetentionDays),
      // the stage's Lambda size, as the pipeline's non-DuckDB steps use
      ddlMemorySize: config.pipeline.lambdaMemoryMb,
      removeDataOnDestroy: config.removeDataOnDestroy,
      // QuickSight logs in with a password: its read-only user exists only where QuickSight does
      dashboardUser: config.consumers.quicksight.enabled,
      dashboardPasswordRevision: String(this.node.tryGetContext('dashboardPasswordRevision') ?? '1'),
    });
  }
}
