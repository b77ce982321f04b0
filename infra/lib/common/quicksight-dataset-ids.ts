import { DATASETS, type DatasetDefinition } from '../../../dashboards/datasets';
import { isDirectQuery } from '../../../dashboards/definition';

/** Dataset ids are derived from the names, so the pipeline can refresh the datasets the consumers stack creates
 * without a reference to that stack. */
export function quickSightDataSetId(prefix: string, dataset: Pick<DatasetDefinition, 'name'>): string {
  return `${prefix}-${dataset.name.replace(/_/g, '-')}`;
}

/** The store columns the dashboard datasets' row-level security acts on (one rules dataset each; usually store_id). */
export function rowSecurityStoreColumns(datasets: readonly DatasetDefinition[] = DATASETS): string[] {
  return [...new Set(datasets.flatMap((d) => (d.filterColumns.store ? [d.filterColumns.store] : [])))].sort();
}

/** The row-level-security rules dataset of a store column (its rows say which user sees which store). */
export function quickSightRowSecurityDataSetId(prefix: string, storeColumn: string): string {
  return `${prefix}-rls-${storeColumn.replace(/_/g, '-')}`;
}

/**
 * The ids of every SPICE dataset of a stage, the ones a run refreshes: each imported dashboard dataset
 * (dashboards/datasets.ts) and each rules dataset. A direct-query dataset has nothing to refresh (QuickSight's
 * CreateIngestion is for SPICE datasets only).
 */
export const quickSightDataSetIds = (prefix: string): string[] => [
  ...DATASETS.filter((d) => !isDirectQuery(d)).map((d) => quickSightDataSetId(prefix, d)),
  ...rowSecurityStoreColumns().map((c) => quickSightRowSecurityDataSetId(prefix, c)),
];
