import type { DashboardDefinition, DatasetDefinition, Visual } from '../../../dashboards/definition';
import { escapeHtml, inlineChartJs, scriptJson } from '../render-html';
import type { DashboardResponse } from './dashboard-data';
import { APP_STYLE } from './page-style';
import { PAGE_SCRIPT } from './page-script';

/** What the page script needs of each visual besides its data: labels, and the store column to name stores by. */
interface VisualMeta {
  id: string;
  kind: Visual['kind'];
  title: string;
  valueId: string;
  valueLabel: string;
  targetLabel: string | null;
  x: string | null;
  series: string | null;
  category: string | null;
  rows: string | null;
  columns: string | null;
  storeColumn: string | null;
}

function visualMeta(v: Visual, dataset: DatasetDefinition | undefined): VisualMeta {
  const value = v.kind === 'table' ? v.values[0] : v.value;
  return {
    id: v.id,
    kind: v.kind,
    title: v.title,
    valueId: value?.id ?? '',
    valueLabel: value?.label ?? '',
    targetLabel: v.kind === 'kpi' && v.target ? v.target.label : null,
    x: v.kind === 'line' ? v.x : null,
    series: v.kind === 'line' ? (v.series ?? null) : null,
    category: v.kind === 'bar' || v.kind === 'pie' ? v.category : null,
    rows: v.kind === 'heatmap' ? v.rows : null,
    columns: v.kind === 'heatmap' ? v.columns : null,
    storeColumn: dataset?.filterColumns.store ?? null,
  };
}

/** The head of every page: nothing loads from outside the page; the script may fetch from this server only. */
function head(title: string): string {
  return `<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${APP_STYLE}</style>
</head>`;
}

/** `GET /`: the dashboards, one link each. */
export function renderIndexPage(dashboards: DashboardDefinition[], manager?: string): string {
  const items = dashboards
    .map((d) => `<li><a href="/d/${encodeURIComponent(d.id)}">${escapeHtml(d.title)}</a><div class="subtitle">${escapeHtml(d.audience)}</div></li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
${head('Dashboards')}
<body data-ready="true">
<header><h1>Dashboards</h1><p>${manager ? `Stores managed by ${escapeHtml(manager)}` : 'All stores'}</p></header>
<ul class="dashboards">
${items}
</ul>
</body>
</html>
`;
}

/** A refused request as a page: the status and the message naming the parameter. */
export function renderErrorPage(status: number, message: string): string {
  return `<!doctype html>
<html lang="en">
${head(`Error ${status}`)}
<body data-ready="true">
<header><h1>Error ${status}</h1><p><a href="/">All dashboards</a></p></header>
<p id="status" class="error" role="alert">${escapeHtml(message)}</p>
</body>
</html>
`;
}

/** `GET /d/<id>`: the sections of the definition's visuals, the filters form, the first data inline (no second
 * request before the first paint), Chart.js inlined, and the script that draws and reloads. */
export function renderDashboardPage(dashboard: DashboardDefinition, datasets: DatasetDefinition[], data: DashboardResponse, chartJs: string, manager?: string): string {
  const dataset = (name: string): DatasetDefinition | undefined => datasets.find((d) => d.name === name);
  const sections = dashboard.visuals
    .map(
      (v) => `<section class="visual" data-visual="${escapeHtml(v.id)}" data-kind="${v.kind}">
<h2>${escapeHtml(v.title)}</h2>${v.subtitle ? `\n<p class="subtitle">${escapeHtml(v.subtitle)}</p>` : ''}
<div class="body"></div>
</section>`,
    )
    .join('\n');
  const meta = { id: dashboard.id, visuals: dashboard.visuals.map((v) => visualMeta(v, dataset(v.dataset))) };
  const who = manager ? ` &middot; stores managed by ${escapeHtml(manager)}` : '';
  return `<!doctype html>
<html lang="en">
${head(dashboard.title)}
<body data-ready="false">
<header>
<h1>${escapeHtml(dashboard.title)}</h1>
<p>For ${escapeHtml(dashboard.audience)}${who} &middot; <a href="/">All dashboards</a></p>
</header>
<form id="filters">
<label>From <input type="date" name="from"></label>
<label>To <input type="date" name="to"></label>
<label>Region <select name="region"></select></label>
<label>Stores (none chosen: all) <select name="store" multiple></select></label>
<label>Compare with <select name="compare"></select></label>
</form>
<p id="status" role="status"></p>
<main>
${sections}
</main>
<script id="dashboard-meta" type="application/json">${scriptJson(meta)}</script>
<script id="initial-data" type="application/json">${scriptJson(data)}</script>
<script>
${inlineChartJs(chartJs)}
</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
