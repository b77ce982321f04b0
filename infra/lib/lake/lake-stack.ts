import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { CuratedCatalog } from './curated-catalog';
import { LakeAuditTrail } from './lake-audit-trail';
import { importLakeBuckets, LakeStorage, type LakeBuckets } from './lake-storage';

export interface LakeStackProps extends StackProps {
  config: StageConfig;
}

/** Storage and catalog: the key, the five buckets, the Glue database and tables, the data-event trail. */
export class LakeStack extends Stack {
  readonly storage: LakeStorage;
  readonly catalog: CuratedCatalog;
  readonly trail: LakeAuditTrail;
  private readonly config: StageConfig;
  private readonly imported = new Map<Stack, LakeBuckets>();

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.storage = new LakeStorage(this, 'Storage', { config: props.config });
    this.catalog = new CuratedCatalog(this, 'Catalog', {
      config: props.config,
      databaseName: props.config.lake.curatedDatabase,
      curated: this.storage.curated,
      quarantine: this.storage.quarantine,
    });
    this.trail = new LakeAuditTrail(this, 'Audit', { config: props.config, buckets: this.storage });
  }

  get key(): kms.IKey {
    return this.storage.key;
  }

  /** The buckets for use in `stack`: imported there by name (the key by reference), and `stack` deploys after this one. */
  bucketsFor(stack: Stack): LakeBuckets {
    if (stack === this) return this.storage;
    let buckets = this.imported.get(stack);
    if (!buckets) {
      stack.addStackDependency(this);
      buckets = importLakeBuckets(stack, this.config, this.storage.key);
      this.imported.set(stack, buckets);
    }
    return buckets;
  }
}
