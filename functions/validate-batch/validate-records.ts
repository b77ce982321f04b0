import { gunzipSync } from 'node:zlib';
import { checkReferences } from '../lib/contract/check-reference';
import type { RejectReason } from '../lib/contract/types';
import { parseEventText } from '../lib/contract/validate-event';
import type { ReferenceData } from '../lib/reference/reference-data';

/** Raw objects are gzip NDJSON as Firehose writes them; batch files dropped by `ingest` may be plain. */
export function rawText(body: Uint8Array): string {
  const gz = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  return Buffer.from(gz ? gunzipSync(body) : body).toString('utf8');
}

export interface ObjectVerdicts {
  received: number;
  valid: number;
  byReason: Partial<Record<RejectReason, number>>;
  /** the valid records' original lines, newline-terminated */
  validText: string;
  /** one JSON line per rejected record: reason, detail, raw (the original text), received_at, source_key, batch_id */
  rejectsText: string;
}

/** Validates every record (line) of one raw object against the contract and the reference data. */
export function validateObject(body: Uint8Array, ref: ReferenceData, source: { key: string; receivedAt: string; batchId: string }): ObjectVerdicts {
  const text = rawText(body);
  const valid: string[] = [];
  const rejects: string[] = [];
  const byReason: Partial<Record<RejectReason, number>> = {};
  let received = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    received++;
    const parsed = parseEventText(line);
    const rejection = parsed.ok ? checkReferences(parsed.event, ref) : parsed.rejection;
    if (rejection) {
      byReason[rejection.reason] = (byReason[rejection.reason] ?? 0) + 1;
      rejects.push(JSON.stringify({ ...rejection, raw: line, received_at: source.receivedAt, source_key: source.key, batch_id: source.batchId }));
    } else {
      valid.push(line);
    }
  }
  return {
    received,
    valid: valid.length,
    byReason,
    validText: valid.length ? valid.join('\n') + '\n' : '',
    rejectsText: rejects.length ? rejects.join('\n') + '\n' : '',
  };
}
