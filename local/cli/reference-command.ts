import { readFile } from 'node:fs/promises';
import { PRODUCTS_KEY, STORES_KEY } from '../../functions/lib/lake-layout';
import type { ObjectStore } from '../../functions/lib/ports';
import { parseProductsCsv, parseStoresCsv, ReferenceDataError } from '../../functions/lib/reference/reference-data';
import { UsageError } from './errors';

async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Checks both files whole before storing either, so a bad file never replaces good reference data. */
export async function loadReferenceFiles(store: ObjectStore, storesPath: string, productsPath: string): Promise<{ stores: number; products: number }> {
  const [storesText, productsText] = await Promise.all([readInput(storesPath), readInput(productsPath)]);
  try {
    const stores = parseStoresCsv(storesText, storesPath);
    const products = parseProductsCsv(productsText, productsPath);
    await store.put(STORES_KEY, storesText);
    await store.put(PRODUCTS_KEY, productsText);
    return { stores: stores.size, products: products.size };
  } catch (err) {
    if (err instanceof ReferenceDataError) throw new UsageError(err.message);
    throw err;
  }
}
