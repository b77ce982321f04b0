import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DashboardDefinition, DatasetDefinition } from '../../../dashboards/definition';
import type { DashboardData } from './dashboard-data';
import { RequestError } from './filters';
import { renderDashboardPage, renderErrorPage, renderIndexPage } from './page';

export interface DashboardServerOptions {
  host: string;
  /** 0: any free port (the URL names the one chosen) */
  port: number;
  data: DashboardData;
  dashboards: DashboardDefinition[];
  datasets: DatasetDefinition[];
  /** Chart.js's UMD build, inlined into every dashboard page */
  chartJs: string;
  manager?: string;
  /** a failed request's cause (default: stderr) */
  onError?: (err: unknown) => void;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

const DASHBOARD_PAGE = /^\/d\/([^/]+)\/?$/;
const DASHBOARD_API = /^\/api\/d\/([^/]+)\/?$/;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}
const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `retail-lake dashboard`'s HTTP server: `GET /` lists the dashboards, `GET /d/<id>` is one (page), `GET /api/d/<id>`
 * its data as JSON, both with the filters in the query string. A bad parameter is a 400 naming it; an unknown
 * dashboard a 404.
 */
export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const onError = opts.onError ?? ((err: unknown) => process.stderr.write(`dashboard: ${(err as Error).stack ?? String(err)}\n`));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const api = DASHBOARD_API.exec(url.pathname);
    const page = DASHBOARD_PAGE.exec(url.pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', `${req.method ?? ''} not allowed: the dashboards are read-only\n`);
    }
    try {
      if (url.pathname === '/') return send(res, 200, HTML, renderIndexPage(opts.dashboards, opts.manager));
      if (api) return send(res, 200, JSON_TYPE, JSON.stringify(await opts.data.response(decodeURIComponent(api[1]), url.searchParams)));
      if (page) {
        const id = decodeURIComponent(page[1]);
        const data = await opts.data.response(id, url.searchParams);
        return send(res, 200, HTML, renderDashboardPage(opts.data.dashboard(id), opts.datasets, data, opts.chartJs, opts.manager));
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
        return;
      }
      throw new RequestError(404, `no page ${url.pathname} (the dashboards are at /)`);
    } catch (err) {
      const status = err instanceof RequestError ? err.status : 500;
      const message = err instanceof RequestError ? err.message : `the dashboard's data could not be read: ${(err as Error).message.split('\n')[0]}`;
      if (status === 500) onError(err);
      if (api) return send(res, status, JSON_TYPE, JSON.stringify({ error: message }));
      return send(res, status, HTML, renderErrorPage(status, message));
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      onError(err);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
