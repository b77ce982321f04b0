import { isUtf8 } from 'node:buffer';
import { businessDateWindow } from '../../../../functions/lib/contract/business-date-window';
import { OBJECT_SEQ_SPAN } from '../../../../functions/lib/pipeline/batch-seq';
import { chunksOf, validateChunk, type RawChunk } from '../../../../functions/pipeline/validate-batch/validate-records';
import { parseProductsCsv, parseStoresCsv } from '../../../../functions/lib/reference/reference-data';
import { PRODUCTS_CSV, sale, STORES_CSV } from '../../../helpers/lake-fixture';

const ref = { stores: parseStoresCsv(STORES_CSV), products: parseProductsCsv(PRODUCTS_CSV) };
const source = { key: 'raw/pos/x.gz', receivedAt: '2024-03-10T01:00:00Z', batchId: 'b1' };
const window = businessDateWindow(new Date());

/** A raw object's text: valid sales (one with non-ASCII text), a CRLF line, blank lines and rejects. */
function objectText(): string {
  const lines = [
    JSON.stringify(sale({ customer_id: 'Zoë Ünal 🎉' })),
    JSON.stringify(sale()) + '\r',
    '',
    '{"event_id": broken',
    JSON.stringify(sale({ store_id: 'S999' })),
    '   ',
    JSON.stringify(sale({ lines: [{ sku: 'SKU-1', quantity: 0, unit_price: 1 }] })),
    JSON.stringify(sale()),
  ];
  return lines.join('\n') + '\n';
}

function validateInChunks(bytes: Buffer, size: number) {
  const verdicts = [...chunksOf(bytes, 3, size)].map((c) => validateChunk(c, ref, window, source));
  const staged = verdicts.flatMap((v) => v.staged.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { seq: number; event: { event_id: string } }));
  return {
    received: verdicts.reduce((a, v) => a + v.received, 0),
    valid: verdicts.reduce((a, v) => a + v.valid, 0),
    rejects: verdicts.flatMap((v) => v.rejects.map((r) => r.row)),
    staged,
  };
}

describe('Validate chunks', () => {
  const bytes = Buffer.from(objectText(), 'utf8');

  it.each([1, 7, 64, 1 << 20])('pieces of %i bytes cover the object exactly, each ending at a newline', (size) => {
    const chunks: RawChunk[] = [...chunksOf(bytes, 2, size)];
    expect(Buffer.concat(chunks.map((c) => c.bytes)).equals(bytes)).toBe(true);
    let offset = 0;
    for (const c of chunks) {
      expect(c.seqBase).toBe(2 * OBJECT_SEQ_SPAN + offset);
      expect(c.bytes[c.bytes.length - 1]).toBe(10);
      offset += c.bytes.length;
    }
  });

  it('an object without a final newline keeps its last line whole', () => {
    const text = Buffer.from('{"a":1}\n{"b":2}');
    const chunks = [...chunksOf(text, 0, 3)];
    expect(chunks.map((c) => Buffer.from(c.bytes).toString())).toEqual(['{"a":1}\n', '{"b":2}']);
  });

  it('gives the same verdicts and staged events whatever the chunk size, in arrival order', () => {
    const whole = validateInChunks(bytes, 1 << 20);
    expect(whole.received).toBe(6);
    expect(whole.valid).toBe(3);
    expect(whole.rejects.map((l) => (JSON.parse(l) as { reason: string }).reason)).toEqual([
      'malformed_json',
      'unknown_store',
      'schema_violation',
    ]);
    for (const size of [1, 50, 300]) {
      const pieces = validateInChunks(bytes, size);
      expect({ ...pieces, staged: pieces.staged.map((s) => s.event) }).toEqual({ ...whole, staged: whole.staged.map((s) => s.event) });
      // seq is the line's position: the same whatever the chunking, unique and increasing
      expect(pieces.staged.map((s) => s.seq)).toEqual(whole.staged.map((s) => s.seq));
    }
    const seqs = whole.staged.map((s) => s.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.every((s) => s >= 3 * OBJECT_SEQ_SPAN && s < 4 * OBJECT_SEQ_SPAN)).toBe(true);
  });

  it('stages each valid record with its original text as the event', () => {
    const line = JSON.stringify(sale({ customer_id: 'Zoë' }));
    const v = validateChunk({ bytes: Buffer.from(`${line}\n`), seqBase: 5 }, ref, window, source);
    expect(v.staged.toString('utf8')).toBe(`{"seq":5,"event":${line}}\n`);
  });
});

describe('Validate and bytes that are not UTF-8', () => {
  it('quarantines a line that is not UTF-8 as invalid_utf8, its bytes in base64 in detail, and stages the rest', () => {
    const [before, after] = JSON.stringify(sale({ customer_id: 'Zoe' })).split('Zoe');
    const badLine = Buffer.concat([Buffer.from(`${before}Zo`), Buffer.from([0xff]), Buffer.from(after)]);
    const bytes = Buffer.concat([badLine, Buffer.from(`\n${JSON.stringify(sale())}\n`)]);
    const v = validateChunk({ bytes, seqBase: 0 }, ref, window, source);
    expect({ received: v.received, valid: v.valid, reasons: v.rejects.map((r) => r.reason) }).toEqual({ received: 2, valid: 1, reasons: ['invalid_utf8'] });
    const reject = JSON.parse(v.rejects[0].row) as { reason: string; detail: string; raw: string };
    expect(reject.reason).toBe('invalid_utf8');
    expect(Buffer.from(reject.detail.match(/base64: ([A-Za-z0-9+/=]+)\)$/)![1], 'base64').equals(badLine)).toBe(true);
    expect(reject.raw).toBe(badLine.toString('utf8'));
    expect(v.staged.includes(Buffer.from('\uFFFD'))).toBe(false);
    expect(isUtf8(v.staged)).toBe(true);
  });

  it('still stages a valid line that holds U+FFFD itself (through the full validator)', () => {
    const line = JSON.stringify(sale({ customer_id: 'Zo\uFFFD' }));
    const v = validateChunk({ bytes: Buffer.from(`${line}\n`), seqBase: 0 }, ref, window, source);
    expect(v.valid).toBe(1);
    expect(v.staged.toString('utf8')).toBe(`{"seq":0,"event":${line}}\n`);
  });
});
