import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestHandler } from '../../functions/ingest/ingest-handler';
import { toApiGatewayEvent } from './api-gateway-event';
import { readBody, type ResponseHeaders, sendError, sendJson } from './http-io';

export const EVENTS_PATH = '/v1/events';

/**
 * What API Gateway does in front of the ingest Lambda: only POST /v1/events gets through, as the proxy event
 * the handler takes, and the handler's answer goes back as it is. Counts the requests it sees.
 */
export class EventsEndpoint {
  private count = 0;

  constructor(private readonly handler: IngestHandler) {}

  get requests(): number {
    return this.count;
  }

  /** the node:http request listener */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.count++;
    void this.answer(req, res).catch((err: unknown) => {
      console.error(`ingest server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the request failed inside the server; nothing was acknowledged');
      else res.destroy();
    });
  };

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENTS_PATH) {
      req.resume();
      return sendError(res, 404, 'not_found', `no such path: ${url.pathname}; events go to POST ${EVENTS_PATH}`);
    }
    if (req.method !== 'POST') {
      req.resume();
      return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${EVENTS_PATH}: use POST`, { allow: 'POST' });
    }
    const body = await readBody(req, res);
    if (body === null) return;
    const result = await this.handler(toApiGatewayEvent(req, url, body));
    const headers: ResponseHeaders = { ...(result.headers ?? {}) };
    sendJson(res, result.statusCode, result.body, headers);
  }
}
