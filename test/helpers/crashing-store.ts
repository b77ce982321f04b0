import type { ObjectInfo, ObjectStore, TaggedObject } from '../../functions/lib/ports';

/** Thrown by a CrashingStore at its crash point and after it. */
export class SimulatedCrash extends Error {
  constructor(op: string) {
    super(`simulated crash at ${op}`);
    this.name = 'SimulatedCrash';
  }
}

/**
 * An ObjectStore that dies at its Nth write (put, putIf, copy or delete call), the way a kill -9 does: that write does
 * not happen, and from then on every call fails, so no `finally` or `catch` of the code under test can repair
 * the lake. With `crashAt` 0 it never crashes and only counts the writes.
 */
export class CrashingStore implements ObjectStore {
  writes = 0;
  dead = false;

  constructor(
    private readonly inner: ObjectStore,
    private readonly crashAt = 0,
  ) {}

  private async write<T>(op: string, work: () => Promise<T>): Promise<T> {
    if (this.dead) throw new SimulatedCrash(`${op} after the crash`);
    this.writes++;
    if (this.writes === this.crashAt) {
      this.dead = true;
      throw new SimulatedCrash(`${op} (write ${this.writes})`);
    }
    return work();
  }

  private async read<T>(work: () => Promise<T>): Promise<T> {
    if (this.dead) throw new SimulatedCrash('read after the crash');
    return work();
  }

  put(key: string, body: Buffer | string): Promise<void> {
    return this.write(`put ${key}`, () => this.inner.put(key, body));
  }

  putIf(key: string, body: Buffer | string, expectedTag: string | null): Promise<boolean> {
    return this.write(`putIf ${key}`, () => this.inner.putIf(key, body, expectedTag));
  }

  copy(fromKey: string, toKey: string): Promise<void> {
    return this.write(`copy ${fromKey} -> ${toKey}`, () => this.inner.copy(fromKey, toKey));
  }

  delete(keys: string[]): Promise<void> {
    return this.write(`delete ${keys.join(', ')}`, () => this.inner.delete(keys));
  }

  getTagged(key: string): Promise<TaggedObject | null> {
    return this.read(() => this.inner.getTagged(key));
  }

  get(key: string): Promise<Buffer> {
    return this.read(() => this.inner.get(key));
  }

  getIfExists(key: string): Promise<Buffer | null> {
    return this.read(() => this.inner.getIfExists(key));
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return this.read(() => this.inner.list(prefix));
  }
}
