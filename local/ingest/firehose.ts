import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import { RetailLakeError } from '../../functions/lib/errors';
import { rawObjectKey } from '../../functions/lib/lake-layout';
import { writeFileAtomic } from '../adapters/atomic-file';
import { type FirehoseCheckpoint, firehoseDir, readCheckpoint, writeCheckpoint } from './firehose-checkpoint';

const gzip = promisify(gzipCb);

/**
 * The local equivalent of the Firehose delivery stream from Kinesis to the raw zone: reads every shard,
 * buffers the records' bytes as they are, and writes one gzip object per delivery under
 * `raw/pos/YYYY/MM/DD/HH/` (arrival = delivery time, UTC). A delivery happens when the buffer would exceed
 * `bufferBytes` or its oldest record has waited `bufferSeconds`.
 *
 * Durability: the checkpoint (last delivered sequence number per shard) is written only after the object is
 * renamed into place, and reading resumes after it. A crash therefore re-delivers at most the buffer that was
 * being delivered (duplicates, which the pipeline removes by event_id) and never skips a record.
 */

export const DEFAULT_BUFFER_BYTES = 5 * 1024 * 1024;
export const DEFAULT_BUFFER_SECONDS = 60;

export interface LocalFirehoseOptions {
  lakeRoot: string;
  client: KinesisClient;
  streamName: string;
  /** first part of object names, as Firehose names objects after the delivery stream (default: streamName) */
  deliveryStreamName?: string;
  bufferBytes?: number;
  bufferSeconds?: number;
  /** pause between reads once caught up (default 200 ms) */
  pollMs?: number;
  now?: () => Date;
  onDelivery?: (delivery: Delivery) => void;
  /** errors of the background loop, which keeps going (default: console.error) */
  onError?: (err: unknown) => void;
}

export interface Delivery {
  /** object key under the lake root */
  key: string;
  records: number;
  /** uncompressed bytes */
  bytes: number;
}

export interface FirehoseStats {
  deliveries: number;
  records: number;
  bytes: number;
  buffered: number;
}

export interface LocalFirehose {
  /** reads what the stream holds now and delivers it, buffer included; keeps running */
  flush(): Promise<Delivery[]>;
  /** stops reading, then delivers everything the stream holds; the firehose is stopped afterwards */
  drain(): Promise<Delivery[]>;
  /** stops without delivering the buffer (it is still in the stream and is read again next start) */
  stop(): Promise<void>;
  stats(): FirehoseStats;
}

interface ShardState {
  shardId: string;
  startingSequenceNumber: string;
  iterator?: string;
  /** last sequence number read into the buffer (where to resume if the iterator expires) */
  lastRead?: string;
}

async function listShards(client: KinesisClient, streamName: string): Promise<ShardState[]> {
  const shards: ShardState[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
    for (const s of out.Shards ?? []) {
      if (s.ShardId && s.SequenceNumberRange?.StartingSequenceNumber) {
        shards.push({ shardId: s.ShardId, startingSequenceNumber: s.SequenceNumberRange.StartingSequenceNumber });
      }
    }
    nextToken = out.NextToken;
  } while (nextToken);
  return shards;
}

export async function startLocalFirehose(options: LocalFirehoseOptions): Promise<LocalFirehose> {
  const { lakeRoot, client, streamName } = options;
  const deliveryStreamName = options.deliveryStreamName ?? streamName;
  const bufferBytes = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
  const bufferMs = (options.bufferSeconds ?? DEFAULT_BUFFER_SECONDS) * 1000;
  const pollMs = options.pollMs ?? 200;
  const now = options.now ?? (() => new Date());
  const onError = options.onError ?? ((err: unknown) => console.error(`local firehose: ${err instanceof Error ? err.message : String(err)}`));

  // partial objects of a delivery that crashed before its rename: their records are delivered again
  await rm(join(firehoseDir(lakeRoot), 'tmp'), { recursive: true, force: true });
  const checkpoint: FirehoseCheckpoint = await readCheckpoint(lakeRoot, streamName);
  const shards = await listShards(client, streamName);

  let chunks: Uint8Array[] = [];
  let bufferedBytes = 0;
  let firstBufferedAt = 0;
  /** per shard, the last record in the buffer */
  const bufferedUpTo = new Map<string, { startingSequenceNumber: string; sequenceNumber: string }>();
  const totals = { deliveries: 0, records: 0, bytes: 0 };
  let deliveredInCall: Delivery[] = [];

  async function iteratorFor(shard: ShardState): Promise<string> {
    const saved = checkpoint.shards[shard.shardId];
    const after = shard.lastRead ?? (saved?.startingSequenceNumber === shard.startingSequenceNumber ? saved.sequenceNumber : undefined);
    const out = await client.send(
      new GetShardIteratorCommand(
        after
          ? { StreamName: streamName, ShardId: shard.shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { StreamName: streamName, ShardId: shard.shardId, ShardIteratorType: 'TRIM_HORIZON' },
      ),
    );
    if (!out.ShardIterator) throw new RetailLakeError(`no iterator for ${shard.shardId}`);
    return out.ShardIterator;
  }

  async function deliver(): Promise<void> {
    if (chunks.length === 0) return;
    const arrival = now();
    const unique = `${String(arrival.getUTCMilliseconds()).padStart(3, '0')}-${randomUUID()}`;
    const key = rawObjectKey(arrival, deliveryStreamName, unique);
    const body = await gzip(Buffer.concat(chunks), { level: 6 });
    const tmpPath = join(firehoseDir(lakeRoot), 'tmp', `${unique}.gz.tmp`);
    await writeFileAtomic(join(lakeRoot, key), body, tmpPath);

    // the object is in place: from here on these records count as delivered
    const delivery: Delivery = { key, records: chunks.length, bytes: bufferedBytes };
    for (const [shardId, position] of bufferedUpTo) checkpoint.shards[shardId] = position;
    chunks = [];
    bufferedBytes = 0;
    bufferedUpTo.clear();
    totals.deliveries++;
    totals.records += delivery.records;
    totals.bytes += delivery.bytes;
    deliveredInCall.push(delivery);
    checkpoint.updatedAt = arrival.toISOString();
    await writeCheckpoint(lakeRoot, checkpoint);
    options.onDelivery?.(delivery);
  }

  async function append(shard: ShardState, record: KinesisRecord): Promise<void> {
    const data = record.Data ?? new Uint8Array(0);
    if (chunks.length > 0 && bufferedBytes + data.byteLength > bufferBytes) await deliver();
    if (chunks.length === 0) firstBufferedAt = Date.now();
    chunks.push(data);
    bufferedBytes += data.byteLength;
    if (record.SequenceNumber) {
      shard.lastRead = record.SequenceNumber;
      bufferedUpTo.set(shard.shardId, { startingSequenceNumber: shard.startingSequenceNumber, sequenceNumber: record.SequenceNumber });
    }
  }

  /** One GetRecords call per shard; returns the number of records read. */
  async function pollOnce(): Promise<number> {
    let read = 0;
    for (const shard of shards) {
      shard.iterator ??= await iteratorFor(shard);
      let out;
      try {
        out = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 10000 }));
      } catch (err) {
        shard.iterator = undefined;
        if (err instanceof ExpiredIteratorException) continue;
        throw err;
      }
      try {
        for (const record of out.Records ?? []) await append(shard, record);
      } catch (err) {
        // a failed delivery: read again after the last record that made it into the buffer
        shard.iterator = undefined;
        throw err;
      }
      shard.iterator = out.NextShardIterator;
      read += out.Records?.length ?? 0;
    }
    if (chunks.length > 0 && Date.now() - firstBufferedAt >= bufferMs) await deliver();
    return read;
  }

  // one reader at a time: the background loop, flush and drain take turns
  let queue: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  async function catchUpAndDeliver(): Promise<Delivery[]> {
    deliveredInCall = [];
    while ((await pollOnce()) > 0) {
      /* read until a pass finds nothing new */
    }
    await deliver();
    return deliveredInCall;
  }

  let running = true;
  let wake: (() => void) | undefined;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (running) {
      let read = 0;
      try {
        read = await exclusive(pollOnce);
      } catch (err) {
        onError(err);
      }
      if (read === 0 && running) await pause(pollMs);
      wake = undefined;
    }
  })();

  async function stopLoop(): Promise<void> {
    running = false;
    wake?.();
    await loop;
  }

  return {
    flush: () => exclusive(catchUpAndDeliver),
    drain: async () => {
      await stopLoop();
      return exclusive(catchUpAndDeliver);
    },
    stop: stopLoop,
    stats: () => ({ ...totals, buffered: chunks.length }),
  };
}
