import { PRODUCTS_KEY, STORES_KEY } from '../lake-layout';
import type { ObjectStore } from '../ports';
import { parseProductsCsv, parseStoresCsv, type ReferenceData } from '../reference/reference-data';

/** Reads the reference data the pipeline validates against; a clear error when it was never loaded. */
export async function loadReferenceData(store: ObjectStore): Promise<ReferenceData> {
  const [stores, products] = await Promise.all([store.getIfExists(STORES_KEY), store.getIfExists(PRODUCTS_KEY)]);
  if (!stores || !products) {
    throw new Error(`reference data is not loaded (${!stores ? STORES_KEY : PRODUCTS_KEY} is missing): run \`retail-lake reference --stores FILE --products FILE\``);
  }
  return { stores: parseStoresCsv(stores.toString('utf8'), STORES_KEY), products: parseProductsCsv(products.toString('utf8'), PRODUCTS_KEY) };
}
