import { appendFile, readFile } from 'node:fs/promises';
import { runPrefix, runRecordKeys } from '../../../../functions/lib/lake-layout';
import type { PipelineState } from '../../../../functions/lib/pipeline/state';
import type { Notification } from '../../../../functions/lib/ports';
import { MAX_LISTED_SKUS, snsSubject, storeAlertMessages } from '../../../../functions/lib/risk/alert-message';
import { worstLevel, type AlertNotice, type AlertTransitions } from '../../../../functions/lib/risk/alerts';
import { run as publishAlerts } from '../../../../functions/pipeline/publish-alerts/index';
import { publishAlerts as sendAlerts, PUBLISHES_IN_FLIGHT } from '../../../../functions/pipeline/publish-alerts/publish-alerts';
import { writeJson } from '../../../../functions/lib/pipeline/json-objects';
import { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { run as stockRisk } from '../../../../functions/pipeline/stock-risk/index';
import { runStockRisk } from '../../../../functions/pipeline/stock-risk/stock-risk';
import { OutboxNotifier, outboxPath, readOutbox } from '../../../../local/adapters/outbox-notifier';
import { MemoryNotifier } from '../../../helpers/memory-adapters';
import { tempLake } from '../../../helpers/warehouse-fixture';
import { DuckDbWarehouse, loadCase, testRuntime } from '../../../helpers/risk-fixture';
import { addDays, adjustmentSql, AS_OF, loadStockRiskCase, saleSql } from '../../../helpers/stock-risk-fixture';

const plan = { batchId: 'b1', objectCount: 1, bytes: 1, useGlue: false, manifestKey: 'm', resumed: false };

const notice = (p: Partial<AlertNotice> & Pick<AlertNotice, 'store_id' | 'sku' | 'level' | 'kind'>): AlertNotice => ({
  store_name: `Store ${p.store_id}`,
  product_name: `Product ${p.sku}`,
  on_hand_qty: 3,
  on_order_qty: 0,
  next_arrival_date: null,
  stockout_date: '2024-01-13',
  order_by_date: '2024-01-11',
  suggested_qty: 20,
  forecast_daily: 2,
  lead_time_days: 4,
  notified_level: 'ok',
  notified_at: null,
  notified_on_hand: null,
  notified_stockout_date: null,
  since: '2024-01-11',
  ...p,
});
const transitions = (notices: AlertNotice[]): AlertTransitions => ({ batchId: 'b', asOfDate: '2024-01-11', changes: [], notices });

describe('alert lifecycle: stock risk decides, publish alerts sends and marks', () => {
  let lake: ReturnType<typeof tempLake>;
  let w: DuckDbWarehouse;
  let notifier: MemoryNotifier;
  beforeEach(async () => {
    lake = tempLake();
    w = DuckDbWarehouse.inMemory(lake.root);
    notifier = new MemoryNotifier();
    await loadStockRiskCase(w);
  });
  afterEach(async () => {
    await w.close();
    lake.cleanup();
  });

  /** One post-commit pass: StockRisk as of `asOf` (default: the latest date), then PublishAlerts; what it sent. */
  async function cycle(batchId: string, asOf?: string): Promise<Notification[]> {
    const rt = testRuntime(lake.root, w, notifier);
    const before = notifier.published.length;
    const risk = await runStockRisk(w, rt.store, rt.settings, batchId, asOf);
    await publishAlerts({ plan: { ...plan, batchId }, risk }, rt);
    return notifier.published.slice(before);
  }
  const skusIn = (n: Notification): string[] => [...n.message.matchAll(/^(?:CRITICAL|HIGH|CLEARED) {2}(\S+)/gm)].map((m) => m[1]);

  it('the first run sends the escalation to critical at once and the new high SKUs in the store digest', async () => {
    const sent = await cycle('b1');
    expect(sent.map((n) => [n.subject, n.attributes, skusIn(n)])).toEqual([
      ['CRITICAL stock at Riverside (S1): 1 SKU running out', { store_id: 'S1', severity: 'critical' }, ['CRIT']],
      ['Stock digest 2024-03-10 for Riverside (S1): 2 changes', { store_id: 'S1', severity: 'high' }, ['FALLBACK', 'HIGH']],
    ]);
    const record = JSON.parse((await rt().store.get(runRecordKeys(runPrefix('b1')).alertTransitions)).toString('utf8')) as AlertTransitions;
    expect(record.changes).toEqual([
      { store_id: 'S1', sku: 'CRIT', from: 'ok', to: 'critical' },
      { store_id: 'S1', sku: 'FALLBACK', from: 'ok', to: 'high' },
      { store_id: 'S1', sku: 'HIGH', from: 'ok', to: 'high' },
    ]);
    expect(await w.query(`SELECT sku, level, notified_level, last_digest_date IS NOT NULL AS digested, pending_batch FROM alert_state ORDER BY sku`)).toEqual([
      { sku: 'CRIT', level: 'critical', notified_level: 'critical', digested: false, pending_batch: null },
      { sku: 'FALLBACK', level: 'high', notified_level: 'high', digested: true, pending_batch: null },
      { sku: 'HIGH', level: 'high', notified_level: 'high', digested: true, pending_batch: null },
    ]);
  });

  it('the same data twice, or one new sale that changes no level: the next run sends nothing', async () => {
    await cycle('b1');
    expect(await cycle('b2')).toEqual([]);
    await w.execute([saleSql('OVER', AS_OF, 1, '21:00:00')]);
    expect(await cycle('b3')).toEqual([]);
    const record = JSON.parse((await rt().store.get(runRecordKeys(runPrefix('b3')).alertTransitions)).toString('utf8')) as AlertTransitions;
    expect(record).toMatchObject({ changes: [], notices: [] });
  });

  it('an escalation to critical goes out at once; a new high waits for the next business day\'s digest; a restock is cleared', async () => {
    await cycle('b1');
    // later the same day: HIGH sells 12 more (13 left: out in 2 days, critical), OVER sells 170 (30 left: high)
    await w.execute([saleSql('HIGH', AS_OF, 12, '22:00:00'), saleSql('OVER', AS_OF, 170, '22:00:00')]);
    const sameDay = await cycle('b2');
    expect(sameDay.map((n) => [n.attributes.severity, skusIn(n)])).toEqual([['critical', ['HIGH']]]); // today's digest already went
    expect(sameDay[0].message).toMatch(/changed: escalated from high; last message \d{4}-\d{2}-\d{2} \d{2}:\d{2}: high; on hand 25 -> 13, runs out 2024-03-13 -> 2024-03-12/);
    // the next business day: OVER's entry goes in the digest, with CRIT cleared by a delivery
    const next = addDays(AS_OF, 1);
    await w.execute([adjustmentSql('CRIT', next, 200, 'receipt')]);
    const nextDay = await cycle('b3', next);
    expect(nextDay.map((n) => [n.subject, n.attributes.severity, skusIn(n)])).toEqual([['Stock digest 2024-03-11 for Riverside (S1): 2 changes', 'high', ['OVER', 'CRIT']]]);
    expect(nextDay[0].message).toContain('CLEARED  CRIT  Product crit\n  on hand 215, nothing on order: no longer runs out within its lead time.');
    // and it stays quiet until something changes again
    expect(await cycle('b4', next)).toEqual([]);
  });

  it('a retried PublishAlerts sends the same messages (at least once), never different ones; a retried StockRisk keeps its decisions', async () => {
    const r = rt();
    const state: PipelineState = { plan, risk: await runStockRisk(w, r.store, r.settings, 'b1') };
    await publishAlerts(state, r);
    const first = [...notifier.published];
    // died after sending, before the `published` record: the retry sends the same messages again
    await r.store.delete([runRecordKeys(runPrefix('b1')).published]);
    await w.execute([`UPDATE alert_state SET notified_level = 'ok', pending_batch = 'b1', pending_kind = CASE WHEN level = 'critical' THEN 'immediate' ELSE 'digest' END, last_digest_date = NULL`]);
    await publishAlerts(state, r);
    expect(notifier.published.slice(first.length)).toEqual(first);
    // died after the record, before the mark: the retry sends nothing and marks
    await w.execute([`UPDATE alert_state SET notified_level = 'ok', pending_batch = 'b1'`]);
    await publishAlerts(state, r);
    expect(notifier.published).toHaveLength(first.length * 2);
    expect(await w.query(`SELECT count(*) AS n FROM alert_state WHERE pending_batch IS NOT NULL OR notified_level <> level`)).toEqual([{ n: 0 }]);
    // StockRisk retried after its decisions were recorded (and even after they were sent): same record
    expect(await runStockRisk(w, r.store, r.settings, 'b1')).toEqual(state.risk);
    const record = JSON.parse((await r.store.get(runRecordKeys(runPrefix('b1')).alertTransitions)).toString('utf8')) as AlertTransitions;
    expect(record.notices.map((n) => n.sku)).toEqual(['CRIT', 'FALLBACK', 'HIGH']);
  });

  it('needs the StockRisk result, and sends nothing for an empty warehouse', async () => {
    await expect(publishAlerts({ plan }, rt())).rejects.toThrow(/risk.transitionsKey/);
    const empty = DuckDbWarehouse.inMemory(lake.root);
    try {
      const r = testRuntime(lake.root, empty, notifier);
      const risk = await stockRisk({ plan: { ...plan, batchId: 'b0' } }, r);
      expect(await publishAlerts({ plan: { ...plan, batchId: 'b0' }, risk }, r)).toEqual({ messages: 0, stores: 0, skus: 0, immediate: 0 });
      expect(notifier.published).toEqual([]);
    } finally {
      await empty.close();
    }
  });

  const rt = () => testRuntime(lake.root, w, notifier);
});

describe('alert messages', () => {
  it('say what to do: SKU, product, on hand, on order and its arrival, days left, order-by date, suggested quantity, what changed', () => {
    const [m] = storeAlertMessages(
      transitions([
        notice({
          store_id: 'S1',
          sku: 'SKU-9',
          product_name: 'Oat milk',
          level: 'critical',
          kind: 'immediate',
          on_hand_qty: 4,
          on_order_qty: 24,
          next_arrival_date: '2024-01-16',
          stockout_date: '2024-01-13',
          order_by_date: '2024-01-11',
          suggested_qty: 30,
          notified_level: 'high',
          notified_at: '2024-01-09T07:00:00.000Z',
          notified_on_hand: 12,
          notified_stockout_date: '2024-01-15',
        }),
      ]),
    );
    expect(m.notification.message).toContain(
      [
        'CRITICAL  SKU-9  Oat milk',
        '  on hand 4, on order 24, first delivery 2024-01-16; runs out 2024-01-13 (2 days left), lead time 4 days.',
        '  order today: suggested 30 units (on top of what is on order).',
        '  changed: escalated from high; last message 2024-01-09 07:00: high; on hand 12 -> 4, runs out 2024-01-15 -> 2024-01-13',
      ].join('\n'),
    );
    expect(m.notification.message).toContain('business date 2024-01-11');
  });

  it('per store: escalations to critical in a message of their own, the rest in one digest; a first warning says so', () => {
    const msgs = storeAlertMessages(
      transitions([
        notice({ store_id: 'S2', sku: 'B', level: 'high', kind: 'digest', stockout_date: '2024-01-14' }),
        notice({ store_id: 'S1', sku: 'Z', level: 'high', kind: 'digest' }),
        notice({ store_id: 'S2', sku: 'A', level: 'high', kind: 'digest', stockout_date: '2024-01-13' }),
        notice({ store_id: 'S1', sku: 'Y', level: 'critical', kind: 'immediate', order_by_date: '2024-01-12' }),
        notice({ store_id: 'S2', sku: 'C', level: 'ok', kind: 'digest', stockout_date: null, notified_level: 'high', notified_at: '2024-01-10T06:00:00Z' }),
      ]),
    );
    expect(msgs.map((m) => [m.storeId, m.kind, m.skus, m.notification.attributes.severity])).toEqual([
      ['S1', 'immediate', 1, 'critical'],
      ['S1', 'digest', 1, 'high'],
      ['S2', 'digest', 3, 'high'],
    ]);
    expect(msgs[0].notification.message).toContain('order by 2024-01-12: suggested 20 units');
    expect(msgs[1].notification.message).toContain('changed: new high (first message about this SKU)');
    const s2 = msgs[2].notification.message;
    expect(s2.indexOf('  A  ')).toBeLessThan(s2.indexOf('  B  '));
    expect(s2.indexOf('  B  ')).toBeLessThan(s2.indexOf('  C  '));
    expect(s2).toContain('2 new or escalated to high, 1 cleared.');
    expect(worstLevel(['high', 'high'])).toBe('high');
    expect(worstLevel(['ok', 'critical', 'high'])).toBe('critical');
    expect(storeAlertMessages(transitions([]))).toEqual([]);
  });

  it('keeps a store message under the SNS size limit by listing the most urgent SKUs', () => {
    const many = Array.from({ length: MAX_LISTED_SKUS + 40 }, (_, i) =>
      notice({ store_id: 'S1', sku: `SKU-${String(i).padStart(5, '0')}`, level: 'high', kind: 'digest', product_name: 'p'.repeat(256) }),
    );
    const [m] = storeAlertMessages(transitions(many));
    expect(m.skus).toBe(MAX_LISTED_SKUS + 40);
    expect(Buffer.byteLength(m.notification.message)).toBeLessThan(256 * 1024);
    expect(m.notification.message).toContain('... and 40 more SKUs.');
    expect(m.notification.message).toContain(`SKU-${String(MAX_LISTED_SKUS - 1).padStart(5, '0')}`);
    expect(m.notification.message).not.toContain(`SKU-${String(MAX_LISTED_SKUS).padStart(5, '0')}`);
  });

  it('keeps SNS subjects ASCII and under 100 characters', () => {
    expect(snsSubject('Low stock at Zürich Bahnhof (S9)')).toBe('Low stock at Zurich Bahnhof (S9)');
    expect(snsSubject('日本 store\nx')).toBe('?? store?x');
    const long = snsSubject(`Low stock at ${'x'.repeat(200)}`);
    expect(long.length).toBeLessThan(100);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('publish alerts on the lake fixture', () => {
  it('is not sent twice when post-commit is resumed; writes to the outbox with store_id and severity', async () => {
    const lake = tempLake();
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await loadCase(lake.root, w);
      const notifier = new OutboxNotifier(lake.root, { now: () => new Date('2024-01-12T06:00:00Z') });
      const r = testRuntime(lake.root, w, notifier);
      const first = await publishAlerts({ plan, risk: await stockRisk({ plan }, r) }, r);
      expect(first).toEqual({ messages: 2, stores: 2, skus: 2, immediate: 2 });
      // the execution died after PublishAlerts; the next one resumes the batch: stock risk again, then alerts
      const resumed = { ...plan, resumed: true, resumePostCommit: true };
      expect(await publishAlerts({ plan: resumed, risk: await stockRisk({ plan: resumed }, r) }, r)).toEqual(first);
      const sent = await readOutbox(lake.root, 'low-stock');
      expect(sent.map((m) => [m.attributes, m.published_at])).toEqual([
        [{ store_id: 'S001', severity: 'critical' }, '2024-01-12T06:00:00.000Z'],
        [{ store_id: 'S002', severity: 'critical' }, '2024-01-12T06:00:00.000Z'],
      ]);
      expect(sent[0].message).toMatch(/CRITICAL {2}SKU-1 {2}Milk 1L\n {2}on hand 7, nothing on order; runs out 2024-01-12 \(1 day left\)/);
      // another batch on the same data: nothing changed, nothing sent
      const next = { ...plan, batchId: 'b2' };
      expect((await publishAlerts({ plan: next, risk: await stockRisk({ plan: next }, r) }, r)).messages).toBe(0);
      expect(await readOutbox(lake.root, 'low-stock')).toHaveLength(2);
    } finally {
      await w.close();
      lake.cleanup();
    }
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

describe('publishAlerts fan-out', () => {
  let lake: ReturnType<typeof tempLake>;
  beforeEach(() => {
    lake = tempLake();
  });
  afterEach(() => lake.cleanup());

  /** `stores` stores with a critical and a high SKU each: two messages a store, in storeAlertMessages' order */
  async function record(stores: number): Promise<{ store: FsObjectStore; key: string; subjects: string[] }> {
    const store = new FsObjectStore(lake.root);
    const notices = Array.from({ length: stores }, (_, i) => [
      notice({ store_id: `S${String(i).padStart(3, '0')}`, sku: 'C', level: 'critical', kind: 'immediate' }),
      notice({ store_id: `S${String(i).padStart(3, '0')}`, sku: 'H', level: 'high', kind: 'digest' }),
    ]).flat();
    await writeJson(store, 'control/runs/b/alert-transitions.json', transitions(notices));
    return { store, key: 'control/runs/b/alert-transitions.json', subjects: storeAlertMessages(transitions(notices)).map((m) => m.notification.subject) };
  }

  it('has a bounded number of messages in flight, started in order', async () => {
    const { store, key, subjects } = await record(40);
    expect(subjects.length).toBeGreaterThan(PUBLISHES_IN_FLIGHT);
    let inFlight = 0;
    let peak = 0;
    const started: string[] = [];
    const slow = {
      publish: async (n: Notification): Promise<void> => {
        started.push(n.subject);
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
      },
    };
    const sent = await sendAlerts(store, slow, key);
    expect(sent).toMatchObject({ messages: 80, stores: 40, immediate: 40 });
    expect(started).toEqual(subjects);
    expect(peak).toBe(PUBLISHES_IN_FLIGHT);
  });

  it('fails when a message fails, and starts none after it', async () => {
    const { store, key, subjects } = await record(150);
    const started: string[] = [];
    const failing = {
      publish: async (n: Notification): Promise<void> => {
        started.push(n.subject);
        await new Promise((r) => setTimeout(r, 1));
        if (n.subject === subjects[20]) throw new Error('SNS throttled');
      },
    };
    await expect(sendAlerts(store, failing, key)).rejects.toThrow('SNS throttled');
    expect(started.length).toBeLessThan(subjects.length);
    expect(started).toEqual(subjects.slice(0, started.length));
  });
});
