import type { Row } from '../../functions/lib/ports';
import type { DatasetDefinition } from '../../dashboards/datasets';

/** What the executive page shows, from the dashboard datasets' rows. */
export interface DashboardData {
  title: string;
  generatedAt: string;
  datasets: { daily_store_sales: Row[]; inventory_risk: Row[] };
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** JSON that is safe inside <script>: no "</script>", no "<!--". */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const num = (v: unknown): number => (v === null || v === undefined || v === '' ? 0 : Number(v));
const money = (n: number): string => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');
const dateText = (v: unknown): string => String(v ?? '').slice(0, 10);
/** A row's amount in the reporting currency; null when its store's currency has no rate for the date. */
const rpt = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

/** The reporting currency the rows' *_rpt amounts are in ('' without rows). */
export const reportingCurrency = (sales: Row[]): string => String(sales.find((r) => r.reporting_currency)?.reporting_currency ?? '');

/**
 * Chart.js's UMD build, ready to inline: its source map reference is dropped and the URLs in its licence
 * banners lose their scheme, so the page names no external resource at all. The licence text stays.
 */
export function inlineChartJs(source: string): string {
  return source
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/https?:\/\//g, '')
    .replace(/<\/script/gi, '<\\/script');
}

export interface ChartSeries {
  /** the currency of every figure in the charts: they compare stores, so all amounts are converted */
  currency: string;
  dates: string[];
  byStore: { storeId: string; label: string; revenue: (number | null)[] }[];
  vsTarget: { labels: string[]; revenue: (number | null)[]; target: (number | null)[] };
}

/** Series for the two charts, in the reporting currency: revenue per store per date; period revenue vs period
 * target per store (store-days without a rate are left out of both sums). */
export function chartSeries(sales: Row[]): ChartSeries {
  const dates = [...new Set(sales.map((r) => dateText(r.business_date)))].sort();
  const stores = new Map<string, { label: string; byDate: Map<string, number>; revenue: number; target: number; converted: boolean }>();
  for (const r of sales) {
    const id = String(r.store_id);
    let s = stores.get(id);
    if (!s) stores.set(id, (s = { label: `${String(r.store_name ?? id)} (${id})`, byDate: new Map(), revenue: 0, target: 0, converted: false }));
    const revenue = rpt(r.net_revenue_rpt);
    if (revenue === null) continue; // no rate yet: a gap in the line, not a zero
    s.byDate.set(dateText(r.business_date), revenue);
    s.converted = true;
    s.revenue += revenue;
    s.target += num(r.target_revenue_rpt); // the daily target, once per business date the store traded
  }
  const ids = [...stores.keys()].sort();
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    currency: reportingCurrency(sales),
    dates,
    byStore: ids.map((id) => {
      const s = stores.get(id)!;
      return { storeId: id, label: s.label, revenue: dates.map((d) => (s.byDate.has(d) ? round(s.byDate.get(d)!) : null)) };
    }),
    vsTarget: {
      labels: ids.map((id) => stores.get(id)!.label),
      // a store with no converted day has no bar (not a zero one)
      revenue: ids.map((id) => (stores.get(id)!.converted ? round(stores.get(id)!.revenue) : null)),
      target: ids.map((id) => (stores.get(id)!.converted ? round(stores.get(id)!.target) : null)),
    },
  };
}

function htmlTable(columns: { label: string; right?: boolean }[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = columns.map((c) => `<th${c.right ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((cell, i) => `<td${columns[i].right ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

// Runs in the page: draws the charts from the embedded data with the inlined Chart.js.
const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var series = data.series;
  if (!series.dates.length || typeof Chart === 'undefined') return;
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  new Chart(document.getElementById('revenue-by-store'), {
    type: 'line',
    data: {
      labels: series.dates,
      datasets: series.byStore.map(function (s, i) {
        return { label: s.label, data: s.revenue, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true, tension: 0.2 };
      })
    },
    options: { animation: false, responsive: true, interaction: { mode: 'index', intersect: false }, scales: { y: { beginAtZero: true, title: { display: true, text: 'Net revenue (' + series.currency + ')' } } } }
  });
  new Chart(document.getElementById('revenue-vs-target'), {
    type: 'bar',
    data: {
      labels: series.vsTarget.labels,
      datasets: [
        { label: 'Net revenue (' + series.currency + ')', data: series.vsTarget.revenue, backgroundColor: '#1f77b4' },
        { label: 'Target (' + series.currency + ')', data: series.vsTarget.target, backgroundColor: '#c7c7c7' }
      ]
    },
    options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } }
  });
})();
`;

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { background: #1d2433; color: #fff; padding: 16px 24px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; opacity: 0.8; font-size: 13px; }
main { padding: 16px 24px; max-width: 1200px; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 16px; }
.kpi { background: #fff; border-radius: 6px; padding: 12px 16px; min-width: 160px; box-shadow: 0 1px 2px rgba(0,0,0,0.08); }
.kpi .label { font-size: 12px; color: #5b6475; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi .value { font-size: 22px; font-weight: 600; margin-top: 4px; }
section { background: #fff; border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; box-shadow: 0 1px 2px rgba(0,0,0,0.08); }
section h2 { font-size: 16px; margin: 4px 0 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e4e7ec; text-align: left; }
th { background: #f0f2f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.critical td, .sev-critical { color: #b42318; font-weight: 600; }
.empty { color: #5b6475; font-style: italic; }
`;

/** Business dates listed in the daily sales table. */
export const TABLE_DATES = 31;
/** At-risk SKUs listed in their table, the most urgent first (the dataset's order): a chain of a thousand stores has
 * thousands, a page an executive reads shows the head of the list (the KPI card and the embedded data count all). */
export const TABLE_RISK_ROWS = 200;

const kpi = (label: string, value: string): string =>
  `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div></div>`;

/** A dataset's description from its definition, escaped ('' if it has none). */
const describe = (datasets: DatasetDefinition[], name: string): string => escapeHtml(datasets.find((d) => d.name === name)?.description ?? '');

/** The headline figures across stores, one card each, over every business date loaded: amounts in the reporting
 * currency, over the store-days converted (those whose currency has no rate yet are counted, not added). */
function kpiCards(sales: Row[], risk: Row[]): string {
  const converted = sales.filter((r) => rpt(r.net_revenue_rpt) !== null);
  const unconverted = sales.length - converted.length;
  const revenue = converted.reduce((n, r) => n + num(r.net_revenue_rpt), 0);
  const target = converted.reduce((n, r) => n + num(r.target_revenue_rpt), 0);
  const margin = converted.reduce((n, r) => n + num(r.gross_margin_rpt), 0);
  const baskets = converted.reduce((n, r) => n + num(r.baskets), 0);
  const critical = risk.filter((r) => r.severity === 'critical').length;
  const currency = reportingCurrency(sales);
  const inCurrency = (label: string): string => (currency ? `${label} (${currency})` : label);
  return [
    kpi(inCurrency('Net revenue'), money(revenue)),
    kpi('Revenue vs target', pct(revenue, target)),
    kpi('Gross margin', pct(margin, revenue)),
    kpi('Baskets', String(baskets)),
    kpi(inCurrency('Avg basket'), baskets > 0 ? money(revenue / baskets) : '-'),
    kpi('At-risk SKUs', `${risk.length} (${critical} critical)`),
    ...(unconverted > 0 ? [kpi('Not in totals', `${unconverted} store-days without an exchange rate`)] : []),
  ].join('\n');
}

/** The at-risk SKUs table, critical rows marked: the first TABLE_RISK_ROWS of them. */
function riskSection(risk: Row[], datasets: DatasetDefinition[]): string {
  const table = htmlTable(
    [
      { label: 'Severity' },
      { label: 'Store' },
      { label: 'SKU' },
      { label: 'Product' },
      { label: 'On hand (est.)', right: true },
      { label: 'Daily demand', right: true },
      { label: 'Days of supply', right: true },
      { label: 'Lead time (days)', right: true },
    ],
    risk.slice(0, TABLE_RISK_ROWS).map((r) => [
      String(r.severity),
      `${String(r.store_name)} (${String(r.store_id)})`,
      String(r.sku),
      String(r.product_name),
      String(num(r.on_hand_qty)),
      num(r.avg_daily_demand).toFixed(2),
      r.days_of_supply === null || r.days_of_supply === undefined ? '-' : num(r.days_of_supply).toFixed(1),
      r.lead_time_days === null || r.lead_time_days === undefined ? '-' : String(num(r.lead_time_days)),
    ]),
    'No SKU is at risk.',
  ).replace(/<tr><td>critical<\/td>/g, '<tr class="critical"><td>critical</td>');
  const asOf = risk.length ? ` as of ${dateText(risk[0].as_of_date)}` : '';
  const head = risk.length > TABLE_RISK_ROWS ? ` (the ${TABLE_RISK_ROWS} most urgent of ${risk.length}: critical first, then the fewest days of supply)` : '';
  return `<section><h2>At-risk SKUs${escapeHtml(asOf)}${escapeHtml(head)}</h2><p class="empty">${describe(datasets, 'inventory_risk')}</p>
${table}
</section>`;
}

/** The daily sales table, most recent `TABLE_DATES` business dates only (the charts and the embedded data keep all of
 * them): one store per row, so its amounts stay in the store's currency, named in its own column. */
function salesSection(sales: Row[], dates: string[], datasets: DatasetDefinition[]): string {
  const shownDates = new Set(dates.slice(-TABLE_DATES));
  const title = dates.length > TABLE_DATES ? `Daily store sales (last ${TABLE_DATES} business dates)` : 'Daily store sales';
  const table = htmlTable(
    [
      { label: 'Business date' },
      { label: 'Store' },
      { label: 'Region' },
      { label: 'Currency' },
      { label: 'Net revenue', right: true },
      { label: 'Target', right: true },
      { label: 'vs target', right: true },
      { label: 'Margin %', right: true },
      { label: 'Baskets', right: true },
      { label: 'Avg basket', right: true },
    ],
    sales
      .filter((r) => shownDates.has(dateText(r.business_date)))
      .map((r) => [
        dateText(r.business_date),
        `${String(r.store_name)} (${String(r.store_id)})`,
        String(r.region ?? ''),
        String(r.currency ?? ''),
        money(num(r.net_revenue)),
        money(num(r.target_revenue)),
        pct(num(r.net_revenue), num(r.target_revenue)),
        pct(num(r.gross_margin), num(r.net_revenue)),
        String(num(r.baskets)),
        num(r.baskets) > 0 ? money(num(r.net_revenue) / num(r.baskets)) : '-',
      ]),
    'No sales in the warehouse yet.',
  );
  return `<section><h2>${escapeHtml(title)}</h2><p class="empty">${describe(datasets, 'daily_store_sales')}</p>
${table}
</section>`;
}

/** The page's head: no resource may come from outside the page. */
function pageHead(title: string): string {
  return `<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>`;
}

/** The whole page: tables rendered here (readable without scripts), charts drawn in the page from the data. */
export function renderDashboardHtml(data: DashboardData, chartJs: string, datasets: DatasetDefinition[]): string {
  const { daily_store_sales: sales, inventory_risk: risk } = data.datasets;
  const series = chartSeries(sales);
  const range = series.dates.length ? `Business dates ${series.dates[0]} to ${series.dates[series.dates.length - 1]}` : 'No sales loaded yet';
  return `<!doctype html>
<html lang="en">
${pageHead(data.title)}
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p>${escapeHtml(range)} &middot; generated ${escapeHtml(data.generatedAt)}</p>
</header>
<main>
<div class="kpis">
${kpiCards(sales, risk)}
</div>
<div class="charts">
<section><h2>Revenue by store and day</h2><canvas id="revenue-by-store" aria-label="Net revenue by store and business date"></canvas></section>
<section><h2>Revenue vs target</h2><canvas id="revenue-vs-target" aria-label="Net revenue against target per store"></canvas></section>
</div>
${riskSection(risk, datasets)}
${salesSection(sales, series.dates, datasets)}
</main>
<script id="dashboard-data" type="application/json">${scriptJson({ series, datasets: data.datasets })}</script>
<script>
${inlineChartJs(chartJs)}
</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
