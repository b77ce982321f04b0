import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { lakeBucketName, type LakeZone } from '../common/names';
import { acknowledge } from '../common/nag';
import { dataRetention } from '../common/retention';

/** The lake's key and buckets, as the other constructs take them. */
export interface LakeBuckets {
  readonly key: kms.IKey;
  readonly raw: s3.IBucket;
  readonly curated: s3.IBucket;
  readonly quarantine: s3.IBucket;
  readonly athenaResults: s3.IBucket;
  readonly accessLogs: s3.IBucket;
}

export interface LakeStorageProps {
  /** resource name prefix: the key alias is `alias/<prefix>-lake`, the buckets `<prefix>-<zone>-<account>-<region>` */
  readonly prefix: string;
  /** the stage, named in the key's description */
  readonly stage: string;
  /** raw objects move to Glacier Instant Retrieval after this */
  readonly rawToGlacierAfter: Duration;
  /**
   * raw objects expire after this
   * @default - raw is kept forever
   */
  readonly rawExpiration?: Duration;
  /** quarantined objects expire after this */
  readonly quarantineExpiration: Duration;
  /** Athena query results expire after this */
  readonly athenaResultsExpiration: Duration;
  /** S3 access logs and the data-event trail expire after this */
  readonly accessLogsExpiration: Duration;
  /** overwritten or deleted versions of raw and curated objects expire after this */
  readonly noncurrentVersionExpiration: Duration;
  /**
   * let `cdk destroy` delete the key and the buckets with their objects
   * @default false
   */
  readonly removeDataOnDestroy?: boolean;
}

/**
 * One customer key (rotated yearly) and the five buckets. Every bucket blocks public access, refuses non-TLS
 * requests, enforces bucket-owner object ownership and logs access to the access-logs bucket. Data buckets use
 * SSE-KMS with S3 Bucket Keys (one KMS call per bucket key, not per object).
 */
export class LakeStorage extends Construct implements LakeBuckets {
  readonly key: kms.Key;
  readonly raw: s3.Bucket;
  readonly curated: s3.Bucket;
  readonly quarantine: s3.Bucket;
  readonly athenaResults: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: LakeStorageProps) {
    super(scope, id);
    const retention = dataRetention(props);

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${props.prefix}-lake`,
      description: `retail-lake ${props.stage}: lake buckets, stream, topics, warehouse`,
      enableKeyRotation: true,
      removalPolicy: retention.removalPolicy,
    });
    this.allowServicesToUseKey();

    // Server access log delivery supports SSE-S3 destinations only.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      bucketName: lakeBucketName(props.prefix, 'access-logs'),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-logs', expiration: props.accessLogsExpiration }],
      ...retention,
    });
    acknowledge(this.accessLogs, 'accessLogsBucket');

    // Versioned: raw is the system of record; curated partitions are rewritten in place (a bad run can be undone).
    this.raw = this.dataBucket(props, 'raw', {
      versioned: true,
      lifecycleRules: [
        {
          id: 'raw-to-glacier',
          transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: props.rawToGlacierAfter }],
          ...(props.rawExpiration ? { expiration: props.rawExpiration } : {}),
          noncurrentVersionExpiration: props.noncurrentVersionExpiration,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    this.curated = this.dataBucket(props, 'curated', {
      versioned: true,
      lifecycleRules: [{ id: 'old-versions', noncurrentVersionExpiration: props.noncurrentVersionExpiration, abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    this.quarantine = this.dataBucket(props, 'quarantine', {
      lifecycleRules: [{ id: 'expire-quarantine', expiration: props.quarantineExpiration, abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    this.athenaResults = this.dataBucket(props, 'athena-results', {
      lifecycleRules: [{ id: 'expire-results', expiration: props.athenaResultsExpiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
  }

  /** A zone's bucket: SSE-KMS with the lake key and a bucket key, access logged under `s3/<zone>/`. */
  private dataBucket(props: LakeStorageProps, zone: LakeZone, extra: Partial<s3.BucketProps>): s3.Bucket {
    return new s3.Bucket(this, zoneId(zone), {
      bucketName: lakeBucketName(props.prefix, zone),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: `s3/${zone}/`,
      ...dataRetention(props),
      ...extra,
    });
  }

  /**
   * Services that encrypt with the key on the lake's behalf: CloudWatch alarms and EventBridge publishing to the
   * encrypted topics, CloudTrail writing its logs, CloudWatch Logs for the Glue job's encrypted logs.
   */
  private allowServicesToUseKey(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsAndEventsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsLogs',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*` },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsGlueLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` } },
      }),
    );
  }
}

function zoneId(zone: LakeZone): string {
  return zone.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());
}

/**
 * The lake's buckets as seen from another stack: imported by their derived names (with the key), so a grant there
 * needs no CloudFormation export and names the bucket the same way everywhere.
 */
export function importLakeBuckets(scope: Construct, prefix: string, key: kms.IKey): LakeBuckets {
  const get = (zone: LakeZone, encrypted: boolean): s3.IBucket =>
    s3.Bucket.fromBucketAttributes(scope, `Imported${zoneId(zone)}`, {
      bucketName: lakeBucketName(prefix, zone),
      ...(encrypted ? { encryptionKey: key } : {}),
    });
  return {
    key,
    raw: get('raw', true),
    curated: get('curated', true),
    quarantine: get('quarantine', true),
    athenaResults: get('athena-results', true),
    accessLogs: get('access-logs', false),
  };
}
