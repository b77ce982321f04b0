import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGzip } from 'node:zlib';
import { rawObjectKey } from '../../functions/lib/lake-layout';
import type { ObjectStore } from '../../functions/lib/ports';
import { UsageError } from './errors';

async function gzipOf(path: string): Promise<Buffer> {
  const gz = path.endsWith('.gz');
  const chunks: Buffer[] = [];
  const source = gz ? createReadStream(path) : createReadStream(path).pipe(createGzip());
  for await (const chunk of source) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The batch path into the raw zone: each NDJSON file (plain or .gz) becomes one gzip raw object under the
 * arrival-time prefix, as Firehose would write it. The records are validated by the pipeline, like every other.
 */
export async function ingestFiles(store: ObjectStore, paths: string[], now = new Date()): Promise<{ file: string; key: string; bytes: number }[]> {
  if (paths.length === 0) throw new UsageError('ingest: name at least one NDJSON file');
  for (const path of paths) {
    let s;
    try {
      s = await stat(path);
    } catch (err) {
      throw new UsageError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (!s.isFile()) throw new UsageError(`${path}: not a file`);
    if (s.size === 0) throw new UsageError(`${path}: is empty`);
  }
  const out = [];
  for (const path of paths) {
    const unique = `${basename(path).replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.gz$/, '')}-${randomBytes(4).toString('hex')}`;
    const key = rawObjectKey(now, 'batch-file', unique);
    const body = await gzipOf(path);
    await store.put(key, body);
    out.push({ file: path, key, bytes: body.length });
  }
  return out;
}
