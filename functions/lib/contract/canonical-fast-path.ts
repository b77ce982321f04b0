/**
 * A fast path for Validate, compiled from the contract's JSON Schema: it recognises an event written in the
 * canonical form tills produce (compact JSON, fields in the schema's order, strings without escapes, plain
 * decimal numbers) with one regular expression per event type plus checks on the captured values, about ten
 * times faster than JSON.parse + ajv. It only ever says "valid" or "not sure": anything it does not recognise
 * (another field order, whitespace, escapes, an unknown store, any defect) goes to the full validator, which
 * alone words rejections. Every construct it accepts is accepted by ajv too; test/functions/lib/contract/canonical-fast-path
 * checks that on valid, faulty and mutated events, and the compiler refuses schema keywords it does not know,
 * so a schema change cannot make it accept what ajv would reject.
 */
import { surelyInWindow, surelyNotBeforeBusinessDate, type BusinessDateWindow } from './business-date-window';
import { FAMILY_OF, LANDINGS, lineMoneyProblem, type Landing } from './column-bounds';
import { eventSchemasByType } from './event-schema';
import type { ContractReference, EventType, SaleLine } from './types';
import { discountProblem } from './line-rules';
import { daysInMonth } from './validate-event';
import { ConfigurationError } from '../errors';
import { isIsoDate } from '../recovery/date-range';

type Schema = Record<string, unknown>;
/** A check on one captured value; reference-data lookups and the business-date window are checks too. */
type Check = (text: string, ref: ContractReference, window: BusinessDateWindow) => boolean;

/** A compiled value: its regex source (a capturing group for each check) and those checks, in group order,
 * with the field each check's group captures. */
interface Compiled {
  source: string;
  checks: Check[];
  fields: string[];
}

/** Where the values being compiled land: the field path prefix (`lines[].` inside lines) and the landings. */
interface Place {
  path: string;
  landings: Record<string, Landing>;
}

/** String contents without quotes, backslashes, control characters or surrogates: the text is the value, and
 * its length in UTF-16 units is its length in code points (what JSON Schema's min/maxLength count). */
const plainChars = (min: number, max: number): string => `[^"\\\\\\x00-\\x1f\\ud800-\\udfff]{${min},${max}}`;
/** ...in ASCII, for strings that land in a VARCHAR(n): a character is then a byte, so maxLength bounds the bytes
 * (other text goes to the full validator, which counts its UTF-8 bytes). */
const asciiChars = (min: number, max: number): string => `[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]{${min},${max}}`;
/** A JSON integer of at most 15 digits (so Number() is exact) and a plain decimal (no exponent). */
const INTEGER = '-?(?:0|[1-9]\\d{0,14})';
const DECIMAL = `${INTEGER}(?:\\.\\d{1,17})?`;
/** Number(text) for a text INTEGER or DECIMAL matched, read without Number() where that is exact (most money):
 * digits that make an integer below 2^53 divided by a power of ten up to 10^17 are two exact doubles, and IEEE
 * division rounds their quotient correctly, as Number() rounds the decimal (Clinger's fast path). */
export function plainNumber(text: string): number {
  const negative = text.charCodeAt(0) === 45; /* - */
  let digits = 0;
  let scale = 1;
  let fraction = false;
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      fraction = true;
      continue;
    }
    digits = digits * 10 + (c - 48);
    if (fraction) scale *= 10;
  }
  // above 2^53 the digits were rounded on the way: Number() decides
  if (digits > Number.MAX_SAFE_INTEGER) return Number(text);
  const value = digits / scale;
  return negative ? -value : value;
}
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
function jsonLiteral(value: unknown): string {
  if (typeof value === 'string' && /^[A-Za-z0-9_.-]*$/.test(value)) return escapeRegex(JSON.stringify(value));
  if (typeof value === 'number' && Number.isSafeInteger(value)) return escapeRegex(JSON.stringify(value));
  throw new ConfigurationError(`fast path: enum/const value ${JSON.stringify(value)} is not supported`);
}

/** The reference data a field's value must be found in (mirrors checkReferences). */
const REFERENCE_FIELDS: Record<string, Check> = {
  store_id: (text, ref) => ref.stores.has(text),
  sku: (text, ref) => ref.products.has(text),
};

function only(schema: Schema, allowed: string[], where: string): void {
  for (const key of Object.keys(schema)) if (!allowed.includes(key)) throw new ConfigurationError(`fast path: keyword "${key}" at ${where} is not supported`);
}

function numberCheck(schema: Schema, integer: boolean, where: string): Check {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  const not = schema.not as Schema | undefined;
  if (not !== undefined && (Object.keys(not).length !== 1 || typeof not.const !== 'number')) throw new ConfigurationError(`fast path: only not: {const: <number>} is supported at ${where}`);
  const excluded = not?.const as number | undefined;
  return (text) => {
    const n = plainNumber(text);
    if (integer && !Number.isInteger(n)) return false;
    return (min === undefined || n >= min) && (max === undefined || n <= max) && (excluded === undefined || n !== excluded);
  };
}

/** Where each field's value is among a match's groups (group numbers from 1), by field name. */
type Groups = Record<string, number>;

function groupsOf(fields: string[]): Groups {
  const groups: Groups = {};
  fields.forEach((field, i) => (groups[field] ??= i + 1));
  return groups;
}

/** The line ITEM_CHECKS.lines hands the rules, refilled for each item rather than an object per item (neither rule
 * keeps it): about 5% less CPU on the fast path at the seed scale. */
const SCRATCH_LINE: SaleLine = { sku: '', quantity: 0, unit_price: 0, discount: undefined };

/** Checks on a whole array item, by the array's field, given the item's match and where its fields are: its discount
 * within its amount (mirrors checkDiscounts) and its computed values within their columns (mirrors checkColumnFit). */
const ITEM_CHECKS: Record<string, (m: RegExpExecArray, groups: Groups, ref: ContractReference) => boolean> = {
  lines: (m, groups, ref) => {
    const line = SCRATCH_LINE;
    line.sku = m[groups.sku] ?? '';
    line.quantity = plainNumber(m[groups.quantity] ?? '');
    line.unit_price = plainNumber(m[groups.unit_price] ?? '');
    const discount = m[groups.discount];
    line.discount = discount === undefined ? undefined : plainNumber(discount);
    return discountProblem(line) === null && lineMoneyProblem(line, ref.products.get(line.sku)?.unit_cost ?? 0) === null;
  },
};

/** The value of the digits at text[at, at + n) (ASCII digits, which the format's regex source has matched). */
function digitsAt(text: string, at: number, n: number): number {
  let value = 0;
  for (let i = at; i < at + n; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** isRfc3339WithOffset (validate-event.ts) for a text FORMAT_SOURCES['date-time-offset'] matched (the shape is then known): the same
 * ranges, read without a regex (every event has a timestamp). */
function rfc3339RangesValid(text: string): boolean {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > daysInMonth(year, month)) return false;
  if (digitsAt(text, 11, 2) > 23 || digitsAt(text, 14, 2) > 59 || digitsAt(text, 17, 2) > 59) return false;
  const n = text.length;
  const last = text.charCodeAt(n - 1);
  return last === 90 /* Z */ || last === 122 /* z */ || (digitsAt(text, n - 5, 2) <= 23 && digitsAt(text, n - 2, 2) <= 59);
}

/** Results of a check on strings that repeat (an order's dates), kept for the rest of the run; bounded. */
function remembered(check: (text: string) => boolean): (text: string) => boolean {
  const known = new Map<string, boolean>();
  return (text) => {
    let verdict = known.get(text);
    if (verdict === undefined) {
      if (known.size >= 10_000) known.clear();
      verdict = check(text);
      known.set(text, verdict);
    }
    return verdict;
  };
}

/** The regex source of a format's value, narrower than any string where that makes its check cheap: a timestamp's
 * shape as RFC3339_WITH_OFFSET (validate-event.ts) has it, `T` and `Z` in either case as there. */
const FORMAT_SOURCES: Record<string, string> = {
  'date-time-offset': '\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:[Zz]|[+-]\\d{2}:\\d{2})',
};

/** The check of each string format the schema uses (validate-event.ts registers the same formats with ajv), on a
 * value its FORMAT_SOURCES matched when it has one. A timestamp is also checked against the business-date window,
 * by its own date only ("not sure" near the ends). */
const FORMAT_CHECKS: Record<string, Check> = {
  'date-time-offset': (text, _ref, window) => rfc3339RangesValid(text) && surelyInWindow(text, window),
  'iso-date': remembered(isIsoDate),
};

function compileString(schema: Schema, where: string, landed: boolean, reference?: Check): Compiled {
  only(schema, ['type', 'minLength', 'maxLength', 'format'], where);
  const nullable = Array.isArray(schema.type);
  if (nullable && (schema.minLength !== undefined || schema.format !== undefined || reference)) throw new ConfigurationError(`fast path: nullable string at ${where} with more than maxLength`);
  const format = schema.format === undefined ? undefined : FORMAT_CHECKS[String(schema.format)];
  if (schema.format !== undefined && !format) throw new ConfigurationError(`fast path: format "${String(schema.format)}" at ${where}`);
  const lengths = schema.minLength !== undefined || schema.maxLength !== undefined;
  const formatSource = schema.format === undefined ? undefined : FORMAT_SOURCES[String(schema.format)];
  if (formatSource !== undefined && lengths) throw new ConfigurationError(`fast path: format "${String(schema.format)}" at ${where} with a length`);
  const chars = formatSource ?? (landed ? asciiChars : plainChars)((schema.minLength as number | undefined) ?? 0, (schema.maxLength as number | undefined) ?? 100_000);
  if (nullable) return { source: `(?:null|"${chars}")`, checks: [], fields: [] };
  const check: Check | undefined = format ?? reference;
  return check ? { source: `"(${chars})"`, checks: [check], fields: [''] } : { source: `"${chars}"`, checks: [], fields: [] };
}

/** An array is one group holding whatever lies between its brackets; its check then reads that text as items,
 * one by one (each with its own checks), separated by commas and nothing else. So an item is matched once, and
 * a line is accepted only when the text in the group is exactly a list of valid items. */
function compileArray(schema: Schema, where: string, field: string, place: Place): Compiled {
  only(schema, ['type', 'minItems', 'maxItems', 'items'], where);
  const item = compileObject(schema.items as Schema, `${where}[]`, { ...place, path: `${field}[].` });
  const minItems = (schema.minItems as number | undefined) ?? 0;
  const maxItems = (schema.maxItems as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  if (minItems < 1) throw new ConfigurationError(`fast path: array ${where} must have minItems >= 1`);
  const itemAt = new RegExp(item.source, 'y');
  const itemCheck = ITEM_CHECKS[field];
  const groups = groupsOf(item.fields);
  const check: Check = (text, ref, window) => {
    let at = 0;
    let count = 0;
    for (;;) {
      itemAt.lastIndex = at;
      const m = itemAt.exec(text);
      if (!m || ++count > maxItems) return false;
      for (let i = 0; i < item.checks.length; i++) if (m[i + 1] !== undefined && !item.checks[i](m[i + 1], ref, window)) return false;
      if (itemCheck && !itemCheck(m, groups, ref)) return false;
      at = itemAt.lastIndex;
      if (at === text.length) return count >= minItems;
      if (text.charCodeAt(at) !== 44 /* , */) return false;
      at++;
    }
  };
  return { source: '\\[(.*)\\]', checks: [check], fields: [''] };
}

/** `field` is the value's path among the landings (`lines[].sku`). */
function compileValue(schema: Schema, where: string, field: string, place: Place, reference?: Check): Compiled {
  if ('const' in schema) {
    only(schema, ['const'], where);
    return { source: jsonLiteral(schema.const), checks: [], fields: [] };
  }
  if ('enum' in schema) {
    only(schema, ['enum'], where);
    return { source: `(?:${(schema.enum as unknown[]).map(jsonLiteral).join('|')})`, checks: [], fields: [] };
  }
  const type = schema.type;
  const nullableString = Array.isArray(type) && type.length === 2 && type.includes('string') && type.includes('null');
  if (type === 'string' || nullableString) return compileString(schema, where, place.landings[field]?.type.startsWith('VARCHAR') ?? false, reference);
  if (type === 'integer' || type === 'number') {
    only(schema, ['type', 'minimum', 'maximum', 'not'], where);
    return { source: `(${type === 'integer' ? INTEGER : DECIMAL})`, checks: [numberCheck(schema, type === 'integer', where)], fields: [''] };
  }
  if (type === 'object') return compileObject(schema, where, place);
  if (type === 'array') return compileArray(schema, where, field, place);
  throw new ConfigurationError(`fast path: schema at ${where} is not supported`);
}

/** Fields in the schema's `properties` order, required ones always present, optional ones in their place. */
function compileObject(schema: Schema, where: string, place: Place): Compiled {
  only(schema, ['type', 'required', 'properties', 'additionalProperties'], where);
  if (schema.additionalProperties !== false) throw new ConfigurationError(`fast path: ${where} must set additionalProperties: false`);
  const required = new Set(schema.required as string[]);
  const properties = Object.entries(schema.properties as Record<string, Schema>);
  if (!required.has(properties[0][0])) throw new ConfigurationError(`fast path: the first field of ${where} must be required`);
  let source = '\\{';
  const checks: Check[] = [];
  const fields: string[] = [];
  properties.forEach(([name, property], i) => {
    if (!/^[a-z_]+$/.test(name)) throw new ConfigurationError(`fast path: field name ${name} at ${where}`);
    const value = compileValue(property, `${where}.${name}`, `${place.path}${name}`, place, REFERENCE_FIELDS[name]);
    const field = `${i === 0 ? '' : ','}"${name}":${value.source}`;
    source += required.has(name) ? field : `(?:${field})?`;
    checks.push(...value.checks);
    fields.push(...value.fields.map(() => name));
  });
  return { source: `${source}\\}`, checks, fields };
}

/** An order's expected_date at least SAFE_MARGIN_DAYS after its occurred_at's own date: by the two dates, which repeat. */
const orderSurelyNotEarly = remembered((dates) => {
  const [due, at] = dates.split(' ');
  return surelyNotBeforeBusinessDate(due, at);
});

/** Rules between fields, by event type, on a line its matcher matched (mirror order-rules.ts), given the match and
 * where its fields are. Such a line's string values hold no quote, so `"po_id":` can only be the key. */
const EVENT_RULES: Record<string, (line: string, m: RegExpExecArray, groups: Groups) => boolean> = {
  inventory_adjustment: (line) => !line.includes('"po_id":') || line.includes('"reason":"receipt"'),
  purchase_order: (_line, m, groups) => {
    const due = m[groups.expected_date];
    const at = m[groups.occurred_at];
    return due !== undefined && at !== undefined && orderSurelyNotEarly(`${due} ${at.slice(0, 10)}`);
  },
};

export interface EventMatcher {
  /** the event type, compared with the one a line names */
  type: string;
  regex: RegExp;
  checks: Check[];
  /** the group of each checked field */
  groups: Groups;
  /** the type's EVENT_RULES, if any */
  rule: ((line: string, m: RegExpExecArray, groups: Groups) => boolean) | undefined;
}

/** One matcher per event type: its schema with event_type pinned to that type (ajv picks the schema by it).
 * Throws on any schema construct it cannot translate exactly. */
export function compileMatchers(schemas: Record<string, unknown>): Map<string, EventMatcher> {
  return new Map(
    Object.entries(schemas).map(([type, s]) => {
      const schema = s as Schema;
      const landings = LANDINGS[FAMILY_OF[type as EventType]] ?? {};
      const compiled = compileObject({ ...schema, properties: { ...(schema.properties as Schema), event_type: { const: type } } }, type, { path: '', landings });
      return [type, { type, regex: new RegExp(`^${compiled.source}$`), checks: compiled.checks, groups: groupsOf(compiled.fields), rule: EVENT_RULES[type] }];
    }),
  );
}

/** A list, not a Map: the type a line names is a new string each time, and comparing it with five costs less than
 * hashing it (a Map's get did, for every line). */
const matchers = [...compileMatchers(eventSchemasByType).values()];
const EVENT_TYPE = /^\{"event_id":"[^"\\]*","event_type":"([a-z_]+)"/;

/** true when the line is certainly a valid event whose store and SKUs are in the reference data, dated inside
 * the window; false when not sure (the full validator decides). */
export function isCanonicalValidEvent(line: string, ref: ContractReference, window: BusinessDateWindow): boolean {
  // U+FFFD is what a decoder makes of bytes that are not UTF-8: such a line is left to the full path
  if (line.includes('\uFFFD')) return false;
  const type = EVENT_TYPE.exec(line)?.[1];
  let matcher: EventMatcher | undefined;
  for (let i = 0; i < matchers.length && type !== undefined; i++) if (matchers[i].type === type) matcher = matchers[i];
  if (!matcher) return false;
  const match = matcher.regex.exec(line);
  if (!match) return false;
  const { checks } = matcher;
  for (let i = 0; i < checks.length; i++) if (match[i + 1] !== undefined && !checks[i](match[i + 1], ref, window)) return false;
  return matcher.rule === undefined || matcher.rule(line, match, matcher.groups);
}
