import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { CuratedCatalog } from './curated-catalog';
import { LakeAuditTrail } from './lake-audit-trail';
import { importLakeBuckets, LakeStorage, type LakeBuckets } from './lake-storage';

export interface LakeStackProps extends StackProps {
  /** the stage settings this stack maps onto its constructs */
  readonly config: Pick<StageConfig, 'stage' | 'prefix' | 'removeDataOnDestroy' | 'lake' | 'observability'>;
}

/** Storage and catalog: the key, the five buckets, the Glue database and tables, the data-event trail. */
export class LakeStack extends Stack {
  readonly storage: LakeStorage;
  readonly catalog: CuratedCatalog;
  readonly trail: LakeAuditTrail;
  private readonly prefix: string;
  private readonly imported = new Map<Stack, LakeBuckets>();

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { lake, removeDataOnDestroy } = config;
    this.prefix = config.prefix;
    this.storage = new LakeStorage(this, 'Storage', {
      prefix: config.prefix,
      stage: config.stage,
      rawToGlacierAfter: Duration.days(lake.rawToGlacierDays),
      rawExpiration: lake.rawExpireDays > 0 ? Duration.days(lake.rawExpireDays) : undefined,
      quarantineExpiration: Duration.days(lake.quarantineExpireDays),
      athenaResultsExpiration: Duration.days(lake.athenaResultsExpireDays),
      accessLogsExpiration: Duration.days(lake.accessLogsExpireDays),
      noncurrentVersionExpiration: Duration.days(lake.noncurrentVersionExpireDays),
      removeDataOnDestroy,
    });
    this.catalog = new CuratedCatalog(this, 'Catalog', {
      databaseName: lake.curatedDatabase,
      curated: this.storage.curated,
      quarantine: this.storage.quarantine,
      removeDataOnDestroy,
    });
    this.trail = new LakeAuditTrail(this, 'Audit', { prefix: config.prefix, buckets: this.storage, includeReads: config.observability.trailReads });
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
      buckets = importLakeBuckets(stack, this.prefix, this.storage.key);
      this.imported.set(stack, buckets);
    }
    return buckets;
  }
}
