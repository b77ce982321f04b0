import { createLocalRuntime, type LocalRuntime } from '../../local/local-runtime';
import { runPipeline, type PipelineRunResult } from '../../local/pipeline/local-runner';
import { putRaw, sale, tempLake, withReference } from '../helpers/lake-fixture';

const NET_REVENUE = 'lines[0]: quantity * unit_price - discount must be between -9999999999999999.99 and 9999999999999999.99 (net revenue column)';

describe('a valid-looking event no column holds, in a batch of good ones, through the local pipeline', () => {
  let rt: LocalRuntime;
  let run: PipelineRunResult;

  beforeAll(async () => {
    const { root, store } = tempLake('bounds');
    rt = await createLocalRuntime(root);
    await withReference(store);
    const events = [
      sale({ event_id: 'good-1' }),
      sale({ event_id: 'too-much', lines: [{ sku: 'SKU-1', quantity: 10_000, unit_price: 1e12 }] }),
      sale({ event_id: 'largest', lines: [{ sku: 'SKU-1', quantity: 10_000, unit_price: 999_999_999_999.99 }] }),
      sale({ event_id: '😀'.repeat(64) }),
      sale({ event_id: 'good-2', store_id: 'S002' }),
    ];
    await putRaw(store, events.map((e) => JSON.stringify(e)));
    run = await runPipeline(rt);
  }, 120_000);

  afterAll(async () => {
    await rt.close();
  });

  it('quarantines it with its reason, and curates and loads the good events in the same run', async () => {
    expect({ status: run.status, state: run.failedState, error: run.error }).toEqual({ status: 'succeeded', state: undefined, error: undefined });
    const out = run.output as { commit: { received: number; curatedEvents: number; quarantined: number; byReason: Record<string, number> }; reconcile: { balanced: boolean } };
    expect(out.commit).toMatchObject({ received: 5, curatedEvents: 3, quarantined: 2, byReason: { schema_violation: 2 } });
    expect(out.reconcile.balanced).toBe(true);
    const quarantine = await rt.curatedQuery.query('SELECT detail FROM quarantine ORDER BY detail');
    expect(quarantine.map((q) => q.detail)).toEqual(['event_id: must be at most 64 bytes in UTF-8 (is 256)', NET_REVENUE]);
    const curated = await rt.curatedQuery.query('SELECT DISTINCT event_id FROM sales_lines ORDER BY event_id');
    expect(curated.map((r) => r.event_id)).toEqual(['good-1', 'good-2', 'largest']);
    const [largest] = await rt.warehouse.query(`SELECT CAST(net_revenue AS VARCHAR) AS net FROM fact_sales WHERE event_id = 'largest'`);
    // money is computed in DOUBLE (sql/transform/sales_lines.sql): at this size the cents are approximate
    expect(Math.abs(Number(largest.net) - 9_999_999_999_999_900)).toBeLessThan(1);
  });
});
