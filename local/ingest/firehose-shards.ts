import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import { RetailLakeError } from '../../functions/lib/errors';
import type { FirehoseCheckpoint } from './firehose-checkpoint';

/** A shard of the stream and how far the local firehose has read it. */
export interface ShardCursor {
  shardId: string;
  startingSequenceNumber: string;
  iterator?: string;
  /** last sequence number read into the buffer (where to resume if the iterator expires) */
  lastRead?: string;
}

/** Takes one record read from a shard; a failure stops the pass and the shard is read again after `lastRead`. */
export type TakeRecord = (shard: ShardCursor, record: KinesisRecord) => Promise<void>;

async function listShards(client: KinesisClient, streamName: string): Promise<ShardCursor[]> {
  const shards: ShardCursor[] = [];
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

/**
 * Reads every shard of a stream in turn, one GetRecords call each per pass. A shard starts after the
 * checkpoint's position for it (the checkpoint object is read each time an iterator is needed, so positions
 * delivered since count), else at TRIM_HORIZON.
 */
export class ShardReader {
  private constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly checkpoint: FirehoseCheckpoint,
    private readonly shards: ShardCursor[],
  ) {}

  static async open(client: KinesisClient, streamName: string, checkpoint: FirehoseCheckpoint): Promise<ShardReader> {
    return new ShardReader(client, streamName, checkpoint, await listShards(client, streamName));
  }

  /** One GetRecords call per shard, each record handed to `take`; returns the number of records read. */
  async readPass(take: TakeRecord): Promise<number> {
    let read = 0;
    for (const shard of this.shards) read += await this.readShard(shard, take);
    return read;
  }

  private async readShard(shard: ShardCursor, take: TakeRecord): Promise<number> {
    shard.iterator ??= await this.iteratorFor(shard);
    let out;
    try {
      out = await this.client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 10000 }));
    } catch (err) {
      shard.iterator = undefined;
      if (err instanceof ExpiredIteratorException) return 0;
      throw err;
    }
    try {
      for (const record of out.Records ?? []) {
        await take(shard, record);
        if (record.SequenceNumber) shard.lastRead = record.SequenceNumber;
      }
    } catch (err) {
      // a failed delivery: read again after the last record that made it into the buffer
      shard.iterator = undefined;
      throw err;
    }
    shard.iterator = out.NextShardIterator;
    return out.Records?.length ?? 0;
  }

  private async iteratorFor(shard: ShardCursor): Promise<string> {
    const saved = this.checkpoint.shards[shard.shardId];
    const after = shard.lastRead ?? (saved?.startingSequenceNumber === shard.startingSequenceNumber ? saved.sequenceNumber : undefined);
    const { streamName } = this;
    const out = await this.client.send(
      new GetShardIteratorCommand(
        after
          ? { StreamName: streamName, ShardId: shard.shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { StreamName: streamName, ShardId: shard.shardId, ShardIteratorType: 'TRIM_HORIZON' },
      ),
    );
    if (!out.ShardIterator) throw new RetailLakeError(`no iterator for ${shard.shardId}`);
    return out.ShardIterator;
  }
}
