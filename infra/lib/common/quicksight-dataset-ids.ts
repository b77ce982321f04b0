import { DATASETS, type DatasetDefinition } from '../../../dashboards/datasets';

/** Dataset ids are derived from the names, so the pipeline can refresh the datasets the consumers stack creates
 * without a reference to that stack. */
export function quickSightDataSetId(prefix: string, dataset: Pick<DatasetDefinition, 'name'>): string {
  return `${prefix}-${dataset.name.replace(/_/g, '-')}`;
}

/** The ids of every dashboard dataset (dashboards/datasets.ts) for a stage. */
export const quickSightDataSetIds = (prefix: string): string[] => DATASETS.map((d) => quickSightDataSetId(prefix, d));
