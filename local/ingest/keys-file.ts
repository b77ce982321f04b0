import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { emptyKeysFile, hashSecret, type IngestKey, type IngestKeysFile, parseKeysFile } from '../../functions/ingest/ingest-keys';
import { INGEST_KEYS_KEY } from '../../functions/lib/lake-layout';

/**
 * The local ingest keys file (functions/ingest/ingest-keys.ts has its format): read by `serve`, managed by
 * `retail-lake keys`. It holds SHA-256 hashes of the secrets, never a secret, and is readable by its owner only.
 */

export const defaultKeysFilePath = (lakeRoot: string): string => join(lakeRoot, INGEST_KEYS_KEY);

const KEYS_FILE_MODE = 0o600;

/** The file's content; an empty list when there is no file. */
export function readKeysFile(path: string): IngestKeysFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyKeysFile();
    throw err;
  }
  return parseKeysFile(text, path);
}

/** Replaces the file whole (temp file, mode 0600, then rename): `serve` never reads half of it. */
export function writeKeysFile(path: string, file: IngestKeysFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: KEYS_FILE_MODE, flag: 'wx' });
  chmodSync(tmp, KEYS_FILE_MODE); // the umask may have narrowed it further, never widened: make it exact
  renameSync(tmp, path);
}

/** A new key for `stores`: its hash is stored, the secret is returned (to be shown once). */
export function addKey(path: string, stores: readonly string[], now = new Date()): { key: IngestKey; secret: string } {
  const file = readKeysFile(path);
  const secret = `rlk_${randomBytes(24).toString('base64url')}`;
  const key: IngestKey = { id: `key-${randomBytes(4).toString('hex')}`, stores: [...new Set(stores)].sort(), created: now.toISOString(), sha256: hashSecret(secret) };
  writeKeysFile(path, { ...file, keys: [...file.keys, key] });
  return { key, secret };
}

/** Removes a key; false when there is no key with that id. */
export function revokeKey(path: string, id: string): boolean {
  const file = readKeysFile(path);
  const keys = file.keys.filter((k) => k.id !== id);
  if (keys.length === file.keys.length) return false;
  writeKeysFile(path, { ...file, keys });
  return true;
}
