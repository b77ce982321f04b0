export type BodyFormat = 'json' | 'ndjson';

export const ACCEPTED_CONTENT_TYPES = ['application/json', 'application/x-ndjson'] as const;

export type ContentTypeCheck = { ok: true; format: BodyFormat } | { ok: false; message: string };

/**
 * `application/json` (an array of events) or `application/x-ndjson` (one event per line), with optional
 * parameters; a charset, if given, must be UTF-8 (JSON text is UTF-8, RFC 8259).
 */
export function checkContentType(header: string | undefined): ContentTypeCheck {
  const accepted = ACCEPTED_CONTENT_TYPES.join(' or ');
  if (!header) return { ok: false, message: `Content-Type is missing: send ${accepted}` };
  const [mediaType, ...params] = header.split(';').map((p) => p.trim());
  const type = mediaType.toLowerCase();
  const format: BodyFormat | undefined = type === 'application/json' ? 'json' : type === 'application/x-ndjson' ? 'ndjson' : undefined;
  if (!format) return { ok: false, message: `Content-Type ${mediaType || '(empty)'} is not accepted: send ${accepted}` };
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') {
      return { ok: false, message: `charset ${value} is not accepted: send ${accepted} in UTF-8` };
    }
  }
  return { ok: true, format };
}
