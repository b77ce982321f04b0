// Type declarations for the parts of kinesalite 3.3 (no published types) the local stream uses.
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    /** LevelDB directory; in memory when absent */
    path?: string;
    /** ms a stream stays CREATING (default 500) */
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    /** shards per account (default 10) */
    shardLimit?: number;
    ssl?: boolean;
  }

  /** An http.Server whose close() also closes the LevelDB store. */
  function kinesalite(options?: KinesaliteOptions): Server;
  export = kinesalite;
}

declare module 'kinesalite/db' {
  interface SequenceParts {
    shardCreateTime: number;
    shardIx: number;
    seqIx?: number | string;
    seqTime?: number;
    byte1?: string;
    seqRand?: string;
    version?: number;
  }
  /** what kinesalite does with a hash key: compare it with a shard's decimal hash-key bounds */
  interface HashKey {
    comparedTo(other: string | number): number;
    toFixed(): string;
  }
  interface KinesaliteDb {
    parseSequence(seq: string): SequenceParts;
    stringifySequence(parts: SequenceParts): string;
    partitionKeyToHashKey(partitionKey: string): HashKey;
  }
  const db: KinesaliteDb;
  export = db;
}

declare module 'leveldown' {
  interface LevelDown {
    open(options: { createIfMissing?: boolean }, callback: (err: Error | undefined) => void): void;
    close(callback: (err: Error | undefined) => void): void;
  }
  function leveldown(location: string): LevelDown;
  export = leveldown;
}
