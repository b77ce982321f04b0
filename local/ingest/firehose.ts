import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { KinesisClient, _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import { rawObjectKey } from '../../functions/lib/lake-layout';
import { writeFileAtomic } from '../adapters/atomic-file';
import { DeliveryBuffer } from './firehose-buffer';
import { type FirehoseCheckpoint, firehoseDir, readCheckpoint, writeCheckpoint } from './firehose-checkpoint';
import { type ShardCursor, ShardReader } from './firehose-shards';
import { PollingLoop } from './polling-loop';

const gzip = promisify(gzipCb);

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

/**
 * The local equivalent of the Firehose delivery stream from Kinesis to the raw zone: reads every shard,
 * buffers the records' bytes as they are, and writes one gzip object per delivery under
 * `raw/pos/YYYY/MM/DD/HH/` (arrival = delivery time, UTC). A delivery happens when the buffer would exceed
 * `bufferBytes` or its oldest record has waited `bufferSeconds`.
 *
 * Started by `startLocalFirehose`, which resumes after the checkpoint.
 *
 * Durability: the checkpoint (last delivered sequence number per shard) is written only after the object is
 * renamed into place, and reading resumes after it. A crash therefore re-delivers at most the buffer that was
 * being delivered (duplicates, which the pipeline removes by event_id) and never skips a record.
 */
export class LocalFirehose {
  private readonly deliveryStreamName: string;
  private readonly now: () => Date;
  private readonly buffer: DeliveryBuffer;
  private readonly loop: PollingLoop;
  private readonly totals = { deliveries: 0, records: 0, bytes: 0 };
  /** what the flush or drain under way has delivered */
  private deliveredInCall: Delivery[] = [];

  /** use `startLocalFirehose`, which reads the checkpoint and lists the shards first */
  constructor(
    private readonly options: LocalFirehoseOptions,
    private readonly checkpoint: FirehoseCheckpoint,
    private readonly reader: ShardReader,
  ) {
    this.deliveryStreamName = options.deliveryStreamName ?? options.streamName;
    this.now = options.now ?? (() => new Date());
    this.buffer = new DeliveryBuffer(options.bufferBytes ?? DEFAULT_BUFFER_BYTES, (options.bufferSeconds ?? DEFAULT_BUFFER_SECONDS) * 1000);
    const onError = options.onError ?? ((err: unknown) => console.error(`local firehose: ${err instanceof Error ? err.message : String(err)}`));
    this.loop = new PollingLoop(() => this.pollOnce(), options.pollMs ?? 200, onError);
  }

  /** reads what the stream holds now and delivers it, buffer included; keeps running */
  flush(): Promise<Delivery[]> {
    return this.loop.exclusive(() => this.catchUpAndDeliver());
  }

  /** stops reading, then delivers everything the stream holds; the firehose is stopped afterwards */
  async drain(): Promise<Delivery[]> {
    await this.loop.stop();
    return this.loop.exclusive(() => this.catchUpAndDeliver());
  }

  /** stops without delivering the buffer (it is still in the stream and is read again next start) */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  stats(): FirehoseStats {
    return { ...this.totals, buffered: this.buffer.records };
  }

  private async catchUpAndDeliver(): Promise<Delivery[]> {
    this.deliveredInCall = [];
    while ((await this.pollOnce()) > 0) {
      /* read until a pass finds nothing new */
    }
    await this.deliver();
    return this.deliveredInCall;
  }

  /** One GetRecords call per shard, then a delivery if the buffer's time is up; returns the number of records read. */
  private async pollOnce(): Promise<number> {
    const read = await this.reader.readPass((shard, record) => this.append(shard, record));
    if (this.buffer.isDue()) await this.deliver();
    return read;
  }

  private async append(shard: ShardCursor, record: KinesisRecord): Promise<void> {
    const data = record.Data ?? new Uint8Array(0);
    if (this.buffer.isFullFor(data)) await this.deliver();
    const position = record.SequenceNumber ? { startingSequenceNumber: shard.startingSequenceNumber, sequenceNumber: record.SequenceNumber } : undefined;
    this.buffer.add(data, shard.shardId, position);
  }

  private async deliver(): Promise<void> {
    if (this.buffer.isEmpty) return;
    const arrival = this.now();
    const key = await this.writeObject(arrival);

    // the object is in place: from here on these records count as delivered
    const delivery: Delivery = { key, records: this.buffer.records, bytes: this.buffer.bytes };
    for (const [shardId, position] of this.buffer.positions) this.checkpoint.shards[shardId] = position;
    this.buffer.clear();
    this.totals.deliveries++;
    this.totals.records += delivery.records;
    this.totals.bytes += delivery.bytes;
    this.deliveredInCall.push(delivery);
    this.checkpoint.updatedAt = arrival.toISOString();
    await writeCheckpoint(this.options.lakeRoot, this.checkpoint);
    this.options.onDelivery?.(delivery);
  }

  /** Writes the buffer as one gzip object named for its arrival; returns its key. */
  private async writeObject(arrival: Date): Promise<string> {
    const { lakeRoot } = this.options;
    const unique = `${String(arrival.getUTCMilliseconds()).padStart(3, '0')}-${randomUUID()}`;
    const key = rawObjectKey(arrival, this.deliveryStreamName, unique);
    const body = await gzip(this.buffer.contents(), { level: 6 });
    const tmpPath = join(firehoseDir(lakeRoot), 'tmp', `${unique}.gz.tmp`);
    await writeFileAtomic(join(lakeRoot, key), body, tmpPath);
    return key;
  }
}

/** Resumes after the checkpoint and starts reading in the background. */
export async function startLocalFirehose(options: LocalFirehoseOptions): Promise<LocalFirehose> {
  const { lakeRoot, client, streamName } = options;
  // partial objects of a delivery that crashed before its rename: their records are delivered again
  await rm(join(firehoseDir(lakeRoot), 'tmp'), { recursive: true, force: true });
  const checkpoint = await readCheckpoint(lakeRoot, streamName);
  const reader = await ShardReader.open(client, streamName, checkpoint);
  return new LocalFirehose(options, checkpoint, reader);
}
