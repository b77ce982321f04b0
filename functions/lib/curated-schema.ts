/**
 * Column types of the curated tables (docs/architecture.md §5), in DuckDB's type names. The curation SQL writes
 * them; the local query engine uses them for tables that have no files yet; the Glue catalog (infra/) mirrors
 * them. Money is DECIMAL(18,2); occurred_at is a UTC timestamp; business_date is the Hive partition (and is
 * also written into the files so that Redshift COPY, which does not read partition paths, gets it).
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
  quarantine: {
    reason: 'VARCHAR',
    detail: 'VARCHAR',
    raw: 'VARCHAR',
    received_at: 'TIMESTAMP',
    source_key: 'VARCHAR',
    batch_id: 'VARCHAR',
    received_date: 'DATE',
  },
} as const;

export type CuratedTableName = keyof typeof CURATED_COLUMNS;
export const QUERYABLE_TABLES = Object.keys(CURATED_COLUMNS) as CuratedTableName[];

/** `col TYPE, ...` for CREATE TABLE. */
export function columnDefinitions(table: CuratedTableName): string {
  return Object.entries(CURATED_COLUMNS[table])
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
}
