import type { ObjectStore } from '../ports';

export async function readJson<T>(store: ObjectStore, key: string): Promise<T> {
  const body = await store.get(key);
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw new Error(`${key}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

export async function readJsonIfExists<T>(store: ObjectStore, key: string): Promise<T | null> {
  const body = await store.getIfExists(key);
  return body === null ? null : (JSON.parse(body.toString('utf8')) as T);
}

export async function writeJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value, null, 2) + '\n');
}
