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
import type { ReferenceData } from '../reference/reference-data';
import { surelyInWindow, surelyNotBeforeBusinessDate, type BusinessDateWindow } from './business-date-window';
import { FAMILY_OF, LANDINGS, lineMoneyProblem, type Landing } from './column-bounds';
import { eventSchemasByType } from './event-schema';
import type { EventType } from './types';
import { discountProblem } from './line-rules';
import { isRfc3339WithOffset } from './validate-event';
import { ConfigurationError } from '../errors';
import { isIsoDate } from '../recovery/date-range';

type Schema = Record<string, unknown>;
/** A check on one captured value; reference-data lookups and the business-date window are checks too. */
type Check = (text: string, ref: ReferenceData, window: BusinessDateWindow) => boolean;

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
    const n = Number(text);
    if (integer && !Number.isInteger(n)) return false;
    return (min === undefined || n >= min) && (max === undefined || n <= max) && (excluded === undefined || n !== excluded);
  };
}

/** Capturing groups become non-capturing (an item expression repeated inside a larger one). */
function nonCapturing(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += c + source[++i];
      continue;
    }
    if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    out += c === '(' && !inClass && source[i + 1] !== '?' ? '(?:' : c;
  }
  return out;
}

/** Checks on a whole array item, by the array's field: its discount within its amount (mirrors checkDiscounts)
 * and its computed values within their columns (mirrors checkColumnFit). */
const ITEM_CHECKS: Record<string, (values: Record<string, string | undefined>, ref: ReferenceData) => boolean> = {
  lines: (v, ref) => {
    const line = { sku: v.sku ?? '', quantity: Number(v.quantity), unit_price: Number(v.unit_price), discount: v.discount === undefined ? undefined : Number(v.discount) };
    return discountProblem(line) === null && lineMoneyProblem(line, ref.products.get(line.sku)?.unit_cost ?? 0) === null;
  },
};

/** The check of each string format the schema uses (validate-event.ts registers the same formats with ajv). A
 * timestamp is also checked against the business-date window, by its own date only ("not sure" near the ends). */
const FORMAT_CHECKS: Record<string, Check> = {
  'date-time-offset': (text, _ref, window) => isRfc3339WithOffset(text) && surelyInWindow(text, window),
  'iso-date': (text) => isIsoDate(text),
};

function compileString(schema: Schema, where: string, landed: boolean, reference?: Check): Compiled {
  only(schema, ['type', 'minLength', 'maxLength', 'format'], where);
  const nullable = Array.isArray(schema.type);
  if (nullable && (schema.minLength !== undefined || schema.format !== undefined || reference)) throw new ConfigurationError(`fast path: nullable string at ${where} with more than maxLength`);
  const format = schema.format === undefined ? undefined : FORMAT_CHECKS[String(schema.format)];
  if (schema.format !== undefined && !format) throw new ConfigurationError(`fast path: format "${String(schema.format)}" at ${where}`);
  const chars = (landed ? asciiChars : plainChars)((schema.minLength as number | undefined) ?? 0, (schema.maxLength as number | undefined) ?? 100_000);
  if (nullable) return { source: `(?:null|"${chars}")`, checks: [], fields: [] };
  const check: Check | undefined = format ?? reference;
  return check ? { source: `"(${chars})"`, checks: [check], fields: [''] } : { source: `"${chars}"`, checks: [], fields: [] };
}

function compileArray(schema: Schema, where: string, field: string, place: Place): Compiled {
  only(schema, ['type', 'minItems', 'maxItems', 'items'], where);
  const item = compileObject(schema.items as Schema, `${where}[]`, { ...place, path: `${field}[].` });
  const minItems = (schema.minItems as number | undefined) ?? 0;
  const maxItems = (schema.maxItems as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  if (minItems < 1) throw new ConfigurationError(`fast path: array ${where} must have minItems >= 1`);
  const itemAt = new RegExp(`${item.source}(?:,|$)`, 'y');
  const plain = nonCapturing(item.source);
  const itemCheck = ITEM_CHECKS[field];
  // the whole array is one group; its items are then matched one by one for their own checks
  const check: Check = (text, ref, window) => {
    itemAt.lastIndex = 0;
    let count = 0;
    while (itemAt.lastIndex < text.length) {
      const m = itemAt.exec(text);
      if (!m || ++count > maxItems) return false;
      const values: Record<string, string | undefined> = {};
      for (let i = 0; i < item.checks.length; i++) {
        if (m[i + 1] !== undefined && !item.checks[i](m[i + 1], ref, window)) return false;
        values[item.fields[i]] = m[i + 1];
      }
      if (itemCheck && !itemCheck(values, ref)) return false;
    }
    return count >= minItems;
  };
  return { source: `\\[(${plain}(?:,${plain})*)\\]`, checks: [check], fields: [''] };
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

/** Rules between fields, by event type, on a line its matcher matched (mirror order-rules.ts). Such a line's string
 * values hold no quote, so `"po_id":` can only be the key, and its dates are the values' first ten characters. */
const EVENT_RULES: Record<string, (line: string) => boolean> = {
  inventory_adjustment: (line) => !line.includes('"po_id":') || line.includes('"reason":"receipt"'),
  purchase_order: (line) => {
    const due = /"expected_date":"([^"]*)"/.exec(line);
    const at = /"occurred_at":"([^"]*)"/.exec(line);
    return due !== null && at !== null && surelyNotBeforeBusinessDate(due[1], at[1]);
  },
};

export interface EventMatcher {
  regex: RegExp;
  checks: Check[];
}

/** One matcher per event type: its schema with event_type pinned to that type (ajv picks the schema by it).
 * Throws on any schema construct it cannot translate exactly. */
export function compileMatchers(schemas: Record<string, unknown>): Map<string, EventMatcher> {
  return new Map(
    Object.entries(schemas).map(([type, s]) => {
      const schema = s as Schema;
      const landings = LANDINGS[FAMILY_OF[type as EventType]] ?? {};
      const compiled = compileObject({ ...schema, properties: { ...(schema.properties as Schema), event_type: { const: type } } }, type, { path: '', landings });
      return [type, { regex: new RegExp(`^${compiled.source}$`), checks: compiled.checks }];
    }),
  );
}

const matchers = compileMatchers(eventSchemasByType);
const EVENT_TYPE = /^\{"event_id":"[^"\\]*","event_type":"([a-z_]+)"/;

/** true when the line is certainly a valid event whose store and SKUs are in the reference data, dated inside
 * the window; false when not sure (the full validator decides). */
export function isCanonicalValidEvent(line: string, ref: ReferenceData, window: BusinessDateWindow): boolean {
  // U+FFFD is what a decoder makes of bytes that are not UTF-8: such a line is left to the full path
  if (line.includes('\uFFFD')) return false;
  const type = EVENT_TYPE.exec(line);
  const matcher = type && matchers.get(type[1]);
  if (!matcher) return false;
  const match = matcher.regex.exec(line);
  if (!match) return false;
  const { checks } = matcher;
  for (let i = 0; i < checks.length; i++) if (match[i + 1] !== undefined && !checks[i](match[i + 1], ref, window)) return false;
  return EVENT_RULES[type[1]]?.(line) ?? true;
}
