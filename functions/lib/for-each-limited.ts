import type { ObjectStore, PendingObject } from './ports';

/** Object store calls in flight at once where a step puts or copies many objects (S3 takes thousands a second
 * per prefix; locally each put is a file written and flushed). */
export const PUTS_IN_FLIGHT = 64;

/**
 * Runs `work` over `items` with at most `limit` in flight. On the first failure no further item starts, and the
 * call rejects with that failure only once the items in flight have settled: nothing of it still runs after it
 * returns (a crash-safe protocol's caller may rely on that).
 */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed.err;
}

/** Puts the objects, PUTS_IN_FLIGHT at a time, or through the store's putMany where it has one. */
export async function putObjects(store: ObjectStore, objects: PendingObject[]): Promise<void> {
  if (store.putMany) return store.putMany(objects);
  await forEachLimited(objects, PUTS_IN_FLIGHT, async (o) => store.put(o.key, await o.body()));
}

/** Copies each `from` key to its `to` key: at once where the store can (copyMany), else PUTS_IN_FLIGHT at a time. */
export async function copyObjects(store: ObjectStore, copies: { from: string; to: string }[]): Promise<void> {
  if (store.copyMany) return store.copyMany(copies);
  await forEachLimited(copies, PUTS_IN_FLIGHT, (c) => store.copy(c.from, c.to));
}
