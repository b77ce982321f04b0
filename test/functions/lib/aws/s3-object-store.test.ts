import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3LakeFiles } from '../../../../functions/lib/aws/s3-lake-files';
import { S3ObjectStore } from '../../../../functions/lib/aws/s3-object-store';
import { PipelineStateError, TransientError } from '../../../../functions/lib/errors';

const buckets = { raw: 'raw-bkt', quarantine: 'q-bkt', curated: 'cur-bkt' };
const s3Mock = mockClient(S3Client);
const store = () => new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), buckets);
/** The part of an SDK stream body the store uses. */
const body = (text: string) =>
  ({ transformToByteArray: async () => new Uint8Array(Buffer.from(text)) }) as unknown as GetObjectCommandOutput['Body'];

beforeEach(() => s3Mock.reset());

describe('S3ObjectStore', () => {
  it('routes keys to their zone bucket, reference/ and control/ to curated', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    const s = store();
    for (const key of ['raw/pos/2024/01/01/00/a.gz', 'quarantine/pos/x.parquet', 'curated/sales_lines/p.parquet', 'reference/stores/stores.csv', 'control/checkpoint.json']) {
      await s.put(key, 'x');
    }
    const calls = s3Mock.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key]);
    expect(calls).toEqual([
      ['raw-bkt', 'raw/pos/2024/01/01/00/a.gz'],
      ['q-bkt', 'quarantine/pos/x.parquet'],
      ['cur-bkt', 'curated/sales_lines/p.parquet'],
      ['cur-bkt', 'reference/stores/stores.csv'],
      ['cur-bkt', 'control/checkpoint.json'],
    ]);
  });

  it('refuses a key outside the lake zones with a clear error', async () => {
    await expect(store().put('elsewhere/file', 'x')).rejects.toThrow(/not under a lake zone/);
    await expect(store().put('raw', 'x')).rejects.toThrow(/not under a lake zone/);
  });

  it('reads objects and returns null for a missing key', async () => {
    s3Mock.on(GetObjectCommand, { Key: 'control/checkpoint.json' }).resolves({ Body: body('{"a":1}') });
    s3Mock.on(GetObjectCommand, { Key: 'control/none.json' }).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    const s = store();
    expect((await s.get('control/checkpoint.json')).toString()).toBe('{"a":1}');
    expect(await s.getIfExists('control/none.json')).toBeNull();
    await expect(s.get('control/none.json')).rejects.toThrow('s3://cur-bkt/control/none.json does not exist');
    await expect(s.get('control/none.json')).rejects.toBeInstanceOf(PipelineStateError);
  });

  it('passes other read errors through', async () => {
    s3Mock.on(GetObjectCommand).rejects(new Error('AccessDenied'));
    await expect(store().getIfExists('raw/pos/a')).rejects.toThrow('AccessDenied');
  });

  it('turns throttling and 5xx answers into a TransientError that keeps the SDK error', async () => {
    const slowDown = new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' });
    s3Mock.on(GetObjectCommand).rejects(slowDown);
    const err = await store()
      .get('raw/pos/a')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe('S3 GetObject s3://raw-bkt/raw/pos/a: SlowDown: Please reduce your request rate.');
    expect((err as Error).cause).toBe(slowDown);
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'raw/pos/z', Code: 'InternalError', Message: 'retry' }] });
    await expect(store().delete(['raw/pos/z'])).rejects.toBeInstanceOf(TransientError);
  });

  it('follows continuation tokens and returns keys sorted', async () => {
    s3Mock
      .on(ListObjectsV2Command, { Bucket: 'raw-bkt', ContinuationToken: undefined })
      .resolves({ IsTruncated: true, NextContinuationToken: 't1', Contents: [{ Key: 'raw/pos/b', Size: 2, LastModified: new Date(2) }] })
      .on(ListObjectsV2Command, { Bucket: 'raw-bkt', ContinuationToken: 't1' })
      .resolves({ IsTruncated: false, Contents: [{ Key: 'raw/pos/a', Size: 1, LastModified: new Date(1) }] });
    const listed = await store().list('raw/pos/');
    expect(listed.map((o) => [o.key, o.size])).toEqual([
      ['raw/pos/a', 1],
      ['raw/pos/b', 2],
    ]);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(2);
  });

  it('lists every bucket a partial first segment can reach', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3Mock.on(ListObjectsV2Command, { Bucket: 'cur-bkt' }).resolves({ Contents: [{ Key: 'curated/x', Size: 1 }, { Key: 'control/y', Size: 1 }] });
    const listed = await store().list('c');
    expect(listed.map((o) => o.key)).toEqual(['control/y', 'curated/x']);
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Bucket)).toEqual(['cur-bkt']);
  });

  it('deletes in batches of 1,000 per bucket and reports failed deletes', async () => {
    s3Mock.on(DeleteObjectsCommand).resolves({});
    const keys = Array.from({ length: 1001 }, (_, i) => `curated/t/${i}`).concat(['raw/pos/z']);
    await store().delete(keys);
    const calls = s3Mock.commandCalls(DeleteObjectsCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Delete?.Objects?.length]);
    expect(calls).toEqual([
      ['cur-bkt', 1000],
      ['cur-bkt', 1],
      ['raw-bkt', 1],
    ]);
    s3Mock.reset();
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'raw/pos/z', Code: 'AccessDenied', Message: 'no' }] });
    await expect(store().delete(['raw/pos/z'])).rejects.toThrow('1 of 1 deletes failed in raw-bkt, first raw/pos/z: AccessDenied no');
  });

  it('copies inside S3 (CopyObject), with the source key URL-encoded', async () => {
    s3Mock.on(CopyObjectCommand).resolves({});
    await store().copy('control/commits/c1/files/curated/t/business_date=2024-01-02/part-b 1.parquet', 'curated/t/business_date=2024-01-02/part-b 1.parquet');
    expect(s3Mock.commandCalls(CopyObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'cur-bkt', Key: 'curated/t/business_date=2024-01-02/part-b 1.parquet', CopySource: 'cur-bkt/control/commits/c1/files/curated/t/business_date%3D2024-01-02/part-b%201.parquet' },
    ]);
  });

  it('writes conditionally: If-None-Match * for an absent key, If-Match for a tag; a failed precondition is false', async () => {
    const failed = (status: number, name: string) => new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
    s3Mock.on(PutObjectCommand, { IfNoneMatch: '*' }).resolvesOnce({}).rejectsOnce(failed(412, 'PreconditionFailed'));
    s3Mock.on(PutObjectCommand, { IfMatch: '"t1"' }).resolvesOnce({}).rejectsOnce(failed(412, 'PreconditionFailed'));
    const s = store();
    expect(await s.putIf('control/run-lease.json', 'a', null)).toBe(true);
    expect(await s.putIf('control/run-lease.json', 'b', null)).toBe(false);
    expect(await s.putIf('control/run-lease.json', 'c', '"t1"')).toBe(true);
    expect(await s.putIf('control/run-lease.json', 'd', '"t1"')).toBe(false);
    expect(s3Mock.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.IfNoneMatch, c.args[0].input.IfMatch])).toEqual([
      ['cur-bkt', '*', undefined],
      ['cur-bkt', '*', undefined],
      ['cur-bkt', undefined, '"t1"'],
      ['cur-bkt', undefined, '"t1"'],
    ]);
    // two conditional writes of one key at once: S3 answers 409 to one and says to retry it
    s3Mock.on(PutObjectCommand).rejects(failed(409, 'ConditionalRequestConflict'));
    await expect(s.putIf('control/run-lease.json', 'e', null)).rejects.toBeInstanceOf(TransientError);
  });

  it('reads an object with its ETag as the tag', async () => {
    s3Mock.on(GetObjectCommand, { Key: 'control/run-lease.json' }).resolves({ Body: body('{}'), ETag: '"t1"' });
    s3Mock.on(GetObjectCommand, { Key: 'control/none.json' }).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    expect(await store().getTagged('control/run-lease.json')).toEqual({ body: Buffer.from('{}'), tag: '"t1"' });
    expect(await store().getTagged('control/none.json')).toBeNull();
  });
});

describe('S3LakeFiles', () => {
  it('materializes a prefix under the local root, clearing what an earlier invocation left', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lakefiles-'));
    mkdirSync(join(root, 'curated/sales_lines/business_date=2024-01-01'), { recursive: true });
    writeFileSync(join(root, 'curated/sales_lines/business_date=2024-01-01/stale.parquet'), 'old');
    s3Mock.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'curated/sales_lines/business_date=2024-01-02/part-0.parquet', Size: 3 }, { Key: 'curated/sales_lines/', Size: 0 }],
    });
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: body('new') }));
    const dir = await new S3LakeFiles(store(), root).materialize('curated/sales_lines/');
    expect(dir).toBe(join(root, 'curated/sales_lines/'));
    expect(readdirSync(dir)).toEqual(['business_date=2024-01-02']);
    expect(readFileSync(join(dir, 'business_date=2024-01-02/part-0.parquet'), 'utf8')).toBe('new');
  });

  it('replaces a prefix: uploads every file, then deletes only the stale keys', async () => {
    const local = mkdtempSync(join(tmpdir(), 'replace-'));
    mkdirSync(join(local, 'business_date=2024-01-02'));
    writeFileSync(join(local, 'business_date=2024-01-02/part-0.parquet'), 'p0');
    s3Mock.on(PutObjectCommand).resolves({});
    s3Mock.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'curated/sales_lines/business_date=2024-01-02/part-0.parquet' }, { Key: 'curated/sales_lines/business_date=2024-01-01/old.parquet' }],
    });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    await new S3LakeFiles(store(), tmpdir()).replacePrefix('curated/sales_lines', local);
    expect(s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['curated/sales_lines/business_date=2024-01-02/part-0.parquet']);
    const deleted = s3Mock.commandCalls(DeleteObjectsCommand).flatMap((c) => c.args[0].input.Delete?.Objects?.map((o) => o.Key));
    expect(deleted).toEqual(['curated/sales_lines/business_date=2024-01-01/old.parquet']);
  });

  it('does not delete anything when an upload fails', async () => {
    const local = mkdtempSync(join(tmpdir(), 'replace-'));
    writeFileSync(join(local, 'a.parquet'), 'a');
    s3Mock.on(PutObjectCommand).rejects(new Error('SlowDown'));
    await expect(new S3LakeFiles(store(), tmpdir()).replacePrefix('curated/t/', local)).rejects.toThrow('SlowDown');
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});
