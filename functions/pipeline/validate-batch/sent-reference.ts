import type { ContractReference } from '../../lib/contract/types';

/** The part of the reference data the checks read, as a thread is sent it: the products' SKUs and unit costs in two
 * arrays (at 50,000 SKUs, cloned and made a Map again in half the time a Map of objects takes to clone). */
export interface SentReference {
  stores: ContractReference['stores'];
  skus: string[];
  unitCosts: Float64Array;
}

export function sentReference(ref: ContractReference): SentReference {
  return { stores: ref.stores, skus: [...ref.products.keys()], unitCosts: Float64Array.from(ref.products.values(), (p) => p.unit_cost) };
}

export function receivedReference({ stores, skus, unitCosts }: SentReference): ContractReference {
  return { stores, products: new Map(skus.map((sku, i) => [sku, { unit_cost: unitCosts[i] }])) };
}
