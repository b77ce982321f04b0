import { checkReferences } from '../../../../functions/lib/contract/check-reference';
import { isRfc3339WithOffset, parseEventText } from '../../../../functions/lib/contract/validate-event';
import { parseProductsCsv, parseStoresCsv } from '../../../../functions/lib/reference/reference-data';
import { PRODUCTS_CSV, sale, STORES_CSV } from '../../../helpers/lake-fixture';

const ref = { stores: parseStoresCsv(STORES_CSV), products: parseProductsCsv(PRODUCTS_CSV) };
const verdict = (value: unknown) => {
  const parsed = parseEventText(typeof value === 'string' ? value : JSON.stringify(value));
  return parsed.ok ? checkReferences(parsed.event, ref) : parsed.rejection;
};

describe('event contract v1', () => {
  it('accepts every event type in its valid form', () => {
    expect(verdict(sale())).toBeNull();
    expect(verdict(sale({ event_type: 'return', customer_id: 'C-9', payment_method: 'gift_card' }))).toBeNull();
    expect(verdict({ event_id: 'i1', event_type: 'inventory_snapshot', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00-05:00', sku: 'SKU-1', on_hand_qty: 0, reorder_point: 4 })).toBeNull();
    expect(verdict({ event_id: 'i2', event_type: 'inventory_adjustment', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00.123Z', sku: 'SKU-1', quantity_change: -2, reason: 'shrink' })).toBeNull();
  });

  it.each([
    ['{"event_id": ', 'malformed_json', /^event: not valid JSON/],
    ['[1, 2]', 'schema_violation', /^event: must be a JSON object$/],
    [{ ...sale(), event_id: '' }, 'schema_violation', /^event_id: must NOT have fewer than 1 characters$/],
    [{ ...sale(), event_id: 'x'.repeat(65) }, 'schema_violation', /^event_id: must NOT have more than 64 characters$/],
    [{ ...sale(), event_type: 'refund' }, 'schema_violation', /^event_type: must be one of sale, return, inventory_snapshot, inventory_adjustment, purchase_order$/],
    [{ ...sale(), schema_version: 2 }, 'schema_violation', /^schema_version: must be 1$/],
    [{ ...sale(), occurred_at: '2024-03-01T10:00:00' }, 'schema_violation', /^occurred_at: must be an RFC 3339 timestamp with an offset/],
    [{ ...sale(), occurred_at: '2024-02-30T10:00:00Z' }, 'schema_violation', /^occurred_at: must be an RFC 3339/],
    [{ ...sale(), payment_method: 'cheque' }, 'schema_violation', /^payment_method: must be one of card, cash, mobile, gift_card, other$/],
    [{ ...sale(), customer_id: 7 }, 'schema_violation', /^customer_id: must be string or null$/],
    [{ ...sale(), lines: [] }, 'schema_violation', /^lines: must NOT have fewer than 1 items$/],
    [{ ...sale(), lines: Array.from({ length: 201 }, () => ({ sku: 'SKU-1', quantity: 1, unit_price: 1 })) }, 'schema_violation', /^lines: must NOT have more than 200 items$/],
    [{ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1, unit_price: 1 }, { sku: 'SKU-1', quantity: 10001, unit_price: 1 }] }, 'schema_violation', /^lines\[1\]\.quantity: must be <= 10000$/],
    [{ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1.5, unit_price: 1 }] }, 'schema_violation', /^lines\[0\]\.quantity: must be integer$/],
    [{ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1, unit_price: -1 }] }, 'schema_violation', /^lines\[0\]\.unit_price: must be >= 0$/],
    [{ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1, unit_price: 1, discount: -0.5 }] }, 'schema_violation', /^lines\[0\]\.discount: must be >= 0$/],
    [{ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1 }] }, 'schema_violation', /^lines\[0\]\.unit_price: is required$/],
    [JSON.stringify({ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1, unit_price: 7 }] }).replace('"unit_price":7', '"unit_price":1e400'), 'schema_violation', /^lines\[0\]\.unit_price: must be number$/],
    [{ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1, unit_price: 1e300 }] }, 'schema_violation', /^lines\[0\]\.unit_price: must be <= 1000000000000$/],
    [{ event_id: 'a', event_type: 'inventory_snapshot', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00Z', sku: 'SKU-1', on_hand_qty: 3e9 }, 'schema_violation', /^on_hand_qty: must be <= 2147483647$/],
    [{ event_id: 'a', event_type: 'inventory_adjustment', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00Z', sku: 'SKU-1', quantity_change: -3e9, reason: 'shrink' }, 'schema_violation', /^quantity_change: must be >= -2147483647$/],
    [{ ...sale(), colour: 'red' }, 'schema_violation', /^colour: is not a field of this event type$/],
    [(() => { const e = sale(); delete e.store_id; return e; })(), 'schema_violation', /^store_id: is required$/],
    [{ event_id: 'a', event_type: 'inventory_adjustment', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00Z', sku: 'SKU-1', quantity_change: 0, reason: 'shrink' }, 'schema_violation', /^quantity_change: must not be 0$/],
    [{ event_id: 'a', event_type: 'inventory_adjustment', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00Z', sku: 'SKU-1', quantity_change: 3, reason: 'gift' }, 'schema_violation', /^reason: must be one of receipt, shrink/],
    [{ event_id: 'a', event_type: 'inventory_snapshot', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00Z', sku: 'SKU-1', on_hand_qty: -1 }, 'schema_violation', /^on_hand_qty: must be >= 0$/],
    [{ ...sale(), store_id: 'S404' }, 'unknown_store', /^store_id: "S404" is not in the store reference data$/],
    [{ ...sale(), lines: [{ sku: 'SKU-1', quantity: 1, unit_price: 1 }, { sku: 'GHOST', quantity: 1, unit_price: 1 }] }, 'unknown_sku', /^lines\[1\]\.sku: "GHOST" is not in the product reference data$/],
    [{ event_id: 'a', event_type: 'inventory_snapshot', schema_version: 1, store_id: 'S001', occurred_at: '2024-03-01T08:00:00Z', sku: 'GHOST', on_hand_qty: 1 }, 'unknown_sku', /^sku: "GHOST" is not in/],
  ])('rejects %j as %s with a detail naming the field', (input, reason, detail) => {
    const rejection = verdict(input);
    expect(rejection?.reason).toBe(reason);
    expect(rejection?.detail).toMatch(detail);
  });

  it('requires an offset on timestamps and a real calendar date', () => {
    expect(isRfc3339WithOffset('2024-03-01T10:00:00+05:45')).toBe(true);
    expect(isRfc3339WithOffset('2024-03-01T10:00:00.123456Z')).toBe(true);
    expect(isRfc3339WithOffset('2024-03-01 10:00:00Z')).toBe(false);
    expect(isRfc3339WithOffset('2024-13-01T10:00:00Z')).toBe(false);
    expect(isRfc3339WithOffset('2024-03-01T10:00:00')).toBe(false);
    expect(isRfc3339WithOffset('2024-02-29T10:00:00Z')).toBe(true); // leap year
    expect(isRfc3339WithOffset('2023-02-29T10:00:00Z')).toBe(false);
    expect(isRfc3339WithOffset('2000-02-29T10:00:00Z')).toBe(true); // divisible by 400
    expect(isRfc3339WithOffset('2100-02-29T10:00:00Z')).toBe(false); // a century, not divisible by 400
    expect(isRfc3339WithOffset('2024-04-31T10:00:00Z')).toBe(false);
    expect(isRfc3339WithOffset('2024-12-31T23:59:59-23:59')).toBe(true);
    expect(isRfc3339WithOffset('2024-12-31T23:59:60Z')).toBe(false);
    expect(isRfc3339WithOffset('2024-12-00T10:00:00Z')).toBe(false);
    expect(isRfc3339WithOffset('2024-03-01T24:00:00Z')).toBe(false);
    expect(isRfc3339WithOffset('2024-03-01T10:00:00+25:00')).toBe(false);
  });
});
