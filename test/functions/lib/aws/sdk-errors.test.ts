import { S3ServiceException } from '@aws-sdk/client-s3';
import { ActiveStatementsExceededException, ValidationException } from '@aws-sdk/client-redshift-data';
import { awsCall, isTransientName, isTransientSdkError } from '../../../../functions/lib/aws/sdk-errors';
import { TransientError } from '../../../../functions/lib/errors';

const serviceError = (name: string, status: number, extra: object = {}): S3ServiceException =>
  Object.assign(new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} happened` }), extra);
const networkError = (code: string): Error => Object.assign(new Error(`socket ${code}`), { code });

describe('isTransientSdkError', () => {
  it.each([
    ['a throttling name', serviceError('ThrottlingException', 400)],
    ['S3 SlowDown', serviceError('SlowDown', 503)],
    ['any 5xx', serviceError('SomethingBroke', 500)],
    ['HTTP 429', serviceError('Whatever', 429)],
    ['a retryable-trait error', serviceError('Odd', 400, { $retryable: { throttling: true } })],
    ['a Redshift Data API concurrency limit', new ActiveStatementsExceededException({ message: 'too many', $metadata: {} })],
    ['a connection reset', networkError('ECONNRESET')],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('%s is transient', (_what, err) => {
    expect(isTransientSdkError(err)).toBe(true);
  });

  it.each([
    ['access denied', serviceError('AccessDenied', 403)],
    ['a missing key', serviceError('NoSuchKey', 404)],
    ['a validation error', new ValidationException({ message: 'bad sql', $metadata: { httpStatusCode: 400 } })],
    ['a plain error', new Error('SlowDown')],
    ['not an error at all', 'ThrottlingException'],
  ])('%s is not', (_what, err) => {
    expect(isTransientSdkError(err)).toBe(false);
  });

  it('classifies per-item error codes by name', () => {
    expect(isTransientName('InternalError')).toBe(true);
    expect(isTransientName('AccessDenied')).toBe(false);
    expect(isTransientName(undefined)).toBe(false);
  });
});

describe('awsCall', () => {
  it('returns what the call returns', async () => {
    await expect(awsCall('S3 PutObject', async () => 42)).resolves.toBe(42);
  });

  it('turns a transient SDK error into a TransientError that names the call and keeps the cause', async () => {
    const cause = serviceError('SlowDown', 503);
    const err = await awsCall('S3 PutObject s3://b/k', async () => {
      throw cause;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).name).toBe('TransientError');
    expect((err as TransientError).message).toBe('S3 PutObject s3://b/k: SlowDown: SlowDown happened');
    expect((err as TransientError).cause).toBe(cause);
  });

  it('passes any other error through unchanged', async () => {
    const cause = serviceError('AccessDenied', 403);
    await expect(
      awsCall('S3 PutObject', async () => {
        throw cause;
      }),
    ).rejects.toBe(cause);
  });
});
