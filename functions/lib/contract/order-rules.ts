/**
 * The purchase-order rules JSON Schema cannot say (added to contract v1): a po_id only on a receipt, and an order's
 * expected_date not before its own business date. The fast path (canonical-fast-path.ts) mirrors both.
 */
import { businessDate } from '../business-rules';
import type { ContractReference, PosEvent, Rejection } from './types';

/** `po_id: ...` for an adjustment other than a receipt that names an order (a shape rule: no reference data). */
export function checkOrderLink(event: PosEvent): Rejection | null {
  if (event.event_type !== 'inventory_adjustment' || event.po_id === undefined || event.reason === 'receipt') return null;
  return { reason: 'schema_violation', detail: `po_id: only a receipt (reason receipt) may name a purchase order, this adjustment's reason is ${event.reason}` };
}

/** `expected_date: ...` for an order due before the business date it was placed on (in its store's time zone). */
export function checkExpectedDate(event: PosEvent, ref: ContractReference): Rejection | null {
  if (event.event_type !== 'purchase_order') return null;
  const store = ref.stores.get(event.store_id);
  if (!store) return null;
  const placed = businessDate(event.occurred_at, store.timezone);
  if (event.expected_date >= placed) return null;
  return { reason: 'schema_violation', detail: `expected_date: ${event.expected_date} is before the order's business date ${placed} (${store.timezone})` };
}
