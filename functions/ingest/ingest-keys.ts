import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConfigurationError } from '../lib/errors';
import { INGEST_KEYS_KEY } from '../lib/lake-layout';
import { API_KEY_HEADER, apiKeyMatches } from './api-key';
import { getHeader } from './http';

/**
 * Ingest keys bound to stores (docs/architecture.md §2.1). The keys file, `control/ingest-keys.json` (locally under
 * the lake root, in the cloud in the curated bucket), lists each key with the stores its tills may post for. Locally
 * a key is found by the SHA-256 of the secret the till sends (the secret itself is never stored); in the cloud API
 * Gateway has checked the secret, and a key is found by its API Gateway key id (`requestContext.identity.apiKeyId`).
 * Several keys may cover the same stores, which is how a key is rotated: add the new one, move the tills, revoke the old.
 */
export interface IngestKey {
  /** locally `key-<hex>`; in the cloud the API Gateway API key id */
  id: string;
  stores: string[];
  /** ISO timestamp */
  created: string;
  /** hex SHA-256 of the secret (local keys); absent for API Gateway keys */
  sha256?: string;
}

export interface IngestKeysFile {
  version: 1;
  keys: IngestKey[];
}

/** What a request's key may do: post records for these stores ('any': a single local key for every store). */
export interface KeyGrant {
  keyId: string;
  stores: ReadonlySet<string> | 'any';
}

/** Why a request's key is not accepted: 401 (no valid key) or 403 (a valid key bound to no store). */
export interface KeyRefusal {
  statusCode: 401 | 403;
  error: string;
  message: string;
}

/** Finds the grant of a request's key. */
export type KeyResolver = (event: APIGatewayProxyEvent) => Promise<KeyGrant | KeyRefusal>;

export const isGrant = (r: KeyGrant | KeyRefusal): r is KeyGrant => 'keyId' in r;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export const emptyKeysFile = (): IngestKeysFile => ({ version: 1, keys: [] });

/** The keys file's content, checked; `where` names it in errors. */
export function parseKeysFile(text: string, where: string): IngestKeysFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const file = value as Partial<IngestKeysFile>;
  if (typeof value !== 'object' || value === null || file.version !== 1 || !Array.isArray(file.keys)) {
    throw new ConfigurationError(`${where}: expected {"version": 1, "keys": [...]}`);
  }
  for (const [i, k] of file.keys.entries()) {
    const ok =
      typeof k === 'object' && k !== null && typeof k.id === 'string' && k.id !== '' && typeof k.created === 'string' &&
      Array.isArray(k.stores) && k.stores.every((s) => typeof s === 'string') && (k.sha256 === undefined || /^[0-9a-f]{64}$/.test(k.sha256));
    if (!ok) throw new ConfigurationError(`${where}: keys[${i}] needs id, created, stores (strings) and, for a local key, sha256 (64 hex digits)`);
  }
  return file as IngestKeysFile;
}

const invalidKey: KeyRefusal = { statusCode: 401, error: 'invalid_api_key', message: `a valid API key is required in the ${API_KEY_HEADER} header` };

/** A keys file's grants by the SHA-256 of their secret and by key id, built once per file read (not per request). */
interface KeyIndex {
  bySha256: Map<string, KeyGrant>;
  byId: Map<string, KeyGrant>;
}
const indexes = new WeakMap<IngestKeysFile, KeyIndex>();

function indexOf(file: IngestKeysFile): KeyIndex {
  let index = indexes.get(file);
  if (!index) {
    index = { bySha256: new Map(), byId: new Map() };
    for (const key of file.keys) {
      const grant: KeyGrant = { keyId: key.id, stores: new Set(key.stores) };
      index.byId.set(key.id, grant);
      if (key.sha256 !== undefined) index.bySha256.set(key.sha256, grant);
    }
    indexes.set(file, index);
  }
  return index;
}

/** One key for every store: `serve` without a keys file (the demo), and tests. */
export function singleKeyResolver(secret: string, keyId = 'single-key'): KeyResolver {
  return async (event) => (apiKeyMatches(getHeader(event, API_KEY_HEADER), secret) ? { keyId, stores: 'any' } : invalidKey);
}

/**
 * The keys file, read again at most every `ttlMs` so that an added or revoked key takes effect that soon without
 * a restart. `load` returns the file's bytes, null when there is none (then no key is valid).
 */
export function cachedKeysFile(load: () => Promise<Buffer | null>, where: string, ttlMs: number, now: () => number = Date.now): () => Promise<IngestKeysFile> {
  // the read under way is shared: requests that arrive together when the cache expires make one read, not one each
  let cached: { file: Promise<IngestKeysFile>; at: number } | undefined;
  return () => {
    if (cached && now() - cached.at < ttlMs) return cached.file;
    const file = load().then((bytes) => (bytes === null ? emptyKeysFile() : parseKeysFile(bytes.toString('utf8'), where)));
    const entry = { file, at: now() };
    cached = entry;
    // a failed read is not kept: the next request reads again
    file.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return file;
  };
}

/** Local keys: the secret in `x-api-key`, found by its SHA-256 in the keys file. */
export function secretHashResolver(keysFile: () => Promise<IngestKeysFile>): KeyResolver {
  return async (event) => {
    const secret = getHeader(event, API_KEY_HEADER);
    if (secret === undefined) return invalidKey;
    return indexOf(await keysFile()).bySha256.get(hashSecret(secret)) ?? invalidKey;
  };
}

/** Cloud keys: API Gateway has checked the secret; the key id it passes is looked up in the keys file. */
export function apiKeyIdResolver(keysFile: () => Promise<IngestKeysFile>): KeyResolver {
  return async (event) => {
    const keyId = event.requestContext?.identity?.apiKeyId;
    if (!keyId) return invalidKey;
    return (
      indexOf(await keysFile()).byId.get(keyId) ??
      { statusCode: 403, error: 'key_not_bound', message: `API key ${keyId} is not bound to any store: add it to ${INGEST_KEYS_KEY} (docs/deploy.md)` }
    );
  };
}
