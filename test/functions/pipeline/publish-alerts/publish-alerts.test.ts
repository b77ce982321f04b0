import { appendFile, readFile } from 'node:fs/promises';
import { MAX_LISTED_SKUS, snsSubject, storeAlertMessages } from '../../../../functions/lib/risk/alert-message';
import { worstSeverity, type AlertList, type StockAlert } from '../../../../functions/lib/risk/alerts';
import { suggestedReorderQty } from '../../../../functions/lib/risk/reorder';
import { run as publishAlerts } from '../../../../functions/pipeline/publish-alerts/index';
import { run as stockRisk } from '../../../../functions/pipeline/stock-risk/index';
import { OutboxNotifier, outboxPath, readOutbox } from '../../../../local/adapters/outbox-notifier';
import { tempLake } from '../../../helpers/warehouse-fixture';
import { DuckDbWarehouse, loadCase, testRuntime } from '../../../helpers/risk-fixture';

const plan = { batchId: 'b1', objectCount: 1, bytes: 1, useGlue: false, manifestKey: 'm', resumed: false };

const alert = (p: Partial<StockAlert> & Pick<StockAlert, 'store_id' | 'sku' | 'severity'>): StockAlert => ({
  store_name: `Store ${p.store_id}`,
  product_name: `Product ${p.sku}`,
  on_hand_qty: 1,
  reorder_point: null,
  avg_daily_demand: 1,
  days_of_supply: 1,
  lead_time_days: 2,
  ...p,
});
const list = (alerts: StockAlert[]): AlertList => ({ batchId: 'b', asOfDate: '2024-01-11', thresholds: { criticalDays: 3, highDays: 7, demandWindowDays: 28 }, alerts });

describe('publish alerts', () => {
  it('alerts are not sent twice when post-commit is resumed', async () => {
    const { root } = (lake = tempLake());
    const w = DuckDbWarehouse.inMemory(root);
    try {
      await loadCase(root, w);
      const notifier = new OutboxNotifier(root);
      const rt = testRuntime(root, w, notifier);
      const first = await publishAlerts({ plan, risk: await stockRisk({ plan }, rt) }, rt);
      expect(first.messages).toBe(2);
      // the execution died after PublishAlerts; the next one resumes the batch: stock risk again, then alerts
      const resumed = { ...plan, resumed: true, resumePostCommit: true };
      const again = await publishAlerts({ plan: resumed, risk: await stockRisk({ plan: resumed }, rt) }, rt);
      expect(again).toEqual(first);
      expect(await readOutbox(root, 'low-stock')).toHaveLength(2);
      // another batch's alerts are its own
      const next = { ...plan, batchId: 'b2' };
      expect((await publishAlerts({ plan: next, risk: await stockRisk({ plan: next }, rt) }, rt)).messages).toBe(2);
      expect(await readOutbox(root, 'low-stock')).toHaveLength(4);
    } finally {
      await w.close();
    }
  });

  let lake: ReturnType<typeof tempLake> | undefined;
  afterEach(() => {
    lake?.cleanup();
    lake = undefined;
  });

  it('publishes one low-stock message per store, with store_id and the worst severity as attributes', async () => {
    const { root } = (lake = tempLake());
    const w = DuckDbWarehouse.inMemory(root);
    try {
      await loadCase(root, w);
      const notifier = new OutboxNotifier(root, { now: () => new Date('2024-01-12T06:00:00Z') });
      const rt = testRuntime(root, w, notifier);
      const risk = await stockRisk({ plan }, rt);
      const out = await publishAlerts({ plan, risk }, rt);
      expect(out).toEqual({ messages: 2, stores: 2, skus: 3 });

      const sent = await readOutbox(root);
      expect(sent.map((m) => [m.topic, m.attributes])).toEqual([
        ['low-stock', { store_id: 'S001', severity: 'critical' }],
        ['low-stock', { store_id: 'S002', severity: 'critical' }],
      ]);
      const [s1] = sent;
      expect(s1.subject).toBe('Low stock at Downtown (S001): 2 SKUs, critical');
      expect(s1.published_at).toBe('2024-01-12T06:00:00.000Z');
      // SKU-1: demand 9/day x (lead time 2 + safety 7 days) = 81, minus 7 on hand
      expect(s1.message).toMatch(/CRITICAL\s+SKU-1\s+Milk 1L\s+7\s+0\.8\s+9\.00\s+74/);
      // SKU-2: 4/day x (1 + 7) = 32 - 18
      expect(s1.message).toMatch(/HIGH\s+SKU-2\s+Bread\s+18\s+4\.5\s+4\.00\s+14/);
      expect(s1.message).not.toContain('SKU-3');
      expect(s1.message).toContain('business date 2024-01-11');
      expect(sent[1].message).toContain('SKU-1');
      expect(sent[1].message).not.toContain('SKU-2');
    } finally {
      await w.close();
    }
  });

  it('sends nothing when no SKU is at risk, and needs the StockRisk result', async () => {
    const { root } = (lake = tempLake());
    const published: unknown[] = [];
    const w = DuckDbWarehouse.inMemory(root);
    const rt = testRuntime(root, w, { publish: async (n) => void published.push(n) });
    const risk = await stockRisk({ plan }, rt); // empty warehouse
    expect(await publishAlerts({ plan, risk }, rt)).toEqual({ messages: 0, stores: 0, skus: 0 });
    expect(published).toEqual([]);
    await expect(publishAlerts({ plan }, rt)).rejects.toThrow(/risk.alertsKey/);
    await w.close();
  });

  it('groups per store, orders SKUs by urgency, and gives a store with only high SKUs severity high', () => {
    const msgs = storeAlertMessages(
      list([
        alert({ store_id: 'S2', sku: 'B', severity: 'high', days_of_supply: 5 }),
        alert({ store_id: 'S1', sku: 'Z', severity: 'high', days_of_supply: 6 }),
        alert({ store_id: 'S2', sku: 'A', severity: 'high', days_of_supply: 4 }),
        alert({ store_id: 'S1', sku: 'Y', severity: 'critical', days_of_supply: 0.5 }),
      ]),
      7,
    );
    expect(msgs.map((m) => [m.storeId, m.skus, m.notification.attributes.severity])).toEqual([
      ['S1', 2, 'critical'],
      ['S2', 2, 'high'],
    ]);
    const s2 = msgs[1].notification.message;
    expect(s2.indexOf(' A ')).toBeLessThan(s2.indexOf(' B '));
    expect(worstSeverity(['high', 'high'])).toBe('high');
    expect(worstSeverity(['high', 'critical'])).toBe('critical');
  });

  it('keeps a store message under the SNS size limit by listing the most urgent SKUs', () => {
    const many = Array.from({ length: MAX_LISTED_SKUS + 40 }, (_, i) =>
      alert({ store_id: 'S1', sku: `SKU-${String(i).padStart(5, '0')}`, severity: 'high', days_of_supply: 1 + i / 1000, product_name: 'p'.repeat(256) }),
    );
    const [m] = storeAlertMessages(list(many), 7);
    expect(m.skus).toBe(MAX_LISTED_SKUS + 40);
    expect(Buffer.byteLength(m.notification.message)).toBeLessThan(256 * 1024);
    expect(m.notification.message).toContain('... and 40 more (less urgent) SKUs.');
    expect(m.notification.message).toContain(`SKU-${String(MAX_LISTED_SKUS - 1).padStart(5, '0')}`);
    expect(m.notification.message).not.toContain(`SKU-${String(MAX_LISTED_SKUS).padStart(5, '0')}`);
  });

  it('suggests a reorder quantity covering lead time plus safety stock, never negative', () => {
    expect(suggestedReorderQty({ avg_daily_demand: 9, lead_time_days: 2, on_hand_qty: 7 }, 7)).toBe(74);
    expect(suggestedReorderQty({ avg_daily_demand: 2.5, lead_time_days: 3, on_hand_qty: -4 }, 7)).toBe(25); // negative stock counts as 0
    expect(suggestedReorderQty({ avg_daily_demand: 1, lead_time_days: null, on_hand_qty: 2 }, 7)).toBe(5);
    expect(suggestedReorderQty({ avg_daily_demand: 1, lead_time_days: 1, on_hand_qty: 50 }, 7)).toBe(0);
  });

  it('keeps SNS subjects ASCII and under 100 characters', () => {
    expect(snsSubject('Low stock at Zürich Bahnhof (S9)')).toBe('Low stock at Zurich Bahnhof (S9)');
    expect(snsSubject('日本 store\nx')).toBe('?? store?x');
    const long = snsSubject(`Low stock at ${'x'.repeat(200)}`);
    expect(long.length).toBeLessThan(100);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('OutboxNotifier', () => {
  let lake: ReturnType<typeof tempLake>;
  beforeEach(() => {
    lake = tempLake();
  });
  afterEach(() => lake.cleanup());

  it('appends one JSON line per message, in order, even when published concurrently', async () => {
    const n = new OutboxNotifier(lake.root);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => n.publish({ topic: 'low-stock', subject: `s${i}`, message: `line 1\nline 2 "${i}"`, attributes: { store_id: `S${i}` } })),
    );
    const text = await readFile(outboxPath(lake.root), 'utf8');
    expect(outboxPath(lake.root)).toBe(`${lake.root}/control/alerts/outbox.ndjson`);
    expect(text.split('\n').filter(Boolean)).toHaveLength(25);
    const entries = await readOutbox(lake.root);
    expect(entries.map((e) => e.subject)).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`));
    expect(entries[3]).toMatchObject({ topic: 'low-stock', message: 'line 1\nline 2 "3"', attributes: { store_id: 'S3' } });
    expect(Date.parse(entries[0].published_at)).not.toBeNaN();
  });

  it('reads back by topic, skips a torn last line, and is empty before anything was published', async () => {
    expect(await readOutbox(lake.root)).toEqual([]);
    const echoed: string[] = [];
    const n = new OutboxNotifier(lake.root, { echo: (e) => echoed.push(e.subject) });
    await n.publish({ topic: 'ops', subject: 'a', message: 'm', attributes: {} });
    await n.publish({ topic: 'low-stock', subject: 'b', message: 'm', attributes: { store_id: 'S1', severity: 'high' } });
    await appendFile(outboxPath(lake.root), '{"topic":"low-st');
    expect((await readOutbox(lake.root)).map((e) => e.subject)).toEqual(['a', 'b']);
    expect((await readOutbox(lake.root, 'low-stock')).map((e) => e.subject)).toEqual(['b']);
    expect(echoed).toEqual(['a', 'b']);
  });
});
