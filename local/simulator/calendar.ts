import { addDays, dayOfWeek } from './time-zones';

/**
 * The retail calendar a store trades by: an annual season (a December peak, a January-February trough) and
 * public holidays of its country, on which it is closed or busier than usual. Countries come from the store's
 * time zone, so a stores.csv without a currency column gets the same calendar.
 */

export type Country = 'US' | 'GB' | 'DE' | 'AU';

export function countryOf(timezone: string): Country {
  if (timezone === 'Europe/London') return 'GB';
  if (timezone.startsWith('Europe/')) return 'DE';
  if (timezone.startsWith('Australia/')) return 'AU';
  return 'US';
}

/** Amplitude of the annual season: +-10% around the mean, peaking in mid-December. */
const SEASON_AMPLITUDE = 0.1;
const SEASON_PEAK_DAY_OF_YEAR = 350;

function dayOfYear(date: string): number {
  return (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${date.slice(0, 4)}-01-01T00:00:00Z`)) / 86_400_000;
}

export function seasonFactor(date: string): number {
  return 1 + SEASON_AMPLITUDE * Math.cos((2 * Math.PI * (dayOfYear(date) - SEASON_PEAK_DAY_OF_YEAR)) / 365.25);
}

/** Easter Sunday of `year` (Gregorian, the anonymous algorithm), YYYY-MM-DD. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The `n`th (1-based; -1 = last) `weekday` (0 = Sunday) of a month, YYYY-MM-DD. */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  if (n > 0) return addDays(first, ((weekday - dayOfWeek(first) + 7) % 7) + 7 * (n - 1));
  const last = addDays(addDays(first, 31).slice(0, 8) + '01', -1);
  return addDays(last, -((dayOfWeek(last) - weekday + 7) % 7));
}

/** Holiday effects of a country in a year: 0 = closed, otherwise a traffic multiplier. */
function holidays(country: Country, year: number): Map<string, number> {
  const y = String(year);
  const easter = easterSunday(year);
  const out = new Map<string, number>([
    [`${y}-01-01`, 0],
    [`${y}-12-25`, 0],
  ]);
  for (let d = 18; d <= 23; d++) out.set(`${y}-12-${d}`, 1.35); // the last shopping days before Christmas
  out.set(`${y}-12-24`, country === 'DE' ? 0.6 : 1.2);
  switch (country) {
    case 'US':
      out.set(nthWeekday(year, 11, 4, 4), 0); // Thanksgiving
      out.set(addDays(nthWeekday(year, 11, 4, 4), 1), 1.9); // Black Friday
      out.set(nthWeekday(year, 5, 1, -1), 1.25); // Memorial Day sales
      out.set(nthWeekday(year, 9, 1, 1), 1.2); // Labor Day sales
      out.set(`${y}-07-04`, 0.7);
      break;
    case 'GB':
      out.set(addDays(easter, -2), 1.2); // Good Friday
      out.set(easter, 0); // large shops close on Easter Sunday
      out.set(addDays(easter, 1), 1.15);
      out.set(nthWeekday(year, 5, 1, 1), 1.15); // early May bank holiday
      out.set(`${y}-12-26`, 1.5); // Boxing Day sales
      break;
    case 'DE':
      out.set(addDays(easter, -2), 0); // Karfreitag
      out.set(addDays(easter, 1), 0); // Ostermontag
      out.set(`${y}-05-01`, 0);
      out.set(addDays(easter, 39), 0); // Christi Himmelfahrt
      out.set(`${y}-10-03`, 0);
      out.set(`${y}-12-26`, 0);
      break;
    case 'AU':
      out.set(`${y}-01-26`, 1.1); // Australia Day
      out.set(addDays(easter, -2), 0); // Good Friday
      out.set(addDays(easter, 1), 1.15);
      out.set(`${y}-04-25`, 0.6); // Anzac Day: shops open late
      out.set(`${y}-12-26`, 1.5);
      break;
  }
  return out;
}

const holidayCache = new Map<string, Map<string, number>>();

/** The holiday effect of `date` in `country`: 0 = closed, 1 = an ordinary day. */
export function holidayFactor(country: Country, date: string): number {
  const key = `${country}:${date.slice(0, 4)}`;
  let table = holidayCache.get(key);
  if (!table) holidayCache.set(key, (table = holidays(country, Number(date.slice(0, 4)))));
  return table.get(date) ?? 1;
}
