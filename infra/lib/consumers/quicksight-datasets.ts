import { DATASETS, type DatasetColumnType, type DatasetDefinition } from '../../../dashboards/datasets';

/**
 * The QuickSight side of the dashboard datasets: every definition in dashboards/datasets.ts (the seam shared with
 * the local HTML dashboards) becomes a dataset over Redshift custom SQL, SPICE or (its `queryMode`) DIRECT_QUERY.
 * Add a dataset there, not here.
 */
export const QUICKSIGHT_DATASETS: readonly DatasetDefinition[] = DATASETS;

/** QuickSight's input column types for the dataset column types. */
export const QUICKSIGHT_COLUMN_TYPE: Record<DatasetColumnType, string> = {
  date: 'DATETIME',
  string: 'STRING',
  integer: 'INTEGER',
  decimal: 'DECIMAL',
};
