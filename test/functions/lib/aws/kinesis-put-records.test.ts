import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import {
  backoffMs,
  chunkForPutRecords,
  MAX_BYTES_PER_CALL,
  putRecordsWithRetry,
  type StreamRecord,
} from '../../../../functions/lib/aws/kinesis-put-records';

const kinesisMock = mockClient(KinesisClient);
const client = new KinesisClient({ region: 'us-east-1' });
const record = (text: string, key = 'S001'): StreamRecord => ({ data: Buffer.from(text), partitionKey: key });

beforeEach(() => kinesisMock.reset());

describe('chunkForPutRecords', () => {
  it('splits at 500 records per call', () => {
    const records = Array.from({ length: 1201 }, (_, i) => record(`r${i}`));
    const calls = chunkForPutRecords(records, records.map((_, i) => i));
    expect(calls.map((c) => c.length)).toEqual([500, 500, 201]);
    expect(calls.flat()).toEqual(records.map((_, i) => i));
  });

  it('splits before a call would exceed 5 MiB of data and partition keys', () => {
    const big = 'x'.repeat(1024 * 1024 - 10);
    const records = Array.from({ length: 7 }, () => record(big, 'K'.repeat(5)));
    const calls = chunkForPutRecords(records, records.map((_, i) => i));
    expect(calls.map((c) => c.length)).toEqual([5, 2]);
    for (const call of calls) {
      expect(call.reduce((n, i) => n + records[i].data.byteLength + 5, 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    }
  });
});

describe('backoffMs', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });
});

describe('putRecordsWithRetry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40 };

  it('resends only failed records, sleeping with backoff between attempts', async () => {
    const sleeps: number[] = [];
    let call = 0;
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      call++;
      // first call: records 0 and 2 fail; second: the first of the remaining fails again; third: all ok
      const failing = call === 1 ? [0, 2] : call === 2 ? [0] : [];
      return {
        FailedRecordCount: failing.length,
        Records: input.Records!.map((_, k) => (failing.includes(k) ? { ErrorCode: 'ProvisionedThroughputExceededException' } : { SequenceNumber: `${call}-${k}`, ShardId: 's' })),
      };
    });
    const records = ['a', 'b', 'c', 'd'].map((t) => record(t));
    const out = await putRecordsWithRetry(client, 'pos', records, policy, async (ms) => void sleeps.push(ms));
    expect(out).toEqual({ failed: [], attempts: 3, errors: ['ProvisionedThroughputExceededException'] });
    const sent = kinesisMock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records!.map((r) => Buffer.from(r.Data!).toString()));
    expect(sent).toEqual([['a', 'b', 'c', 'd'], ['a', 'c'], ['a']]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(10);
    expect(sleeps[1]).toBeLessThanOrEqual(20);
  });

  it('gives up after maxAttempts and returns the indices still failing', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 1,
      Records: input.Records!.map((r) => (Buffer.from(r.Data!).toString() === 'b' ? { ErrorCode: 'InternalFailure' } : { SequenceNumber: '1', ShardId: 's' })),
    }));
    const out = await putRecordsWithRetry(client, 'pos', ['a', 'b', 'c'].map((t) => record(t)), policy, async () => undefined);
    expect(out.failed).toEqual([1]);
    expect(out.attempts).toBe(4);
    expect(kinesisMock.commandCalls(PutRecordsCommand)).toHaveLength(4);
  });

  it('treats a call that throws as all its records failed, and retries them', async () => {
    kinesisMock.on(PutRecordsCommand).rejectsOnce(new Error('socket hang up')).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 's' }] });
    const out = await putRecordsWithRetry(client, 'pos', [record('a')], policy, async () => undefined);
    expect(out.failed).toEqual([]);
    expect(out.attempts).toBe(2);
    expect(out.errors[0]).toContain('socket hang up');
  });

  it('uses several calls for more than 500 records and retries across them', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 0,
      Records: input.Records!.map(() => ({ SequenceNumber: '1', ShardId: 's' })),
    }));
    const records = Array.from({ length: 1100 }, (_, i) => record(`r${i}`));
    const out = await putRecordsWithRetry(client, 'pos', records, policy, async () => undefined);
    expect(out.failed).toEqual([]);
    expect(kinesisMock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records!.length).sort((a, b) => a - b)).toEqual([100, 500, 500]);
  });
});
