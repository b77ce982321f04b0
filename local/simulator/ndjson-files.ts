import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SimulatorOptions } from './options';
import type { SimReference } from './reference';
import { simulateEvents, type SimulatorStats } from './simulate';

export interface NdjsonFileOptions {
  /** lines per file (default 50,000); the last file may hold fewer */
  eventsPerFile?: number;
  /** gzip each file (`.ndjson.gz`, as Firehose writes the raw zone) instead of plain `.ndjson` */
  gzip?: boolean;
  /** file name prefix (default `pos`); names are `<prefix>-<runTag>-<00001>.ndjson` */
  prefix?: string;
  /** reference data to simulate against (default: generated from the options) */
  reference?: SimReference;
}

/** Lines are written in chunks of this many, to keep both syscalls and memory small. */
const CHUNK_LINES = 2048;

/**
 * Writes the simulated events, in arrival order, as NDJSON batch files in `dir` (created if needed): the
 * format of `retail-lake ingest`. Memory stays bounded by one chunk (one file when gzipping).
 */
export function writeNdjsonFiles(
  opts: SimulatorOptions,
  dir: string,
  fileOpts: NdjsonFileOptions = {},
): { files: string[]; stats: SimulatorStats } {
  const eventsPerFile = fileOpts.eventsPerFile ?? 50_000;
  if (!Number.isInteger(eventsPerFile) || eventsPerFile < 1) throw new RangeError(`eventsPerFile: must be a whole number >= 1, got ${eventsPerFile}`);
  const prefix = fileOpts.prefix ?? 'pos';
  const gzip = fileOpts.gzip ?? false;
  mkdirSync(dir, { recursive: true });
  const run = simulateEvents(opts, fileOpts.reference);
  const files: string[] = [];
  let fd: number | null = null;
  let inFile = 0;
  let chunk: string[] = [];
  let gzParts: string[] = [];

  const flushChunk = (): void => {
    if (chunk.length === 0) return;
    const text = chunk.join('\n') + '\n';
    if (gzip) gzParts.push(text);
    else writeSync(fd!, text);
    chunk = [];
  };
  const closeFile = (): void => {
    flushChunk();
    if (gzip) {
      writeFileSync(files[files.length - 1], gzipSync(gzParts.join('')));
      gzParts = [];
    } else if (fd !== null) {
      closeSync(fd);
    }
    fd = null;
    inFile = 0;
  };

  try {
    for (const { line } of run) {
      if (inFile === 0) {
        const name = `${prefix}-${run.options.runTag}-${String(files.length + 1).padStart(5, '0')}.ndjson${gzip ? '.gz' : ''}`;
        files.push(join(dir, name));
        if (!gzip) fd = openSync(files[files.length - 1], 'w');
      }
      chunk.push(line);
      inFile++;
      if (chunk.length >= CHUNK_LINES) flushChunk();
      if (inFile >= eventsPerFile) closeFile();
    }
    if (inFile > 0) closeFile();
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return { files, stats: run.stats };
}
