import type { ShardPosition } from './firehose-checkpoint';

/**
 * The records read but not yet delivered, as their bytes, and per shard the last of them (what the
 * checkpoint moves to once they are delivered). Due for delivery when adding a record would take it past
 * `maxBytes` or its oldest record has waited `maxAgeMs`.
 */
export class DeliveryBuffer {
  private chunks: Uint8Array[] = [];
  private byteCount = 0;
  private firstAddedAt = 0;
  private readonly upTo = new Map<string, ShardPosition>();

  constructor(
    private readonly maxBytes: number,
    private readonly maxAgeMs: number,
  ) {}

  get records(): number {
    return this.chunks.length;
  }

  /** uncompressed bytes */
  get bytes(): number {
    return this.byteCount;
  }

  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }

  /** per shard, the last record in the buffer */
  get positions(): ReadonlyMap<string, ShardPosition> {
    return this.upTo;
  }

  /** Whether `data` no longer fits: the buffer must be delivered first. */
  isFullFor(data: Uint8Array): boolean {
    return !this.isEmpty && this.byteCount + data.byteLength > this.maxBytes;
  }

  /** Whether its oldest record has waited long enough. */
  isDue(): boolean {
    return !this.isEmpty && Date.now() - this.firstAddedAt >= this.maxAgeMs;
  }

  add(data: Uint8Array, shardId: string, position: ShardPosition | undefined): void {
    if (this.isEmpty) this.firstAddedAt = Date.now();
    this.chunks.push(data);
    this.byteCount += data.byteLength;
    if (position) this.upTo.set(shardId, position);
  }

  /** the records' bytes, one after the other */
  contents(): Buffer {
    return Buffer.concat(this.chunks);
  }

  clear(): void {
    this.chunks = [];
    this.byteCount = 0;
    this.upTo.clear();
  }
}
