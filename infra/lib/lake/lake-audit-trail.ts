import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { LakeBuckets } from './lake-storage';

export interface LakeAuditTrailProps {
  config: StageConfig;
  buckets: LakeBuckets;
}

/**
 * CloudTrail data events for the lake buckets, encrypted with the lake key, delivered to the access-logs bucket.
 * Writes (PutObject, DeleteObject, ...) by default; reads too when `observability.trailReads` is set, which at the
 * seed's scale multiplies the event count (and the cost) by the number of Athena and pipeline reads.
 */
export class LakeAuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: LakeAuditTrailProps) {
    super(scope, id);
    const { buckets, config } = props;
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: `${config.prefix}-lake-data-events`,
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
        readWriteType: config.observability.trailReads ? cloudtrail.ReadWriteType.ALL : cloudtrail.ReadWriteType.WRITE_ONLY,
        includeManagementEvents: false,
      },
    );
  }
}
