import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export { tempLake } from '../../helpers/lake-fixture';

/** Every raw object under raw/pos/ (relative key and its NDJSON lines). */
/** every raw stream object's content, gunzipped and concatenated (for bytes that are not text) */
export function readRawBytes(lakeRoot: string): Buffer {
  const dir = join(lakeRoot, 'raw', 'pos');
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.gz')).sort();
  return Buffer.concat(files.map((f) => gunzipSync(readFileSync(join(dir, f)))));
}

export function readRaw(lakeRoot: string): { key: string; lines: string[] }[] {
  const dir = join(lakeRoot, 'raw', 'pos');
  let files: string[];
  try {
    files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.gz')).sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    const text = gunzipSync(readFileSync(join(dir, f))).toString('utf8');
    expect(text === '' || text.endsWith('\n')).toBe(true);
    return { key: `raw/pos/${f}`, lines: text.split('\n').filter((l) => l !== '') };
  });
}

export function rawEventIds(lakeRoot: string): string[] {
  return readRaw(lakeRoot).flatMap((o) => o.lines.map((l) => (JSON.parse(l) as { event_id: string }).event_id));
}

/** A minimal API Gateway proxy event for the handler. */
export function apiEvent(body: string | null, headers: Record<string, string>, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    body,
    headers,
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/v1/events',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/v1/events',
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...extra,
  };
}
