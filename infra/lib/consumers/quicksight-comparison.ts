import type { CfnAnalysis } from 'aws-cdk-lib/aws-quicksight';
import type { ComparisonPeriod, DashboardDefinition, Visual } from '../../../dashboards/definition';

/**
 * KPI comparison periods in QuickSight, with the semantics of dashboards/definition.ts (ComparisonPeriod): a
 * `Comparison` parameter picks the period, and each comparing KPI reads two windows of its data set's date column,
 * the range [DateFrom, DateTo] and the comparison window computed from the same parameters, through conditional
 * aggregations (`sumIf(...)`) in calculated fields.
 */

export const COMPARISON_PARAMETER = 'Comparison';

/** `previous_year` looks back 52 weeks, so the same weekdays are compared (dashboards/definition.ts). */
export const PREVIOUS_YEAR_DAYS = 364;

export type KpiWindow = 'current' | 'comparison';

/** Whether a visual is a KPI that shows a comparison period (the dashboard has to offer one). */
export function comparesPeriods(dashboard: DashboardDefinition, v: Visual): v is Extract<Visual, { kind: 'kpi' }> {
  return v.kind === 'kpi' && v.comparison && dashboard.comparisons.length > 0;
}

/**
 * A KPI with a target keeps the target as its KPI comparison; its period comparison is a second KPI next to it,
 * with this id (QuickSight's KPI has one target value).
 */
export const comparisonVisualId = (kpiId: string): string => `${kpiId}-comparison`;

/**
 * The row condition of a window over `dateColumn`, as QuickSight expression text. Dates are whole days (the
 * parameters have DAY granularity), so both ends are included. The comparison window, from the range's days:
 * previous_period is as many days just before DateFrom, previous_year the range shifted back 364 days.
 */
export function windowCondition(window: KpiWindow, dateColumn: string, dateFrom: string, dateTo: string): string {
  const date = `{${dateColumn}}`;
  const [from, to] = [`\${${dateFrom}}`, `\${${dateTo}}`];
  if (window === 'current') return `${date} >= ${from} AND ${date} <= ${to}`;
  const isYear = `\${${COMPARISON_PARAMETER}} = 'previous_year'`;
  // dateDiff(from, to, 'DD') + 1 is the number of days in the range
  const start = `ifelse(${isYear}, addDateTime(-${PREVIOUS_YEAR_DAYS}, 'DD', ${from}), addDateTime(-1 * (dateDiff(${from}, ${to}, 'DD') + 1), 'DD', ${from}))`;
  const end = `ifelse(${isYear}, addDateTime(-${PREVIOUS_YEAR_DAYS}, 'DD', ${to}), addDateTime(-1, 'DD', ${from}))`;
  return `${date} >= ${start} AND ${date} <= ${end}`;
}

const DEFAULT_PERIOD: ComparisonPeriod = 'previous_period';

/** The `Comparison` parameter: one of the dashboard's periods, previous_period unless the dashboard does not offer it. */
export function comparisonParameter(periods: readonly ComparisonPeriod[]): CfnAnalysis.ParameterDeclarationProperty {
  const initial = periods.includes(DEFAULT_PERIOD) ? DEFAULT_PERIOD : periods[0];
  return { stringParameterDeclaration: { name: COMPARISON_PARAMETER, parameterValueType: 'SINGLE_VALUED', defaultValues: { staticValues: [initial] } } };
}

/** Its dropdown on the sheet, offering the dashboard's periods. */
export function comparisonControl(periods: readonly ComparisonPeriod[]): CfnAnalysis.ParameterControlProperty {
  return {
    dropdown: {
      parameterControlId: `control-${COMPARISON_PARAMETER}`,
      sourceParameterName: COMPARISON_PARAMETER,
      title: 'Compare with',
      type: 'SINGLE_SELECT',
      selectableValues: { values: [...periods] },
    },
  };
}
