import { createHash } from 'node:crypto';
import kinesaliteDb from 'kinesalite/db';

/**
 * kinesalite converts every sequence number and partition-key hash between hex and decimal with bignumber.js,
 * which took ~45% of the CPU of a PutRecords benchmark (its base conversion is quadratic JavaScript). These
 * drop-in replacements compute the same strings with native BigInt. kinesalite's actions call them through
 * the module object (`db.stringifySequence(...)`), so replacing the exports is enough. Only the current
 * sequence format (version 2, the one new streams use) takes the fast path; anything else goes to the
 * original. test/local/ingest/kinesalite-speedups.test.ts checks both give identical results.
 */

type Db = typeof kinesaliteDb;
type Parts = Parameters<Db['stringifySequence']>[0];

const POW_2_124 = 1n << 124n;
const POW_2_124_NEXT = (1n << 125n) * 16n;
const POW_2_185 = 1n << 185n;
const POW_2_185_NEXT = POW_2_185 + (POW_2_185 >> 1n);

const hex9 = (ms: number): string => ('00000000' + Math.floor(ms / 1000).toString(16)).slice(-9);
const shardIxToHex = (shardIx: number | undefined): string => ('0000000' + (shardIx || 0).toString(16)).slice(-8);

export function fastStringifySequence(original: Db['stringifySequence']): Db['stringifySequence'] {
  return (parts: Parts): string => {
    if (parts.version != null && parts.version !== 2) return original(parts);
    const seqIx = parts.seqIx || 0;
    if (typeof seqIx === 'string' && !/^\d+$/.test(seqIx)) return original(parts);
    if (typeof seqIx === 'number' && !Number.isSafeInteger(seqIx)) return original(parts);
    const hex = [
      '2',
      hex9(parts.shardCreateTime),
      (parts.shardIx || 0).toString(16).slice(-1),
      ('0000000000000000' + BigInt(seqIx).toString(16)).slice(-16),
      parts.byte1 || '00',
      hex9(parts.seqTime || parts.shardCreateTime),
      shardIxToHex(parts.shardIx),
      '2',
    ].join('');
    return BigInt('0x' + hex).toString();
  };
}

export function fastParseSequence(original: Db['parseSequence']): Db['parseSequence'] {
  return (seq: string) => {
    if (typeof seq !== 'string' || !/^\d{1,80}$/.test(seq)) return original(seq);
    let n = BigInt(seq);
    if (n < POW_2_124) n += POW_2_124;
    // only version 2 takes the fast path; versions 0 and 1 keep the original code
    if (n < POW_2_124_NEXT || !(n > POW_2_185 && n < POW_2_185_NEXT)) return original(seq);
    const hex = n.toString(16);
    if (parseInt(hex.slice(hex.length - 1), 16) !== 2) return original(seq);
    const seqIxHex = hex.slice(11, 27);
    let shardIxHex = hex.slice(38, 46);
    if (parseInt(seqIxHex[0], 16) > 7) throw new Error('Sequence index too high');
    if (parseInt(shardIxHex[0], 16) > 7) shardIxHex = '-' + shardIxHex;
    const shardCreateSecs = parseInt(hex.slice(1, 10), 16);
    if (shardCreateSecs >= 16025175000) throw new Error('Date too large: ' + shardCreateSecs);
    return {
      shardCreateTime: shardCreateSecs * 1000,
      seqIx: BigInt('0x' + seqIxHex).toString(),
      byte1: hex.slice(27, 29),
      seqTime: parseInt(hex.slice(29, 38), 16) * 1000,
      shardIx: parseInt(shardIxHex, 16),
      version: 2,
    };
  };
}

type HashKey = ReturnType<Db['partitionKeyToHashKey']>;

/** md5 of the key as a 128-bit number, compared with the shards' decimal hash-key bounds as kinesalite does. */
export function fastPartitionKeyToHashKey(partitionKey: string): HashKey {
  const value = BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
  return {
    comparedTo(other: string | number): number {
      const o = BigInt(other);
      return value < o ? -1 : value > o ? 1 : 0;
    },
    toFixed: () => value.toString(),
  };
}

let installed = false;

/** Replaces kinesalite's hot helpers once per process. */
export function installKinesaliteSpeedups(): void {
  if (installed) return;
  installed = true;
  const db = kinesaliteDb as { -readonly [K in keyof Db]: Db[K] };
  db.stringifySequence = fastStringifySequence(db.stringifySequence);
  db.parseSequence = fastParseSequence(db.parseSequence);
  db.partitionKeyToHashKey = fastPartitionKeyToHashKey;
}
