import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { datasetByName, SNAPSHOT_PAGES } from '../../dashboards/datasets';
import type { DashboardPublisher, Row, Warehouse } from '../../functions/lib/ports';
import { renderDashboardHtml } from './render-html';

/** `<lake>/dashboards/index.html` */
export function dashboardPath(lakeRoot: string): string {
  return join(resolve(lakeRoot), 'dashboards', 'index.html');
}

/** Chart.js's self-contained browser build (the package exports only its module builds, so found by path). */
export function chartJsPath(): string {
  return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
}

export interface HtmlDashboardOptions {
  now?: () => Date;
}

/**
 * The local dashboards: runs the dashboard datasets (dashboards/datasets.ts) on the warehouse and writes one
 * self-contained HTML page (data, Chart.js and styles inlined; no network) that any browser opens from disk.
 */
export class HtmlDashboardPublisher implements DashboardPublisher {
  constructor(
    private readonly lakeRoot: string,
    private readonly warehouse: Warehouse,
    private readonly options: HtmlDashboardOptions = {},
  ) {}

  async refresh(): Promise<string[]> {
    const dashboard = SNAPSHOT_PAGES[0];
    const datasets = dashboard.datasets.map(datasetByName);
    const rows: Record<string, Row[]> = {};
    for (const d of datasets) rows[d.name] = await this.warehouse.query(d.sql);
    const html = renderDashboardHtml(
      {
        title: dashboard.title,
        generatedAt: (this.options.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z'),
        datasets: { daily_store_sales: rows.daily_store_sales ?? [], inventory_risk: rows.inventory_risk ?? [] },
      },
      await readFile(chartJsPath(), 'utf8'),
      datasets,
    );
    const path = dashboardPath(this.lakeRoot);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, html);
    await rename(tmp, path);
    return [path];
  }
}
