/** Shared pieces of the data sets' definitions: columns and the store / product SQL every data set joins the same way. */
import type { ColumnType, DatasetColumn, DatasetDefinition } from './definition';

export const column = (name: string, type: ColumnType, label: string): DatasetColumn => ({ name, type, label });

/**
 * The store's display name, unique because it carries the id ('Downtown (S001)'): what visuals group stores by.
 * `s` is dim_store, LEFT JOINed (a store missing from the reference keeps its rows, named by its id).
 */
export const storeLabelSql = (storeId: string): string => `COALESCE(s.store_name, ${storeId}) || ' (' || ${storeId} || ')'`;
export const REGION_SQL = `COALESCE(s.region, '(unknown)')`;
/** `p` is dim_product, LEFT JOINed. */
export const CATEGORY_SQL = `COALESCE(p.category, '(unknown)')`;

/** The columns of a store: its id (the store filter and row-level security), display label and region. */
export const STORE_COLUMNS: DatasetColumn[] = [
  column('store_id', 'string', 'Store'),
  column('store_label', 'string', 'Store'),
  column('region', 'string', 'Region'),
];

export const CURRENCY_COLUMNS: DatasetColumn[] = [
  column('currency', 'string', 'Store currency'),
  column('reporting_currency', 'string', 'Reporting currency'),
];

/** The two columns of an amount: `<name>` in the store's currency, `<name>_rpt` in the reporting currency. */
export const moneyColumns = (name: string, label: string): DatasetColumn[] => [
  column(name, 'decimal', `${label} (store currency)`),
  column(`${name}_rpt`, 'decimal', `${label} (reporting currency)`),
];

/** The filter columns of a data set with the store columns: `date` names its date column (none: the data set is a
 * view as of the latest date, which a date range does not select). */
export function storeFilters(date?: string): DatasetDefinition['filterColumns'] {
  return { ...(date ? { date } : {}), region: 'region', store: 'store_id' };
}
