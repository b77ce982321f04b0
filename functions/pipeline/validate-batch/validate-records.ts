import { isUtf8 } from 'node:buffer';
import { isCanonicalValidEvent } from '../../lib/contract/canonical-fast-path';
import { checkStageable } from '../../lib/contract/check-reference';
import type { Rejection, RejectReason } from '../../lib/contract/types';
import { parseEventText } from '../../lib/contract/validate-event';
import { OBJECT_SEQ_SPAN } from '../../lib/pipeline/batch-seq';
import type { ReferenceData } from '../../lib/reference/reference-data';

/** One newline-aligned piece of a raw object (the unit a Validate worker takes). */
export interface RawChunk {
  bytes: Uint8Array;
  /** sequence number of the chunk's first byte */
  seqBase: number;
}

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

export interface ChunkVerdicts {
  received: number;
  valid: number;
  byReason: Partial<Record<RejectReason, number>>;
  /** the valid records as staged NDJSON: `{"seq":<n>,"event":<the original line>}`, newline-terminated */
  staged: Buffer;
  /** one JSON line per rejected record: reason, detail, raw (the original text), received_at, source_key, batch_id;
   * a record that is not valid UTF-8 also has raw_base64, its bytes as they were (raw holds them reserialized) */
  rejectsText: string;
}

/** Validates every record (line) of one chunk against the contract and the reference data. */
export function validateChunk(chunk: RawChunk, ref: ReferenceData, source: { key: string; receivedAt: string; batchId: string }): ChunkVerdicts {
  const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
  // valid lines as (seq, start, end) triples: the staged file is then copied from the chunk's own bytes
  const valid: number[] = [];
  // ...except lines staged in another form: re-serialized (not in canonical form)
  const reserialized = new Map<number, Buffer>();
  const rejects: string[] = [];
  const byReason: Partial<Record<RejectReason, number>> = {};
  const reject = (rejection: Rejection, line: string): void => {
    byReason[rejection.reason] = (byReason[rejection.reason] ?? 0) + 1;
    rejects.push(JSON.stringify({ ...rejection, raw: line, received_at: source.receivedAt, source_key: source.key, batch_id: source.batchId }));
  };
  /** stages the line's own bytes, or `instead` when given */
  const stage = (lineStart: number, lineEnd: number, instead?: string): void => {
    valid.push(chunk.seqBase + lineStart, lineStart, lineEnd);
    if (instead !== undefined) reserialized.set(lineStart, Buffer.from(instead, 'utf8'));
  };
  // chunks are newline-aligned: when the whole chunk is UTF-8, so is every line, and no line needs its own check
  const chunkIsUtf8 = isUtf8(bytes);
  let received = 0;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    const lineEnd = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    // a line ends at a newline byte, never inside a UTF-8 sequence, so each decodes on its own
    const line = bytes.toString('utf8', start, lineEnd);
    const lineStart = start;
    start = end + 1;
    if (line.trim() === '') continue;
    received++;
    // checked on the bytes: decoding turns each bad sequence into U+FFFD, which would then pass as text
    if (!chunkIsUtf8 && !isUtf8(bytes.subarray(lineStart, lineEnd))) {
      reject({ reason: 'invalid_utf8', detail: `event: not valid UTF-8 (bytes in base64: ${bytes.toString('base64', lineStart, lineEnd)})` }, line);
      continue;
    }
    if (isCanonicalValidEvent(line, ref)) {
      stage(lineStart, lineEnd);
      continue;
    }
    const parsed = parseEventText(line);
    const rejection = parsed.ok ? checkStageable(parsed.event, ref) : parsed.rejection;
    if (rejection) {
      reject(rejection, line);
    } else if (parsed.ok) {
      // staged as parsed: a line JSON.parse accepts may still repeat a key (the last one counts, and DuckDB would
      // refuse the line) or spell a value another way; the serialized event is what was validated
      stage(lineStart, lineEnd, JSON.stringify(parsed.event));
    }
  }
  return { received, valid: valid.length / 3, byReason, staged: stagedNdjson(bytes, valid, reserialized), rejectsText: rejects.length ? rejects.join('\n') + '\n' : '' };
}

/** `{"seq":<n>,"event":<line>}\n` for each (seq, start, end) triple, the line's own bytes copied (or its re-serialized
 * form where `reserialized` has one). */
function stagedNdjson(bytes: Buffer, valid: number[], reserialized: Map<number, Buffer>): Buffer {
  const prefixes: string[] = [];
  let size = 0;
  for (let i = 0; i < valid.length; i += 3) {
    const prefix = `{"seq":${valid[i]},"event":`;
    prefixes.push(prefix);
    size += prefix.length + (reserialized.get(valid[i + 1])?.length ?? valid[i + 2] - valid[i + 1]) + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < valid.length; i += 3) {
    at += out.write(prefixes[i / 3], at, 'latin1');
    const own = reserialized.get(valid[i + 1]);
    at += own ? own.copy(out, at) : bytes.copy(out, at, valid[i + 1], valid[i + 2]);
    out[at++] = 0x7d; // }
    out[at++] = 0x0a; // newline
  }
  return out;
}
