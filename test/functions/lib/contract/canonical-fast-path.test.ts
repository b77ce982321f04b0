import { compileMatchers, isCanonicalValidEvent, plainNumber } from '../../../../functions/lib/contract/canonical-fast-path';
import { eventSchemasByType } from '../../../../functions/lib/contract/event-schema';
import { businessDateWindow } from '../../../../functions/lib/contract/business-date-window';
import { checkStageable } from '../../../../functions/lib/contract/check-reference';
import { parseEventText } from '../../../../functions/lib/contract/validate-event';
import { Rng } from '../../../../local/simulator/random';
import { generateReference, simulateEvents, toReferenceData } from '../../../../local/simulator';

const opts = { seed: 7, stores: 4, skus: 30, days: 6, faultRate: 0.2, duplicateRate: 0.02 };
const reference = generateReference(opts);
const ref = toReferenceData(reference);
const window = businessDateWindow(new Date());
const lines = [...simulateEvents(opts, reference)];

/** The full validator's verdict: the authority the fast path must never contradict. */
const fullyValid = (line: string): boolean => {
  const parsed = parseEventText(line);
  return parsed.ok && checkStageable(parsed.event, ref, window) === null;
};

/** Small edits of a valid line: the kinds of near-misses a fast recogniser could wrongly let through. */
const EDITS: readonly ((line: string, rng: Rng) => string)[] = [
  (l, rng) => {
    const i = rng.int(0, l.length - 1);
    return l.slice(0, i) + l.slice(i + 1); // a character lost
  },
  (l, rng) => {
    const i = rng.int(0, l.length - 1);
    return l.slice(0, i) + rng.pick(['"', '\\', ',', '0', '-', '.', 'e', ' ', '{', '}', '[', ']', ':', '9', 'é', '\u0001', '\ud83d']) + l.slice(i);
  },
  (l, rng) => {
    const i = rng.int(0, l.length - 1);
    return l.slice(0, i) + rng.pick(['"', '\\', '0', '-', 'x', '5', '.', ',']) + l.slice(i + 1); // a character replaced
  },
  (l) => l.replace(/"quantity":(\d+)/, '"quantity":$10000'),
  (l) => l.replace(/"quantity":\d+/, '"quantity":-1'),
  (l) => l.replace(/"quantity":\d+/, '"quantity":1.0'),
  (l) => l.replace(/"unit_price":[\d.]+/, '"unit_price":-0.5'),
  (l) => l.replace(/"unit_price":[\d.]+/, '"unit_price":1e400'),
  (l) => l.replace(/"on_hand_qty":\d+/, '"on_hand_qty":-3'),
  (l) => l.replace(/"quantity_change":-?\d+/, '"quantity_change":0'),
  (l) => l.replace(/"quantity_change":-?\d+/, '"quantity_change":-0'),
  (l) => l.replace(/"occurred_at":"[^"]*"/, '"occurred_at":"2026-02-30T10:00:00Z"'),
  (l) => l.replace(/"occurred_at":"[^"]*"/, '"occurred_at":"2026-03-01T10:00:00"'),
  (l) => l.replace(/"occurred_at":"[^"]*"/, '"occurred_at":"2026-03-01T10:00:00+24:00"'),
  (l) => l.replace(/"event_type":"[a-z_]+"/, '"event_type":"inventory_snapshot"'),
  (l) => l.replace(/"event_type":"[a-z_]+"/, '"event_type":"sale"'),
  (l) => l.replace(/"store_id":"[^"]*"/, '"store_id":"S999"'),
  (l) => l.replace(/"sku":"[^"]*"/, '"sku":"NOPE"'),
  (l) => l.replace(/"lines":\[.*\]/, '"lines":[]'),
  (l) => l.replace(/"customer_id":null/, '"customer_id":12'),
  (l) => l.replace(/"customer_id":"[^"]*"/, '"customer_id":""'),
  (l) => l.replace(/"schema_version":1/, '"schema_version":1,"schema_version":2'),
  (l) => l.replace(/\}$/, ',"extra":1}'),
  (l) => l.replace(/"event_id":"[^"]*"/, `"event_id":"${'x'.repeat(65)}"`),
  (l) => l.replace(/"event_id":"[^"]*"/, '"event_id":""'),
  // at the bounds of the columns the values land in (column-bounds.ts): UTF-8 bytes, computed money
  (l) => l.replace(/"event_id":"[^"]*"/, `"event_id":"${'😀'.repeat(16)}"`),
  (l) => l.replace(/"event_id":"[^"]*"/, `"event_id":"${'😀'.repeat(17)}"`),
  (l) => l.replace(/"event_id":"[^"]*"/, `"event_id":"${'é'.repeat(33)}"`),
  (l) => l.replace(/"customer_id":(null|"[^"]*")/, `"customer_id":"${'ß'.repeat(33)}"`),
  (l) => l.replace(/"transaction_id":"[^"]*"/, `"transaction_id":"${'€'.repeat(21)}x"`),
  (l) => l.replace(/"quantity":\d+/g, '"quantity":10000').replace(/"unit_price":[\d.]+/g, '"unit_price":1000000000000'),
  (l) => l.replace(/"quantity":\d+/g, '"quantity":10000').replace(/"unit_price":[\d.]+/g, '"unit_price":999999999999.99'),
  (l) => l.replace(/"quantity":\d+/, '"quantity":10000').replace(/"unit_price":[\d.]+/, '"unit_price":1000000000000').replace(/"discount":[\d.]+/, '"discount":0.01'),
  (l) => l.replace(/"lines":\[(.*)\]/, (_m, items: string) => `"lines":[${Array(201).fill(items.split('},{')[0].replace(/\}?$/, '}')).join(',')}]`),
  // money the fast path reads by hand (plainNumber): digits past 2^53, a discount of the whole line and a cent more
  (l) => l.replace(/"unit_price":[\d.]+/, '"unit_price":1000000000000.00000001'),
  (l) => l.replace(/"unit_price":[\d.]+/, '"unit_price":0.12345678901234567'),
  (l) => l.replace(/\{"sku":"([^"]*)","quantity":\d+,"unit_price":[\d.]+(,"discount":[\d.]+)?\}/, '{"sku":"$1","quantity":3,"unit_price":19.99,"discount":59.97}'),
  (l) => l.replace(/\{"sku":"([^"]*)","quantity":\d+,"unit_price":[\d.]+(,"discount":[\d.]+)?\}/, '{"sku":"$1","quantity":3,"unit_price":19.99,"discount":59.98}'),
  // the text between a sale's brackets, which the fast path reads item by item
  (l) => l.replace(/\}\]\}$/, '},]}'),
  (l) => l.replace('},{', '},,{'),
  (l) => l.replace('},{', '}, {'),
  (l) => l.replace('"lines":[', '"lines":[,'),
  (l) => l.replace(/\]\}$/, ']]}'),
  (l) => l.replace(/"lines":\[(.*)\]\}$/, '"lines":[$1],"lines":[$1]}'),
  (l) => l.replace(/"lines":\[(.*)\]\}$/, '"lines":[$1],"customer_id":null}'),
  (l) => l.replace(/"sku":"([^"]*)"/, '"sku":"$1]"'),
  (l) => l.replace(/"sku":"([^"]*)"/, '"sku":"$1}"'),
  // timestamps and dates, whose ranges the fast path reads by hand: each part at, inside and past its bounds
  (l, rng) => l.replace(/"occurred_at":"(\d{4})-\d{2}-\d{2}T[^"]*"/, (_m, year: string) => `"occurred_at":"${randomTimestamp(rng, year)}"`),
  (l, rng) => l.replace(/"expected_date":"(\d{4})-(\d{2})-\d{2}"/, (_m, year: string, month: string) => `"expected_date":"${rng.pick([year, '0050', '2100'])}-${rng.pick([month, two(rng, 0, 13)])}-${two(rng, 0, 32)}"`),
];

/** A two-digit field between `min` and `max`. */
function two(rng: Rng, min: number, max: number): string {
  return String(rng.int(min, max)).padStart(2, '0');
}

/** A timestamp in (or near) the shape RFC 3339 has, every part drawn at and past its range. */
function randomTimestamp(rng: Rng, year: string): string {
  const date = `${rng.pick([year, String(Number(year) - 1)])}-${two(rng, 0, 13)}-${two(rng, 0, 32)}`;
  const time = `${two(rng, 0, 24)}:${two(rng, 0, 60)}:${two(rng, 0, 60)}${rng.pick(['', '.5', '.123456789', '.1234567890'])}`;
  const offset = rng.pick(['Z', 'z', '+00:00', `${rng.pick(['+', '-'])}${two(rng, 0, 24)}:${two(rng, 0, 60)}`, '+0530']);
  return `${date}${rng.pick(['T', 't', ' '])}${time}${offset}`;
}

describe('canonical fast path', () => {
  it('recognises the canonical valid events tills send (so it is worth having)', () => {
    const valid = lines.filter((l) => fullyValid(l.line));
    const fast = valid.filter((l) => isCanonicalValidEvent(l.line, ref, window));
    expect(valid.length).toBeGreaterThan(1000);
    expect(fast.length).toBe(valid.length);
  });

  it('never accepts a simulated line the full validator rejects', () => {
    const rejected = lines.filter((l) => !fullyValid(l.line));
    expect(rejected.length).toBeGreaterThan(100);
    for (const { line } of rejected) expect({ line, fast: isCanonicalValidEvent(line, ref, window) }).toEqual({ line, fast: false });
  });

  it('never accepts a line holding U+FFFD, what a decoder makes of bytes that are not UTF-8', () => {
    const line = lines.map((l) => l.line).find((l) => fullyValid(l) && isCanonicalValidEvent(l, ref, window))!;
    const at = line.indexOf('"transaction_id":"') + '"transaction_id":"'.length;
    const decoded = Buffer.concat([Buffer.from(line.slice(0, at)), Buffer.from([0xff]), Buffer.from(line.slice(at))]).toString('utf8');
    expect(decoded).toContain('\uFFFD');
    expect(isCanonicalValidEvent(decoded, ref, window)).toBe(false);
  });

  it("checks each sales line's margin with its own product's unit cost", () => {
    const valid = (line: string, r: typeof ref): boolean => {
      const parsed = parseEventText(line);
      return parsed.ok && checkStageable(parsed.event, r, window) === null;
    };
    const sale = lines.map((l) => l.line).find((l) => l.includes('"event_type":"sale"') && /"sku":"([^"]*)".*"sku":"(?!\1")/.test(l) && fullyValid(l))!;
    const [, second] = [...sale.matchAll(/"sku":"([^"]*)"/g)].map((m) => m[1]);
    // the second line sells 10,000 units; at a unit cost of 9e15 its margin no longer fits DECIMAL(18,2)
    const edited = sale.replace(new RegExp(`("sku":"${second}","quantity":)\\d+`), '$110000');
    const costly = { stores: ref.stores, products: new Map([...ref.products, [second, { ...ref.products.get(second)!, unit_cost: 9e15 }]]) };
    expect(valid(edited, ref) && isCanonicalValidEvent(edited, ref, window)).toBe(true);
    expect(valid(edited, costly)).toBe(false);
    expect(isCanonicalValidEvent(edited, costly, window)).toBe(false);
    // and the same line checked after one whose last SKU is another, in either reference data
    const other = lines.map((l) => l.line).find((l) => l.includes('"lines"') && !l.includes(second) && fullyValid(l))!;
    expect(isCanonicalValidEvent(other, costly, window)).toBe(true);
    expect(isCanonicalValidEvent(edited, costly, window)).toBe(false);
    expect(isCanonicalValidEvent(edited, ref, window)).toBe(true);
  });

  it('never accepts an edited line the full validator rejects (20,000 random edits)', () => {
    const rng = new Rng(11);
    const valid = lines.filter((l) => fullyValid(l.line)).map((l) => l.line);
    let rejectedEdits = 0;
    for (let i = 0; i < 20_000; i++) {
      const edited = rng.pick(EDITS)(rng.pick(valid), rng);
      const full = fullyValid(edited);
      if (!full) rejectedEdits++;
      if (isCanonicalValidEvent(edited, ref, window) && !full) throw new Error(`fast path accepted what the validator rejects: ${edited}`);
    }
    expect(rejectedEdits).toBeGreaterThan(10_000);
  });

  it('reads timestamps and order dates as the full validator does (4,000 random ones, many accepted)', () => {
    const rng = new Rng(5);
    const valid = lines.filter((l) => fullyValid(l.line)).map((l) => l.line);
    const orders = valid.filter((l) => l.includes('"expected_date"'));
    expect(orders.length).toBeGreaterThan(10);
    const counts = { fast: 0, rejected: 0 };
    for (let i = 0; i < 4_000; i++) {
      const edit = EDITS[EDITS.length - 1 - (i % 2)];
      const edited = edit(rng.pick(i % 2 ? orders : valid), rng);
      const fast = isCanonicalValidEvent(edited, ref, window);
      const full = fullyValid(edited);
      if (fast && !full) throw new Error(`fast path accepted what the validator rejects: ${edited}`);
      if (fast) counts.fast++;
      if (!full) counts.rejected++;
    }
    // both sides of the bounds are reached: the test fails if the fast path read a range wrongly
    expect(counts.fast).toBeGreaterThan(400);
    expect(counts.rejected).toBeGreaterThan(400);
  });

  it('recognises timestamps with t and z in lower case, as the full validator does (such a line is staged as sent)', () => {
    const line = lines.map((l) => l.line).find((l) => fullyValid(l) && /"occurred_at":"[^"]*Z"/.test(l))!;
    const lower = line.replace(/"occurred_at":"([^"T]*)T([^"]*)Z"/, '"occurred_at":"$1t$2z"');
    expect(lower).not.toBe(line);
    expect(fullyValid(lower)).toBe(true);
    expect(isCanonicalValidEvent(lower, ref, window)).toBe(true);
  });

  it('leaves lines in another form to the full validator (not sure is not invalid)', () => {
    const line = lines.find((l) => l.kind === 'valid' && l.line.includes('"lines"'))!.line;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line) as object).reverse()));
    const spaced = JSON.stringify(JSON.parse(line), null, 1).replace(/\n/g, '');
    for (const other of [reordered, spaced]) {
      expect(fullyValid(other)).toBe(true);
      expect(isCanonicalValidEvent(other, ref, window)).toBe(false);
    }
  });
});

describe('plainNumber', () => {
  it('reads every integer and plain decimal as Number() does (20,000 random ones, up to 32 digits)', () => {
    const rng = new Rng(3);
    const digits = (n: number): string => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
    for (let i = 0; i < 20_000; i++) {
      const whole = rng.pick(['0', `${rng.int(1, 9)}${digits(rng.int(0, 14))}`]);
      const text = `${rng.pick(['', '-'])}${whole}${rng.pick(['', `.${digits(rng.int(1, 17))}`])}`;
      expect({ text, n: Object.is(plainNumber(text), Number(text)) ? 'same' : plainNumber(text) }).toEqual({ text, n: 'same' });
    }
  });
});

describe('canonical fast path compiler', () => {
  const base = { type: 'object', required: ['event_id', 'event_type'], properties: { event_id: { type: 'string', minLength: 1 }, event_type: { enum: ['x'] } }, additionalProperties: false };
  it('compiles the contract schemas', () => {
    expect([...compileMatchers(eventSchemasByType).keys()].sort()).toEqual(Object.keys(eventSchemasByType).sort());
  });
  it.each([
    ['a keyword it does not translate', { ...base, properties: { ...base.properties, sku: { type: 'string', pattern: '^S' } } }, /keyword "pattern"/],
    ['an object open to other fields', { ...base, additionalProperties: true }, /additionalProperties: false/],
    ['a format it does not know', { ...base, properties: { ...base.properties, at: { type: 'string', format: 'email' } } }, /format "email"/],
    ['an optional first field', { ...base, required: ['event_type'] }, /first field/],
  ])('refuses %s', (_what, schema, message) => {
    expect(() => compileMatchers({ x: schema })).toThrow(message);
  });
});
