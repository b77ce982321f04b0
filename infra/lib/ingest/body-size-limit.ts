import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ResponseType } from 'aws-cdk-lib/aws-apigateway';

/**
 * Bodies too large for the ingest Lambda get a 413, not a 5xx. API Gateway (REST) takes bodies up to 10 MB and
 * answers 413 above that itself, but a synchronous Lambda refuses any invocation over 6 MB before its handler
 * runs, and API Gateway then answers 500. No request validator or mapping sees a body's size in a proxy
 * integration, and WAF inspects at most the first 64 KB of a body; WAF does see the Content-Length header, so
 * its rule blocks, with a 413, every request that declares more than the handler's limit. The handler itself
 * answers 413 for any body over its limit that reaches it (a body sent in chunks declares no length).
 */

/** The key of the 413's body among the web ACL's custom response bodies. */
export const BODY_TOO_LARGE_KEY = 'body-too-large';

/** The answer's body: the shape of every error the ingest API gives (functions/ingest/http.ts). */
export function bodyTooLargeMessage(limitBytes: number): string {
  return JSON.stringify({ error: 'body_too_large', message: `the body is larger than the limit of ${limitBytes} bytes` });
}

const digitAbove = (d: number): string => (d === 8 ? '9' : `[${d + 1}-9]`);
const anyDigits = (n: number): string => (n === 0 ? '' : n === 1 ? '[0-9]' : `[0-9]{${n}}`);

/** A regular expression (WAF's regex syntax, a subset of PCRE) matching exactly the decimal integers above `limit`. */
export function greaterThanPattern(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`greaterThanPattern: ${limit} is not a positive integer`);
  const digits = String(limit);
  const n = digits.length;
  const longer = `[1-9][0-9]{${n},}`;
  const sameLength = [...digits].flatMap((c, i) => (c === '9' ? [] : [`${digits.slice(0, i)}${digitAbove(Number(c))}${anyDigits(n - i - 1)}`]));
  return `^0*(${[longer, ...sameLength].join('|')})$`;
}

/** The web ACL rule: a declared Content-Length above `limitBytes` is blocked with a 413. */
export function bodySizeRule(priority: number, limitBytes: number, visibility: wafv2.CfnWebACL.VisibilityConfigProperty): wafv2.CfnWebACL.RuleProperty {
  return {
    name: 'body-too-large',
    priority,
    action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: BODY_TOO_LARGE_KEY } } },
    statement: {
      regexMatchStatement: {
        fieldToMatch: { singleHeader: { Name: 'content-length' } },
        regexString: greaterThanPattern(limitBytes),
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    },
    visibilityConfig: visibility,
  };
}

/** The web ACL's custom response bodies the rule refers to. */
export function bodySizeResponseBodies(limitBytes: number): Record<string, wafv2.CfnWebACL.CustomResponseBodyProperty> {
  return { [BODY_TOO_LARGE_KEY]: { contentType: 'APPLICATION_JSON', content: bodyTooLargeMessage(limitBytes) } };
}

/** API Gateway's own 413 (bodies over its 10 MB) in the same shape as the others. */
export function addRequestTooLargeResponse(api: apigw.RestApi): apigw.GatewayResponse {
  return api.addGatewayResponse('RequestTooLarge', {
    type: ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    templates: { 'application/json': JSON.stringify({ error: 'body_too_large', message: 'the body is larger than API Gateway accepts (10 MB)' }) },
  });
}
