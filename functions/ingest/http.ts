import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** A header's value, the name matched case-insensitively (API Gateway keeps the client's casing). */
export function getHeader(event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && values && values.length > 0) return values[0];
  }
  return undefined;
}

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** Every error answer has the same shape: a machine-readable code and one sentence for people. */
export function errorResponse(statusCode: number, error: string, message: string, extra: Record<string, unknown> = {}): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, message, ...extra });
}
