import { EXCHANGE_RATES_KEY, PRODUCTS_KEY, STORES_KEY } from '../lake-layout';
import type { ObjectStore } from '../ports';
import { PipelineStateError } from '../errors';
import { parseProductsCsv, parseStoresCsv, type ReferenceData } from '../reference/reference-data';
import type { ReferenceLoad } from '../warehouse/load-statements';

/** The reference CSVs as stored; a clear error when they were never loaded. */
export async function loadReferenceTexts(store: ObjectStore): Promise<{ storesCsv: string; productsCsv: string }> {
  const [stores, products] = await Promise.all([store.getIfExists(STORES_KEY), store.getIfExists(PRODUCTS_KEY)]);
  if (!stores || !products) {
    throw new PipelineStateError(`reference data is not loaded (${!stores ? STORES_KEY : PRODUCTS_KEY} is missing): run \`retail-lake reference --stores FILE --products FILE\``);
  }
  return { storesCsv: stores.toString('utf8'), productsCsv: products.toString('utf8') };
}


/** The reference data as stored, parsed (a file that does not parse fails here). */
export async function loadReferenceData(store: ObjectStore): Promise<ReferenceData> {
  const texts = await loadReferenceTexts(store);
  return { stores: parseStoresCsv(texts.storesCsv, STORES_KEY), products: parseProductsCsv(texts.productsCsv, PRODUCTS_KEY) };
}

/** What the warehouse's reference load needs to know: the reporting currency, and whether the (optional) exchange
 * rates file is in the lake. */
export async function referenceLoad(store: ObjectStore, reportingCurrency: string): Promise<ReferenceLoad> {
  return { reportingCurrency, exchangeRates: (await store.list(EXCHANGE_RATES_KEY)).some((o) => o.key === EXCHANGE_RATES_KEY) };
}
