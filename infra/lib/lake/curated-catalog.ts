import type { RemovalPolicy } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ConfigurationError } from '../../../functions/lib/errors';
import { CURATED_COLUMNS, type CuratedTableName } from '../../../functions/lib/curated-schema';
import { CURATED_PREFIX, PRODUCTS_KEY, QUARANTINE_PREFIX, STORES_KEY } from '../../../functions/lib/lake-layout';
import { dataRetention } from '../shared/retention';

/** First date partition projection enumerates; business dates before it are not queryable through projection. */
export const PROJECTION_START_DATE = '2020-01-01';
/** A store east of UTC reaches tomorrow's business date before UTC does. */
export const PROJECTION_END = 'NOW+1DAYS';

/** The partition column of each table: the business date, or the day a rejected event arrived. */
export const PARTITION_COLUMN: Record<CuratedTableName, string> = {
  sales_lines: 'business_date',
  inventory_events: 'business_date',
  quarantine: 'received_date',
};

/** DuckDB type names of curated-schema.ts as Glue (Hive) types. */
export function glueType(duckdbType: string): glue.Type {
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duckdbType);
  if (decimal) return glue.Schema.decimal(Number(decimal[1]), Number(decimal[2]));
  switch (duckdbType) {
    case 'VARCHAR':
      return glue.Schema.STRING;
    case 'INTEGER':
      return glue.Schema.INTEGER;
    case 'BIGINT':
      return glue.Schema.BIG_INT;
    case 'DOUBLE':
      return glue.Schema.DOUBLE;
    case 'BOOLEAN':
      return glue.Schema.BOOLEAN;
    case 'DATE':
      return glue.Schema.DATE;
    case 'TIMESTAMP':
      return glue.Schema.TIMESTAMP;
    default:
      throw new ConfigurationError(`curated column type ${duckdbType} has no Glue mapping`);
  }
}

export interface CuratedCatalogProps {
  /** the Glue database of the curated tables */
  readonly databaseName: string;
  /** the bucket of curated/ and reference/ */
  readonly curated: s3.IBucket;
  /** the bucket of quarantine/ */
  readonly quarantine: s3.IBucket;
  /**
   * let `cdk destroy` delete the database and the tables
   * @default false
   */
  readonly removeDataOnDestroy?: boolean;
}

/** The reference tables' CSV layout: a header row, OpenCSV quoting. */
const REFERENCE_CSV = new glue.DataFormat({
  inputFormat: glue.InputFormat.TEXT,
  outputFormat: glue.OutputFormat.HIVE_IGNORE_KEY_TEXT,
  serializationLibrary: glue.SerializationLibrary.OPEN_CSV,
});

/**
 * The Glue database and the three queryable tables, with columns from functions/lib/curated-schema.ts (the schema
 * the curation SQL writes). Partitions are projected by Athena from the date in the key: no crawler, no MSCK.
 */
export class CuratedCatalog extends Construct {
  readonly database: glue.Database;
  readonly tables: Record<CuratedTableName, glue.S3Table>;
  /** stores and products over the reference CSVs (reference/stores/, reference/products/), for analysts' joins */
  readonly referenceTables: Record<'stores' | 'products', glue.S3Table>;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: CuratedCatalogProps) {
    super(scope, id);
    this.removalPolicy = dataRetention(props).removalPolicy;
    this.database = new glue.Database(this, 'Database', {
      databaseName: props.databaseName,
      description: 'retail-lake curated zone: Hive-partitioned Parquet written by the pipeline',
    });
    this.database.applyRemovalPolicy(this.removalPolicy);

    this.tables = {
      sales_lines: this.curatedTable('sales_lines', props.curated, `${CURATED_PREFIX}sales_lines/`, 'One row per sale or return line (returns negative)'),
      inventory_events: this.curatedTable('inventory_events', props.curated, `${CURATED_PREFIX}inventory_events/`, 'Inventory snapshots and adjustments'),
      quarantine: this.curatedTable('quarantine', props.quarantine, QUARANTINE_PREFIX, 'Rejected events with reason, detail and the original text'),
    };

    const text = glue.Schema.STRING;
    this.referenceTables = {
      stores: this.referenceTable('stores', props.curated, STORES_KEY, {
        store_id: text,
        store_name: text,
        region: text,
        manager_email: text,
        timezone: text,
        target_daily_revenue: glue.Schema.DOUBLE,
      }),
      products: this.referenceTable('products', props.curated, PRODUCTS_KEY, {
        sku: text,
        product_name: text,
        category: text,
        brand: text,
        unit_cost: glue.Schema.DOUBLE,
        list_price: glue.Schema.DOUBLE,
        supplier: text,
        lead_time_days: glue.Schema.INTEGER,
      }),
    };
  }

  /** A Parquet table of curated-schema.ts, date-partitioned by projection. */
  private curatedTable(name: CuratedTableName, bucket: s3.IBucket, s3Prefix: string, description: string): glue.S3Table {
    const partition = PARTITION_COLUMN[name];
    const columns = Object.entries(CURATED_COLUMNS[name])
      .filter(([column]) => column !== partition) // the partition value comes from the key, not the file
      .map(([column, type]) => ({ name: column, type: glueType(type) }));
    const table = new glue.S3Table(this, name, {
      database: this.database,
      tableName: name,
      description,
      storage: glue.S3TableStorage.fromBucket(bucket),
      s3Prefix,
      columns,
      partitionKeys: [{ name: partition, type: glue.Schema.DATE }],
      dataFormat: glue.DataFormat.PARQUET,
      hasEncryptedData: false, // SSE-KMS is transparent to readers; the flag is for client-side encryption
      partitionProjection: {
        [partition]: glue.PartitionProjectionConfiguration.date({ min: PROJECTION_START_DATE, max: PROJECTION_END, format: 'yyyy-MM-dd' }),
      },
      parameters: {
        classification: 'parquet',
        'storage.location.template': `s3://${bucket.bucketName}/${s3Prefix}${partition}=\${${partition}}/`,
      },
    });
    table.applyRemovalPolicy(this.removalPolicy);
    return table;
  }

  /** A reference CSV (`key`) as a table of the folder it is in. */
  private referenceTable(name: 'stores' | 'products', bucket: s3.IBucket, key: string, columns: Record<string, glue.Type>): glue.S3Table {
    const table = new glue.S3Table(this, name, {
      database: this.database,
      tableName: name,
      description: `Reference data: ${key} (CSV with a header row, loaded by retail-lake reference)`,
      storage: glue.S3TableStorage.fromBucket(bucket),
      s3Prefix: key.slice(0, key.lastIndexOf('/') + 1),
      columns: Object.entries(columns).map(([column, type]) => ({ name: column, type })),
      dataFormat: REFERENCE_CSV,
      hasEncryptedData: false,
      storageParameters: [glue.StorageParameter.skipHeaderLineCount(1)],
      parameters: { classification: 'csv' },
    });
    table.applyRemovalPolicy(this.removalPolicy);
    return table;
  }
}
