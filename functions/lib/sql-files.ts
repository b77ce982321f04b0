import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from './errors';

/**
 * The SQL files of sql/ are the single source of each transform. Locally they are read from the checkout;
 * a Lambda bundle ships the folder and sets SQL_ROOT to it.
 */
export function sqlRoot(): string {
  return process.env.SQL_ROOT ?? join(__dirname, '..', '..', 'sql');
}

const cache = new Map<string, string>();

/** Reads `sql/<relativePath>`, e.g. `readSql('transform/curate_sales_lines.sql')`. */
export function readSql(relativePath: string): string {
  let text = cache.get(relativePath);
  if (text === undefined) {
    text = readFileSync(join(sqlRoot(), relativePath), 'utf8');
    cache.set(relativePath, text);
  }
  return text;
}

/** Replaces `{{name}}` placeholders; an unknown placeholder is an error, not an empty string. */
export function renderSql(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => {
    if (!(name in params)) throw new ConfigurationError(`SQL template placeholder {{${name}}} has no value`);
    return String(params[name]);
  });
}
