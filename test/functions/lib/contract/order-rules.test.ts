import { businessDateWindow } from '../../../../functions/lib/contract/business-date-window';
import { isCanonicalValidEvent } from '../../../../functions/lib/contract/canonical-fast-path';
import { checkStageable } from '../../../../functions/lib/contract/check-reference';
import { parseEventText } from '../../../../functions/lib/contract/validate-event';
import { parseProductsCsv, parseStoresCsv } from '../../../../functions/lib/reference/reference-data';
import { Rng } from '../../../../local/simulator/random';
import { PRODUCTS_CSV, purchaseOrder, receipt, STORES_CSV } from '../../../helpers/lake-fixture';

const ref = { stores: parseStoresCsv(STORES_CSV), products: parseProductsCsv(PRODUCTS_CSV) };
const window = businessDateWindow(new Date('2024-06-01T00:00:00Z'));

/** The full validator's rejection detail (null when valid), and whether the fast path takes the line as it is. */
const verdicts = (event: Record<string, unknown>): { detail: string | null; fast: boolean } => {
  const line = JSON.stringify(event);
  const parsed = parseEventText(line);
  const rejection = parsed.ok ? checkStageable(parsed.event, ref, window) : parsed.rejection;
  return { detail: rejection?.detail ?? null, fast: isCanonicalValidEvent(line, ref, window) };
};

describe('purchase orders and receipts (additions to contract v1)', () => {
  it('accepts an order line, a receipt naming its order and a receipt naming none, on the fast path too', () => {
    expect(verdicts(purchaseOrder())).toEqual({ detail: null, fast: true });
    expect(verdicts(receipt())).toEqual({ detail: null, fast: true });
    const { po_id: _none, ...plain } = receipt();
    expect(verdicts(plain)).toEqual({ detail: null, fast: true });
  });

  it('accepts an order due on its own business date (the full validator decides near the store’s date)', () => {
    // 23:30 in New York on 9 March is 10 March in UTC: the business date is the 9th
    expect(verdicts(purchaseOrder({ occurred_at: '2024-03-10T03:30:00Z', expected_date: '2024-03-09' }))).toEqual({ detail: null, fast: false });
  });

  it.each([
    ['a po_id on an adjustment other than a receipt', receipt({ reason: 'damage', quantity_change: -2 }), "po_id: only a receipt (reason receipt) may name a purchase order, this adjustment's reason is damage"],
    ['an empty po_id', receipt({ po_id: '' }), 'po_id: must NOT have fewer than 1 characters'],
    ['an expected_date that is no date', purchaseOrder({ expected_date: '2024-02-30' }), 'expected_date: must be a real date YYYY-MM-DD'],
    ['an expected_date with a time', purchaseOrder({ expected_date: '2024-03-14T00:00:00Z' }), 'expected_date: must be a real date YYYY-MM-DD'],
    // 10:00 in Sydney on 10 March is still the 9th in UTC
    ['an order due before its business date in the store’s zone', purchaseOrder({ store_id: 'S002', occurred_at: '2024-03-09T23:00:00Z', expected_date: '2024-03-09' }), "expected_date: 2024-03-09 is before the order's business date 2024-03-10 (Australia/Sydney)"],
    ['an order without a supplier', (({ supplier: _s, ...rest }) => rest)(purchaseOrder()), 'supplier: is required'],
    ['a supplier over 256 bytes in UTF-8', purchaseOrder({ supplier: 'ü'.repeat(129) }), 'supplier: must be at most 256 bytes in UTF-8 (is 258)'],
    ['a po_id over 64 characters', purchaseOrder({ po_id: 'P'.repeat(65) }), 'po_id: must NOT have more than 64 characters'],
    ['a quantity of 0', purchaseOrder({ quantity: 0 }), 'quantity: must be >= 1'],
    ['a quantity beyond an INTEGER', purchaseOrder({ quantity: 2 ** 31 }), 'quantity: must be <= 2147483647'],
    ['a field of another event type', purchaseOrder({ reason: 'receipt' }), 'reason: is not a field of this event type'],
    ['an unknown SKU', purchaseOrder({ sku: 'GHOST' }), 'sku: "GHOST" is not in the product reference data'],
  ])('refuses %s, naming the field, and the fast path never accepts it', (_what, event, detail) => {
    expect(verdicts(event)).toEqual({ detail, fast: false });
  });
});

describe('the fast path on orders and receipts', () => {
  /** Near-misses of valid order and receipt lines: the fast path may say "not sure", never "valid" when they are not. */
  const EDITS: readonly ((line: string, rng: Rng) => string)[] = [
    (l, rng) => {
      const i = rng.int(0, l.length - 1);
      return l.slice(0, i) + l.slice(i + 1);
    },
    (l, rng) => {
      const i = rng.int(0, l.length - 1);
      return l.slice(0, i) + rng.pick(['"', '\\', ',', '0', '-', '9', 'é', ' ', '{', '}']) + l.slice(i);
    },
    (l, rng) => l.replace(/"expected_date":"[^"]*"/, `"expected_date":"2024-${rng.pick(['02-30', '03-07', '03-08', '03-09', '03-10', '03-11', '13-01', '3-14'])}"`),
    (l, rng) => l.replace(/"reason":"receipt"/, `"reason":"${rng.pick(['shrink', 'damage', 'transfer_in', 'count_correction'])}"`),
    (l) => l.replace(/"quantity":\d+/, '"quantity":0'),
    (l) => l.replace(/"supplier":"[^"]*"/, `"supplier":"${'é'.repeat(129)}"`),
    (l) => l.replace(/"po_id":"[^"]*"/, '"po_id":""'),
    (l) => l.replace(/"store_id":"[^"]*"/, '"store_id":"S002"'),
    (l) => l.replace(/"event_type":"[a-z_]+"/, '"event_type":"inventory_adjustment"'),
  ];
  const full = (line: string): boolean => {
    const parsed = parseEventText(line);
    return parsed.ok && checkStageable(parsed.event, ref, window) === null;
  };

  it('never accepts an edited line the full validator rejects (5,000 random edits)', () => {
    const rng = new Rng(5);
    const valid = [purchaseOrder(), purchaseOrder({ store_id: 'S002', expected_date: '2024-03-11' }), receipt(), receipt({ store_id: 'S003' })].map((e) => JSON.stringify(e));
    let rejected = 0;
    for (let i = 0; i < 5_000; i++) {
      const edited = rng.pick(EDITS)(rng.pick(valid), rng);
      const ok = full(edited);
      if (!ok) rejected++;
      if (isCanonicalValidEvent(edited, ref, window) && !ok) throw new Error(`fast path accepted what the validator rejects: ${edited}`);
    }
    expect(rejected).toBeGreaterThan(1_000);
  });
});
