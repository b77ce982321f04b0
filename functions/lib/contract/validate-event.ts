import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isIsoDate } from '../recovery/date-range';
import { envelopeSchema, eventSchemasByType } from './event-schema';
import { checkOrderLink } from './order-rules';
import type { EventType, PosEvent, Rejection } from './types';

/** RFC 3339 date-time that must carry an offset (`Z` or `+hh:mm`) and name a real instant. */
const RFC3339_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
/** The days of `month` (1-12) in `year`, by the proleptic Gregorian calendar. */
export const daysInMonth = (year: number, month: number): number => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]);

export function isRfc3339WithOffset(value: string): boolean {
  const m = RFC3339_WITH_OFFSET.exec(value);
  if (!m) return false;
  // checked by hand: Date.parse rolls 30 February over to 1 March, and a till that sends it has a bug worth hearing about
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > daysInMonth(year, month)) return false;
  if (+m[4] > 23 || +m[5] > 59 || +m[6] > 59) return false;
  if (m[9] !== undefined && (+m[9] > 23 || +m[10] > 59)) return false;
  return true;
}

const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false });
ajv.addFormat('date-time-offset', { type: 'string', validate: isRfc3339WithOffset });
ajv.addFormat('iso-date', { type: 'string', validate: isIsoDate });

/** What each string format the schema uses asks for, as a rejection words it. */
const FORMAT_WORDING: Record<string, string> = {
  'date-time-offset': 'an RFC 3339 timestamp with an offset (Z or +hh:mm)',
  'iso-date': 'a real date YYYY-MM-DD',
};

const validateEnvelope = ajv.compile(envelopeSchema);
const validatorsByType = Object.fromEntries(
  Object.entries(eventSchemasByType).map(([type, schema]) => [type, ajv.compile(schema)]),
) as Record<EventType, ValidateFunction>;

/** `/lines/2/quantity` -> `lines[2].quantity` */
function fieldPath(instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${fieldPath(error.instancePath, String(p.missingProperty))}: is required`;
    case 'additionalProperties':
      return `${fieldPath(error.instancePath, String(p.additionalProperty))}: is not a field of this event type`;
    case 'enum':
      return `${fieldPath(error.instancePath)}: must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `${fieldPath(error.instancePath)}: must be ${JSON.stringify(p.allowedValue)}`;
    case 'format':
      return `${fieldPath(error.instancePath)}: must be ${FORMAT_WORDING[String(p.format)] ?? `in format ${String(p.format)}`}`;
    case 'not':
      return `${fieldPath(error.instancePath)}: must not be 0`;
    case 'type':
      return `${fieldPath(error.instancePath) || 'event'}: must be ${String(p.type).replace(',', ' or ')}`;
    default:
      return `${fieldPath(error.instancePath) || 'event'}: ${error.message ?? 'is invalid'}`;
  }
}

export type ParseResult = { ok: true; event: PosEvent } | { ok: false; rejection: Rejection };

/** Checks one already-parsed value against the contract's shape (not reference data): the schema, then the
 * rule between reason and po_id (order-rules.ts). */
export function checkEventShape(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, rejection: { reason: 'schema_violation', detail: 'event: must be a JSON object' } };
  }
  if (!validateEnvelope(value)) {
    return { ok: false, rejection: { reason: 'schema_violation', detail: describe(validateEnvelope.errors![0]) } };
  }
  const validate = validatorsByType[(value as { event_type: EventType }).event_type];
  if (!validate(value)) {
    return { ok: false, rejection: { reason: 'schema_violation', detail: describe(validate.errors![0]) } };
  }
  const event = value as PosEvent;
  const rejection = checkOrderLink(event);
  return rejection ? { ok: false, rejection } : { ok: true, event };
}

/** Parses one NDJSON line or JSON text and checks its shape. */
export function parseEventText(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, rejection: { reason: 'malformed_json', detail: `event: not valid JSON (${(err as Error).message})` } };
  }
  return checkEventShape(value);
}
