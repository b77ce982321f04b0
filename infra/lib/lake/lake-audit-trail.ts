import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { Construct } from 'constructs';
import type { LakeBuckets } from './lake-storage';

export interface LakeAuditTrailProps {
  /** resource name prefix: the trail is `<prefix>-lake-data-events` */
  readonly prefix: string;
  /** the buckets audited, the key the logs are encrypted with and the access-logs bucket they go to */
  readonly buckets: LakeBuckets;
  /**
   * log reads of the lake buckets too, not only writes
   * @default false
   */
  readonly includeReads?: boolean;
}

/**
 * CloudTrail data events for the lake buckets, encrypted with the lake key, delivered to the access-logs bucket.
 * Writes (PutObject, DeleteObject, ...) by default; reads too with `includeReads`, which at the seed's scale
 * multiplies the event count (and the cost) by the number of Athena and pipeline reads.
 */
export class LakeAuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: LakeAuditTrailProps) {
    super(scope, id);
    const { buckets } = props;
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: `${props.prefix}-lake-data-events`,
      bucket: buckets.accessLogs,
      s3KeyPrefix: 'cloudtrail',
      encryptionKey: buckets.key,
      enableFileValidation: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      managementEvents: cloudtrail.ReadWriteType.NONE,
    });
    this.trail.addS3EventSelector(
      [buckets.raw, buckets.curated, buckets.quarantine, buckets.athenaResults].map((bucket) => ({ bucket })),
      {
        readWriteType: props.includeReads ? cloudtrail.ReadWriteType.ALL : cloudtrail.ReadWriteType.WRITE_ONLY,
        includeManagementEvents: false,
      },
    );
  }
}
