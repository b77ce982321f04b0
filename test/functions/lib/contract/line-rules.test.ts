import { businessDateWindow } from '../../../../functions/lib/contract/business-date-window';
import { isCanonicalValidEvent } from '../../../../functions/lib/contract/canonical-fast-path';
import { checkStageable } from '../../../../functions/lib/contract/check-reference';
import { parseEventText } from '../../../../functions/lib/contract/validate-event';
import { parseProductsCsv, parseStoresCsv } from '../../../../functions/lib/reference/reference-data';
import { PRODUCTS_CSV, sale, STORES_CSV } from '../../../helpers/lake-fixture';

const ref = { stores: parseStoresCsv(STORES_CSV), products: parseProductsCsv(PRODUCTS_CSV) };
const window = businessDateWindow(new Date('2024-06-15T00:00:00Z'));

/** The full validator's detail and the fast path's verdict on a sale of one line. */
function verdicts(line: Record<string, unknown>, type = 'sale'): { detail: string | null; fast: boolean } {
  const text = JSON.stringify(sale({ event_type: type, lines: [{ sku: 'SKU-1', ...line }] }));
  const parsed = parseEventText(text);
  const rejection = parsed.ok ? checkStageable(parsed.event, ref, window) : parsed.rejection;
  return { detail: rejection?.detail ?? null, fast: isCanonicalValidEvent(text, ref, window) };
}

describe('a discount above its line', () => {
  it.each([
    ['the whole line off (3 x 19.99)', { quantity: 3, unit_price: 19.99, discount: 59.97 }, null],
    ['a cent more than the line', { quantity: 3, unit_price: 19.99, discount: 59.98 }, 'lines[0].discount: must be at most quantity * unit_price (59.97), is 59.98'],
    ['1e9 off a 1.99 sale', { quantity: 1, unit_price: 1.99, discount: 1e9 }, 'lines[0].discount: must be at most quantity * unit_price (1.99), is 1000000000'],
    ['any discount on a free line', { quantity: 1, unit_price: 0, discount: 0.01 }, 'lines[0].discount: must be at most quantity * unit_price (0), is 0.01'],
    ['a negative discount', { quantity: 1, unit_price: 1, discount: -1 }, 'lines[0].discount: must be >= 0'],
  ])('%s: full validator and fast path agree', (_, line, detail) => {
    expect(verdicts(line)).toEqual({ detail, fast: detail === null });
  });

  it('is refused on a return too', () => {
    expect(verdicts({ quantity: 1, unit_price: 1.99, discount: 5 }, 'return').detail).toBe('lines[0].discount: must be at most quantity * unit_price (1.99), is 5');
  });
});
