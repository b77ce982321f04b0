import type { IncomingMessage, ServerResponse } from 'node:http';

/** API Gateway's own payload cap: bigger requests never reach the Lambda */
export const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

export type ResponseHeaders = Record<string, string | number | boolean>;

/** Writes a whole JSON answer. */
export function sendJson(res: ServerResponse, statusCode: number, body: string, headers: ResponseHeaders = {}): void {
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Writes the `{ error, message }` answer the handler gives too. */
export const sendError = (res: ServerResponse, statusCode: number, error: string, message: string, headers: Record<string, string> = {}): void =>
  sendJson(res, statusCode, JSON.stringify({ error, message }), headers);

/** Reads the body, or answers 413 itself past the gateway's cap (null then). */
export function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = (): void => {
      sendError(res, 413, 'body_too_large', `the body is larger than the gateway's limit of ${GATEWAY_MAX_BYTES} bytes`, { connection: 'close' });
      req.resume();
      resolve(null);
    };
    if (declared > GATEWAY_MAX_BYTES) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > GATEWAY_MAX_BYTES) {
        done = true;
        return tooLarge();
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}
