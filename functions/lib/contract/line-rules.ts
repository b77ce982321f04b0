import type { PosEvent, Rejection, SaleLine } from './types';

/** Cents of a money amount, as the curated DECIMAL(18,2) rounds it. */
const cents = (amount: number): number => Math.round(amount * 100);

/** Why a line's discount cannot be curated, or null: a discount above the line amount (quantity * unit_price)
 * would make the line's net revenue negative on a sale (1e9 off a 1.99 sale took revenue to -999,879,730.21).
 * Compared in cents, so a discount of the whole line (3 x 19.99 = 59.97) passes. */
export function discountProblem(line: SaleLine): string | null {
  if (line.discount === undefined) return null;
  if (line.discount < 0) return `must be >= 0, is ${line.discount}`;
  const amount = line.quantity * line.unit_price;
  return cents(line.discount) > cents(amount) ? `must be at most quantity * unit_price (${cents(amount) / 100}), is ${line.discount}` : null;
}

/** The first line of a sale or return whose discount is above its amount, as a rejection naming it. */
export function checkDiscounts(event: PosEvent): Rejection | null {
  if (!('lines' in event)) return null;
  for (let i = 0; i < event.lines.length; i++) {
    const problem = discountProblem(event.lines[i]);
    if (problem) return { reason: 'schema_violation', detail: `lines[${i}].discount: ${problem}` };
  }
  return null;
}
