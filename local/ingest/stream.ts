import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import kinesalite from 'kinesalite';
import leveldown from 'leveldown';
import { createKinesisClient } from '../../functions/lib/aws/kinesis-client';
import { RetailLakeError, TransientError } from '../../functions/lib/errors';
import { CONTROL_PREFIX } from '../../functions/lib/lake-layout';
import { startWorker, workerEntry } from '../../functions/lib/typescript-worker';
import { checkpointPath } from './firehose-checkpoint';
import { installKinesaliteSpeedups } from './kinesalite-speedups';

/**
 * The local Kinesis stream: kinesalite in this process, listening on 127.0.0.1, its records in a LevelDB under
 * `<lake>/control/stream/`. By default it runs on a worker thread (stream-worker.ts) so that it has a core of
 * its own while the main thread runs the HTTP server, the handler and the firehose. A PutRecords call is answered only after its LevelDB batch is written (to the
 * LevelDB log, in the OS page cache), so an acknowledged record survives `kill -9` of this process (not a
 * power cut: LevelDB does not fsync each write). LevelDB's own lock keeps a second process from opening
 * the same stream.
 */

export const DEFAULT_STREAM_NAME = 'retail-lake-pos';
export const DEFAULT_SHARD_COUNT = 2;
/** kinesalite's maximum; records not delivered within a week are dropped, as Kinesis would */
const RETENTION_HOURS = 168;

export const streamDir = (lakeRoot: string): string => join(lakeRoot, CONTROL_PREFIX, 'stream');

export interface LocalStreamOptions {
  lakeRoot: string;
  streamName?: string;
  shardCount?: number;
  /** 'worker' (default): kinesalite on a worker thread; 'main': on the calling thread */
  thread?: 'worker' | 'main';
}

export interface LocalStream {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  streamName: string;
  /** a client for this stream's endpoint (destroyed by stop()) */
  client: KinesisClient;
  stop(): Promise<void>;
}

export class StreamInUseError extends RetailLakeError {
  constructor(dir: string) {
    super(`the lake's stream (${dir}) is open in another process, probably a running \`retail-lake serve\``);
    this.name = 'StreamInUseError';
  }
}

/** Fails fast with StreamInUseError instead of kinesalite's uncatchable open error on a locked LevelDB. */
async function probeLock(dir: string): Promise<void> {
  const db = leveldown(dir);
  await new Promise<void>((resolve, reject) =>
    db.open({ createIfMissing: true }, (err) => {
      if (!err) return resolve();
      reject(/lock/i.test(err.message) ? new StreamInUseError(dir) : err);
    }),
  );
  await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
}

export function localKinesisClient(endpoint: string): KinesisClient {
  return createKinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}

async function ensureActiveStream(client: KinesisClient, streamName: string, shardCount: number): Promise<void> {
  let created = false;
  for (let attempt = 0; attempt < 500; attempt++) {
    try {
      const { StreamDescriptionSummary: s } = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      if (s?.StreamStatus === 'ACTIVE') {
        if (created || (s.RetentionPeriodHours ?? 0) < RETENTION_HOURS) {
          await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: streamName, RetentionPeriodHours: RETENTION_HOURS }));
        }
        return;
      }
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException) || created) throw err;
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
      created = true;
      continue;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new TransientError(`stream ${streamName} did not become ACTIVE`);
}

interface Listening {
  port: number;
  close(): Promise<void>;
}

async function listenOnMainThread(dir: string): Promise<Listening> {
  installKinesaliteSpeedups();
  const server: Server = kinesalite({ path: dir, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        // kinesalite's close() closes the LevelDB store, then the HTTP server
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function listenOnWorker(dir: string): Promise<Listening> {
  const worker = startWorker(workerEntry(__dirname, 'stream-worker'), { dir });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the stream worker exited (${code}) before listening`)));
    worker.once('message', (m: { port: number }) => resolve(m.port));
  });
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('exit', () => resolve());
        worker.on('message', (m: { stopped?: boolean; error?: string }) => {
          if (m.stopped && m.error) reject(new Error(m.error));
        });
        worker.postMessage('stop');
      }),
  };
}

export async function startLocalStream(options: LocalStreamOptions): Promise<LocalStream> {
  const streamName = options.streamName ?? DEFAULT_STREAM_NAME;
  const dir = streamDir(options.lakeRoot);
  await removeStaleStreamDirs(options.lakeRoot);
  await mkdir(dir, { recursive: true });
  await probeLock(dir);

  const listening = options.thread === 'main' ? await listenOnMainThread(dir) : await listenOnWorker(dir);
  const endpoint = `http://127.0.0.1:${listening.port}`;
  const client = localKinesisClient(endpoint);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      client.destroy();
      await listening.close();
    })();
    return stopped;
  };
  try {
    await ensureActiveStream(client, streamName, options.shardCount ?? DEFAULT_SHARD_COUNT);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, streamName, client, stop };
}

/**
 * Empties the stream's storage once everything in it has been delivered and the stream is stopped: LevelDB
 * never shrinks otherwise. The firehose checkpoint goes first: a new stream's sequence numbers can repeat the
 * old one's (they encode the creation second), so an old checkpoint must never meet a new stream. A crash
 * in between leaves the old stream without a checkpoint: it is delivered again (duplicates, never a loss).
 * The directory is renamed away before it is removed, so a crash never leaves a half-deleted LevelDB.
 */
export async function resetLocalStream(lakeRoot: string): Promise<void> {
  await rm(checkpointPath(lakeRoot), { force: true });
  const dir = streamDir(lakeRoot);
  try {
    await rename(dir, `${dir}.old-${Date.now()}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await removeStaleStreamDirs(lakeRoot);
}

async function removeStaleStreamDirs(lakeRoot: string): Promise<void> {
  const parent = join(lakeRoot, CONTROL_PREFIX);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.startsWith('stream.old-')).map((n) => rm(join(parent, n), { recursive: true, force: true })));
}
