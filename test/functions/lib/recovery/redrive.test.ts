import { PRODUCTS_KEY, redriveRawKey, redriveRecordKey, REDRIVES_PREFIX } from '../../../../functions/lib/lake-layout';
import { writeJson } from '../../../../functions/lib/pipeline/json-objects';
import { reconcileLake } from '../../../../functions/lib/recovery/reconcile-lake';
import { recordId, redrive, redriveRecords } from '../../../../functions/lib/recovery/redrive';
import { createLocalRuntime, type LocalRuntime } from '../../../../local/local-runtime';
import { runPipeline } from '../../../../local/pipeline/local-runner';
import { PRODUCTS_CSV, putRaw, sale, tempLake, withReference } from '../../../helpers/lake-fixture';

const NEW_SKU = 'SKU-9';

async function curatedCount(rt: LocalRuntime): Promise<{ events: number; lines: number }> {
  const [r] = await rt.curatedQuery.query('SELECT count(DISTINCT event_id) AS events, count(*) AS lines FROM sales_lines');
  return { events: Number(r.events), lines: Number(r.lines) };
}

describe('redrive --reason unknown_sku', () => {
  const lake = tempLake('redrive');
  let rt: LocalRuntime;

  beforeAll(async () => {
    rt = await createLocalRuntime(lake.root, { VALIDATE_WORKERS: '1' });
    await withReference(lake.store);
    const unknown = (id: string) => JSON.stringify(sale({ event_id: id, lines: [{ sku: NEW_SKU, quantity: 1, unit_price: 3 }] }));
    // two sales of a SKU the reference data does not know yet (one delivered twice), one of a SKU it never will,
    // one of an unknown store, two good ones
    const twice = unknown('late-2');
    await putRaw(lake.store, [JSON.stringify(sale()), unknown('late-1'), twice, twice,
      JSON.stringify(sale({ event_id: 'never', lines: [{ sku: 'NOPE', quantity: 1, unit_price: 1 }] })),
      JSON.stringify(sale({ store_id: 'S999' })), JSON.stringify(sale())]);
    expect((await runPipeline(rt)).status).toBe('succeeded');
  });

  afterAll(async () => {
    await rt.close();
    lake.cleanup();
  });

  it('sends nothing while the reference data has not caught up', async () => {
    const r = await redrive(rt, 'unknown_sku');
    expect(r).toMatchObject({ checked: 3, redriven: 0, stillFailing: 3, alreadyRedriven: 0, rawKeys: [] });
    expect(await lake.store.list(REDRIVES_PREFIX)).toEqual([]);
  });

  it('curates the records that pass once the SKU is added, once; a second redrive changes nothing; reconcile balances', async () => {
    await lake.store.put(PRODUCTS_KEY, `${PRODUCTS_CSV}${NEW_SKU},Tea,grocery,Leaf,1.00,3.00,Garden,3\n`);
    const before = await curatedCount(rt);
    const first = await redrive(rt, 'unknown_sku');
    // late-2 was delivered twice and quarantined twice: it is one record, sent once
    expect(first).toMatchObject({ checked: 3, redriven: 2, stillFailing: 1, alreadyRedriven: 0 });
    expect(first.rawKeys).toHaveLength(1);
    const run = await runPipeline(rt);
    expect(run.status).toBe('succeeded');
    expect(run.output).toMatchObject({ commit: { received: 2, curatedEvents: 2, quarantined: 0 } });
    expect(await curatedCount(rt)).toEqual({ events: before.events + 2, lines: before.lines + 2 });

    const second = await redrive(rt, 'unknown_sku');
    expect(second).toMatchObject({ checked: 1, redriven: 0, stillFailing: 1, alreadyRedriven: 2, rawKeys: [] });
    expect((await runPipeline(rt)).status).toBe('nothing-to-do');
    expect(await curatedCount(rt)).toEqual({ events: before.events + 2, lines: before.lines + 2 });
    expect((await redriveRecords(lake.store)).flatMap((r) => r.records)).toHaveLength(2);

    const reconciled = await reconcileLake(rt);
    expect(reconciled.gaps).toEqual([]);
    expect(reconciled.balanced).toBe(true);
  });

  it('finishes a redrive interrupted after its record was written, without sending anything twice', async () => {
    await lake.store.put(PRODUCTS_KEY, `${PRODUCTS_CSV}${NEW_SKU},Tea,grocery,Leaf,1.00,3.00,Garden,3\nNOPE,Nope,grocery,Leaf,1.00,3.00,Garden,3\n`);
    const [q] = await rt.curatedQuery.query(`SELECT raw, batch_id FROM quarantine WHERE raw LIKE '%NOPE%'`);
    // a redrive killed between its record and its raw object
    const rawKey = redriveRawKey(new Date('2026-01-01T00:00:00Z'), 'interrupted');
    await writeJson(lake.store, redriveRecordKey('interrupted'), {
      redriveId: 'interrupted', reason: 'unknown_sku', createdAt: '2026-01-01T00:00:00Z', rawKey, sent: false,
      records: [{ id: recordId({ raw: String(q.raw), batchId: String(q.batch_id) }), batchId: String(q.batch_id) }],
    });
    const before = await curatedCount(rt);
    expect(await redrive(rt, 'unknown_sku')).toMatchObject({ checked: 0, redriven: 0, alreadyRedriven: 3, rawKeys: [rawKey] });
    expect((await runPipeline(rt)).status).toBe('succeeded');
    expect(await curatedCount(rt)).toEqual({ events: before.events + 1, lines: before.lines + 1 });
    expect(await redrive(rt, 'unknown_sku')).toMatchObject({ checked: 0, redriven: 0, rawKeys: [] });
    expect((await reconcileLake(rt)).balanced).toBe(true);
  });
});
