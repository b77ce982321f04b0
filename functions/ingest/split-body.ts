import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { ParseResult } from '../lib/contract/validate-event';
import { checkEventShape, parseEventText } from '../lib/contract/validate-event';
import type { BodyFormat } from './content-type';

/** One record of a request: what goes to the stream, and what the contract says about it. */
export interface ReceivedRecord {
  /** position in the request: array element, or non-blank NDJSON line, from 0 */
  index: number;
  /** the single line written to the stream (a "\n" is added when it is written) */
  line: string;
  /** the bytes sent, when they are not valid UTF-8: written to the stream as they are (`line` holds them decoded,
   * for the response only), so raw keeps what was sent and Validate reaches the same `invalid_utf8` verdict */
  bytes?: Buffer;
  /** the contract's verdict on exactly `line`, so the pipeline reaches the same one from raw */
  verdict: ParseResult;
  eventId?: string;
  /** the record's store_id, when it has one (the key's stores are checked against it) */
  storeId?: string;
  /** store_id when the record has one, else a hash of the line */
  partitionKey: string;
}

export type SplitResult =
  | { ok: true; records: ReceivedRecord[] }
  | { ok: false; statusCode: 400 | 413; error: string; message: string };

const MAX_PARTITION_KEY_CHARS = 256;

/** Deepest nesting of arrays and objects a JSON body may have: an event is 3 levels deep; re-serializing a
 * value nested ~10k deep overflows the stack, so deeper bodies are refused before they are parsed. */
export const MAX_JSON_DEPTH = 64;

/** true when `text` nests brackets deeper than `max` outside strings (a scan, no recursion; the text need not be valid JSON) */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function stringField(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = (value as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : undefined;
}

/** true when a parsed value holds a number JSON cannot carry (1e400 parses to Infinity, which serializes as null) */
function hasNonFiniteNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (hasNonFiniteNumber(v)) return true;
  return false;
}

/**
 * The record for one line. `parsed`, when given, is the value `line` was serialized from: checking it gives the
 * same verdict as parsing `line` again (unless it holds a non-finite number), without the second parse.
 */
export function describeRecord(index: number, line: string, parsed?: { value: unknown }): ReceivedRecord {
  const verdict = parsed && !hasNonFiniteNumber(parsed.value) ? checkEventShape(parsed.value) : parseEventText(line);
  let eventId: string | undefined;
  let storeId: string | undefined;
  if (verdict.ok) {
    eventId = verdict.event.event_id;
    storeId = verdict.event.store_id;
  } else if (verdict.rejection.reason !== 'malformed_json') {
    // rejected by shape: still name the event and keep its store's ordering when the fields are there
    const value: unknown = parsed ? parsed.value : JSON.parse(line);
    eventId = stringField(value, 'event_id');
    storeId = stringField(value, 'store_id');
  }
  const partitionKey =
    storeId && storeId.length <= MAX_PARTITION_KEY_CHARS ? storeId : createHash('md5').update(line, 'utf8').digest('hex');
  return { index, line, verdict, eventId: eventId || undefined, storeId: storeId || undefined, partitionKey };
}

const tooMany = (count: number, max: number): SplitResult => ({
  ok: false,
  statusCode: 413,
  error: 'too_many_events',
  message: `the request holds ${count} events; at most ${max} per request: split it`,
});

const tooDeep = (where: string): SplitResult => ({
  ok: false,
  statusCode: 400,
  error: 'too_deeply_nested',
  message: `${where} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`,
});

/** A record whose bytes are not valid UTF-8: rejected, and kept as sent. */
function invalidUtf8Record(index: number, bytes: Buffer): ReceivedRecord {
  return {
    index,
    line: bytes.toString('utf8'),
    bytes,
    verdict: { ok: false, rejection: { reason: 'invalid_utf8', detail: 'event: not valid UTF-8' } },
    partitionKey: createHash('md5').update(bytes).digest('hex'),
  };
}

/** Splits bytes at each `separator` byte. */
function splitBytes(bytes: Buffer, separator: number): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(separator); end !== -1; end = bytes.indexOf(separator, start)) {
    parts.push(bytes.subarray(start, end));
    start = end + 1;
  }
  parts.push(bytes.subarray(start));
  return parts;
}

/** A body that is not valid UTF-8, split as `splitBody` would: NDJSON line by line (only the lines that are not
 * valid UTF-8 are rejected for it), a JSON body as one record, its line breaks turned into spaces. */
function splitInvalidUtf8(bytes: Buffer, format: BodyFormat, maxEvents: number): SplitResult {
  if (format === 'json') return { ok: true, records: [invalidUtf8Record(0, Buffer.from(bytes.map((b) => (b === 10 || b === 13 ? 32 : b))))] };
  const lines = splitBytes(bytes, 10)
    .map((raw) => (raw.length > 0 && raw[raw.length - 1] === 13 ? raw.subarray(0, -1) : raw))
    .filter((raw) => raw.toString('latin1').trim() !== '');
  if (lines.length > maxEvents) return tooMany(lines.length, maxEvents);
  const records: ReceivedRecord[] = [];
  for (const [i, raw] of lines.entries()) {
    if (!isUtf8(raw)) records.push(invalidUtf8Record(i, raw));
    else if (nestsDeeperThan(raw.toString('utf8'), MAX_JSON_DEPTH)) return tooDeep(`the line of event ${i}`);
    else records.push(describeRecord(i, raw.toString('utf8')));
  }
  return { ok: true, records };
}

const noEvents: SplitResult = { ok: false, statusCode: 400, error: 'empty_body', message: 'the request holds no events' };

/**
 * Splits a body into single-line records. NDJSON lines are kept as sent (blank lines skipped, a trailing
 * "\r" dropped). A JSON array's elements are re-serialized one per line; any other JSON value is one record;
 * a body that is not valid JSON is one record with its line breaks turned into spaces, so that it reaches
 * quarantine whole. A body nested deeper than MAX_JSON_DEPTH is refused (400); bytes that are not valid UTF-8
 * are rejected record by record (`invalid_utf8`), never decoded into U+FFFD text.
 */
export function splitBody(bytes: Buffer, format: BodyFormat, maxEvents: number): SplitResult {
  const unmarked = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (!isUtf8(unmarked)) return splitInvalidUtf8(unmarked, format, maxEvents);
  const body = unmarked.toString('utf8');
  if (body.trim() === '') return noEvents;

  if (format === 'ndjson') {
    const lines: string[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      if (nestsDeeperThan(line, MAX_JSON_DEPTH)) return tooDeep(`the line of event ${lines.length}`);
      lines.push(line);
      if (lines.length > maxEvents) return tooMany(body.split('\n').filter((l) => l.trim() !== '').length, maxEvents);
    }
    return { ok: true, records: lines.map((line, i) => describeRecord(i, line)) };
  }

  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return tooDeep('the body');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: true, records: [describeRecord(0, body.trim().replace(/\r\n|\r|\n/g, ' '))] };
  }
  if (!Array.isArray(value)) return { ok: true, records: [describeRecord(0, JSON.stringify(value), { value })] };
  if (value.length === 0) return noEvents;
  if (value.length > maxEvents) return tooMany(value.length, maxEvents);
  return { ok: true, records: value.map((element: unknown, i) => describeRecord(i, JSON.stringify(element), { value: element })) };
}
