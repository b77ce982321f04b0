import { Fn, Stack } from 'aws-cdk-lib';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import { Construct } from 'constructs';
import type { DashboardDefinition } from '../../../dashboards/definition';
import { quickSightDefinition, type QuickSightDefinition } from './quicksight-definition';
import { QUICKSIGHT_DATASETS } from './quicksight-datasets';
import type { QuickSightWarehouse } from './quicksight-warehouse';

/** What the owner of an analysis may do (QuickSight's owner actions for analyses). */
const ANALYSIS_OWNER_ACTIONS = [
  'quicksight:RestoreAnalysis',
  'quicksight:UpdateAnalysisPermissions',
  'quicksight:DeleteAnalysis',
  'quicksight:DescribeAnalysisPermissions',
  'quicksight:QueryAnalysis',
  'quicksight:DescribeAnalysis',
  'quicksight:UpdateAnalysis',
];
/** What a dashboard's viewers may do. */
const DASHBOARD_VIEWER_ACTIONS = ['quicksight:DescribeDashboard', 'quicksight:ListDashboardVersions', 'quicksight:QueryDashboard'];
/** What the owner of a dashboard may do (QuickSight's owner actions for dashboards). */
const DASHBOARD_OWNER_ACTIONS = [
  ...DASHBOARD_VIEWER_ACTIONS,
  'quicksight:UpdateDashboardPermissions',
  'quicksight:UpdateDashboard',
  'quicksight:DeleteDashboard',
  'quicksight:DescribeDashboardPermissions',
  'quicksight:UpdateDashboardPublishedVersion',
];

/**
 * The definition with its calculated fields' QuickSight parameters (`${DateFrom}`) kept literal in the template:
 * such an expression goes in an `Fn::Sub` with each `${` escaped as `${!`, which CloudFormation turns back into `${`
 * (a bare `${...}` outside Fn::Sub is refused by the template validation as an unresolved CloudFormation reference).
 */
function withLiteralParameters(definition: QuickSightDefinition): QuickSightDefinition {
  const fields = definition.calculatedFields;
  if (!Array.isArray(fields)) return definition;
  return {
    ...definition,
    calculatedFields: fields.map((f) => ('expression' in f && f.expression.includes('${') ? { ...f, expression: Fn.sub(f.expression.replace(/\$\{/g, '${!')) } : f)),
  };
}

export interface QuickSightDashboardsProps {
  /** resource name prefix: the analysis and dashboard ids are `<prefix>-<dashboard id>` */
  readonly prefix: string;
  /** the QuickSight user or group that owns the analyses and dashboards (and sees every store) */
  readonly ownerArn: string;
  /** QuickSight users who may view the dashboards (store managers: the row-level security limits them to their stores) */
  readonly viewerArns: readonly string[];
  /** the dashboard definitions (dashboards/) */
  readonly dashboards: readonly DashboardDefinition[];
  /** the data source and the datasets the definitions read */
  readonly warehouse: QuickSightWarehouse;
  /** ISO 4217 code of the totals across stores (the money formats' symbol) */
  readonly reportingCurrency: string;
}

/**
 * One QuickSight Analysis and one published Dashboard per dashboard definition, both with the `Definition` that
 * quicksight-definition.ts builds, owned by the configured principal and viewable by the store managers' users.
 */
export class QuickSightDashboards extends Construct {
  readonly analyses: quicksight.CfnAnalysis[] = [];
  readonly dashboards: quicksight.CfnDashboard[] = [];

  constructor(scope: Construct, id: string, props: QuickSightDashboardsProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const viewers = [...new Set(props.viewerArns)].filter((arn) => arn !== props.ownerArn);
    for (const dashboard of props.dashboards) {
      const definition = withLiteralParameters(quickSightDefinition(dashboard, QUICKSIGHT_DATASETS, props.warehouse.dataSetArnByName, props.reportingCurrency));
      const resourceId = `${props.prefix}-${dashboard.id}`;
      const analysis = new quicksight.CfnAnalysis(this, `Analysis-${dashboard.id}`, {
        awsAccountId: account,
        analysisId: resourceId,
        name: dashboard.title,
        definition,
        permissions: [{ principal: props.ownerArn, actions: ANALYSIS_OWNER_ACTIONS }],
      });
      const published = new quicksight.CfnDashboard(this, `Dashboard-${dashboard.id}`, {
        awsAccountId: account,
        dashboardId: resourceId,
        name: dashboard.title,
        definition,
        versionDescription: `${dashboard.title}, from dashboards/ (${dashboard.visuals.length} visuals)`,
        dashboardPublishOptions: {
          adHocFilteringOption: { availabilityStatus: 'ENABLED' },
          exportToCsvOption: { availabilityStatus: 'ENABLED' },
          sheetControlsOption: { visibilityState: 'EXPANDED' },
        },
        permissions: [{ principal: props.ownerArn, actions: DASHBOARD_OWNER_ACTIONS }, ...viewers.map((principal) => ({ principal, actions: DASHBOARD_VIEWER_ACTIONS }))],
      });
      this.analyses.push(analysis);
      this.dashboards.push(published);
    }
  }
}
