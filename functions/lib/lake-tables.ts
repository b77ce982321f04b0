import { BUSINESS_DAYS_AHEAD, EARLIEST_BUSINESS_DATE } from './contract/business-date-window';
import {
  CURATED_COLUMNS,
  hiveType,
  PARTITION_COLUMN,
  REFERENCE_COLUMN_TYPES,
  type ColumnType,
  type CuratedTableName,
  type ReferenceTableName,
} from './curated-schema';
import { PRODUCTS_KEY, queryableTablePrefix, STORES_KEY, type LakeBucket } from './lake-layout';
import { PRODUCT_COLUMNS, STORE_COLUMNS } from './reference/reference-data';

/**
 * The lake's tables as Athena sees them, generated from curated-schema.ts and lake-layout.ts: the Glue catalog
 * (infra/lib/lake/curated-catalog.ts), the Athena DDL (named queries `tables/<name>`) and the local query engine
 * (local/engine/curated-engine.ts) are all built from LAKE_TABLES.
 */

/** The dates partition projection enumerates: the business-date window Validate curates (one setting, in
 * business-date-window.ts), so every curated partition is one Athena sees. */
export const PROJECTION_START_DATE = EARLIEST_BUSINESS_DATE;
/** A store east of UTC reaches tomorrow's business date before UTC does. */
export const PROJECTION_END = `NOW+${BUSINESS_DAYS_AHEAD}DAYS`;
export const PROJECTION_DATE_FORMAT = 'yyyy-MM-dd';

export type LakeTableName = CuratedTableName | ReferenceTableName;

interface LakeTableBase {
  name: LakeTableName;
  description: string;
  /** the bucket holding the table's files */
  bucket: Exclude<LakeBucket, 'raw'>;
  /** key prefix of the table's files (ends in /) */
  prefix: string;
  /** data columns in file order (a Parquet table's partition column is left out: it comes from the key) */
  columns: [string, ColumnType][];
}

/** Hive-partitioned Parquet, the partition projected from the key's date: no crawler, no MSCK REPAIR. */
export interface ParquetLakeTable extends LakeTableBase {
  format: 'parquet';
  name: CuratedTableName;
  /** a DATE column */
  partition: string;
  /** a partition a day, or a month (its first day: PROJECTION_START_DATE is one, so the projected months are) */
  partitionInterval: 'DAYS' | 'MONTHS';
}

/** The tables partitioned by month. */
const MONTHLY: readonly CuratedTableName[] = ['store_day_baskets'];

/** A CSV file with a header row. */
export interface CsvLakeTable extends LakeTableBase {
  format: 'csv';
  name: ReferenceTableName;
  /** the file's key */
  key: string;
}

export type LakeTable = ParquetLakeTable | CsvLakeTable;

function parquetTable(name: CuratedTableName, description: string): ParquetLakeTable {
  const partition = PARTITION_COLUMN[name];
  const columns = (Object.entries(CURATED_COLUMNS[name]) as [string, ColumnType][]).filter(([column]) => column !== partition);
  const partitionInterval = MONTHLY.includes(name) ? 'MONTHS' : 'DAYS';
  return { format: 'parquet', name, description, bucket: name === 'quarantine' ? 'quarantine' : 'curated', prefix: queryableTablePrefix(name), columns, partition, partitionInterval };
}

function csvTable(name: ReferenceTableName, key: string, columns: readonly string[]): CsvLakeTable {
  const types = REFERENCE_COLUMN_TYPES[name] as Record<string, ColumnType>;
  return {
    format: 'csv',
    name,
    description: `Reference data: ${key} (CSV with a header row, loaded by retail-lake reference)`,
    bucket: 'curated',
    prefix: key.slice(0, key.lastIndexOf('/') + 1),
    key,
    columns: columns.map((c) => [c, types[c]]),
  };
}

export const LAKE_TABLES: readonly LakeTable[] = [
  parquetTable('sales_lines', 'One row per sale or return line (returns negative)'),
  parquetTable('inventory_events', 'Inventory snapshots and adjustments'),
  parquetTable('purchase_orders', 'Purchase-order lines, and the receipts that fill them (event_type receipt)'),
  parquetTable(
    'store_day_baskets',
    'Sale baskets per store, business date and payment method (a basket is one sale transaction of a store and date; its payment method the greatest of its lines): baskets, units and net revenue, a file per month (month_start), its dates rebuilt from sales_lines when a run touches them',
  ),
  parquetTable('quarantine', 'Rejected events with reason, detail and the original text'),
  csvTable('stores', STORES_KEY, STORE_COLUMNS),
  csvTable('products', PRODUCTS_KEY, PRODUCT_COLUMNS),
];

/** `s3://{{<bucket>_bucket}}/<prefix>`: the table's location with the bucket as a renderSql placeholder. */
const location = (t: LakeTable): string => `s3://{{${t.bucket}_bucket}}/${t.prefix}`;

/** The S3 location template partition projection uses (the same string in the DDL and the Glue catalog). */
export const storageLocationTemplate = (t: ParquetLakeTable, bucketName: string): string => `s3://${bucketName}/${t.prefix}${t.partition}=\${${t.partition}}/`;

/**
 * `CREATE EXTERNAL TABLE` for a lake table, as the Glue catalog defines it: for re-creating a table by hand or in
 * another account. Placeholders: database, curated_bucket / quarantine_bucket.
 */
export function athenaTableDdl(t: LakeTable): string {
  const width = Math.max(...t.columns.map(([c]) => c.length));
  const columns = t.columns.map(([c, type]) => `  ${c.padEnd(width)} ${hiveType(type)}`).join(',\n');
  const head = [`-- ${t.description}.`, '-- Generated from functions/lib/lake-tables.ts (the Glue catalog is built from the same description).', `CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.${t.name} (`, columns, ')'];
  if (t.format === 'csv') {
    return [
      ...head,
      "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'",
      'STORED AS TEXTFILE',
      `LOCATION '${location(t)}'`,
      "TBLPROPERTIES ('classification' = 'csv', 'skip.header.line.count' = '1')",
      '',
    ].join('\n');
  }
  const p = t.partition;
  return [
    ...head,
    `PARTITIONED BY (${p} ${hiveType('DATE')})`, // PARTITION_COLUMN's type allows DATE columns only
    'STORED AS PARQUET',
    `LOCATION '${location(t)}'`,
    'TBLPROPERTIES (',
    "  'classification' = 'parquet',",
    "  'projection.enabled' = 'true',",
    `  'projection.${p}.type' = 'date',`,
    `  'projection.${p}.format' = '${PROJECTION_DATE_FORMAT}',`,
    `  'projection.${p}.range' = '${PROJECTION_START_DATE},${PROJECTION_END}',`,
    ...(t.partitionInterval === 'MONTHS' ? [`  'projection.${p}.interval' = '1',`, `  'projection.${p}.interval.unit' = 'MONTHS',`] : []),
    `  'storage.location.template' = '${storageLocationTemplate(t, `{{${t.bucket}_bucket}}`)}'`,
    ')',
    '',
  ].join('\n');
}
