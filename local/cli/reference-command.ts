import { readFile } from 'node:fs/promises';
import { EXCHANGE_RATES_KEY, PRODUCTS_KEY, STORES_KEY } from '../../functions/lib/lake-layout';
import type { ObjectStore } from '../../functions/lib/ports';
import { parseExchangeRatesCsv, parseProductsCsv, parseStoresCsv, ReferenceDataError, type ExchangeRate, type Store } from '../../functions/lib/reference/reference-data';
import { UsageError } from './errors';

async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export interface ReferenceLoaded {
  stores: number;
  products: number;
  /** rows of the exchange rates file, when one was given */
  rates?: number;
  /** currencies of stores (not the reporting one) without any rate: their converted amounts stay NULL */
  currenciesWithoutRates: string[];
}

/** The store currencies other than the reporting currency that no rate converts. */
export function currenciesWithoutRates(stores: Iterable<Store>, rates: ExchangeRate[], reportingCurrency: string): string[] {
  const rated = new Set(rates.map((r) => r.currency));
  const missing = new Set<string>();
  for (const s of stores) if (s.currency && s.currency !== reportingCurrency && !rated.has(s.currency)) missing.add(s.currency);
  return [...missing].sort();
}

/**
 * Checks every file whole before storing any, so a bad file never replaces good reference data. The exchange rates
 * file is optional: without it the lake keeps the rates it has (none in a new lake).
 */
export async function loadReferenceFiles(
  store: ObjectStore,
  storesPath: string,
  productsPath: string,
  options: { exchangeRatesPath?: string; reportingCurrency: string },
): Promise<ReferenceLoaded> {
  const ratesPath = options.exchangeRatesPath;
  const [storesText, productsText, ratesText] = await Promise.all([readInput(storesPath), readInput(productsPath), ratesPath ? readInput(ratesPath) : null]);
  try {
    const stores = parseStoresCsv(storesText, storesPath);
    const products = parseProductsCsv(productsText, productsPath);
    const rates = ratesText !== null ? parseExchangeRatesCsv(ratesText, ratesPath) : null;
    const storedRates = rates ?? parseStoredRates(await store.getIfExists(EXCHANGE_RATES_KEY));
    await store.put(STORES_KEY, storesText);
    await store.put(PRODUCTS_KEY, productsText);
    if (ratesText !== null) await store.put(EXCHANGE_RATES_KEY, ratesText);
    return {
      stores: stores.size,
      products: products.size,
      ...(rates ? { rates: rates.length } : {}),
      currenciesWithoutRates: currenciesWithoutRates(stores.values(), storedRates, options.reportingCurrency),
    };
  } catch (err) {
    if (err instanceof ReferenceDataError) throw new UsageError(err.message);
    throw err;
  }
}

function parseStoredRates(body: Buffer | null): ExchangeRate[] {
  return body ? parseExchangeRatesCsv(body.toString('utf8'), EXCHANGE_RATES_KEY) : [];
}
