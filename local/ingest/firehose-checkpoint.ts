import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PipelineStateError } from '../../functions/lib/errors';
import { CONTROL_PREFIX } from '../../functions/lib/lake-layout';
import { writeFileAtomic } from '../adapters/atomic-file';

/**
 * Where the local firehose has delivered up to, per shard. A shard is named with its starting sequence number
 * too: after the stream is recreated, positions from the old stream no longer apply and are ignored.
 */
export interface ShardPosition {
  startingSequenceNumber: string;
  /** last sequence number whose record is in a delivered object */
  sequenceNumber: string;
}

export interface FirehoseCheckpoint {
  version: 1;
  streamName: string;
  shards: Record<string, ShardPosition>;
  updatedAt: string;
}

export const firehoseDir = (lakeRoot: string): string => join(lakeRoot, CONTROL_PREFIX, 'firehose');
export const checkpointPath = (lakeRoot: string): string => join(firehoseDir(lakeRoot), 'checkpoint.json');

export function emptyCheckpoint(streamName: string): FirehoseCheckpoint {
  return { version: 1, streamName, shards: {}, updatedAt: new Date(0).toISOString() };
}

function isCheckpoint(value: unknown): value is FirehoseCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<FirehoseCheckpoint>;
  return v.version === 1 && typeof v.streamName === 'string' && typeof v.shards === 'object' && v.shards !== null;
}

export async function readCheckpoint(lakeRoot: string, streamName: string): Promise<FirehoseCheckpoint> {
  let text: string;
  try {
    text = await readFile(checkpointPath(lakeRoot), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyCheckpoint(streamName);
    throw err;
  }
  const value: unknown = JSON.parse(text);
  if (!isCheckpoint(value)) throw new PipelineStateError(`${checkpointPath(lakeRoot)}: not a firehose checkpoint`);
  return value.streamName === streamName ? value : emptyCheckpoint(streamName);
}

export async function writeCheckpoint(lakeRoot: string, checkpoint: FirehoseCheckpoint): Promise<void> {
  const path = checkpointPath(lakeRoot);
  await writeFileAtomic(path, `${JSON.stringify(checkpoint, null, 2)}\n`);
}
