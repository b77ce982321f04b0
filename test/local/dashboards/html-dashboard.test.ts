import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { DATASETS, datasetByName, SNAPSHOT_PAGES } from '../../../dashboards/datasets';
import { run as refreshDashboards } from '../../../functions/pipeline/refresh-dashboards/index';
import { run as stockRisk } from '../../../functions/pipeline/stock-risk/index';
import { chartJsPath, dashboardPath, HtmlDashboardPublisher } from '../../../local/dashboards/html-dashboard';
import { chartSeries, escapeHtml, renderDashboardHtml, TABLE_DATES, TABLE_RISK_ROWS } from '../../../local/dashboards/render-html';
import { tempLake } from '../../helpers/warehouse-fixture';
import { DuckDbWarehouse, loadCase, testRuntime } from '../../helpers/risk-fixture';

const plan = { batchId: 'b1', objectCount: 1, bytes: 1, useGlue: false, manifestKey: 'm', resumed: false };

/** The contents of every <script> element, in page order. */
function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }));
}

/** Runs the page's own chart code against a recording stand-in for Chart.js. */
function drawCharts(html: string): { id: string; config: { type: string; data: { labels: string[]; datasets: { label: string; data: unknown[] }[] } } }[] {
  const all = scripts(html);
  const data = all.find((s) => s.attrs.includes('id="dashboard-data"'))!.body;
  const drawn: { id: string; config: never }[] = [];
  const context = {
    document: { getElementById: (id: string) => (id === 'dashboard-data' ? { textContent: data } : { id }) },
    Chart: function Chart(el: { id: string }, config: never) {
      drawn.push({ id: el.id, config });
    },
  };
  runInNewContext(all[all.length - 1].body, context);
  return drawn;
}

describe('HTML dashboard', () => {
  let lake: ReturnType<typeof tempLake>;
  let w: DuckDbWarehouse;
  beforeEach(() => {
    lake = tempLake();
    w = DuckDbWarehouse.inMemory(lake.root);
  });
  afterEach(async () => {
    await w.close();
    lake.cleanup();
  });

  it('writes one self-contained page with the data, the inlined chart library and no external URL', async () => {
    await loadCase(lake.root, w);
    const runtime = testRuntime(lake.root, w, { publish: async () => undefined });
    runtime.dashboards = new HtmlDashboardPublisher(lake.root, w, { now: () => new Date('2024-01-12T07:00:00Z') });
    await stockRisk({ plan }, runtime);
    const out = await refreshDashboards({ plan }, runtime);
    expect(out).toEqual({ locations: [dashboardPath(lake.root)] });
    expect(out.locations[0]).toBe(`${lake.root}/dashboards/index.html`);
    const html = readFileSync(out.locations[0], 'utf8');

    // self-contained: no external reference of any kind
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\ssrc=|\shref=|<link|@import|sourceMappingURL/i);
    expect(html).not.toMatch(/[\s:,(]url\(/); // CSS url(...)
    // Chart.js is inlined (licence kept) and still evaluates to the Chart constructor
    const library = scripts(html).find((s) => s.body.includes('Chart.js v4'))!;
    expect(library.body).toContain('Released under the MIT License');
    expect(library.body.length).toBeGreaterThan(0.9 * readFileSync(chartJsPath(), 'utf8').length);
    const sandbox: Record<string, unknown> = {};
    runInNewContext(library.body, sandbox);
    expect(typeof sandbox.Chart).toBe('function');

    // the data: the embedded datasets equal what the warehouse returns
    const embedded = JSON.parse(scripts(html).find((s) => s.attrs.includes('id="dashboard-data"'))!.body) as {
      datasets: Record<string, unknown[]>;
    };
    expect(embedded.datasets.daily_store_sales).toEqual(await w.query(datasetByName('daily_store_sales').sql));
    expect(embedded.datasets.inventory_risk).toEqual(await w.query(datasetByName('inventory_risk').sql));
    expect(embedded.datasets.inventory_risk).toHaveLength(2); // S001/SKU-1 and S002/SKU-1 run out within their lead time; SKU-2's 18 outlast Bread's 1 day

    // tables: revenue per store and day, target, at-risk SKUs (S001 on 01-11: 15 - 2 + 3 at 1.00 = 16.00)
    expect(html).toContain('<td>2024-01-11</td><td>Downtown (S001)</td><td>North</td><td>USD</td><td class="num">16.00</td><td class="num">100.00</td><td class="num">16.0%</td>');
    expect(html).toContain(escapeHtml('Harbour, Quay "2" (S002)'));
    expect(html).toMatch(/<tr class="critical"><td>critical<\/td><td>Downtown \(S001\)<\/td><td>SKU-1<\/td><td>Milk 1L<\/td><td class="num">7<\/td>/);
    expect(html).toContain('At-risk SKUs as of 2024-01-11');
    expect(html).toContain('generated 2024-01-12T07:00:00Z');

    // the charts the page draws: revenue by store and day, revenue vs target
    const charts = drawCharts(html);
    expect(charts.map((c) => [c.id, c.config.type])).toEqual([
      ['revenue-by-store', 'line'],
      ['revenue-vs-target', 'bar'],
    ]);
    const [byStore, vsTarget] = charts;
    expect(byStore.config.data.labels).toEqual(['2024-01-09', '2024-01-10', '2024-01-11']);
    expect(byStore.config.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['Downtown (S001)', [4, 22, 16]],
      ['Harbour, Quay "2" (S002)', [null, null, 7]],
    ]);
    expect(vsTarget.config.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['Net revenue (USD)', [42, 7]],
      ['Target (USD)', [300, 250.5]], // the daily target once per trading day
    ]);
  });

  it('renders an empty warehouse without charts or errors', async () => {
    const [path] = await new HtmlDashboardPublisher(lake.root, w).refresh();
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('No sales in the warehouse yet.');
    expect(html).toContain('No SKU is at risk.');
    expect(drawCharts(html)).toEqual([]);
  });

  it('escapes text from the data so it cannot break the page', () => {
    const row = { business_date: '2024-01-01', store_id: 'X', store_name: '</script><b>', region: '', currency: 'USD', reporting_currency: 'USD', net_revenue: 1, target_revenue: 2, gross_margin: 0, baskets: 1, net_revenue_rpt: 1, target_revenue_rpt: 2, gross_margin_rpt: 0 };
    expect(chartSeries([row]).byStore[0].label).toBe('</script><b> (X)');
    const html = renderDashboardHtml({ title: 'T', generatedAt: 'now', datasets: { daily_store_sales: [row], inventory_risk: [] } }, 'var Chart;', DATASETS);
    expect(html.match(/<\/script>/g)).toHaveLength(3); // the page's own three script elements only
    expect(html).toContain('<td>&lt;/script&gt;&lt;b&gt; (X)</td>');
    expect(drawCharts(html).map((c) => c.config.data.datasets[0].label)).toEqual(['</script><b> (X)', 'Net revenue (USD)']);
  });

  it('lists only the latest business dates in the table but charts them all', () => {
    const rows = Array.from({ length: TABLE_DATES + 9 }, (_, i) => ({
      business_date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
      store_id: 'S1',
      store_name: 'One',
      region: 'R',
      net_revenue: i,
      net_revenue_rpt: i,
      target_revenue: 10,
      gross_margin: 0,
      baskets: 1,
    }));
    const html = renderDashboardHtml({ title: 'T', generatedAt: 'now', datasets: { daily_store_sales: rows, inventory_risk: [] } }, 'var Chart;', DATASETS);
    expect(html).toContain(`Daily store sales (last ${TABLE_DATES} business dates)`);
    expect(html).not.toContain('<td>2024-01-09</td>');
    expect(html).toContain('<td>2024-01-10</td>');
    expect(drawCharts(html)[0].config.data.labels).toHaveLength(TABLE_DATES + 9);
  });

  it('lists the most urgent at-risk SKUs in the table, and counts and embeds them all', () => {
    const risk = Array.from({ length: TABLE_RISK_ROWS + 5 }, (_, i) => ({
      as_of_date: '2024-01-11',
      store_id: 'S1',
      store_name: 'One',
      sku: `SKU-${String(i).padStart(4, '0')}`,
      product_name: 'P',
      on_hand_qty: 1,
      avg_daily_demand: 1,
      days_of_supply: i,
      severity: i < 3 ? 'critical' : 'high',
      lead_time_days: 7,
    }));
    const html = renderDashboardHtml({ title: 'T', generatedAt: 'now', datasets: { daily_store_sales: [], inventory_risk: risk } }, 'var Chart;', DATASETS);
    expect(html).toContain(`At-risk SKUs as of 2024-01-11 (the ${TABLE_RISK_ROWS} most urgent of ${TABLE_RISK_ROWS + 5}`);
    expect(html).toContain(`<td>SKU-${String(TABLE_RISK_ROWS - 1).padStart(4, '0')}</td>`);
    expect(html).not.toContain(`<td>SKU-${String(TABLE_RISK_ROWS).padStart(4, '0')}</td>`);
    expect(html.match(/<tr class="critical">/g)).toHaveLength(3);
    expect(html).toContain(`At-risk SKUs</div><div class="value">${TABLE_RISK_ROWS + 5} (3 critical)`);
    const embedded = JSON.parse(scripts(html).find((x) => x.attrs.includes('id="dashboard-data"'))!.body) as { datasets: Record<string, unknown[]> };
    expect(embedded.datasets.inventory_risk).toHaveLength(TABLE_RISK_ROWS + 5);
  });

  it('adds only amounts in the reporting currency across stores, names it, and keeps each store\'s own row in its currency', () => {
    const day = { business_date: '2024-01-01', region: 'R', reporting_currency: 'USD', gross_margin: 0, gross_margin_rpt: 0, baskets: 1 };
    const rows = [
      { ...day, store_id: 'S1', store_name: 'NYC', currency: 'USD', net_revenue: 100, net_revenue_rpt: 100, target_revenue: 200, target_revenue_rpt: 200 },
      { ...day, store_id: 'S2', store_name: 'London', currency: 'GBP', net_revenue: 10, net_revenue_rpt: 12.5, target_revenue: 100, target_revenue_rpt: 125 },
      { ...day, store_id: 'S3', store_name: 'Berlin', currency: 'EUR', net_revenue: 50, net_revenue_rpt: null, target_revenue: 80, target_revenue_rpt: null },
    ];
    const html = renderDashboardHtml({ title: 'T', generatedAt: 'now', datasets: { daily_store_sales: rows, inventory_risk: [] } }, 'var Chart;', DATASETS);
    const kpis = Object.fromEntries([...html.matchAll(/<div class="label">([^<]*)<\/div><div class="value">([^<]*)<\/div>/g)].map((m) => [m[1], m[2]]));
    expect(kpis['Net revenue (USD)']).toBe('112.50'); // 100 + 10 GBP x 1.25; Berlin has no rate: not added
    expect(kpis['Revenue vs target']).toBe('34.6%'); // 112.50 / 325
    expect(kpis['Avg basket (USD)']).toBe('56.25');
    expect(kpis['Not in totals']).toBe('1 store-days without an exchange rate');
    expect(html).toContain('<td>London (S2)</td><td>R</td><td>GBP</td><td class="num">10.00</td><td class="num">100.00</td>');
    const [byStore, vsTarget] = drawCharts(html);
    expect(byStore.config.data.datasets.map((d) => d.data)).toEqual([[100], [12.5], [null]]);
    expect(vsTarget.config.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['Net revenue (USD)', [100, 12.5, null]],
      ['Target (USD)', [200, 125, null]],
    ]);
  });

  it('defines the datasets the dashboard uses, each with its columns', () => {
    for (const dashboard of SNAPSHOT_PAGES) for (const name of dashboard.datasets) expect(datasetByName(name).name).toBe(name);
    for (const d of DATASETS) expect(d.columns.length).toBeGreaterThan(0);
    expect(() => datasetByName('nope')).toThrow(/no dashboard dataset/);
  });
});
