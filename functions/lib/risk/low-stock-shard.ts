import { createHash } from 'node:crypto';

const MASK_64 = (1n << 64n) - 1n;

/**
 * The low-stock topic shard that carries a store's alerts, in 0..shardCount-1. The store-manager subscriptions
 * (infra/lib/consumers/store-manager-subscriptions.ts) and the SNS notifier both call this one function, so a store's
 * message always reaches the shard that holds its manager's filtered subscription.
 *
 * Jump consistent hash (Lamping and Veach, 2014) over the first 8 bytes of SHA-256(store_id): when the shard count
 * grows from n to n+1, only about 1/(n+1) of the stores move to another shard (and their managers confirm a new
 * e-mail subscription); a plain `hash % n` would move almost all of them.
 */
export function lowStockShard(storeId: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`lowStockShard: shardCount must be a whole number >= 1, got ${shardCount}`);
  let key = createHash('sha256').update(storeId, 'utf8').digest().readBigUInt64BE(0);
  let bucket = -1;
  let next = 0;
  while (next < shardCount) {
    bucket = next;
    key = (key * 2862933555777941757n + 1n) & MASK_64;
    next = Math.floor((bucket + 1) * (2 ** 31 / (Number(key >> 33n) + 1)));
  }
  return bucket;
}
