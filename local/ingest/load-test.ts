/**
 * Load test of the local ingest path: `node --import tsx local/ingest/load-test.ts [--events 100000]
 * [--clients 4] [--batch 500]`. Starts the ingest server on a temporary lake, then a separate client process
 * (like tills, it does not share the server's event loop) posts pre-built JSON batches from several
 * concurrent connections. Prints acknowledged events/s, the time until everything is in raw/, and checks
 * that every event is there exactly once.
 *
 * `--target stream` measures the local stream alone instead: PutRecords of `--batch` records from `--clients`
 * concurrent callers, then GetRecords of everything (`--thread main` runs kinesalite on the caller's thread).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { TransientError } from '../../functions/lib/errors';
import { RAW_PREFIX } from '../../functions/lib/lake-layout';
import { rawText } from '../../functions/lib/raw-objects';
import { sampleEvents } from './sample-events';
import { startIngestServer } from './server';
import { startLocalStream } from './stream';

interface ClientResult {
  events: number;
  requests: number;
  ms: number;
  statuses: Record<string, number>;
}

function post(agent: Agent, url: string, apiKey: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-api-key': apiKey } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function runClient(url: string, apiKey: string, events: number, clients: number, batch: number): Promise<ClientResult> {
  const bodies: Buffer[] = [];
  for (let start = 0; start < events; start += batch) {
    bodies.push(Buffer.from(JSON.stringify(sampleEvents(Math.min(batch, events - start), start, 'load'))));
  }
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const statuses: Record<string, number> = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const status = await post(agent, url, apiKey, bodies[next++]);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  return { events, requests: bodies.length, ms, statuses };
}

function countRaw(lakeRoot: string): { lines: number; distinct: number; objects: number } {
  const dir = join(lakeRoot, RAW_PREFIX);
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.gz'));
  const ids = new Set<string>();
  let lines = 0;
  for (const f of files) {
    for (const line of rawText(readFileSync(join(dir, f))).split('\n')) {
      if (!line) continue;
      lines++;
      ids.add((JSON.parse(line) as { event_id: string }).event_id);
    }
  }
  return { lines, distinct: ids.size, objects: files.length };
}

async function measureStream(events: number, clients: number, batch: number, thread: 'main' | 'worker'): Promise<void> {
  const lakeRoot = mkdtempSync(join(tmpdir(), 'retail-lake-stream-'));
  const stream = await startLocalStream({ lakeRoot, thread });
  try {
    const entries = sampleEvents(events, 0, 'load').map((e) => ({ Data: Buffer.from(`${JSON.stringify(e)}\n`), PartitionKey: e.store_id }));
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < entries.length) {
          const records = entries.slice(next, (next += batch));
          const out = await stream.client.send(new PutRecordsCommand({ StreamName: stream.streamName, Records: records }));
          if (out.FailedRecordCount) throw new TransientError(`${out.FailedRecordCount} records failed`);
        }
      }),
    );
    const putMs = performance.now() - t0;
    const t1 = performance.now();
    let read = 0;
    const { Shards } = await stream.client.send(new ListShardsCommand({ StreamName: stream.streamName }));
    for (const shard of Shards ?? []) {
      let iterator = (await stream.client.send(new GetShardIteratorCommand({ StreamName: stream.streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      for (;;) {
        const out = await stream.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10000 }));
        read += out.Records?.length ?? 0;
        iterator = out.NextShardIterator;
        if (!out.Records?.length) break;
      }
    }
    const getMs = performance.now() - t1;
    console.log(
      JSON.stringify(
        { target: 'stream', thread, events, clients, batch, putRecordsPerSecond: Math.round(events / (putMs / 1000)), getRecordsPerSecond: Math.round(read / (getMs / 1000)), read },
        null,
        2,
      ),
    );
  } finally {
    await stream.stop();
    rmSync(lakeRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '100000' },
      clients: { type: 'string', default: '4' },
      batch: { type: 'string', default: '500' },
      client: { type: 'boolean', default: false },
      target: { type: 'string', default: 'server' },
      thread: { type: 'string', default: 'worker' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  });
  const events = Number(values.events);
  const clients = Number(values.clients);
  const batch = Number(values.batch);

  if (values.target === 'stream') return measureStream(events, clients, batch, values.thread === 'main' ? 'main' : 'worker');
  if (values.client) {
    const result = await runClient(values.url!, values.key!, events, clients, batch);
    process.send!(result);
    return;
  }

  const lakeRoot = mkdtempSync(join(tmpdir(), 'retail-lake-load-'));
  const apiKey = randomBytes(24).toString('base64url');
  const server = await startIngestServer({ lakeRoot, apiKey });
  try {
    const child = fork(__filename, ['--client', '--url', server.eventsUrl, '--key', apiKey, '--events', String(events), '--clients', String(clients), '--batch', String(batch)], {
      execArgv: process.execArgv,
    });
    const result = await new Promise<ClientResult>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ClientResult));
      child.once('error', reject);
      child.once('exit', (code) => code !== 0 && reject(new Error(`client exited with ${code}`)));
    });
    const deliveredDuringRun = server.stats().firehose.records;
    const t0 = performance.now();
    await server.drain();
    const drainMs = performance.now() - t0;
    const raw = countRaw(lakeRoot);
    const report = {
      events,
      clients,
      batch,
      requests: result.requests,
      statuses: result.statuses,
      acknowledgedPerSecond: Math.round(events / (result.ms / 1000)),
      acknowledgeSeconds: +(result.ms / 1000).toFixed(2),
      deliveredDuringRun,
      finalDrainSeconds: +(drainMs / 1000).toFixed(2),
      endToEndPerSecond: Math.round(events / ((result.ms + drainMs) / 1000)),
      raw,
      exactlyOnce: raw.lines === events && raw.distinct === events,
    };
    console.log(JSON.stringify(report, null, 2));
    if (!report.exactlyOnce) process.exitCode = 1;
  } finally {
    await server.close();
    rmSync(lakeRoot, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
