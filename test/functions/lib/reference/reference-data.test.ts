import { parse } from 'csv-parse/sync';
import {
  CSV_OPTIONS,
  parseExchangeRatesCsv,
  parseProductsCsv,
  parseStoresCsv,
  plainCsvRows,
  ReferenceDataError,
  STORE_COLUMNS,
  STORE_FILE_COLUMNS,
  toCsv,
  type Store,
} from '../../../../functions/lib/reference/reference-data';
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

  describe('files with nothing to interpret, read by splitting', () => {
    const header = [...STORE_COLUMNS];
    const [head, ...rest] = STORES_CSV.split('\n');
    it.each([
      ['the fixture', STORES_CSV],
      ['a byte order mark', `\uFEFF${STORES_CSV}`],
      ['spaces, tabs and form feeds around fields', STORES_CSV.replace('S001,Downtown NYC,', ' \tS001 , \fDowntown NYC\t,')],
      ['other white space at a field end', STORES_CSV.replace('Downtown NYC', 'Downtown NYC\u00a0\u2003')],
      ['non-ASCII text', STORES_CSV.replace('Downtown NYC', 'Zürich Süd ☕')],
      ['empty lines, and no newline at the end', `${head}\n\n${rest.join('\n\n').trimEnd()}`],
    ])('as csv-parse reads them: %s', (_what, text) => {
      const rows = plainCsvRows(text, header);
      expect(rows).toEqual(parse(text, CSV_OPTIONS));
      expect(rows).toHaveLength(3);
    });

    it.each([
      ['a quoted field', STORES_CSV.replace('Downtown NYC', '"Downtown, NYC"')],
      ['Windows line ends', STORES_CSV.replace(/\n/g, '\r\n')],
      ['a line with a field too many', STORES_CSV.replace(',5000', ',5000,x')],
      ['a line of spaces', `${STORES_CSV} \n`],
      ['a header cell csv-parse would not trim', STORES_CSV.replace('store_id', '\u00a0store_id')],
      ['a lone surrogate', STORES_CSV.replace('Downtown NYC', 'Downtown \ud800')],
    ])('left to csv-parse: %s', (_what, text) => {
      expect(plainCsvRows(text, header)).toBeUndefined();
    });

    it('still names the line of a file that is not valid CSV', () => {
      expect(() => parseStoresCsv(STORES_CSV.replace(',5000', ',5000,x'), 'stores.csv')).toThrow(/^stores.csv:2: not valid CSV \(Invalid Record Length/);
    });
  });

  describe('the optional currency column of stores.csv', () => {
    const withCurrency = STORES_CSV.replace('target_daily_revenue\n', 'target_daily_revenue,currency\n')
      .replace(',5000\n', ',5000,\n')
      .replace(',4000\n', ',4000,AUD\n')
      .replace(',4500\n', ',4500,GBP\n');

    it('reads it when present; an empty value or a file without the column leaves the store in the reporting currency', () => {
      const stores = parseStoresCsv(withCurrency);
      expect(stores.get('S001')).not.toHaveProperty('currency');
      expect(stores.get('S002')?.currency).toBe('AUD');
      expect(stores.get('S003')?.currency).toBe('GBP');
      expect([...parseStoresCsv(STORES_CSV).values()].some((s) => 'currency' in s)).toBe(false);
    });

    it('writes it back empty for a store without one', () => {
      const stores = parseStoresCsv(withCurrency);
      expect(parseStoresCsv(toCsv<Store>([...STORE_FILE_COLUMNS], stores.values()))).toEqual(stores);
      expect(toCsv<Store>([...STORE_FILE_COLUMNS], stores.values())).toContain('S001,Downtown NYC,east,nyc@example.com,America/New_York,5000,\n');
    });

    it.each([
      ['a lower-case code', withCurrency.replace(',GBP', ',gbp'), 4, 'currency', /ISO 4217 code .* got "gbp"/],
      ['a code of four letters', withCurrency.replace(',AUD', ',AUDX'), 3, 'currency', /ISO 4217 code/],
      ['the column out of place', STORES_CSV.replace('store_id,store_name', 'store_id,currency,store_name'), 1, 'currency', /in this order/],
      ['columns out of order', STORES_CSV.replace('region,manager_email', 'manager_email,region'), 1, 'manager_email', /in this order/],
      ['an unknown extra column', withCurrency.replace(',currency', ',currency,notes'), 1, 'notes', /in this order/],
    ])('names file, line and field for %s', (_what, text, line, field, reason) => {
      const err = storeError(text);
      expect(err).toBeInstanceOf(ReferenceDataError);
      expect([err.line, err.field]).toEqual([line, field]);
      expect(err.reason).toMatch(reason);
    });
  });

  describe('exchange_rates.csv', () => {
    const RATES = 'rate_date,currency,rate\n2026-03-01,GBP,1.25\n2026-03-01,EUR,1.1\n2026-03-02,GBP,1.3\n';
    const rateError = (text: string): ReferenceDataError => {
      try {
        parseExchangeRatesCsv(text, 'rates.csv');
      } catch (err) {
        return err as ReferenceDataError;
      }
      throw new Error('expected an error');
    };

    it('reads one rate per date and currency', () => {
      expect(parseExchangeRatesCsv(RATES)).toEqual([
        { rate_date: '2026-03-01', currency: 'GBP', rate: 1.25 },
        { rate_date: '2026-03-01', currency: 'EUR', rate: 1.1 },
        { rate_date: '2026-03-02', currency: 'GBP', rate: 1.3 },
      ]);
    });

    it.each([
      ['a zero rate', RATES.replace('1.25', '0'), 2, 'rate', /must be a number > 0/],
      ['a negative rate', RATES.replace('1.1', '-1.1'), 3, 'rate', /got "-1.1"/],
      ['a rate that is not a number', RATES.replace('1.3', 'abc'), 4, 'rate', /got "abc"/],
      ['a date that does not exist', RATES.replace('2026-03-02', '2026-02-30'), 4, 'rate_date', /must be a date YYYY-MM-DD, got "2026-02-30"/],
      ['a date in another format', RATES.replace('2026-03-02', '02/03/2026'), 4, 'rate_date', /YYYY-MM-DD/],
      ['a bad currency', RATES.replace(',EUR,', ',Euro,'), 3, 'currency', /ISO 4217/],
      ['a duplicate date and currency', RATES + '2026-03-01,GBP,1.26\n', 5, 'rate_date', /duplicate rate for GBP on 2026-03-01/],
      ['a missing column', RATES.replace(',rate\n', ',fx\n'), 1, 'rate', /missing column/],
      ['columns out of order', RATES.replace('rate_date,currency', 'currency,rate_date'), 1, 'currency', /in this order/],
      ['an empty rate', RATES.replace('1.25', ''), 2, 'rate', /is empty/],
    ])('names file, line and field for %s', (_what, text, line, field, reason) => {
      const err = rateError(text);
      expect(err).toBeInstanceOf(ReferenceDataError);
      expect([err.line, err.field]).toEqual([line, field]);
      expect(err.reason).toMatch(reason);
      expect(err.message).toMatch(new RegExp(`^rates.csv:${line} ${field}: `));
    });
  });
});
