import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTS_KEY, STORES_KEY } from '../../functions/lib/lake-layout';
import { readOutbox } from '../../local/adapters/outbox-notifier';
import { metricLogPath } from '../../local/adapters/metric-log';
import { ingestFiles } from '../../local/cli/ingest-command';
import { createLocalRuntime, type LocalRuntime } from '../../local/local-runtime';
import { loadLocalDefinition } from '../../local/pipeline/asl-resources';
import { successPathTasks } from '../../local/pipeline/asl-states';
import { runPipeline, type PipelineRunResult } from '../../local/pipeline/local-runner';
import { generateReference, productsCsv, storesCsv, writeNdjsonFiles, type SimulatorStats } from '../../local/simulator';

const SIM = { seed: 7, stores: 4, skus: 30, days: 3, faultRate: 0.03, duplicateRate: 0.02 };

interface Totals {
  lines: number;
  revenue: number;
  events: number;
  quarantined: number;
  whLines: number;
  whRevenue: number;
}

async function totals(rt: LocalRuntime): Promise<Totals> {
  const [c] = await rt.curatedQuery.query(`SELECT (SELECT count(*) FROM sales_lines) AS lines, (SELECT sum(net_revenue) FROM sales_lines) AS revenue,
    (SELECT count(DISTINCT event_id) FROM sales_lines) + (SELECT count(*) FROM inventory_events) AS events, (SELECT count(*) FROM quarantine) AS quarantined`);
  const [w] = await rt.warehouse.query('SELECT count(*) AS n, sum(net_revenue) AS revenue FROM fact_sales');
  return { lines: Number(c.lines), revenue: Number(c.revenue), events: Number(c.events), quarantined: Number(c.quarantined), whLines: Number(w.n), whRevenue: Number(w.revenue) };
}

describe('the pipeline end to end through the local Step Functions runner', () => {
  let root: string;
  let files: string[];
  let sim: SimulatorStats;
  let rt: LocalRuntime;
  let first: PipelineRunResult;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'retail-lake-e2e-'));
    const reference = generateReference(SIM);
    const out = writeNdjsonFiles(SIM, join(root, '..', `${root.split('/').pop()}-files`), { eventsPerFile: 4000, reference });
    files = out.files;
    sim = out.stats;
    rt = await createLocalRuntime(root);
    await rt.store.put(STORES_KEY, storesCsv(reference));
    await rt.store.put(PRODUCTS_KEY, productsCsv(reference));
    await ingestFiles(rt.store, files);
    first = await runPipeline(rt);
  });

  afterAll(async () => {
    await rt.close();
  });

  it('succeeds through every step of the success path', () => {
    expect(first.status).toBe('succeeded');
    const states = first.steps.map((s) => s.state);
    // SummarizeBaskets, a Parallel branch of its own, ends before or after the load's polls
    expect(states.filter((s) => s !== 'SummarizeBaskets')).toEqual([
      'PlanBatch', 'Validate', 'CurateWithLambda', 'CommitCheckpoint', 'PrepareLoads',
      expect.stringMatching(/RefreshAthena|LoadWarehouse/), expect.stringMatching(/RefreshAthena|LoadWarehouse/), 'DescribeLoad',
      'RefreshDerivedTables', 'DescribeDerivedTables', 'FitForecasts', 'StockRisk', 'PublishAlerts', 'Reconcile', 'RefreshDashboards', 'ReleaseRunLease',
    ]);
    expect(states.filter((s) => s === 'SummarizeBaskets')).toHaveLength(1);
    expect(states.indexOf('SummarizeBaskets')).toBeGreaterThan(states.indexOf('PrepareLoads'));
    expect(states.indexOf('SummarizeBaskets')).toBeLessThan(states.indexOf('FitForecasts'));
    // the progress bar's length, derived from the definition
    expect(first.steps.map((s) => s.state).sort()).toEqual(successPathTasks(loadLocalDefinition()).sort());
  });

  it('puts every record in exactly one place: counts equal what the simulator injected', () => {
    const out = first.output as { commit: { received: number; curatedEvents: number; quarantined: number; duplicates: number; byReason: Record<string, number> }; reconcile: { balanced: boolean } };
    expect(out.commit.received).toBe(sim.events);
    expect(out.commit.received).toBe(out.commit.curatedEvents + out.commit.quarantined + out.commit.duplicates);
    expect(out.commit.duplicates).toBe(sim.byKind.duplicate);
    expect(out.commit.byReason).toEqual(Object.fromEntries(['malformed_json', 'schema_violation', 'unknown_store', 'unknown_sku'].filter((k) => sim.byKind[k as keyof typeof sim.byKind] > 0).map((k) => [k, sim.byKind[k as keyof typeof sim.byKind]])));
    expect(out.commit.curatedEvents).toBe(sim.byKind.valid);
    expect(out.reconcile.balanced).toBe(true);
  });

  it('lake totals equal warehouse totals, and equal the simulator\'s revenue', async () => {
    const t = await totals(rt);
    expect(t.lines).toBe(sim.saleLines + sim.returnLines);
    expect(t.whLines).toBe(t.lines);
    expect(Math.round(t.whRevenue * 100)).toBe(Math.round(t.revenue * 100));
    expect(t.revenue).toBeCloseTo(sim.netRevenue, 2);
  });

  it('publishes per store at most one message of escalations to critical and one digest, carrying store_id and severity', async () => {
    const alerts = await readOutbox(root, 'low-stock');
    expect(alerts.length).toBeGreaterThan(0);
    const critical = alerts.filter((a) => a.subject.startsWith('CRITICAL'));
    const digests = alerts.filter((a) => a.subject.startsWith('Stock digest'));
    expect(critical.length + digests.length).toBe(alerts.length);
    for (const kind of [critical, digests]) {
      const stores = kind.map((a) => a.attributes.store_id);
      expect(new Set(stores).size).toBe(stores.length);
    }
    for (const a of critical) expect(a.attributes.severity).toBe('critical');
    // the first run's digests announce new high SKUs (nothing was warned before, so nothing is cleared)
    for (const a of digests) expect(a.attributes.severity).toBe('high');
    const dashboard = (first.output as { dashboards: { locations: string[] } }).dashboards.locations[0];
    expect(existsSync(dashboard)).toBe(true);
    expect(readFileSync(dashboard, 'utf8')).not.toMatch(/<script[^>]+src=/);
  });

  it('publishes the pipeline metrics to the metric log, and no data-quality alert under the 5% threshold', async () => {
    const metrics = readFileSync(metricLogPath(root), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; value: number });
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    expect(byName.QuarantineRate).toBeCloseTo((first.output as { validation: { quarantineRate: number } }).validation.quarantineRate, 10);
    expect(byName.QuarantineRate).toBeLessThan(0.05);
    expect(byName.ReconciliationGap).toBe(0);
    expect(byName.StockoutCount).toBe((first.output as { risk: { critical: number } }).risk.critical);
    expect(await readOutbox(root, 'data-quality')).toEqual([]);
  });

  it('a replay of the same files and a re-run leave every total unchanged', async () => {
    const before = await totals(rt);
    const alertsBefore = (await readOutbox(root, 'low-stock')).length;
    await ingestFiles(rt.store, files);
    const replay = await runPipeline(rt);
    expect(replay.status).toBe('succeeded');
    const out = replay.output as { commit: { curatedEvents: number; duplicates: number; quarantined: number; received: number } };
    expect(out.commit.curatedEvents).toBe(0);
    expect(out.commit.received).toBe(sim.events);
    expect(out.commit.duplicates + out.commit.quarantined).toBe(sim.events);
    expect(await totals(rt)).toEqual({ ...before, quarantined: before.quarantined + out.commit.quarantined });

    const again = await runPipeline(rt);
    expect(again.status).toBe('nothing-to-do');
    expect(await totals(rt)).toEqual({ ...before, quarantined: before.quarantined + out.commit.quarantined });
    // nothing changed: no level moved, so nothing is sent again
    expect((await readOutbox(root, 'low-stock')).length).toBe(alertsBefore);
  });
});
