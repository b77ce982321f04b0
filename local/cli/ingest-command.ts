import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { rawObjectKey } from '../../functions/lib/lake-layout';
import type { ObjectStore } from '../../functions/lib/ports';
import { UsageError } from './errors';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Drops a UTF-8 byte order mark at the start of the stream (editors add one; it would make the first record
 * malformed JSON). */
function stripLeadingBom(): Transform {
  let head: Buffer | undefined = Buffer.alloc(0);
  const flushHead = (t: Transform): void => {
    if (head === undefined) return;
    t.push(head.subarray(0, 3).equals(BOM) ? head.subarray(3) : head);
    head = undefined;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (head === undefined) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length >= 3) flushHead(this);
      done();
    },
    flush(done) {
      flushHead(this);
      done();
    },
  });
}

/** a pipeline's last stage that gathers what reaches it */
function collector(): { sink: (source: AsyncIterable<Buffer>) => Promise<void>; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    sink: async (source) => {
      for await (const chunk of source) chunks.push(chunk);
    },
    bytes: () => Buffer.concat(chunks),
  };
}

/** true when the gzip file's content starts with a BOM; false when not, or when it cannot be read (it is then
 * stored as it is, for the pipeline to deal with) */
async function gzipStartsWithBom(path: string): Promise<boolean> {
  const gunzip = createReadStream(path).pipe(createGunzip());
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of gunzip) {
      head = Buffer.concat([head, chunk as Buffer]);
      if (head.length >= 3) break;
    }
  } catch {
    return false;
  } finally {
    gunzip.destroy();
  }
  return head.subarray(0, 3).equals(BOM);
}

async function gzipOf(path: string): Promise<Buffer> {
  const out = collector();
  if (!path.endsWith('.gz')) {
    await pipeline(createReadStream(path), stripLeadingBom(), createGzip(), out.sink);
    return out.bytes();
  }
  const asIs = (): Promise<Buffer> => readFile(path);
  if (!(await gzipStartsWithBom(path))) return asIs();
  try {
    await pipeline(createReadStream(path), createGunzip(), stripLeadingBom(), createGzip(), out.sink);
  } catch {
    return asIs(); // a damaged .gz is stored as it is, for the pipeline to deal with
  }
  return out.bytes();
}

/**
 * The batch path into the raw zone: each NDJSON file (plain or .gz) becomes one gzip raw object under the
 * arrival-time prefix, as Firehose would write it, less a UTF-8 BOM at the start of the file. The records are validated by the pipeline, like every other.
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
