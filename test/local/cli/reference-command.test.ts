import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCHANGE_RATES_KEY, STORES_KEY } from '../../../functions/lib/lake-layout';
import { loadReferenceFiles } from '../../../local/cli/reference-command';
import { UsageError } from '../../../local/cli/errors';
import { PRODUCTS_CSV, STORES_CSV, tempLake } from '../../helpers/lake-fixture';

const STORES_WITH_CURRENCY = STORES_CSV.replace('target_daily_revenue\n', 'target_daily_revenue,currency\n')
  .replace(',5000\n', ',5000,\n')
  .replace(',4000\n', ',4000,AUD\n')
  .replace(',4500\n', ',4500,GBP\n');
const RATES = 'rate_date,currency,rate\n2026-03-01,GBP,1.25\n';

describe('retail-lake reference', () => {
  let lake: ReturnType<typeof tempLake>;
  const file = (name: string, text: string): string => {
    const path = join(lake.root, name);
    writeFileSync(path, text);
    return path;
  };
  beforeEach(() => {
    lake = tempLake('reference');
  });
  afterEach(() => lake.cleanup());

  it('stores the exchange rates file with the others, and names the store currencies no rate converts', async () => {
    const n = await loadReferenceFiles(lake.store, file('s.csv', STORES_WITH_CURRENCY), file('p.csv', PRODUCTS_CSV), { exchangeRatesPath: file('r.csv', RATES), reportingCurrency: 'USD' });
    expect(n).toEqual({ stores: 3, products: 3, rates: 1, currenciesWithoutRates: ['AUD'] });
    expect((await lake.store.get(EXCHANGE_RATES_KEY)).toString()).toBe(RATES);
    // without --exchange-rates the stored rates stay, and count
    expect(await loadReferenceFiles(lake.store, file('s.csv', STORES_WITH_CURRENCY), file('p.csv', PRODUCTS_CSV), { reportingCurrency: 'GBP' })).toEqual({ stores: 3, products: 3, currenciesWithoutRates: ['AUD'] });
    expect(await lake.store.getIfExists(EXCHANGE_RATES_KEY)).not.toBeNull();
  });

  it('takes an existing stores.csv without the currency column (all stores in the reporting currency)', async () => {
    expect(await loadReferenceFiles(lake.store, file('s.csv', STORES_CSV), file('p.csv', PRODUCTS_CSV), { reportingCurrency: 'USD' })).toEqual({ stores: 3, products: 3, currenciesWithoutRates: [] });
  });

  it('refuses a bad rates file by file, line and field, and stores none of the files then', async () => {
    const bad = loadReferenceFiles(lake.store, file('s.csv', STORES_WITH_CURRENCY), file('p.csv', PRODUCTS_CSV), { exchangeRatesPath: file('r.csv', RATES.replace('1.25', '0')), reportingCurrency: 'USD' });
    await expect(bad).rejects.toThrow(UsageError);
    await expect(bad).rejects.toThrow(/r\.csv:2 rate: must be a number > 0/);
    expect(await lake.store.getIfExists(STORES_KEY)).toBeNull();
    expect(await lake.store.getIfExists(EXCHANGE_RATES_KEY)).toBeNull();
  });
});
