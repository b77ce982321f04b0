import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SimulatorOptions } from './options';
import type { SimReference } from './reference';
import { simulateEvents, type SimulatorStats } from './simulate';

export interface NdjsonFileOptions {
  /** lines per file (default 50,000); the last file may hold fewer. Ignored with `perDay`. */
  eventsPerFile?: number;
  /**
   * One file per UTC day of arrival instead, named `<prefix>-<runTag>-<YYYY-MM-DD>.ndjson`: a file starts when an
   * event that occurred on a later UTC day arrives (the lines come in arrival order, so a late event stays in the
   * day it arrived). Like a chain's daily export.
   */
  perDay?: boolean;
  /** called with each file's path once it is complete */
  onFile?: (file: string) => void;
  /** gzip each file (`.ndjson.gz`, as Firehose writes the raw zone) instead of plain `.ndjson` */
  gzip?: boolean;
  /** file name prefix (default `pos`); names are `<prefix>-<runTag>-<00001>.ndjson` */
  prefix?: string;
  /** reference data to simulate against (default: generated from the options) */
  reference?: SimReference;
}

/** Lines are written in chunks of this many, to keep both syscalls and memory small. */
const CHUNK_LINES = 2048;

const OCCURRED_AT = '"occurred_at":"';

/** The UTC date of the line's occurred_at, or null when it has none that parses (a malformed or invalid event). */
function occurredUtcDate(line: string): string | null {
  const at = line.indexOf(OCCURRED_AT);
  if (at < 0) return null;
  const end = line.indexOf('"', at + OCCURRED_AT.length);
  const ms = Date.parse(line.slice(at + OCCURRED_AT.length, end));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** Where files end (after eventsPerFile lines, or perDay when an event of a later UTC day arrives) and how the
 * next one is named. */
function fileSplit(perDay: boolean, eventsPerFile: number, startDate: string): { endsFile(line: string, inFile: number): boolean; fileName(line: string, n: number): string } {
  if (!perDay) return { endsFile: (_line, inFile) => inFile >= eventsPerFile, fileName: (_line, n) => String(n).padStart(5, '0') };
  let day = '';
  return {
    endsFile: (line) => {
      const date = occurredUtcDate(line);
      return date !== null && date > day;
    },
    // a first line without a date (a fault) names its file by the first business date
    fileName: (line) => (day = occurredUtcDate(line) ?? (day || startDate)),
  };
}

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
  const split = fileSplit(fileOpts.perDay ?? false, eventsPerFile, run.options.startDate);
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
    fileOpts.onFile?.(files[files.length - 1]);
  };

  try {
    for (const { line } of run) {
      if (inFile > 0 && split.endsFile(line, inFile)) closeFile();
      if (inFile === 0) {
        const name = `${prefix}-${run.options.runTag}-${split.fileName(line, files.length + 1)}.ndjson${gzip ? '.gz' : ''}`;
        files.push(join(dir, name));
        if (!gzip) fd = openSync(files[files.length - 1], 'w');
      }
      chunk.push(line);
      inFile++;
      if (chunk.length >= CHUNK_LINES) flushChunk();
    }
    if (inFile > 0) closeFile();
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return { files, stats: run.stats };
}
