import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The object keys under an S3-style key prefix in the local lake, sorted: every file whose path relative to
 * the lake root starts with `prefix` (a prefix need not end at a folder: `business_date=2024-01-` matches
 * every January partition). Files still being written (`.tmp-` names, see FsObjectStore) are skipped.
 */
export function listLakeKeys(lakeRoot: string, prefix: string): string[] {
  const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
  const start = join(lakeRoot, folder);
  if (!existsSync(start)) return [];
  const keys: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const key = relative(lakeRoot, full).split(sep).join('/');
      if (entry.isDirectory()) {
        // descend only where keys below can still match the prefix
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) walk(full);
      } else if (entry.isFile() && !entry.name.includes('.tmp-') && key.startsWith(prefix)) {
        keys.push(key);
      }
    }
  };
  walk(start);
  return keys.sort();
}
