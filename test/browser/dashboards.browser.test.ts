/**
 * The local dashboards (`retail-lake dashboard`) in a real headless Chromium, on the fixture lake whose totals are
 * known (fixture-lake.ts). Each KPI is found by its measure in the definition (dashboards/), and its figure is
 * read per the page's DOM contract (data-value, data-currency) and compared with the totals computed by hand below.
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { DASHBOARDS, dashboardById } from '../../dashboards';
import type { Measure, MeasureField } from '../../dashboards/definition';
import { startDashboards } from '../../local/cli/dashboard-command';
import type { DashboardServer } from '../../local/dashboards/app/server';
import { openLocalWarehouse } from '../../local/local-runtime';
import { launchBrowser, openPage, screenshot, SCREENSHOT_DIR } from './browser';
import { buildFixtureLake, LONDON } from './fixture-lake';

/*
 * The fixture by hand. Unit costs in USD: A 4.00, B 10.00; 1 GBP = 1.25 USD.
 *   week 1 (03-02..03-08)
 *     T1 New York sale   2 A x 10.00 - 1.00 + 1 B x 25.00 = 44.00 USD  cost 2x4 + 10 = 18  margin 26.00
 *                        2 lines, 3 units, loyalty customer C1
 *     T2 London sale     3 A x 8.00 = 24.00 GBP = 30.00 USD  cost 12 USD  margin 30 - 12 = 18.00 USD
 *                        (in GBP: 24 - 12/1.25 = 14.40)  1 line, 3 units, no customer id
 *   week 2 (03-09..03-15)
 *     T3 New York sale   2 B x 25.00 - 5.00 = 45.00 USD  cost 20  margin 25.00  1 line, 2 units, C1
 *     T4 London sale     1 B x 20.00 + 1 A x 8.00 = 28.00 GBP = 35.00 USD  cost 14 USD  margin 35 - 14 = 21.00 USD
 *                        (in GBP: 28 - 14/1.25 = 16.80)  2 lines, 2 units, C2
 *     T5 New York return 1 A x 10.00 = -10.00 USD  cost -4  margin -6.00  -1 unit (a return is not a basket)
 *   stock on 03-15, the latest stock-risk date: New York 1 B, London 40 A; no sales history long enough to
 *     forecast, so nothing is at risk and both are overstock, at cost 1 x 10.00 + 40 x 4.00 = 170.00 USD
 *     (London's 160.00 USD = 128.00 GBP)
 *   on order: London 20 B, at cost 20 x 10.00 = 200.00 USD = 160.00 GBP
 * The stock and order figures are as of the latest date whatever the date range.
 */
interface Expected {
  /** per measure (see `signature`): its value */
  values: Record<string, number>;
  /** the currency every money figure names */
  currency: 'USD' | 'GBP';
}

/** Both stores, both weeks (the default view: the last 28 days with data), in USD. */
const BOTH_WEEKS: Expected = {
  currency: 'USD',
  values: {
    'sum(net_revenue_rpt)': 144, // 44 + 30 + 45 + 35 - 10
    'sum(gross_margin_rpt)/sum(net_revenue_rpt)': 84 / 144, // (26 + 18 + 25 + 21 - 6) / 144 = 58.3 %
    'sum(basket_revenue_rpt)/sum(baskets)': 38.5, // sales only: (44 + 30 + 45 + 35) / 4
    'sum(basket_units)/sum(baskets)': 2.5, // (3 + 3 + 2 + 2) / 4
    'sum(basket_lines)/sum(baskets)': 1.5, // (2 + 1 + 1 + 2) / 4
    'sum(loyalty_visits)/sum(baskets)': 0.75, // T1, T3, T4 of 4
    'sum(loyalty_revenue_rpt)/sum(loyalty_visits)': 124 / 3, // (44 + 45 + 35) / 3 = 41.33
    'count(sku)': 0, // at-risk SKUs
    'sum(stock_value_rpt)': 170,
    'sum(open_value_rpt)': 200,
  },
};

/** Both stores, week 2 only, in USD. */
const WEEK_2: Expected = {
  currency: 'USD',
  values: {
    'sum(net_revenue_rpt)': 70, // 45 + 35 - 10
    'sum(gross_margin_rpt)/sum(net_revenue_rpt)': 40 / 70, // (25 + 21 - 6) / 70 = 57.1 %
    'sum(basket_revenue_rpt)/sum(baskets)': 40, // (45 + 35) / 2
    'sum(basket_units)/sum(baskets)': 2, // (2 + 2) / 2
    'sum(basket_lines)/sum(baskets)': 1.5, // (1 + 2) / 2
    'sum(loyalty_visits)/sum(baskets)': 1, // T3, T4 of 2
    'sum(loyalty_revenue_rpt)/sum(loyalty_visits)': 40, // (45 + 35) / 2
    'count(sku)': 0,
    'sum(stock_value_rpt)': 170,
    'sum(open_value_rpt)': 200,
  },
};

/** Both stores, week 1: week 2's previous period (the 7 days before it), in USD. */
const WEEK_1: Expected = {
  currency: 'USD',
  values: {
    'sum(net_revenue_rpt)': 74, // 44 + 30
    'sum(gross_margin_rpt)/sum(net_revenue_rpt)': 44 / 74, // (26 + 18) / 74 = 59.5 %
    'sum(basket_revenue_rpt)/sum(baskets)': 37, // (44 + 30) / 2
    'sum(basket_units)/sum(baskets)': 3, // (3 + 3) / 2
    'sum(basket_lines)/sum(baskets)': 1.5, // (2 + 1) / 2
    'sum(loyalty_visits)/sum(baskets)': 0.5, // T1 of 2
    'sum(loyalty_revenue_rpt)/sum(loyalty_visits)': 44, // 44 / 1
  },
};

/** London alone, both weeks: one store's rows, so money in its own currency (the fields' `money.local`). */
const LONDON_BOTH_WEEKS: Expected = {
  currency: 'GBP',
  values: {
    'sum(net_revenue)': 52, // 24 + 28
    'sum(gross_margin_rpt)/sum(net_revenue_rpt)': 39 / 65, // (18 + 21) / (30 + 35) = 60 %
    'sum(basket_revenue)/sum(baskets)': 26, // 52 / 2
    'sum(basket_units)/sum(baskets)': 2.5, // (3 + 2) / 2
    'sum(basket_lines)/sum(baskets)': 1.5, // (1 + 2) / 2
    'sum(loyalty_visits)/sum(baskets)': 0.5, // T4 of 2
    'sum(loyalty_revenue)/sum(loyalty_visits)': 28, // 28 / 1
    'count(sku)': 0,
    'sum(stock_value)': 128, // 40 x 4.00 / 1.25
    'sum(open_value)': 160, // 20 x 10.00 / 1.25
  },
};

/** London alone, week 2, in GBP. */
const LONDON_WEEK_2: Expected = {
  currency: 'GBP',
  values: {
    'sum(net_revenue)': 28,
    'sum(gross_margin_rpt)/sum(net_revenue_rpt)': 21 / 35, // 60 %
    'sum(basket_revenue)/sum(baskets)': 28,
    'sum(basket_units)/sum(baskets)': 2,
    'sum(basket_lines)/sum(baskets)': 2,
    'sum(loyalty_visits)/sum(baskets)': 1,
    'sum(loyalty_revenue)/sum(loyalty_visits)': 28,
    'count(sku)': 0,
    'sum(stock_value)': 128,
    'sum(open_value)': 160,
  },
};

/** KPIs without a hand-computed value: critical SKUs sums a column over no rows (nothing is at risk), which
 * the renderers may show as 0 or as empty. */
const UNPINNED_KPIS = new Set(['critical-skus']);

const WEEK_2_RANGE = { from: '2026-03-09', to: '2026-03-15' };

/** A measure as text: sum(net_revenue_rpt), or sum(a)/sum(b) for a ratio. */
function signature(measure: Measure): string {
  return measure.kind === 'aggregate' ? `${measure.aggregation}(${measure.column})` : `${signature(measure.numerator)}/${signature(measure.denominator)}`;
}

/** The measure a KPI shows: the field's local one when the rows shown are one store's. */
function shownMeasure(field: MeasureField, oneStore: boolean): Measure {
  return (oneStore && field.money?.local?.measure) || field.measure;
}

interface Figure {
  text: string;
  value: number | null;
  currency: string | null;
}

/** A figure per the DOM contract: its text, data-value (JSON) and data-currency; null when the element is absent. */
async function readFigure(page: Page, selector: string): Promise<Figure | null> {
  const element = page.locator(selector);
  if ((await element.count()) === 0) return null;
  const value = await element.getAttribute('data-value');
  return { text: (await element.textContent())?.trim() ?? '', value: value === null ? null : (JSON.parse(value) as number | null), currency: await element.getAttribute('data-currency') };
}

/**
 * Checks every KPI of the dashboard (but the unpinned) against its hand-computed value in `expected` (a KPI whose
 * measure has none fails: add it above), and with `previous` its comparison and change; returns how many it checked.
 */
async function checkKpis(page: Page, dashboardId: string, expected: Expected, options: { oneStore: boolean; previous?: Expected }): Promise<number> {
  let checked = 0;
  for (const visual of dashboardById(dashboardId).visuals) {
    if (visual.kind !== 'kpi') continue;
    const at = `section[data-visual="${visual.id}"][data-kind="kpi"]`;
    const kpi = { value: await readFigure(page, `${at} [data-role="value"]`), comparison: await readFigure(page, `${at} [data-role="comparison"]`), change: await readFigure(page, `${at} [data-role="change"]`) };
    expect({ visual: visual.id, shown: kpi.value !== null }).toEqual({ visual: visual.id, shown: true });
    if (kpi.value === null) continue;
    const key = signature(shownMeasure(visual.value, options.oneStore));
    if (UNPINNED_KPIS.has(visual.id)) continue;
    const want = expected.values[key];
    expect({ visual: visual.id, key, known: want !== undefined }).toEqual({ visual: visual.id, key, known: true });
    if (want === undefined) continue;
    const currency = visual.value.format === 'money' ? expected.currency : null;
    expect({ visual: visual.id, key, currency: kpi.value.currency }).toEqual({ visual: visual.id, key, currency });
    expect({ visual: visual.id, key, value: kpi.value.value }).toEqual({ visual: visual.id, key, value: expect.closeTo(want, 6) });
    const before = visual.comparison ? options.previous?.values[key] : undefined;
    if (before !== undefined) {
      expect({ visual: visual.id, key, comparison: kpi.comparison?.value }).toEqual({ visual: visual.id, key, comparison: expect.closeTo(before, 6) });
      expect({ visual: visual.id, key, change: kpi.change?.value }).toEqual({ visual: visual.id, key, change: expect.closeTo(want / before - 1, 6) });
    }
    checked++;
  }
  return checked;
}

/**
 * Runs `change` (filling the filter form) and waits until the page has drawn the new data: the ready flag is set
 * to a value the page never uses first, so only the page's own "true" after the change ends the wait.
 */
async function changeFilters(page: Page, change: () => Promise<unknown>): Promise<void> {
  // a string: the page's DOM types are not in this project's TypeScript libs
  await page.evaluate("document.body.dataset.ready = 'before-change'");
  await change();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
}

const dashboardUrl = (server: DashboardServer | undefined, id: string): string => new URL(`d/${id}`, (server as DashboardServer).url).href;

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
}

async function storeOptions(page: Page): Promise<string[]> {
  const values = await Promise.all((await page.locator('select[name="store"] option').all()).map((o) => o.getAttribute('value')));
  return values.filter((v): v is string => v !== null && v !== '');
}

describe('the local dashboards in a browser, on a lake with known totals', () => {
  let lakeRoot = '';
  let cleanup: () => void = () => undefined;
  let browser: Browser | undefined;
  let everyone: DashboardServer | undefined;
  let londonManager: DashboardServer | undefined;

  beforeAll(async () => {
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    const [lake, launched] = await Promise.all([buildFixtureLake(), launchBrowser()]);
    lakeRoot = lake.root;
    cleanup = lake.cleanup;
    browser = launched;
    // `retail-lake dashboard --port 0`, and with `--manager`, in this process (the command's own start function)
    const at = { host: '127.0.0.1', port: 0 };
    [everyone, londonManager] = await Promise.all([startDashboards(lake.root, at), startDashboards(lake.root, { ...at, manager: LONDON.manager })]);
  }, 120_000); // a pipeline run and a browser start: allow for a busy 2-core machine

  afterAll(async () => {
    await Promise.all([everyone?.close(), londonManager?.close(), browser?.close()]);
    cleanup();
  });

  it('the fixture lake holds the hand-computed sales and stock (the warehouse, without the app)', async () => {
    const warehouse = await openLocalWarehouse(lakeRoot, { readOnly: true });
    try {
      const rows = await warehouse.query(`SELECT store_id, currency, SUM(net_revenue) AS net_revenue, SUM(net_revenue_rpt) AS net_revenue_rpt,
          SUM(gross_margin_local) AS gross_margin, SUM(gross_margin_rpt) AS gross_margin_rpt,
          COUNT(DISTINCT CASE WHEN event_type = 'sale' THEN basket_id END) AS baskets, SUM(qty_sold) AS net_units
        FROM v_sales_reporting GROUP BY store_id, currency ORDER BY store_id`);
      expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)])))).toEqual([
        { store_id: 'S001', currency: 'USD', net_revenue: 79, net_revenue_rpt: 79, gross_margin: 45, gross_margin_rpt: 45, baskets: 2, net_units: 4 },
        { store_id: 'S002', currency: 'GBP', net_revenue: 52, net_revenue_rpt: 65, gross_margin: 31.2, gross_margin_rpt: 39, baskets: 2, net_units: 5 },
      ]);
      const stock = await warehouse.query(`SELECT store_id, sku, on_hand_qty, risk_flag, stock_flag FROM fact_inventory_snapshot
        WHERE date_key = (SELECT MAX(date_key) FROM fact_inventory_snapshot) ORDER BY store_id, sku`);
      expect(stock.map((r) => ({ ...r, on_hand_qty: Number(r.on_hand_qty) }))).toEqual([
        { store_id: 'S001', sku: 'SKU-B', on_hand_qty: 1, risk_flag: 'ok', stock_flag: 'overstock' },
        { store_id: 'S002', sku: 'SKU-A', on_hand_qty: 40, risk_flag: 'ok', stock_flag: 'overstock' },
      ]);
    } finally {
      await warehouse.close();
    }
  });

  it.each(DASHBOARDS.map((d) => d.id))('%s: the default view shows the totals of both weeks in USD, the date range and one store change them, no console errors', async (id) => {
    const { page, errors, close } = await openPage(browser as Browser);
    try {
      await open(page, dashboardUrl(everyone, id));
      expect(await storeOptions(page)).toEqual(['S001', 'S002']);
      expect(await checkKpis(page, id, BOTH_WEEKS, { oneStore: false })).toBeGreaterThanOrEqual(3);
      await screenshot(page, id);

      // one change at a time: each reloads the data
      await changeFilters(page, () => page.fill('input[name="from"]', WEEK_2_RANGE.from));
      await changeFilters(page, () => page.fill('input[name="to"]', WEEK_2_RANGE.to));
      const comparing = dashboardById(id).comparisons.includes('previous_period');
      if (comparing) await changeFilters(page, () => page.selectOption('select[name="compare"]', 'previous_period'));
      await checkKpis(page, id, WEEK_2, { oneStore: false, ...(comparing ? { previous: WEEK_1 } : {}) });
      expect(new URL(page.url()).searchParams.get('from')).toBe(WEEK_2_RANGE.from);

      await changeFilters(page, () => page.selectOption('select[name="store"]', [LONDON.id]));
      await checkKpis(page, id, LONDON_WEEK_2, { oneStore: true });
      expect(new URL(page.url()).searchParams.get('store')).toBe(LONDON.id);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('store-performance with --manager: only the manager\'s store is offered, and the totals are that store\'s', async () => {
    const { page, errors, close } = await openPage(browser as Browser);
    try {
      await open(page, dashboardUrl(londonManager, 'store-performance'));
      expect(await storeOptions(page)).toEqual([LONDON.id]);
      expect(await checkKpis(page, 'store-performance', LONDON_BOTH_WEEKS, { oneStore: true })).toBeGreaterThanOrEqual(3);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('store-performance reads on a phone (390 px wide): a screenshot, no console errors', async () => {
    const { page, errors, close } = await openPage(browser as Browser, { width: 390, height: 844 });
    try {
      await open(page, dashboardUrl(everyone, 'store-performance'));
      // one column: no section wider than the viewport
      const boxes = await Promise.all((await page.locator('section[data-visual]').all()).map((s) => s.boundingBox()));
      expect(boxes.length).toBeGreaterThan(0);
      expect(Math.max(...boxes.map((b) => (b ? b.x + b.width : 0)))).toBeLessThanOrEqual(390);
      await screenshot(page, 'store-performance-390');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
