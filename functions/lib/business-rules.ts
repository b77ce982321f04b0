/** Business meaning of the contract (docs/architecture.md §3), for code paths that are not SQL. The curation SQL
 * in sql/transform/ computes the same figures; test/functions/lib/business-rules.test.ts checks that they agree. */

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `occurredAt` in the store's IANA time zone, as YYYY-MM-DD. */
export function businessDate(occurredAt: string, timeZone: string): string {
  let fmt = dateFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timeZone, fmt);
  }
  return fmt.format(new Date(occurredAt));
}

/** Sign of a transaction line: returns count negative in quantity, revenue and margin. */
export function lineSign(eventType: 'sale' | 'return'): 1 | -1 {
  return eventType === 'return' ? -1 : 1;
}

/** quantity * unit_price - discount, signed; rounded to cents. */
export function lineNetRevenue(eventType: 'sale' | 'return', quantity: number, unitPrice: number, discount = 0): number {
  return round2(lineSign(eventType) * (quantity * unitPrice - discount));
}

/** net revenue - quantity * unit_cost, signed the same way as the revenue. */
export function lineGrossMargin(eventType: 'sale' | 'return', quantity: number, unitPrice: number, discount: number, unitCost: number): number {
  return round2(lineSign(eventType) * (quantity * unitPrice - discount - quantity * unitCost));
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
