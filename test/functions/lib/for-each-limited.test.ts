import { forEachLimited } from '../../../functions/lib/for-each-limited';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('forEachLimited', () => {
  it('runs every item with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await forEachLimited([...Array(20).keys()], 4, async (i) => {
      most = Math.max(most, ++inFlight);
      await tick(i % 3);
      inFlight--;
      done.push(i);
    });
    expect(most).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('on a failure starts nothing more, and rejects only once the items in flight have settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = forEachLimited([...Array(20).keys()], 3, async (i) => {
      started.push(i);
      try {
        if (i === 1) throw new Error('boom');
        await tick(20);
      } finally {
        settled++;
      }
    });
    await expect(run).rejects.toThrow('boom');
    // 0 and 2 were in flight with the failing 1, and finished before the rejection; nothing started after it
    expect(started).toEqual([0, 1, 2]);
    expect(settled).toBe(3);
  });
});
