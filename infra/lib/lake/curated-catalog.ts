import type { RemovalPolicy } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { hiveType, type ColumnType, type CuratedTableName, type ReferenceTableName } from '../../../functions/lib/curated-schema';
import {
  LAKE_TABLES,
  PROJECTION_DATE_FORMAT,
  PROJECTION_END,
  PROJECTION_START_DATE,
  storageLocationTemplate,
  type LakeTable,
  type LakeTableName,
  type ParquetLakeTable,
} from '../../../functions/lib/lake-tables';
import { dataRetention } from '../common/retention';

/** A column type of the schema as a Glue type: the catalog spells types as Athena's DDL does. */
export function glueType(type: ColumnType): glue.Type {
  return { inputString: hiveType(type), isPrimitive: true };
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

/** The S3Table props that differ between Parquet and CSV tables. */
type TableFormat = Pick<glue.S3TableProps, 'dataFormat'> & Partial<Pick<glue.S3TableProps, 'partitionKeys' | 'partitionProjection' | 'parameters' | 'storageParameters'>>;

/** The reference tables' CSV layout: a header row, OpenCSV quoting. */
const CSV_FORMAT: TableFormat = {
  dataFormat: new glue.DataFormat({
    inputFormat: glue.InputFormat.TEXT,
    outputFormat: glue.OutputFormat.HIVE_IGNORE_KEY_TEXT,
    serializationLibrary: glue.SerializationLibrary.OPEN_CSV,
  }),
  storageParameters: [glue.StorageParameter.skipHeaderLineCount(1)],
  parameters: { classification: 'csv' },
};

/** Parquet with the date partition projected from the key: no crawler, no MSCK. */
function parquetFormat(spec: ParquetLakeTable, bucket: s3.IBucket): TableFormat {
  return {
    partitionKeys: [{ name: spec.partition, type: glue.Schema.DATE }],
    dataFormat: glue.DataFormat.PARQUET,
    partitionProjection: {
      [spec.partition]: glue.PartitionProjectionConfiguration.date({
        min: PROJECTION_START_DATE,
        max: PROJECTION_END,
        format: PROJECTION_DATE_FORMAT,
        step: spec.partitionInterval === 'MONTHS' ? { interval: 1, intervalUnit: glue.DateIntervalUnit.MONTHS } : undefined,
      }),
    },
    parameters: { classification: 'parquet', 'storage.location.template': storageLocationTemplate(spec, bucket.bucketName) },
  };
}

/**
 * The Glue database and the lake's tables of functions/lib/lake-tables.ts (from the schema the curation SQL
 * writes): the curated tables and quarantine as Parquet whose partitions Athena projects from the date in the key,
 * and the reference CSVs for analysts' joins. The Athena DDL is generated from the same description.
 */
export class CuratedCatalog extends Construct {
  readonly database: glue.Database;
  readonly tables: Record<CuratedTableName, glue.S3Table>;
  /** stores and products over the reference CSVs (reference/stores/, reference/products/), for analysts' joins */
  readonly referenceTables: Record<ReferenceTableName, glue.S3Table>;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: CuratedCatalogProps) {
    super(scope, id);
    this.removalPolicy = dataRetention(props).removalPolicy;
    this.database = new glue.Database(this, 'Database', {
      databaseName: props.databaseName,
      description: 'retail-lake curated zone: Hive-partitioned Parquet written by the pipeline',
    });
    this.database.applyRemovalPolicy(this.removalPolicy);

    const buckets = { curated: props.curated, quarantine: props.quarantine };
    const tables = {} as Record<LakeTableName, glue.S3Table>;
    for (const spec of LAKE_TABLES) tables[spec.name] = this.table(spec, buckets[spec.bucket]);
    const { stores, products, ...curated } = tables;
    this.tables = curated;
    this.referenceTables = { stores, products };
  }

  private table(spec: LakeTable, bucket: s3.IBucket): glue.S3Table {
    const table = new glue.S3Table(this, spec.name, {
      database: this.database,
      tableName: spec.name,
      description: spec.description,
      storage: glue.S3TableStorage.fromBucket(bucket),
      s3Prefix: spec.prefix,
      columns: spec.columns.map(([name, type]) => ({ name, type: glueType(type) })),
      hasEncryptedData: false, // SSE-KMS is transparent to readers; the flag is for client-side encryption
      ...(spec.format === 'parquet' ? parquetFormat(spec, bucket) : CSV_FORMAT),
    });
    table.applyRemovalPolicy(this.removalPolicy);
    return table;
  }
}
