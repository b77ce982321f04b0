import { startDashboards } from '../../../../local/cli/dashboard-command';
import { PAGE_SCRIPT } from '../../../../local/dashboards/app/page-script';
import type { DashboardServer } from '../../../../local/dashboards/app/server';
import { FIXTURE_DASHBOARD, FIXTURE_DATASETS, fixtureLake } from './app-fixture';

const definitions = { dashboards: [FIXTURE_DASHBOARD], datasets: FIXTURE_DATASETS };

describe('retail-lake dashboard: the HTTP routes (app-fixture.ts lake)', () => {
  let lake: Awaited<ReturnType<typeof fixtureLake>>;
  let server: DashboardServer;
  let managed: DashboardServer;
  const get = async (base: DashboardServer, path: string, init?: RequestInit) => {
    const res = await fetch(new URL(path, base.url), init);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  beforeAll(async () => {
    lake = await fixtureLake();
    server = await startDashboards(lake.root, { host: '127.0.0.1', port: 0 }, definitions);
    managed = await startDashboards(lake.root, { host: '127.0.0.1', port: 0, manager: 'b@example.com' }, definitions);
  });
  afterAll(async () => {
    await server.close();
    await managed.close();
    lake.cleanup();
  });

  it('binds 127.0.0.1 on the port the system chose', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.url).not.toBe('http://127.0.0.1:0/');
  });

  it('lists the dashboards and serves each page with its sections, the filters form and no external resource', async () => {
    const index = await get(server, '/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('<a href="/d/fixture">Fixture dashboard</a>');
    const page = await get(server, '/d/fixture?store=S2');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('<body data-ready="false">');
    for (const v of FIXTURE_DASHBOARD.visuals) expect(page.text).toContain(`<section class="visual" data-visual="${v.id}" data-kind="${v.kind}">`);
    expect(page.text).toMatch(/<form id="filters">[\s\S]*name="from"[\s\S]*name="to"[\s\S]*select name="region"[\s\S]*select name="store" multiple[\s\S]*select name="compare"/);
    expect(page.text).toContain('Chart.js v4');
    expect(() => new Function(PAGE_SCRIPT)).not.toThrow(); // the page's own script at least parses
    expect(page.text).not.toMatch(/https?:\/\/|sourceMappingURL|<link rel="stylesheet"|\ssrc=/i);
    // the first data is in the page: one store, its own currency
    const initial = JSON.parse(/<script id="initial-data" type="application\/json">(.*?)<\/script>/s.exec(page.text)![1]) as { visuals: { revenue: { value: unknown } } };
    expect(initial.visuals.revenue.value).toEqual({ value: 80, currency: 'GBP' });
  });

  it('answers the API with the filters, options and visuals', async () => {
    const res = await get(server, '/api/d/fixture?from=2024-01-08&to=2024-01-14&compare=previous_period');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    const body = JSON.parse(res.text) as { dashboard: string; filters: unknown; options: { stores: unknown[] }; visuals: Record<string, { kind: string; value?: { value: number } }> };
    expect(body.dashboard).toBe('fixture');
    expect(body.filters).toEqual({ from: '2024-01-08', to: '2024-01-14', region: null, store: [], compare: 'previous_period' });
    expect(body.options.stores).toHaveLength(3);
    expect(Object.keys(body.visuals)).toEqual(FIXTURE_DASHBOARD.visuals.map((v) => v.id));
    expect(body.visuals.revenue.value?.value).toBe(330);
  });

  it('refuses bad parameters with 400 and unknown dashboards or pages with 404, naming them', async () => {
    const cases: [string, number, string][] = [
      ['/api/d/fixture?from=2024-02-30', 400, 'from: not a date (YYYY-MM-DD): "2024-02-30"'],
      ['/api/d/fixture?store=S9', 400, 'store: unknown store "S9"'],
      ['/api/d/fixture?region=Mars', 400, 'region: unknown region "Mars" (known: North, UK)'],
      ['/api/d/nope', 404, 'dashboard: no dashboard "nope" (there are: fixture)'],
    ];
    for (const [path, status, error] of cases) {
      const res = await get(server, path);
      expect([path, res.status, JSON.parse(res.text)]).toEqual([path, status, { error }]);
    }
    const page = await get(server, '/d/fixture?to=tomorrow');
    expect(page.status).toBe(400);
    expect(page.text).toContain('to: not a date (YYYY-MM-DD): &quot;tomorrow&quot;');
    expect((await get(server, '/d/nope')).status).toBe(404);
    expect((await get(server, '/elsewhere')).status).toBe(404);
    expect((await get(server, '/api/d/fixture', { method: 'POST' })).status).toBe(405);
  });

  it("--manager: only that manager's stores, and another store is refused", async () => {
    const body = JSON.parse((await get(managed, '/api/d/fixture')).text) as { options: { stores: { id: string }[] }; visuals: { revenue: { value: unknown } } };
    expect(body.options.stores.map((s) => s.id)).toEqual(['S2', 'S3']);
    expect(body.visuals.revenue.value).toEqual({ value: 150, currency: 'USD' }); // 100 + 50, S1's 240 left out
    expect((await get(managed, '/api/d/fixture?store=S1')).status).toBe(400);
    expect((await get(managed, '/')).text).toContain('Stores managed by b@example.com');
    await expect(startDashboards(lake.root, { host: '127.0.0.1', port: 0, manager: 'nobody@example.com' }, definitions)).rejects.toThrow(
      '--manager: "nobody@example.com" manages no store',
    );
  });
});
