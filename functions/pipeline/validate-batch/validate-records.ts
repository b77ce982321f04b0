import { isAscii, isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { BusinessDateWindow } from '../../lib/contract/business-date-window';
import { isCanonicalValidEvent } from '../../lib/contract/canonical-fast-path';
import { checkStageable } from '../../lib/contract/check-reference';
import { MAX_RECORD_BYTES, type ContractReference, type Rejection, type RejectReason } from '../../lib/contract/types';
import { parseEventText } from '../../lib/contract/validate-event';
import { OBJECT_SEQ_SPAN } from '../../lib/pipeline/batch-seq';
import { stagedPartName } from '../../lib/lake-layout';

/** One newline-aligned piece of a raw object (the unit a Validate worker takes). */
export interface RawChunk {
  bytes: Uint8Array;
  /** sequence number of the chunk's first byte */
  seqBase: number;
  /** set when the object could not be read as a whole (bad or truncated gzip, not UTF-8 text): why. `bytes` then
   * holds the object as stored, and the object is one record, quarantined as `unreadable_object` */
  unreadable?: string;
}

/** How much of an oversized record's text its quarantine row keeps (the row is read by DuckDB's JSON reader). */
const TOO_LARGE_KEPT_CHARS = 1024;

/** The dedup key of a rejected record: a hash of its bytes as received (a redelivered record has the same). */
export function rejectKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** A rejected record: its dedup key, reason, and its quarantine row as one JSON line. */
export interface RejectedRecord {
  key: string;
  reason: RejectReason;
  row: string;
}

/** Validate reads raw objects in newline-aligned chunks of this size: the threads get work in these pieces, so one
 * large object still keeps every thread busy (reprocess reads the same chunks). */
export const VALIDATE_CHUNK_BYTES = 4 * 1024 * 1024;

/** Splits an object's NDJSON bytes at newlines into pieces of about `size` bytes (a line is never cut). */
export function* chunksOf(bytes: Buffer, objectIndex: number, size: number): Generator<RawChunk> {
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + size, bytes.length);
    if (end < bytes.length) {
      const newline = bytes.indexOf(10, end - 1);
      end = newline === -1 ? bytes.length : newline + 1;
    }
    yield { bytes: bytes.subarray(start, end), seqBase: objectIndex * OBJECT_SEQ_SPAN + start };
    start = end;
  }
}

/** The chunks of raw object number `objectIndex` as read (readRawObject), each with the part file its valid records
 * go to in `stagingDir`: an unreadable object is one chunk, holding the object as stored. */
export function* objectChunks(
  read: { bytes: Buffer } | { unreadable: string },
  body: Uint8Array,
  objectIndex: number,
  stagingDir: string,
): Generator<RawChunk & { partPath: string }> {
  if ('unreadable' in read) {
    yield { bytes: body, seqBase: objectIndex * OBJECT_SEQ_SPAN, unreadable: read.unreadable, partPath: join(stagingDir, stagedPartName(objectIndex, 0)) };
    return;
  }
  let n = 0;
  for (const chunk of chunksOf(read.bytes, objectIndex, VALIDATE_CHUNK_BYTES)) yield { ...chunk, partPath: join(stagingDir, stagedPartName(objectIndex, n++)) };
}

export interface ChunkVerdicts {
  received: number;
  valid: number;
  /** the valid records as staged NDJSON: `{"seq":<n>,"event":<the original line>}`, newline-terminated */
  staged: Buffer;
  /** the rejected records in raw order; each row has reason, detail, raw (the original text), received_at,
   * source_key, batch_id. Counted by reason once Validate has set redelivered ones apart (quarantine-keys.ts). */
  rejects: RejectedRecord[];
}

/**
 * Validates every record (line) of one chunk against the contract, the reference data and the business-date
 * window. A line above MAX_RECORD_BYTES is rejected as `too_large` before it is decoded; an unreadable object is
 * one `unreadable_object` record.
 */
export function validateChunk(chunk: RawChunk, ref: ContractReference, window: BusinessDateWindow, source: { key: string; receivedAt: string; batchId: string }): ChunkVerdicts {
  const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
  const row = (rejection: Rejection, raw: string): string => JSON.stringify({ ...rejection, raw, received_at: source.receivedAt, source_key: source.key, batch_id: source.batchId });
  if (chunk.unreadable !== undefined) {
    // the raw object stays in the raw zone: its row refers to it by source_key rather than holding its bytes
    const detail = `object: cannot be read (${chunk.unreadable}); ${bytes.length} bytes, kept as received at ${source.key}`;
    return { received: 1, valid: 0, staged: Buffer.alloc(0), rejects: [{ key: rejectKey(bytes), reason: 'unreadable_object', row: row({ reason: 'unreadable_object', detail }, '') }] };
  }
  // valid lines as (seq, start, end) triples: the staged file is then copied from the chunk's own bytes
  const valid: number[] = [];
  // ...except lines staged in another form: re-serialized (not in canonical form)
  const reserialized = new Map<number, Buffer>();
  const rejects: RejectedRecord[] = [];
  const reject = (rejection: Rejection, line: string, lineStart: number, lineEnd: number): void => {
    rejects.push({ key: rejectKey(bytes.subarray(lineStart, lineEnd)), reason: rejection.reason, row: row(rejection, line) });
  };
  /** stages the line's own bytes, or `instead` when given */
  const stage = (lineStart: number, lineEnd: number, instead?: string): void => {
    valid.push(chunk.seqBase + lineStart, lineStart, lineEnd);
    if (instead !== undefined) reserialized.set(lineStart, Buffer.from(instead, 'utf8'));
  };
  // a chunk in ASCII (the usual) is decoded once, its lines then being slices of that text (a character is a byte)
  const ascii = isAscii(bytes) ? bytes.toString('latin1') : undefined;
  // chunks are newline-aligned: when the whole chunk is UTF-8, so is every line, and no line needs its own check
  const chunkIsUtf8 = ascii !== undefined || isUtf8(bytes);
  let received = 0;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    const lineEnd = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    const lineStart = start;
    start = end + 1;
    if (lineEnd - lineStart > MAX_RECORD_BYTES) {
      // never decoded whole: its row keeps the start of it, its key hashes all of it
      received++;
      const kept = bytes.toString('utf8', lineStart, lineStart + TOO_LARGE_KEPT_CHARS);
      reject({ reason: 'too_large', detail: `event: ${lineEnd - lineStart} bytes, more than the ${MAX_RECORD_BYTES} a record may have (the first ${TOO_LARGE_KEPT_CHARS} are kept in raw)` }, kept, lineStart, lineEnd);
      continue;
    }
    // a line ends at a newline byte, never inside a UTF-8 sequence, so each decodes on its own
    const line = ascii !== undefined ? ascii.slice(lineStart, lineEnd) : bytes.toString('utf8', lineStart, lineEnd);
    if (line.trim() === '') continue;
    received++;
    // checked on the bytes: decoding turns each bad sequence into U+FFFD, which would then pass as text
    if (!chunkIsUtf8 && !isUtf8(bytes.subarray(lineStart, lineEnd))) {
      reject({ reason: 'invalid_utf8', detail: `event: not valid UTF-8 (bytes in base64: ${bytes.toString('base64', lineStart, lineEnd)})` }, line, lineStart, lineEnd);
      continue;
    }
    if (isCanonicalValidEvent(line, ref, window)) {
      stage(lineStart, lineEnd);
      continue;
    }
    const parsed = parseEventText(line);
    const rejection = parsed.ok ? checkStageable(parsed.event, ref, window) : parsed.rejection;
    if (rejection) {
      reject(rejection, line, lineStart, lineEnd);
    } else if (parsed.ok) {
      // staged as parsed: a line JSON.parse accepts may still repeat a key (the last one counts, and DuckDB would
      // refuse the line) or spell a value another way; the serialized event is what was validated
      stage(lineStart, lineEnd, JSON.stringify(parsed.event));
    }
  }
  return { received, valid: valid.length / 3, staged: stagedNdjson(bytes, valid, reserialized), rejects };
}

const SEQ_KEY = Buffer.from('{"seq":', 'latin1');
const EVENT_KEY = Buffer.from(',"event":', 'latin1');

/** The number of decimal digits of a non-negative safe integer. */
function digitCount(n: number): number {
  let digits = 1;
  for (let power = 10; power <= n; power *= 10) digits++;
  return digits;
}

/** Writes `bytes` into `out` at `at`; returns where they end (a loop: these keys are a few bytes). */
function putBytes(out: Buffer, at: number, bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) out[at + i] = bytes[i];
  return at + bytes.length;
}

/** Writes the `digits` decimal digits of `n` (a non-negative safe integer) into `out` at `at`; returns where they end. */
function putDigits(out: Buffer, at: number, n: number, digits: number): number {
  for (let i = at + digits - 1; i >= at; i--) {
    const rest = Math.floor(n / 10);
    out[i] = 48 + n - rest * 10;
    n = rest;
  }
  return at + digits;
}

/** `{"seq":<n>,"event":<line>}\n` for each (seq, start, end) triple, the line's own bytes copied (or its re-serialized
 * form where `reserialized` has one). The digits are written as bytes: a seq is above 2^31, and turning such a
 * number into text for each line cost more than the rest. */
function stagedNdjson(bytes: Buffer, valid: number[], reserialized: Map<number, Buffer>): Buffer {
  let size = 0;
  for (let i = 0; i < valid.length; i += 3) {
    size += SEQ_KEY.length + digitCount(valid[i]) + EVENT_KEY.length + (reserialized.get(valid[i + 1])?.length ?? valid[i + 2] - valid[i + 1]) + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < valid.length; i += 3) {
    at = putBytes(out, at, SEQ_KEY);
    at = putDigits(out, at, valid[i], digitCount(valid[i]));
    at = putBytes(out, at, EVENT_KEY);
    const own = reserialized.size === 0 ? undefined : reserialized.get(valid[i + 1]);
    at += own ? own.copy(out, at) : bytes.copy(out, at, valid[i + 1], valid[i + 2]);
    out[at++] = 0x7d; // }
    out[at++] = 0x0a; // newline
  }
  return out;
}
