import { Aws } from 'aws-cdk-lib';

export const LAKE_ZONES = ['raw', 'curated', 'quarantine', 'athena-results', 'access-logs'] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/**
 * Bucket names are derived, not generated: `<prefix>-<zone>-<account>-<region>`. Other stacks import the buckets by
 * this name (no CloudFormation exports to lock), and IAM grants on them read the same in every stack.
 */
export function lakeBucketName(prefix: string, zone: LakeZone): string {
  return `${prefix}-${zone}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** Longest name a bucket can end up with (12-digit account, longest region name), checked against S3's 63. */
export function longestBucketName(prefix: string): number {
  return `${prefix}-athena-results-123456789012-ap-southeast-5`.length;
}
