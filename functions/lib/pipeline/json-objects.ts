import type { ObjectStore } from '../ports';
import { PipelineStateError } from '../errors';

function parseJson<T>(key: string, body: Buffer): T {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw new PipelineStateError(`${key}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

export async function readJson<T>(store: ObjectStore, key: string): Promise<T> {
  return parseJson<T>(key, await store.get(key));
}

export async function readJsonIfExists<T>(store: ObjectStore, key: string): Promise<T | null> {
  const body = await store.getIfExists(key);
  return body === null ? null : parseJson<T>(key, body);
}

/** The body writeJson puts (for a JSON record that goes into a commit instead). */
export const jsonBody = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

export async function writeJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, jsonBody(value));
}
