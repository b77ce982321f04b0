import { QUARANTINE_KEYS_PREFIX } from '../../../../functions/lib/lake-layout';
import { planBatch } from '../../../../functions/pipeline/plan-batch/plan-batch';
import { datesToRead, REDELIVERY_DAYS } from '../../../../functions/pipeline/validate-batch/quarantine-keys';
import { validateBatch } from '../../../../functions/pipeline/validate-batch/validate-batch';
import { createLocalRuntime } from '../../../../local/local-runtime';
import { runPipeline } from '../../../../local/pipeline/local-runner';
import { putRaw, sale, tempLake, withReference } from '../../../helpers/lake-fixture';

type Commit = { received: number; curatedEvents: number; quarantined: number; duplicates: number };
const at = (day: number, hour: number): Date => new Date(Date.UTC(2024, 2, day, hour));

/** Delivery is at least once: a rejected record that arrives again is recognised by its bytes. */
describe('a rejected record delivered again', () => {
  const rejected = JSON.stringify(sale({ event_id: 'unknown-store', store_id: 'S404' }));
  const torn = '{"event_id": "torn",';

  it('in two raw objects of one batch, and again in a later batch, is quarantined once and counted as a duplicate', async () => {
    const { root, store, cleanup } = tempLake('redelivery');
    const rt = await createLocalRuntime(root);
    try {
      await withReference(store);
      await putRaw(store, [JSON.stringify(sale({ event_id: 'a' })), rejected, torn], at(10, 1), 'first');
      // the same records again (a retry after a lost acknowledgement), beside a new one
      await putRaw(store, [rejected, torn, JSON.stringify(sale({ event_id: 'b' }))], at(10, 2), 'retry');
      const first = await runPipeline(rt);
      expect(first.status).toBe('succeeded');
      expect((first.output as { commit: Commit }).commit).toMatchObject({ received: 6, curatedEvents: 2, quarantined: 2, duplicates: 2 });

      // redelivered once more, in a batch of its own
      await putRaw(store, [rejected, JSON.stringify(sale({ event_id: 'c' }))], at(11, 3), 'late');
      const second = await runPipeline(rt);
      expect(second.status).toBe('succeeded');
      const out = second.output as { commit: Commit; reconcile: { balanced: boolean } };
      expect(out.commit).toMatchObject({ received: 2, curatedEvents: 1, quarantined: 0, duplicates: 1 });
      expect(out.reconcile.balanced).toBe(true);

      const rows = await rt.curatedQuery.query('SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY reason');
      expect(rows).toEqual([{ reason: 'malformed_json', n: 1 }, { reason: 'unknown_store', n: 1 }]);
    } finally {
      await rt.close();
      cleanup();
    }
  }, 120_000);

  it('is not a duplicate of itself when its own batch is validated again (a resumed batch)', async () => {
    const { store, cleanup } = tempLake('revalidate');
    try {
      await withReference(store);
      await putRaw(store, [rejected, torn, JSON.stringify(sale())], at(10, 1), 'one');
      const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
      const once = await validateBatch(store, store, plan.batchId, 1);
      const again = await validateBatch(store, store, plan.batchId, 1);
      expect(again).toEqual(once);
      expect(once).toMatchObject({ received: 3, valid: 1, quarantined: 2, duplicates: 0 });
      const keyFiles = await store.list(QUARANTINE_KEYS_PREFIX);
      // by the date the raw object arrived (its last-modified time, as the quarantine's received_date)
      expect(keyFiles.map((o) => o.key)).toEqual([expect.stringMatching(new RegExp(`^${QUARANTINE_KEYS_PREFIX}received_date=\\d{4}-\\d{2}-\\d{2}/batch=${plan.batchId}\\.txt$`))]);
      expect((await store.get(keyFiles[0].key)).toString('utf8').split('\n').filter(Boolean)).toHaveLength(2);
    } finally {
      cleanup();
    }
  });

  it('is looked for on the dates around the batch arrivals only', () => {
    const dates = datesToRead(['2024-03-10', '2024-03-09']);
    expect(dates[0]).toBe('2024-03-02');
    expect(dates[dates.length - 1]).toBe('2024-03-11');
    expect(dates).toHaveLength(REDELIVERY_DAYS + 3);
  });
});
