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
  /** the contract's verdict on exactly `line`, so the pipeline reaches the same one from raw */
  verdict: ParseResult;
  eventId?: string;
  /** store_id when the record has one, else a hash of the line */
  partitionKey: string;
}

export type SplitResult =
  | { ok: true; records: ReceivedRecord[] }
  | { ok: false; statusCode: 400 | 413; error: string; message: string };

const MAX_PARTITION_KEY_CHARS = 256;

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
  return { index, line, verdict, eventId: eventId || undefined, partitionKey };
}

const tooMany = (count: number, max: number): SplitResult => ({
  ok: false,
  statusCode: 413,
  error: 'too_many_events',
  message: `the request holds ${count} events; at most ${max} per request: split it`,
});

const noEvents: SplitResult = { ok: false, statusCode: 400, error: 'empty_body', message: 'the request holds no events' };

/**
 * Splits a body into single-line records. NDJSON lines are kept as sent (blank lines skipped, a trailing
 * "\r" dropped). A JSON array's elements are re-serialized one per line; any other JSON value is one record;
 * a body that is not valid JSON is one record with its line breaks turned into spaces, so that it reaches
 * quarantine whole.
 */
export function splitBody(text: string, format: BodyFormat, maxEvents: number): SplitResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return noEvents;

  if (format === 'ndjson') {
    const lines: string[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > maxEvents) return tooMany(body.split('\n').filter((l) => l.trim() !== '').length, maxEvents);
    }
    return { ok: true, records: lines.map((line, i) => describeRecord(i, line)) };
  }

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
