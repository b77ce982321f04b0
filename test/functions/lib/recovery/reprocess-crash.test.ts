/**
 * reprocess killed at each of its writes (the CrashingStore dies the way a kill -9 does), then the roll-forward
 * of the next run and reprocess again: the lake ends as after a clean reprocess, and reconcile balances.
 */
import crypto from 'node:crypto';
import { COMMITS_PREFIX, PRODUCTS_KEY, QUARANTINE_KEYS_PREFIX, reprocessRecordKey, REPROCESSES_PREFIX } from '../../../../functions/lib/lake-layout';
import { rollForward } from '../../../../functions/lib/pipeline/curated-commit';
import { readJson } from '../../../../functions/lib/pipeline/json-objects';
import { reconcileLake } from '../../../../functions/lib/recovery/reconcile-lake';
import { reloadWarehouse } from '../../../../functions/lib/recovery/reload-warehouse';
import { reprocess } from '../../../../functions/lib/recovery/reprocess';
import { unreloadedReprocesses, type ReprocessRecord } from '../../../../functions/lib/recovery/reprocess-record';
import type { Warehouse } from '../../../../functions/lib/ports';
import { copySourceFromEnv } from '../../../../functions/pipeline/prepare-loads/prepare-loads';
import type { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { createLocalRuntime, type LocalRuntime } from '../../../../local/local-runtime';
import { runPipeline } from '../../../../local/pipeline/local-runner';
import { CrashingStore, SimulatedCrash } from '../../../helpers/crashing-store';
import { folderDigest } from '../../../helpers/folder-digest';
import { copyOfLake, PRODUCTS_CSV, putRaw, sale, tempLake, withReference } from '../../../helpers/lake-fixture';

const RANGE = { from: '2024-03-08', to: '2024-03-09' };
/** when every killed reprocess runs (with the same id, see below): the same writes leave the same lake */
const KILLED_AT = new Date('2024-03-12T06:00:00Z');

/** What a reader of the lake and the warehouse sees. */
async function totals(rt: LocalRuntime): Promise<Record<string, unknown>> {
  const [lake] = await rt.curatedQuery.query(`SELECT
    (SELECT count(*) FROM sales_lines) AS lines,
    (SELECT count(*) FROM (SELECT DISTINCT event_id, line_no FROM sales_lines)) AS keys,
    (SELECT sum(net_revenue) FROM sales_lines) AS revenue,
    (SELECT sum(gross_margin) FROM sales_lines) AS margin,
    (SELECT count(*) FROM quarantine) AS quarantined`);
  const [warehouse] = await rt.warehouse.query('SELECT count(*) AS lines, sum(net_revenue) AS revenue FROM fact_sales');
  const [baskets] = await rt.curatedQuery.query('SELECT sum(baskets) AS baskets, sum(net_revenue) AS revenue FROM store_day_baskets');
  let quarantineKeys = 0;
  for (const o of await rt.store.list(QUARANTINE_KEYS_PREFIX)) quarantineKeys += (await rt.store.get(o.key)).toString('utf8').split('\n').filter(Boolean).length;
  return {
    ...Object.fromEntries(Object.entries(lake).map(([k, v]) => [k, Number(v)])),
    warehouse: { lines: Number(warehouse.lines), revenue: Number(warehouse.revenue) },
    // the lake's derived store_day_baskets, summarized by the reload that finishes a reprocess
    baskets: { baskets: Number(baskets.baskets), revenue: Number(baskets.revenue) },
    quarantineKeys,
  };
}

describe('reprocess killed at any write, then rolled forward and run again', () => {
  const template = tempLake('reprocess-crash-template');
  const lines = [{ sku: 'SKU-1', quantity: 2, unit_price: 19.99, discount: 1 }, { sku: 'SKU-3', quantity: 1, unit_price: 39 }];
  const day = (d: string, overrides: Record<string, unknown> = {}): string => JSON.stringify(sale({ occurred_at: `2024-03-${d}T15:00:00Z`, lines, ...overrides }));
  const onlySku2 = { lines: [{ sku: 'SKU-2', quantity: 1, unit_price: 6.5 }] };
  const raw = [day('08'), day('08', onlySku2), day('09'), day('09', onlySku2)];

  beforeAll(async () => {
    const rt = await createLocalRuntime(template.root, { VALIDATE_WORKERS: '1' });
    try {
      await withReference(template.store);
      await putRaw(template.store, raw, new Date('2024-03-10T01:00:00Z'), 'a');
      expect((await runPipeline(rt)).status).toBe('succeeded');
      // SKU-1 costs less now and SKU-2 is gone: a reprocess changes margins and refuses the SKU-2 sales
      await template.store.put(PRODUCTS_KEY, PRODUCTS_CSV.replace('SKU-1,Coffee beans 1kg,grocery,Acme,8.50', 'SKU-1,Coffee beans 1kg,grocery,Acme,1.50').replace(/^SKU-2,.*\n/m, ''));
    } finally {
      await rt.close();
    }
  }, 60_000);
  afterAll(() => template.cleanup());

  async function copyOfTemplate(): Promise<{ root: string; rt: LocalRuntime; store: FsObjectStore; cleanup: () => Promise<void> }> {
    const lake = copyOfLake(template.root, 'reprocess-crash');
    const rt = await createLocalRuntime(lake.root, { VALIDATE_WORKERS: '1' });
    return {
      root: lake.root,
      rt,
      store: lake.store,
      cleanup: async () => {
        await rt.close();
        lake.cleanup();
      },
    };
  }

  it('ends with a clean reprocess’s lake and warehouse, balanced, nothing twice, at every crash point', async () => {
    const clean = await copyOfTemplate();
    let expected: Record<string, unknown>;
    let writes: number;
    try {
      const counting = new CrashingStore(clean.rt.store);
      const r = await reprocess({ ...clean.rt, store: counting }, RANGE, copySourceFromEnv());
      expect(r).toMatchObject({ refused: { unknown_sku: 2 }, replacedDates: ['2024-03-08', '2024-03-09'] });
      expect(r.warehouseReloadedAt).toEqual(expect.any(String));
      expected = await totals(clean.rt);
      expect(expected).toMatchObject({ lines: 4, keys: 4, quarantined: 2, quarantineKeys: 2 });
      // every line is a sale: the baskets' revenue is the lines'
      expect(expected.baskets).toEqual({ baskets: expect.any(Number), revenue: expected.revenue });
      expect((await reconcileLake(clean.rt)).balanced).toBe(true);
      writes = counting.writes;
    } finally {
      await clean.cleanup();
    }
    // staged copies and the intent, the copies, the deletes, done, then the reload recorded
    expect(writes).toBeGreaterThanOrEqual(15);

    // the lakes the roll-forward left, by digest (taken before reconcile records its result): a reprocess is run
    // again once on each, since the same files give the same re-run. The kills before the commit leave one lake,
    // those after it another, the kill after the warehouse reload a third: 3 re-runs instead of one per point.
    const rerun = new Set<string>();
    for (let n = 1; n <= writes; n++) {
      const lake = await copyOfTemplate();
      try {
        // the killed reprocess's id: its random part the same each time
        const killedId = jest.spyOn(crypto, 'randomBytes').mockImplementation(((size: number) => Buffer.alloc(size, 0xab)) as typeof crypto.randomBytes);
        try {
          await expect(reprocess({ ...lake.rt, store: new CrashingStore(lake.rt.store, n) }, RANGE, copySourceFromEnv(), KILLED_AT)).rejects.toThrow(SimulatedCrash);
        } finally {
          killedId.mockRestore();
        }

        // the next run's PlanBatch (or the next reprocess) rolls the commit forward: all of it is there, or none
        await rollForward(lake.rt.store);
        expect(await lake.rt.store.list(COMMITS_PREFIX)).toEqual([]);
        const recovered = await totals(lake.rt);
        const records = await lake.rt.store.list(REPROCESSES_PREFIX);
        const state = folderDigest(lake.root);
        expect({ n, twice: Number(recovered.lines) - Number(recovered.keys) }).toEqual({ n, twice: 0 });
        if (records.length === 1) {
          // committed: the lake is the clean one's; until the warehouse is reloaded, reconcile finds the gap
          const { lines, keys, revenue, margin, quarantined, quarantineKeys } = expected;
          expect({ n, lake: { ...recovered, warehouse: undefined, baskets: undefined } }).toEqual({ n, lake: { lines, keys, revenue, margin, quarantined, quarantineKeys, warehouse: undefined, baskets: undefined } });
          const record = await readJson<ReprocessRecord>(lake.rt.store, records[0].key);
          // the last write records the reload done: killed there, the reload itself was done
          const reloaded = record.warehouseReloadedAt !== null || n === writes;
          expect({ n, balanced: (await reconcileLake(lake.rt)).balanced }).toEqual({ n, balanced: reloaded });
        } else {
          expect(records).toEqual([]);
          expect({ n, balanced: (await reconcileLake(lake.rt)).balanced }).toEqual({ n, balanced: true });
        }

        if (rerun.has(state)) continue;
        rerun.add(state);
        const again = await reprocess(lake.rt, RANGE, copySourceFromEnv());
        expect((await readJson<ReprocessRecord>(lake.rt.store, reprocessRecordKey(again.reprocessId))).warehouseReloadedAt).toEqual(expect.any(String));
        expect({ n, totals: await totals(lake.rt) }).toEqual({ n, totals: expected });
        expect({ n, balanced: (await reconcileLake(lake.rt)).balanced }).toEqual({ n, balanced: true });
      } finally {
        await lake.cleanup();
      }
    }
    // at least: killed before the commit, after it, after the warehouse reload
    expect(rerun.size).toBeGreaterThanOrEqual(3);
  }, 400_000);

  it('keeps the dedup keys of what it quarantined: a redelivery of those records is counted as duplicates', async () => {
    const lake = await copyOfTemplate();
    try {
      await reprocess(lake.rt, RANGE, copySourceFromEnv());
      await putRaw(lake.store, raw, new Date('2024-03-10T05:00:00Z'), 'redelivered');
      const run = await runPipeline(lake.rt);
      expect(run.output).toMatchObject({ commit: { received: 4, curatedEvents: 0, quarantined: 0, duplicates: 4 } });
      expect(await totals(lake.rt)).toMatchObject({ lines: 4, quarantined: 2 });
      expect((await reconcileLake(lake.rt)).balanced).toBe(true);
    } finally {
      await lake.cleanup();
    }
  }, 60_000);

  it('a warehouse reload that died after the commit is left for reconcile to find, and done by `reload --warehouse`', async () => {
    const lake = await copyOfTemplate();
    try {
      const dyingWarehouse: Warehouse = Object.assign(Object.create(lake.rt.warehouse) as Warehouse, {
        execute: (): Promise<never> => Promise.reject(new SimulatedCrash('warehouse execute')),
      });
      await expect(reprocess({ ...lake.rt, warehouse: dyingWarehouse }, RANGE, copySourceFromEnv())).rejects.toThrow(SimulatedCrash);
      expect((await unreloadedReprocesses(lake.rt.store)).map((r) => r.replacedDates)).toEqual([['2024-03-08', '2024-03-09']]);
      expect((await reconcileLake(lake.rt)).balanced).toBe(false);
      // a reload of other dates does not count for it
      await reloadWarehouse(lake.rt, copySourceFromEnv(), { from: '2024-03-09' });
      expect(await unreloadedReprocesses(lake.rt.store)).toHaveLength(1);
      await reloadWarehouse(lake.rt, copySourceFromEnv());
      expect(await unreloadedReprocesses(lake.rt.store)).toEqual([]);
      expect((await reconcileLake(lake.rt)).balanced).toBe(true);
    } finally {
      await lake.cleanup();
    }
  }, 60_000);
});
