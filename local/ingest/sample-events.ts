import type { PosEvent } from '../../functions/lib/contract/types';

/**
 * Deterministic contract-valid events for load tests and ingest tests (the demo has its own simulator).
 * `i` makes event_id unique; store and sku cycle through small ranges.
 */
export function sampleEvent(i: number, prefix = 'ev'): PosEvent {
  const store_id = `S${String((i % 20) + 1).padStart(3, '0')}`;
  const occurred_at = new Date(Date.UTC(2026, 10, 23, 9, 0, 0) + i * 1000).toISOString();
  const event_id = `${prefix}-${i}`;
  switch (i % 10) {
    case 8:
      return { event_id, event_type: 'inventory_snapshot', schema_version: 1, store_id, occurred_at, sku: `SKU-${i % 97}`, on_hand_qty: i % 50, reorder_point: 10 };
    case 9:
      return { event_id, event_type: 'inventory_adjustment', schema_version: 1, store_id, occurred_at, sku: `SKU-${i % 97}`, quantity_change: -((i % 5) + 1), reason: 'shrink' };
    default:
      return {
        event_id,
        event_type: i % 10 === 7 ? 'return' : 'sale',
        schema_version: 1,
        store_id,
        occurred_at,
        transaction_id: `T-${i}`,
        customer_id: i % 3 === 0 ? null : `C-${i % 1000}`,
        payment_method: 'card',
        lines: [
          { sku: `SKU-${i % 97}`, quantity: (i % 3) + 1, unit_price: 4.99 },
          { sku: `SKU-${(i + 13) % 97}`, quantity: 1, unit_price: 12.5, discount: 1.25 },
        ],
      };
  }
}

export function sampleEvents(count: number, start = 0, prefix = 'ev'): PosEvent[] {
  return Array.from({ length: count }, (_, k) => sampleEvent(start + k, prefix));
}
