import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { packInOrder } from '../pack-in-order';

/** Kinesis limits (AWS-NOTES.md): per PutRecords call 500 records and 5 MiB (data + partition keys). */
export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
/** One record: data + partition key at most 1 MiB (the contract's record limit). */
export { MAX_RECORD_BYTES } from '../contract/types';

export interface StreamRecord {
  data: Uint8Array;
  partitionKey: string;
}

export interface RetryPolicy {
  /** calls per record, the first included */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

export interface PutOutcome {
  /** indices (into the records given) that were not stored after every attempt */
  failed: number[];
  attempts: number;
  /** distinct error codes/messages seen, for logs */
  errors: string[];
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const recordBytes = (r: StreamRecord): number => r.data.byteLength + Buffer.byteLength(r.partitionKey);

/** Groups indices into calls of at most 500 records and 5 MiB, keeping their order. */
export function chunkForPutRecords(records: StreamRecord[], indices: number[]): number[][] {
  return packInOrder(indices, (i) => recordBytes(records[i]), MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL);
}

/** Full-jitter exponential backoff: random in [0, min(max, base * 2^(attempt-1))]. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

/**
 * Writes records with PutRecords and retries only the records that failed (per-record ErrorCode, or every
 * record of a call that threw) with bounded exponential backoff. Returns the indices still not stored.
 */
export async function putRecordsWithRetry(
  client: KinesisClient,
  streamName: string,
  records: StreamRecord[],
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  sleep: Sleep = realSleep,
): Promise<PutOutcome> {
  let pending = records.map((_, i) => i);
  const errors = new Set<string>();
  let attempts = 0;
  while (pending.length > 0 && attempts < policy.maxAttempts) {
    if (attempts > 0) await sleep(backoffMs(attempts, policy));
    attempts++;
    const calls = chunkForPutRecords(records, pending);
    const stillFailing = await Promise.all(
      calls.map(async (indices): Promise<number[]> => {
        const entries: PutRecordsRequestEntry[] = indices.map((i) => ({ Data: records[i].data, PartitionKey: records[i].partitionKey }));
        try {
          const out = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
          if (!out.FailedRecordCount) return [];
          const failed: number[] = [];
          (out.Records ?? []).forEach((r, k) => {
            if (r.ErrorCode) {
              failed.push(indices[k]);
              errors.add(r.ErrorCode);
            }
          });
          // a response that reports failures but not which: treat the whole call as failed
          return failed.length > 0 ? failed : indices;
        } catch (err) {
          errors.add(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
          return indices;
        }
      }),
    );
    pending = stillFailing.flat().sort((a, b) => a - b);
  }
  return { failed: pending, attempts, errors: [...errors] };
}
