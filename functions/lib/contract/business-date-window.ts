/**
 * The business dates the lake curates: from EARLIEST_BUSINESS_DATE to BUSINESS_DAYS_AHEAD days after today (UTC).
 * The one setting behind both Validate's `occurred_at` check and the curated tables' partition projection range
 * (functions/lib/lake-tables.ts, which the Glue catalog and the Athena DDL are built from): an event whose business
 * date Athena's projection cannot enumerate is quarantined instead of curated out of sight.
 * test/infra/business-date-window.test.ts holds the synthesized Glue tables to it.
 */
import { businessDate } from '../business-rules';
import type { ContractReference, PosEvent, Rejection } from './types';

/** The first business date curated (and projected). */
export const EARLIEST_BUSINESS_DATE = '2020-01-01';
/** Business dates up to this many days after today's UTC date: a store east of UTC reaches tomorrow first
 * (the projection's `NOW+<n>DAYS` end). */
export const BUSINESS_DAYS_AHEAD = 1;

const DAY_MS = 86_400_000;
/** A local date differs from the date in occurred_at's own offset by less than this: offsets reach -23:59, IANA
 * zones +14:00 (fewer than 38 hours, so at most 2 calendar days). */
const SAFE_MARGIN_DAYS = 2;

export interface BusinessDateWindow {
  /** first and last business date accepted, YYYY-MM-DD */
  earliest: string;
  latest: string;
  /** occurred_at whose date (in its own offset) lies within these is inside whatever the store's zone */
  safeEarliest: string;
  safeLatest: string;
}

/** YYYY-MM-DD in UTC (a year past 9999 keeps its digits: 10000-01-01). */
function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The window as of `now`. */
export function businessDateWindow(now: Date, earliest = EARLIEST_BUSINESS_DATE): BusinessDateWindow {
  const start = Date.parse(`${earliest}T00:00:00Z`);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + BUSINESS_DAYS_AHEAD * DAY_MS;
  return { earliest, latest: isoDate(end), safeEarliest: isoDate(start + SAFE_MARGIN_DAYS * DAY_MS), safeLatest: isoDate(end - SAFE_MARGIN_DAYS * DAY_MS) };
}

/** True when occurred_at (a valid RFC 3339 text) is surely inside the window, without the store's zone: a string
 * comparison of its own date (the fast path's check; false means "not sure"). */
export function surelyInWindow(occurredAt: string, window: BusinessDateWindow): boolean {
  const date = occurredAt.slice(0, 10);
  return date >= window.safeEarliest && date <= window.safeLatest;
}

/** True when `date` (YYYY-MM-DD) is surely on or after occurred_at's business date, without the store's zone: at
 * least SAFE_MARGIN_DAYS after occurred_at's own date (the fast path's check of an order's expected_date). */
export function surelyNotBeforeBusinessDate(date: string, occurredAt: string): boolean {
  return date >= isoDate(Date.parse(`${occurredAt.slice(0, 10)}T00:00:00Z`) + SAFE_MARGIN_DAYS * DAY_MS);
}

/** Whether occurred_at's business date (its date in the store's zone) is outside the window. Instants far
 * outside (year 0000, 10000-01-01) are decided without a time-zone lookup. */
export function isOutsideWindow(occurredAt: string, timeZone: string, window: BusinessDateWindow): boolean {
  if (surelyInWindow(occurredAt, window)) return false;
  const ms = Date.parse(occurredAt);
  if (ms < Date.parse(`${window.earliest}T00:00:00Z`) - DAY_MS || ms > Date.parse(`${window.latest}T00:00:00Z`) + 2 * DAY_MS) return true;
  const date = businessDate(occurredAt, timeZone);
  return date < window.earliest || date > window.latest;
}

/** `occurred_at: ... is on a business date outside ...` for an event (whose store is in the reference data)
 * dated outside the window. */
export function checkBusinessDate(event: PosEvent, ref: ContractReference, window: BusinessDateWindow): Rejection | null {
  const store = ref.stores.get(event.store_id);
  if (!store || !isOutsideWindow(event.occurred_at, store.timezone, window)) return null;
  return {
    reason: 'schema_violation',
    detail: `occurred_at: ${event.occurred_at} is on a business date (${store.timezone}) outside the curated dates ${window.earliest} to ${window.latest}`,
  };
}
