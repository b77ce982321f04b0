import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';

/** Single- and multi-value maps of name/value pairs, as API Gateway gives headers and query parameters. */
function valueMaps(pairs: Iterable<[string, string]>): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

function* rawHeaderPairs(req: IncomingMessage): Generator<[string, string]> {
  for (let i = 0; i < req.rawHeaders.length; i += 2) yield [req.rawHeaders[i], req.rawHeaders[i + 1]];
}

/** The caller as an unauthenticated REST API sees it: an address and a user agent. */
function callerIdentity(req: IncomingMessage): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    user: null,
    userAgent: req.headers['user-agent'] ?? null,
    userArn: null,
  };
}

/**
 * The API Gateway (REST, proxy integration, payload 1.0) event for a request, as the Lambda would receive it.
 * JSON and NDJSON are text media types, so the body is passed as a UTF-8 string, not base64; a body that is not
 * valid UTF-8 is passed base64-encoded, so its bytes reach the handler as sent.
 */
export function toApiGatewayEvent(req: IncomingMessage, url: URL, body: Buffer, stage = 'local'): APIGatewayProxyEvent {
  const headers = valueMaps(rawHeaderPairs(req));
  const query = valueMaps(url.searchParams);
  const hasQuery = Object.keys(query.single).length > 0;
  const method = req.method ?? 'GET';
  const utf8 = isUtf8(body);
  return {
    body: body.length > 0 ? body.toString(utf8 ? 'utf8' : 'base64') : null,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    httpMethod: method,
    isBase64Encoded: !utf8,
    path: url.pathname,
    pathParameters: null,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
    stageVariables: null,
    resource: url.pathname,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: callerIdentity(req),
      path: `/${stage}${url.pathname}`,
      stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: url.pathname,
    },
  };
}
