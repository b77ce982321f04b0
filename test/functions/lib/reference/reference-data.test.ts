import { parseProductsCsv, parseStoresCsv, ReferenceDataError } from '../../../../functions/lib/reference/reference-data';
import { PRODUCTS_CSV, STORES_CSV } from '../../../helpers/lake-fixture';

const storeError = (text: string) => {
  try {
    parseStoresCsv(text, 'stores.csv');
  } catch (err) {
    return err as ReferenceDataError;
  }
  throw new Error('expected an error');
};

describe('reference data CSV', () => {
  it('loads stores and products with typed fields', () => {
    const stores = parseStoresCsv(STORES_CSV);
    expect(stores.get('S002')).toEqual({ store_id: 'S002', store_name: 'Sydney CBD', region: 'apac', manager_email: 'syd@example.com', timezone: 'Australia/Sydney', target_daily_revenue: 4000 });
    expect(parseProductsCsv(PRODUCTS_CSV).get('SKU-3')?.lead_time_days).toBe(14);
  });

  it.each([
    ['a missing column', STORES_CSV.replace('timezone,', 'tz,'), 1, 'timezone', /missing column/],
    ['an unknown time zone', STORES_CSV.replace('Europe/London', 'Europe/Londn'), 4, 'timezone', /unknown IANA time zone "Europe\/Londn"/],
    ['a bad e-mail', STORES_CSV.replace('nyc@example.com', 'nyc-at-example'), 2, 'manager_email', /not an e-mail address/],
    ['a negative target', STORES_CSV.replace(',5000', ',-5'), 2, 'target_daily_revenue', /must be a number >= 0, got "-5"/],
    ['a duplicate id', STORES_CSV + 'S001,Again,east,a@b.co,UTC,1\n', 5, 'store_id', /duplicate value "S001"/],
    ['an empty field', STORES_CSV.replace('Downtown NYC', ''), 2, 'store_name', /is empty/],
  ])('names file, line and field for %s', (_what, text, line, field, reason) => {
    const err = storeError(text);
    expect(err).toBeInstanceOf(ReferenceDataError);
    expect(err.line).toBe(line);
    expect(err.field).toBe(field);
    expect(err.reason).toMatch(reason);
    expect(err.message).toMatch(new RegExp(`^stores.csv:${line} ${field}: `));
  });

  it('rejects a product with a fractional lead time and a file with no rows', () => {
    expect(() => parseProductsCsv(PRODUCTS_CSV.replace(',5\n', ',2.5\n'), 'p.csv')).toThrow('p.csv:2 lead_time_days: must be a whole number >= 0, got "2.5"');
    expect(() => parseProductsCsv(PRODUCTS_CSV.split('\n')[0] + '\n', 'p.csv')).toThrow('p.csv: has no data rows');
  });
});
