import { checkBusinessDate, type BusinessDateWindow } from './business-date-window';
import { checkColumnFit } from './column-bounds';
import { checkDiscounts } from './line-rules';
import { checkExpectedDate } from './order-rules';
import type { ContractReference, PosEvent, Rejection } from './types';

/** The part of the reference data the contract reads, alone: what Validate hands its threads (a clone of the whole
 * at 50,000 SKUs cost a tenth of a second and more per thread, and spread the unit costs over larger objects). */
export function contractReference(ref: ContractReference): ContractReference {
  return {
    stores: new Map([...ref.stores].map(([id, store]) => [id, { timezone: store.timezone }])),
    products: new Map([...ref.products].map(([sku, product]) => [sku, { unit_cost: product.unit_cost }])),
  };
}

/** Checks an event that has the right shape against the store and product reference data. */
export function checkReferences(event: PosEvent, ref: ContractReference): Rejection | null {
  if (!ref.stores.has(event.store_id)) {
    return { reason: 'unknown_store', detail: `store_id: "${event.store_id}" is not in the store reference data` };
  }
  if ('lines' in event) {
    for (let i = 0; i < event.lines.length; i++) {
      const sku = event.lines[i].sku;
      if (!ref.products.has(sku)) return { reason: 'unknown_sku', detail: `lines[${i}].sku: "${sku}" is not in the product reference data` };
    }
  } else if (!ref.products.has(event.sku)) {
    return { reason: 'unknown_sku', detail: `sku: "${event.sku}" is not in the product reference data` };
  }
  return null;
}

/** The checks after the shape, before an event is staged: its references, its business date within the window
 * (business-date-window.ts), each line's discount within its amount, an order's expected_date not before its
 * business date (order-rules.ts), then that every value fits the columns it lands in (column-bounds.ts). */
export function checkStageable(event: PosEvent, ref: ContractReference, window: BusinessDateWindow): Rejection | null {
  return checkReferences(event, ref) ?? checkBusinessDate(event, ref, window) ?? checkDiscounts(event) ?? checkExpectedDate(event, ref) ?? checkColumnFit(event, ref);
}
