import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DASHBOARDS, DATASETS } from '../../dashboards/index';
import type { DashboardDefinition, DatasetDefinition } from '../../dashboards/definition';
import { STORES_KEY } from '../../functions/lib/lake-layout';
import { parseStoresCsv } from '../../functions/lib/reference/reference-data';
import { storesOfManager } from '../../functions/lib/reference/store-managers';
import { DashboardData } from '../dashboards/app/dashboard-data';
import { DatasetSnapshot } from '../dashboards/app/dataset-snapshot';
import { startDashboardServer, type DashboardServer } from '../dashboards/app/server';
import { chartJsPath } from '../dashboards/html-dashboard';
import { localSettings, warehousePath } from '../local-runtime';
import { UsageError } from './errors';

export interface DashboardOptions {
  port: number;
  host: string;
  /** only this manager's stores (the lake's stores.csv manager_email) */
  manager?: string;
}

export interface DashboardDefinitions {
  dashboards: DashboardDefinition[];
  datasets: DatasetDefinition[];
}

/** The stores a manager runs, from the lake's reference stores.csv. */
async function managerStores(lakeRoot: string, email: string): Promise<string[]> {
  const file = join(resolve(lakeRoot), STORES_KEY);
  if (!existsSync(file)) throw new UsageError(`--manager: no stores.csv in ${lakeRoot} (load it with \`retail-lake reference\`)`);
  try {
    return storesOfManager(parseStoresCsv(await readFile(file, 'utf8'), file).values(), email);
  } catch (err) {
    throw new UsageError(`--manager: ${(err as Error).message}`);
  }
}

/** The dashboards' server over a lake's warehouse (read-only: the file is attached only while the data sets are copied). */
export async function startDashboards(lakeRoot: string, opts: DashboardOptions, definitions: DashboardDefinitions = { dashboards: DASHBOARDS, datasets: DATASETS }): Promise<DashboardServer> {
  if (!existsSync(lakeRoot)) throw new UsageError(`lake ${lakeRoot} does not exist: run \`retail-lake demo\` or \`retail-lake run\` first`);
  if (!existsSync(warehousePath(lakeRoot))) throw new UsageError(`no warehouse in ${lakeRoot} yet: run the pipeline first`);
  const stores = opts.manager === undefined ? undefined : await managerStores(lakeRoot, opts.manager);
  const root = resolve(lakeRoot);
  const snapshot = new DatasetSnapshot({ lakeRoot: root, warehouseFile: warehousePath(root), duckdb: localSettings(root) });
  const data = new DashboardData({ ...definitions, warehouseFile: warehousePath(root), snapshot, managerStores: stores });
  await data.warm();
  const server = await startDashboardServer({ host: opts.host, port: opts.port, data, ...definitions, chartJs: await readFile(chartJsPath(), 'utf8'), manager: opts.manager });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      snapshot.close();
    },
  };
}

/** `retail-lake dashboard`: the dashboards on 127.0.0.1 until SIGINT/SIGTERM. */
export async function dashboardCommand(lakeRoot: string, opts: DashboardOptions): Promise<void> {
  process.stderr.write(`reading the dashboards' data sets from ${warehousePath(lakeRoot)}...\n`);
  const server = await startDashboards(lakeRoot, opts);
  process.stdout.write(`Dashboards at ${server.url}${opts.manager ? ` (stores managed by ${opts.manager})` : ''}\nCtrl-C stops\n`);
  await new Promise<void>((done) => {
    const stop = (): void => void server.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
