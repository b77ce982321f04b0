import { lowStockShard } from '../../../../functions/lib/risk/low-stock-shard';

const stores = Array.from({ length: 2000 }, (_, i) => `S${String(i).padStart(4, '0')}`);

describe('lowStockShard', () => {
  it('is pinned: deployed subscriptions depend on it, so a change would send alerts to shards without them', () => {
    expect(['S001', 'S002', 'S003', 'S004', 'S005'].map((s) => [1, 2, 3, 7, 8].map((n) => lowStockShard(s, n)))).toEqual([
      [0, 1, 1, 1, 1],
      [0, 1, 1, 6, 6],
      [0, 1, 1, 4, 4],
      [0, 1, 1, 5, 5],
      [0, 1, 1, 1, 7],
    ]);
  });

  it('spreads stores evenly over the shards', () => {
    const counts = new Array<number>(8).fill(0);
    for (const s of stores) counts[lowStockShard(s, 8)]++;
    for (const c of counts) expect(Math.abs(c - stores.length / 8)).toBeLessThan(stores.length / 8 / 4);
  });

  it('moves only the stores of the new shard when the shard count grows', () => {
    for (const n of [1, 5, 9]) {
      const moved = stores.filter((s) => lowStockShard(s, n) !== lowStockShard(s, n + 1));
      for (const s of moved) expect(lowStockShard(s, n + 1)).toBe(n);
      expect(moved.length).toBeLessThan((1.5 * stores.length) / (n + 1));
    }
  });

  it('refuses a shard count below one', () => {
    expect(() => lowStockShard('S001', 0)).toThrow(RangeError);
    expect(() => lowStockShard('S001', 1.5)).toThrow(RangeError);
  });
});
