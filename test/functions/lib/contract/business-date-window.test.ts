import { businessDateWindow, checkBusinessDate, EARLIEST_BUSINESS_DATE, isOutsideWindow } from '../../../../functions/lib/contract/business-date-window';
import { isCanonicalValidEvent } from '../../../../functions/lib/contract/canonical-fast-path';
import type { PosEvent } from '../../../../functions/lib/contract/types';
import { parseProductsCsv, parseStoresCsv } from '../../../../functions/lib/reference/reference-data';
import { PRODUCTS_CSV, sale, STORES_CSV } from '../../../helpers/lake-fixture';

const ref = { stores: parseStoresCsv(STORES_CSV), products: parseProductsCsv(PRODUCTS_CSV) };
const now = new Date('2024-06-15T20:00:00Z');
const window = businessDateWindow(now);

describe('the business-date window', () => {
  it('runs from the earliest business date to tomorrow (UTC)', () => {
    expect(window).toMatchObject({ earliest: EARLIEST_BUSINESS_DATE, latest: '2024-06-16' });
  });

  it.each([
    ['2019-12-31T23:59:59Z', 'Europe/London', true],
    ['2020-01-01T00:00:00Z', 'Europe/London', false],
    // 04:00Z on 1 January is still 31 December in New York
    ['2020-01-01T04:00:00Z', 'America/New_York', true],
    ['2020-01-01T04:00:00Z', 'Australia/Sydney', false],
    ['2024-06-16T13:00:00Z', 'Australia/Sydney', false],
    // 14:00Z on the 16th is the 17th in Sydney: beyond tomorrow
    ['2024-06-16T14:00:00Z', 'Australia/Sydney', true],
    ['2024-06-16T23:00:00Z', 'America/New_York', false],
    ['0000-01-01T00:00:00Z', 'Europe/London', true],
    ['9999-12-31T23:59:59-23:59', 'Australia/Sydney', true],
    ['2022-05-05T10:00:00.123456789+05:30', 'America/New_York', false],
  ])('%s in %s is outside: %s', (occurredAt, zone, outside) => {
    expect(isOutsideWindow(occurredAt, zone, window)).toBe(outside);
  });

  it('refuses with a detail naming occurred_at, on the full path and never on the fast one', () => {
    const event = sale({ occurred_at: '2019-12-31T12:00:00Z' });
    expect(checkBusinessDate(event as unknown as PosEvent, ref, window)).toEqual({
      reason: 'schema_violation',
      detail: 'occurred_at: 2019-12-31T12:00:00Z is on a business date (America/New_York) outside the curated dates 2020-01-01 to 2024-06-16',
    });
    expect(isCanonicalValidEvent(JSON.stringify(event), ref, window)).toBe(false);
    // inside the window with days to spare: the fast path is sure
    expect(isCanonicalValidEvent(JSON.stringify(sale({ occurred_at: '2024-03-09T15:00:00Z' })), ref, window)).toBe(true);
  });
});
