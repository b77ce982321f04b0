import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyKeysFile, hashSecret, type IngestKey, type IngestKeysFile, parseKeysFile } from '../../functions/ingest/ingest-keys';
import { INGEST_KEYS_KEY } from '../../functions/lib/lake-layout';
import { writeFileAtomic } from '../adapters/atomic-file';

/**
 * The local ingest keys file (functions/ingest/ingest-keys.ts has its format): read by `serve`, managed by
 * `retail-lake keys`. It holds SHA-256 hashes of the secrets, never a secret, and is readable by its owner only.
 */

export const defaultKeysFilePath = (lakeRoot: string): string => join(lakeRoot, INGEST_KEYS_KEY);

const KEYS_FILE_MODE = 0o600;

/** The file's content; an empty list when there is no file. */
export async function readKeysFile(path: string): Promise<IngestKeysFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyKeysFile();
    throw err;
  }
  return parseKeysFile(text, path);
}

/** Replaces the file whole (temp file, mode 0600, then rename): `serve` never reads half of it. */
export async function writeKeysFile(path: string, file: IngestKeysFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, `${path}.${randomBytes(6).toString('hex')}.tmp`, KEYS_FILE_MODE);
}

/** A new key for `stores`: its hash is stored, the secret is returned (to be shown once). */
export async function addKey(path: string, stores: readonly string[], now = new Date()): Promise<{ key: IngestKey; secret: string }> {
  const file = await readKeysFile(path);
  const secret = `rlk_${randomBytes(24).toString('base64url')}`;
  const key: IngestKey = { id: `key-${randomBytes(4).toString('hex')}`, stores: [...new Set(stores)].sort(), created: now.toISOString(), sha256: hashSecret(secret) };
  await writeKeysFile(path, { ...file, keys: [...file.keys, key] });
  return { key, secret };
}

/** Removes a key; false when there is no key with that id. */
export async function revokeKey(path: string, id: string): Promise<boolean> {
  const file = await readKeysFile(path);
  const keys = file.keys.filter((k) => k.id !== id);
  if (keys.length === file.keys.length) return false;
  await writeKeysFile(path, { ...file, keys });
  return true;
}
