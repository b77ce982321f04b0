import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startLocalFirehose } from '../../../local/ingest/firehose';
import { checkpointPath, type FirehoseCheckpoint } from '../../../local/ingest/firehose-checkpoint';
import { type LocalStream, startLocalStream } from '../../../local/ingest/stream';
import { readRaw, tempLake } from './helpers';

const line = (id: string, store = 'S001', pad = 0): string => `${JSON.stringify({ event_id: id, store_id: store, pad: 'x'.repeat(pad) })}\n`;

async function put(stream: LocalStream, lines: string[]): Promise<void> {
  const out = await stream.client.send(
    new PutRecordsCommand({
      StreamName: stream.streamName,
      Records: lines.map((l, i) => ({ Data: Buffer.from(l), PartitionKey: `S${i % 7}` })),
    }),
  );
  expect(out.FailedRecordCount).toBe(0);
}

const ids = (lakeRoot: string): string[] => readRaw(lakeRoot).flatMap((o) => o.lines.map((l) => (JSON.parse(l) as { event_id: string }).event_id));

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('local firehose', () => {
  let lake: ReturnType<typeof tempLake>;
  let stream: LocalStream;

  beforeEach(async () => {
    lake = tempLake('firehose');
    stream = await startLocalStream({ lakeRoot: lake.root, thread: 'main', shardCount: 2 });
  });
  afterEach(async () => {
    await stream.stop();
    lake.cleanup();
  });

  it('flush writes one gzip NDJSON object under raw/pos/YYYY/MM/DD/HH/ (delivery time, UTC), then the checkpoint', async () => {
    const firehose = await startLocalFirehose({
      lakeRoot: lake.root,
      client: stream.client,
      streamName: stream.streamName,
      now: () => new Date('2026-03-04T05:06:07.089Z'),
    });
    const lines = Array.from({ length: 20 }, (_, i) => line(`e${i}`));
    await put(stream, lines);
    const deliveries = await firehose.flush();
    await firehose.stop();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ records: 20, bytes: lines.join('').length });
    const objects = readRaw(lake.root);
    expect(objects).toHaveLength(1);
    expect(objects[0].key).toMatch(/^raw\/pos\/2026\/03\/04\/05\/retail-lake-pos-1-2026-03-04-05-06-07-089-[0-9a-f-]{36}\.gz$/);
    expect(objects[0].lines.sort()).toEqual(lines.map((l) => l.trimEnd()).sort());
    const checkpoint = JSON.parse(readFileSync(checkpointPath(lake.root), 'utf8')) as FirehoseCheckpoint;
    expect(Object.keys(checkpoint.shards).sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
  });

  it('delivers on its own when the buffer would pass the size limit, objects within it', async () => {
    const firehose = await startLocalFirehose({ lakeRoot: lake.root, client: stream.client, streamName: stream.streamName, bufferBytes: 1000, pollMs: 20 });
    const lines = Array.from({ length: 40 }, (_, i) => line(`s${i}`, 'S001', 60)); // ~100 bytes each
    await put(stream, lines);
    await waitFor(() => firehose.stats().records >= 30);
    await firehose.drain();
    const objects = readRaw(lake.root);
    expect(objects.length).toBeGreaterThanOrEqual(4);
    for (const o of objects) expect(o.lines.reduce((n, l) => n + l.length + 1, 0)).toBeLessThanOrEqual(1000);
    expect(ids(lake.root).sort()).toEqual(lines.map((_, i) => `s${i}`).sort());
  });

  it('delivers on its own when the oldest buffered record has waited the interval', async () => {
    const firehose = await startLocalFirehose({ lakeRoot: lake.root, client: stream.client, streamName: stream.streamName, bufferSeconds: 0.3, pollMs: 20 });
    await put(stream, [line('t1'), line('t2')]);
    const started = Date.now();
    await waitFor(() => readRaw(lake.root).length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await firehose.stop();
    expect(ids(lake.root).sort()).toEqual(['t1', 't2']);
  });

  it('resumes after its checkpoint: a restart delivers only what came after, and clears partial temp files', async () => {
    const partial = join(lake.root, 'control', 'firehose', 'tmp', 'crashed.gz.tmp');
    mkdirSync(dirname(partial), { recursive: true });
    writeFileSync(partial, 'half an object');
    const first = await startLocalFirehose({ lakeRoot: lake.root, client: stream.client, streamName: stream.streamName });
    await put(stream, [line('a1'), line('a2', 'S002'), line('a3', 'S003')]);
    await first.flush();
    await first.stop();
    await put(stream, [line('b1'), line('b2', 'S009')]);
    const second = await startLocalFirehose({ lakeRoot: lake.root, client: stream.client, streamName: stream.streamName });
    const deliveries = await second.drain();
    expect(deliveries.map((d) => d.records)).toEqual([2]);
    expect(ids(lake.root).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(existsSync(partial)).toBe(false);
  });

  it('when the checkpoint cannot be written after an object is in place, a restart delivers that buffer again, never less', async () => {
    const first = await startLocalFirehose({ lakeRoot: lake.root, client: stream.client, streamName: stream.streamName });
    await put(stream, [line('a1'), line('a2')]);
    await first.flush();
    await put(stream, [line('b1'), line('b2')]);
    // the checkpoint's temporary path is taken by a directory: the write after the rename fails
    const blocker = `${checkpointPath(lake.root)}.tmp`;
    mkdirSync(blocker);
    await expect(first.flush()).rejects.toThrow();
    await first.stop();
    rmSync(blocker, { recursive: true });
    expect(ids(lake.root).sort()).toEqual(['a1', 'a2', 'b1', 'b2']);

    const second = await startLocalFirehose({ lakeRoot: lake.root, client: stream.client, streamName: stream.streamName });
    await second.drain();
    // b1, b2 twice (the pipeline drops duplicates by event_id), a1, a2 once
    expect(ids(lake.root).sort()).toEqual(['a1', 'a2', 'b1', 'b1', 'b2', 'b2']);
  });

  it('drain delivers everything in the stream, from every shard, and stops reading', async () => {
    const firehose = await startLocalFirehose({ lakeRoot: lake.root, client: stream.client, streamName: stream.streamName, pollMs: 10_000 });
    const batches = Array.from({ length: 4 }, (_, b) => Array.from({ length: 500 }, (_, i) => line(`d${b}-${i}`, `S${i % 13}`)));
    for (const batch of batches) await put(stream, batch);
    await firehose.drain();
    const delivered = ids(lake.root);
    expect(delivered).toHaveLength(2000);
    expect(new Set(delivered).size).toBe(2000);
    // nothing more is read after drain
    await put(stream, [line('late')]);
    await new Promise((r) => setTimeout(r, 100));
    expect(ids(lake.root)).not.toContain('late');
  });
});
