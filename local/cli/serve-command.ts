import { startIngestServer } from '../ingest/server';

export interface ServeOptions {
  port: number;
  host: string;
  apiKey?: string;
  bufferSeconds: number;
  bufferMib: number;
}

/** `retail-lake serve`: the ingest API until SIGINT/SIGTERM; stopping delivers everything acknowledged. */
export async function serveCommand(lakeRoot: string, opts: ServeOptions): Promise<void> {
  const server = await startIngestServer({
    lakeRoot,
    host: opts.host,
    port: opts.port,
    apiKey: opts.apiKey,
    bufferSeconds: opts.bufferSeconds,
    bufferBytes: opts.bufferMib * 1024 * 1024,
    onDelivery: (d) => process.stderr.write(`delivered ${d.records} events -> ${d.key}\n`),
  });
  const generated = !opts.apiKey && !process.env.RETAIL_LAKE_API_KEY;
  process.stdout.write(
    `retail-lake ingest API on ${server.eventsUrl} (lake ${lakeRoot})\n` +
      `API key${generated ? ' (generated)' : ''}: ${server.apiKey}  -> send it in the x-api-key header\n` +
      `content types: application/json (array, <= 500 events) or application/x-ndjson; Ctrl-C stops and delivers the buffer\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.stderr.write('stopping: delivering buffered events...\n');
      void server.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const s = server.stats();
  process.stdout.write(`stopped after ${s.requests} requests: ${s.metrics.EventsAccepted ?? 0} accepted, ${s.metrics.EventsRejected ?? 0} rejected\n`);
}
