/** The business dates a recovery tool works on: [from, to], both inclusive (YYYY-MM-DD); an open end is unbounded. */
export interface DateRange {
  from?: string;
  to?: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (2024-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** What is wrong with a range, in one line for the user; null when it is fine. */
export function dateRangeProblem(range: DateRange): string | null {
  for (const [name, value] of [['--from', range.from], ['--to', range.to]] as const) {
    if (value !== undefined && !isIsoDate(value)) return `${name} must be a date YYYY-MM-DD, got "${value}"`;
  }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) return `--from ${range.from} is after --to ${range.to}`;
  return null;
}

export const inRange = (date: string, range: DateRange): boolean =>
  (range.from === undefined || date >= range.from) && (range.to === undefined || date <= range.to);

/** The day before an ISO date. */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
