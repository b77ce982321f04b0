/**
 * Fast RFC 3339 formatting for the hot path. `new Date(t).toISOString()` per event was the single largest cost
 * of generation; here the date and hour are formatted once per clock hour and cached by the caller, and only
 * minutes, seconds and milliseconds are filled in per event.
 */

/** How a store's till writes occurred_at: all three are valid RFC 3339 with an offset. */
export type TimestampStyle = 'utc' | 'local-offset' | 'utc-millis';

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const HOUR_MS = 3_600_000;

/** Per-caller cache of the last formatted clock hour. */
export interface ClockCache {
  base: number;
  prefix: string;
}

export function newClockCache(): ClockCache {
  return { base: Number.NaN, prefix: '' };
}

/**
 * `utcMs` as a till in the given style writes it: `...Z`, `...+hh:mm` (with `offsetMinutes` and its `suffix`),
 * or `...sssZ`.
 */
export function formatTimestamp(utcMs: number, style: TimestampStyle, offsetMinutes: number, suffix: string, cache: ClockCache): string {
  const clock = style === 'local-offset' ? utcMs + offsetMinutes * 60000 : utcMs;
  const base = Math.floor(clock / HOUR_MS) * HOUR_MS;
  if (base !== cache.base) {
    cache.base = base;
    cache.prefix = new Date(base).toISOString().slice(0, 14); // YYYY-MM-DDTHH:
  }
  const within = clock - base;
  const minutes = Math.floor(within / 60000);
  const seconds = Math.floor((within - minutes * 60000) / 1000);
  const head = cache.prefix + TWO_DIGITS[minutes] + ':' + TWO_DIGITS[seconds];
  if (style === 'utc') return head + 'Z';
  if (style === 'utc-millis') return head + '.' + THREE_DIGITS[within % 1000] + 'Z';
  return head + suffix;
}
