import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { LakeStack } from '../lake/lake-stack';
import { AthenaWorkgroup } from '../common/athena-workgroup';
import type { WarehouseStack } from '../warehouse/warehouse-stack';
import { AnalystQueries } from './analyst-queries';
import { DASHBOARDS } from '../../../dashboards';
import { QuickSightDashboards } from './quicksight-dashboards';
import { storeRowRules } from './quicksight-row-security';
import { QuickSightWarehouse } from './quicksight-warehouse';
import { StoreAccess, storeAccessGrants } from './store-access';

export interface ConsumersStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'prefix' | 'removeDataOnDestroy' | 'lake' | 'consumers' | 'pipeline'>;
  /** the lake: its buckets (imported here) and key */
  readonly lake: LakeStack;
  /** the warehouse and its network, for QuickSight */
  readonly warehouse: WarehouseStack;
}

/** Analysts (Athena workgroup, named queries), store managers' row-level access (Lake Formation), executives (QuickSight). */
export class ConsumersStack extends Stack {
  readonly analysts: AthenaWorkgroup;
  readonly queries: AnalystQueries;
  readonly storeAccess: StoreAccess;
  readonly quicksight?: QuickSightWarehouse;
  readonly dashboards?: QuickSightDashboards;

  constructor(scope: Construct, id: string, props: ConsumersStackProps) {
    super(scope, id, props);
    const { config } = props;
    const buckets = props.lake.bucketsFor(this);
    const database = config.lake.curatedDatabase;
    this.analysts = new AthenaWorkgroup(this, 'Analysts', {
      name: `${config.prefix}-analysts`,
      description: 'Ad hoc SQL over the curated tables; per-query scan limit enforced',
      results: buckets.athenaResults,
      resultsPrefix: 'analysts/',
      key: buckets.key,
      bytesScannedCutoffPerQuery: config.consumers.analystBytesScannedCutoffMb * 1024 * 1024,
      recursiveDelete: config.removeDataOnDestroy,
    });
    this.queries = new AnalystQueries(this, 'Queries', {
      workgroup: this.analysts,
      database,
      placeholders: { curated_bucket: buckets.curated.bucketName, quarantine_bucket: buckets.quarantine.bucketName },
    });
    this.storeAccess = new StoreAccess(this, 'StoreAccess', {
      database,
      curated: buckets.curated,
      key: buckets.key,
      grants: storeAccessGrants(config.consumers.storeManagers, config.consumers.managerIdentities),
      admins: config.consumers.lakeFormationAdmins,
    });
    const network = props.warehouse.network;
    if (config.consumers.quicksight.enabled && network.quickSightSecurityGroup) {
      const ownerArn = config.consumers.quicksight.principalArn;
      const { managerIdentities, storeManagers } = config.consumers;
      this.quicksight = new QuickSightWarehouse(this, 'QuickSight', {
        prefix: config.prefix,
        ownerArn,
        warehouse: props.warehouse.warehouse,
        secretKey: buckets.key,
        vpc: network.vpc,
        securityGroup: network.quickSightSecurityGroup,
        // the owner sees every store; a manager with a QuickSight user sees their stores (none configured: owner only)
        rowRules: storeRowRules(ownerArn, managerIdentities, storeManagers),
      });
      this.dashboards = new QuickSightDashboards(this, 'Dashboards', {
        prefix: config.prefix,
        ownerArn,
        viewerArns: managerIdentities.flatMap((m) => (m.quickSightUserArn ? [m.quickSightUserArn] : [])),
        dashboards: DASHBOARDS,
        warehouse: this.quicksight,
        reportingCurrency: config.pipeline.reportingCurrency,
      });
    }
  }
}
