import { existsSync } from 'node:fs';
import { defaultKeysFilePath } from '../ingest/keys-file';
import { startIngestServer } from '../ingest/server';
import { UsageError } from './errors';

export interface ServeOptions {
  port: number;
  host: string;
  apiKey?: string;
  keysFile?: string;
  bufferSeconds: number;
  bufferMib: number;
}

/** `retail-lake serve`: the ingest API until SIGINT/SIGTERM; stopping delivers everything acknowledged. */
export async function serveCommand(lakeRoot: string, opts: ServeOptions): Promise<void> {
  // the keys file when there is one (or one is named); else one key for every store
  const keysFile = opts.keysFile ?? (existsSync(defaultKeysFilePath(lakeRoot)) ? defaultKeysFilePath(lakeRoot) : undefined);
  if (keysFile !== undefined && opts.apiKey) {
    throw new UsageError(`--api-key (or RETAIL_LAKE_API_KEY) cannot be used with the keys file ${keysFile}: its keys decide; add one with \`retail-lake keys add --stores ...\``);
  }
  const server = await startIngestServer({
    lakeRoot,
    host: opts.host,
    port: opts.port,
    apiKey: opts.apiKey,
    keysFile,
    bufferSeconds: opts.bufferSeconds,
    bufferBytes: opts.bufferMib * 1024 * 1024,
    onDelivery: (d) => process.stderr.write(`delivered ${d.records} events -> ${d.key}\n`),
  });
  const generated = !opts.apiKey && !process.env.RETAIL_LAKE_API_KEY;
  const keys =
    server.apiKey === undefined
      ? `API keys: those of ${keysFile}, each for its stores (retail-lake keys list)  -> send one in the x-api-key header\n`
      : `API key for every store${generated ? ' (generated)' : ''}: ${server.apiKey}  -> send it in the x-api-key header\n`;
  process.stdout.write(
    `retail-lake ingest API on ${server.eventsUrl} (lake ${lakeRoot})\n` +
      keys +
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
