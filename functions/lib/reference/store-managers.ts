import { ConfigurationError } from '../errors';
import type { Store } from './reference-data';

/**
 * The one store-to-manager mapping: the `manager_email` column of the stores reference file. It drives the
 * low-stock e-mail subscriptions, the Lake Formation row filters, QuickSight's row-level security and the local
 * dashboards' `--manager` filter.
 */

/** A manager and the stores whose rows and alerts are theirs. */
export interface StoreManager {
  /** the manager's e-mail address (the low-stock subscription's endpoint) */
  readonly email: string;
  /** the manager's stores, sorted */
  readonly storeIds: readonly string[];
}

/** A manager's cloud identities (stage config `consumers.managerIdentities`); their stores come from the mapping. */
export interface ManagerIdentity {
  /** a manager of the mapping */
  readonly email: string;
  /** IAM role or user that queries the curated tables in Athena through Lake Formation's row filters */
  readonly iamPrincipalArn?: string;
  /** QuickSight user whose dashboards show only the manager's stores (row-level security) */
  readonly quickSightUserArn?: string;
}

/** One row of QuickSight's row-level security data set: the user sees the rows of that store. */
export interface ManagerRlsRow {
  readonly userArn: string;
  readonly storeId: string;
}

/** What the mapping reads of a store. */
export type ManagedStore = Pick<Store, 'store_id' | 'manager_email'>;

/** Groups stores by manager e-mail, in the order managers first appear (a manager with several stores is one entry). */
export function managersFromStores(stores: Iterable<ManagedStore>): StoreManager[] {
  const byEmail = new Map<string, string[]>();
  for (const s of stores) byEmail.set(s.manager_email, [...(byEmail.get(s.manager_email) ?? []), s.store_id]);
  return [...byEmail.entries()].map(([email, storeIds]) => ({ email, storeIds: storeIds.sort() }));
}

/** The stores of `email` among `managers`; an e-mail that manages no store is an error naming it. */
export function managedStoreIds(managers: readonly StoreManager[], email: string): string[] {
  const manager = managers.find((m) => m.email === email);
  if (!manager) throw new ConfigurationError(`"${email}" manages no store: it is not in the manager_email column of stores.csv`);
  return [...manager.storeIds];
}

/** The stores `email` manages, from the stores reference rows (e.g. the lake's stores.csv). */
export function storesOfManager(stores: Iterable<ManagedStore>, email: string): string[] {
  return managedStoreIds(managersFromStores(stores), email);
}

/** QuickSight's row-level security rows: one per store of each identity with a QuickSight user. */
export function managerRlsRows(managers: readonly StoreManager[], identities: readonly ManagerIdentity[]): ManagerRlsRow[] {
  return identities.flatMap(({ email, quickSightUserArn }) =>
    quickSightUserArn === undefined ? [] : managedStoreIds(managers, email).map((storeId) => ({ userArn: quickSightUserArn, storeId })),
  );
}
