import type { PRODUCT_COLUMNS, STORE_COLUMNS } from './reference/reference-data';

/** The column types the lake's tables use, in DuckDB's names (hiveType gives Athena's and Glue's). */
export type ColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'DECIMAL(18,2)';

/**
 * Column types of the curated tables (docs/architecture.md §5), in file order: the one description of them. The
 * curation SQL writes them; the local query engine, the Athena DDL and the Glue catalog (functions/lib/lake-tables.ts)
 * are generated from them. Money is DECIMAL(18,2); occurred_at is a UTC timestamp; business_date is the Hive
 * partition (and is also written into the files so that Redshift COPY, which does not read partition paths, gets it).
 */
export const CURATED_COLUMNS = {
  sales_lines: {
    event_id: 'VARCHAR',
    line_no: 'INTEGER',
    transaction_id: 'VARCHAR',
    store_id: 'VARCHAR',
    sku: 'VARCHAR',
    occurred_at: 'TIMESTAMP',
    business_date: 'DATE',
    event_type: 'VARCHAR',
    quantity: 'INTEGER',
    unit_price: 'DECIMAL(18,2)',
    discount: 'DECIMAL(18,2)',
    net_revenue: 'DECIMAL(18,2)',
    unit_cost: 'DECIMAL(18,2)',
    gross_margin: 'DECIMAL(18,2)',
    customer_id: 'VARCHAR',
    payment_method: 'VARCHAR',
  },
  inventory_events: {
    event_id: 'VARCHAR',
    store_id: 'VARCHAR',
    sku: 'VARCHAR',
    occurred_at: 'TIMESTAMP',
    business_date: 'DATE',
    event_type: 'VARCHAR',
    on_hand_qty: 'INTEGER',
    reorder_point: 'INTEGER',
    quantity_change: 'INTEGER',
    reason: 'VARCHAR',
  },
  /** purchase-order lines (event_type 'purchase_order') and one link row per receipt naming an order (event_type
   * 'receipt', the adjustment's event_id and quantity_change; expected_date and supplier NULL) */
  purchase_orders: {
    event_id: 'VARCHAR',
    store_id: 'VARCHAR',
    sku: 'VARCHAR',
    occurred_at: 'TIMESTAMP',
    business_date: 'DATE',
    event_type: 'VARCHAR',
    po_id: 'VARCHAR',
    quantity: 'INTEGER',
    expected_date: 'DATE',
    supplier: 'VARCHAR',
  },
  /** sale baskets per store, business date and payment method, derived from sales_lines (a basket is one sale
   * transaction of a store and date, its payment method the greatest of its lines', as the warehouse's fact_basket):
   * a file per month (month_start, its first day), whose touched dates are rebuilt each run
   * (functions/lib/pipeline/store-day-baskets.ts) */
  store_day_baskets: {
    month_start: 'DATE',
    business_date: 'DATE',
    store_id: 'VARCHAR',
    payment_method: 'VARCHAR',
    baskets: 'BIGINT',
    units: 'BIGINT',
    net_revenue: 'DECIMAL(18,2)',
  },
  quarantine: {
    reason: 'VARCHAR',
    detail: 'VARCHAR',
    raw: 'VARCHAR',
    received_at: 'TIMESTAMP',
    source_key: 'VARCHAR',
    batch_id: 'VARCHAR',
    received_date: 'DATE',
  },
} as const satisfies Record<string, Record<string, ColumnType>>;

export type CuratedTableName = keyof typeof CURATED_COLUMNS;

type Columns<T extends CuratedTableName> = (typeof CURATED_COLUMNS)[T];
/** The DATE columns of a table: the only kind partition projection here handles. */
type DateColumn<T extends CuratedTableName> = { [C in keyof Columns<T>]: Columns<T>[C] extends 'DATE' ? C : never }[keyof Columns<T>];

/** The partition column of the curated tables: the store's business date. */
export const CURATED_PARTITION_COLUMN = 'business_date';

/** The partition column of each table: the business date, or the day a rejected event arrived. */
export const PARTITION_COLUMN = {
  sales_lines: CURATED_PARTITION_COLUMN,
  inventory_events: CURATED_PARTITION_COLUMN,
  purchase_orders: CURATED_PARTITION_COLUMN,
  store_day_baskets: 'month_start',
  quarantine: 'received_date',
} as const satisfies { [T in CuratedTableName]: DateColumn<T> };

/** Column types of the reference CSVs (their columns and order are reference-data.ts's, which checks the files). */
export const REFERENCE_COLUMN_TYPES: {
  stores: Record<(typeof STORE_COLUMNS)[number], ColumnType>;
  products: Record<(typeof PRODUCT_COLUMNS)[number], ColumnType>;
} = {
  stores: { store_id: 'VARCHAR', store_name: 'VARCHAR', region: 'VARCHAR', manager_email: 'VARCHAR', timezone: 'VARCHAR', target_daily_revenue: 'DOUBLE' },
  products: {
    sku: 'VARCHAR',
    product_name: 'VARCHAR',
    category: 'VARCHAR',
    brand: 'VARCHAR',
    unit_cost: 'DOUBLE',
    list_price: 'DOUBLE',
    supplier: 'VARCHAR',
    lead_time_days: 'INTEGER',
  },
};
export type ReferenceTableName = keyof typeof REFERENCE_COLUMN_TYPES;

/** `col TYPE, ...` for CREATE TABLE. */
export function columnDefinitions(table: CuratedTableName): string {
  return Object.entries(CURATED_COLUMNS[table])
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
}

const HIVE_TYPE: Record<ColumnType, string> = {
  VARCHAR: 'string',
  INTEGER: 'int',
  BIGINT: 'bigint',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  'DECIMAL(18,2)': 'decimal(18,2)',
};

/** A column type as Athena DDL and the Glue catalog spell it. */
export const hiveType = (type: ColumnType): string => HIVE_TYPE[type];
