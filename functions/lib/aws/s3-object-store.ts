import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { PipelineStateError, RetailLakeError, TransientError } from '../errors';
import { ZONE_BUCKET, type LakeBucket } from '../lake-layout';
import type { ObjectInfo, ObjectStore, TaggedObject } from '../ports';
import { awsCall, isTransientName } from './sdk-errors';

/** The lake's buckets by zone (docs/architecture.md §4): keys keep their zone prefix inside their bucket. */
export type LakeBuckets = Record<LakeBucket, string>;

/** S3 allows at most 1,000 keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly buckets: LakeBuckets,
  ) {}

  /** The bucket of a key, by its first segment. */
  bucketFor(key: string): string {
    const zone = key.split('/', 1)[0];
    const which = ZONE_BUCKET[zone];
    if (!which || !key.includes('/')) {
      throw new RangeError(`S3ObjectStore: key "${key}" is not under a lake zone (${Object.keys(ZONE_BUCKET).join('/, ')}/)`);
    }
    return this.buckets[which];
  }

  /** Buckets whose zones a listing prefix can reach: one once the first segment is complete, else every match. */
  private bucketsForPrefix(prefix: string): string[] {
    if (prefix.includes('/')) return [this.bucketFor(prefix)];
    const zones = Object.keys(ZONE_BUCKET).filter((zone) => zone.startsWith(prefix));
    return [...new Set(zones.map((zone) => this.buckets[ZONE_BUCKET[zone]]))];
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const bucket = this.bucketFor(key);
    await awsCall(`S3 PutObject s3://${bucket}/${key}`, () => this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })));
  }

  async putIf(key: string, body: Buffer | string, expectedTag: string | null): Promise<boolean> {
    const bucket = this.bucketFor(key);
    const condition = expectedTag === null ? { IfNoneMatch: '*' } : { IfMatch: expectedTag };
    const what = `S3 PutObject ${expectedTag === null ? 'If-None-Match' : 'If-Match'} s3://${bucket}/${key}`;
    try {
      await awsCall(what, () => this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...condition })));
      return true;
    } catch (err) {
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
      // PreconditionFailed (412), or for If-Match a key that is gone (404): not as the caller saw it
      if (status === 412 || status === 404) return false;
      // ConditionalRequestConflict: another conditional write of the key is under way; S3 says to retry
      if (status === 409) throw new TransientError(`${what}: ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer> {
    const found = await this.getIfExists(key);
    if (found === null) throw new PipelineStateError(`S3ObjectStore: s3://${this.bucketFor(key)}/${key} does not exist`);
    return found;
  }

  async getIfExists(key: string): Promise<Buffer | null> {
    return (await this.getTagged(key))?.body ?? null;
  }

  async getTagged(key: string): Promise<TaggedObject | null> {
    const bucket = this.bucketFor(key);
    try {
      // the body is read inside the call: a connection reset while streaming it is as transient as one before
      return await awsCall(`S3 GetObject s3://${bucket}/${key}`, async () => {
        const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
        return { body, tag: out.ETag ?? '' };
      });
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound')) return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const found = new Map<string, ObjectInfo>();
    for (const bucket of this.bucketsForPrefix(prefix)) {
      let token: string | undefined;
      do {
        const page = await awsCall(`S3 ListObjectsV2 s3://${bucket}/${prefix}`, () =>
          this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
        );
        for (const obj of page.Contents ?? []) {
          if (obj.Key === undefined) continue;
          found.set(obj.Key, { key: obj.Key, size: obj.Size ?? 0, lastModified: obj.LastModified ?? new Date(0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const from = this.bucketFor(fromKey);
    const to = this.bucketFor(toKey);
    // CopySource is "bucket/key" with the key URL-encoded
    const source = `${from}/${fromKey.split('/').map(encodeURIComponent).join('/')}`;
    await awsCall(`S3 CopyObject s3://${from}/${fromKey} -> s3://${to}/${toKey}`, () => this.s3.send(new CopyObjectCommand({ Bucket: to, Key: toKey, CopySource: source })));
  }

  async delete(keys: string[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const key of keys) {
      const bucket = this.bucketFor(key);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
    }
    for (const [bucket, bucketKeys] of byBucket) {
      for (let i = 0; i < bucketKeys.length; i += DELETE_BATCH) {
        const batch = bucketKeys.slice(i, i + DELETE_BATCH);
        const out = await awsCall(`S3 DeleteObjects in ${bucket}`, () =>
          this.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
        );
        const errors = out.Errors ?? [];
        if (errors.length > 0) {
          const first = errors[0];
          const Kind = errors.every((e) => isTransientName(e.Code)) ? TransientError : RetailLakeError;
          throw new Kind(
            `S3ObjectStore: ${errors.length} of ${batch.length} deletes failed in ${bucket}, first ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(),
          );
        }
      }
    }
  }
}
