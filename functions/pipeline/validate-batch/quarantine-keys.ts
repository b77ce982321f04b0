/**
 * Dedup of rejected records on redelivery. Delivery is at least once (Kinesis, Firehose; locally a `serve`
 * killed mid-stream), so a rejected record can arrive again in a later raw object. Each quarantined record's key
 * (rejectKey: a hash of its bytes) is kept under control/quarantine_keys/ by the UTC date its raw object arrived
 * (functions/lib/lake-layout.ts); a record whose key is already there, or earlier in the same batch, is counted
 * as a duplicate instead of being quarantined again. A batch reads the keys of the dates around its own arrivals
 * only, leaving its own files out, so a re-run of the batch sees the same input.
 */
import { quarantineKeysFile, quarantineKeysKey, quarantineKeysPrefix } from '../../lib/lake-layout';
import type { CommitBody } from '../../lib/pipeline/curated-commit';
import type { ObjectStore } from '../../lib/ports';

/** How long after its first delivery a redelivered rejected record is still recognised: Kinesis keeps records
 * 24 hours by default and Firehose retries within that; a week covers an extended retention's usual setting. */
export const REDELIVERY_DAYS = 7;

const DAY_MS = 86_400_000;
const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The UTC date of an arrival time (an ISO timestamp). */
export const receivedDate = (receivedAt: string): string => utcDate(Date.parse(receivedAt));

/** The dates whose keys a batch of these arrival dates reads: REDELIVERY_DAYS before the first to a day after
 * the last (a batch may hold an object that arrived before one of an earlier batch). */
export function datesToRead(arrivalDates: string[]): string[] {
  if (arrivalDates.length === 0) return [];
  const sorted = [...arrivalDates].sort();
  const dates: string[] = [];
  const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`) + DAY_MS;
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`) - REDELIVERY_DAYS * DAY_MS; t <= last; t += DAY_MS) dates.push(utcDate(t));
  return dates;
}

/** The keys quarantined by other batches on the dates a batch with these arrival dates reads. */
export async function readQuarantineKeys(store: ObjectStore, batchId: string, arrivalDates: string[]): Promise<Set<string>> {
  const own = quarantineKeysFile(batchId);
  // listed and read in parallel: in the cloud, a file per batch and date is one GET each
  const listed = await Promise.all(datesToRead(arrivalDates).map((date) => store.list(quarantineKeysPrefix(date))));
  const files = listed.flat().filter((o) => !o.key.endsWith(`/${own}`));
  const texts = await Promise.all(files.map(async (o) => (await store.get(o.key)).toString('utf8')));
  const keys = new Set<string>();
  for (const text of texts) for (const key of text.split('\n')) if (key) keys.add(key);
  return keys;
}

/** The key files of what a batch (or a reprocess, under its id) quarantined: one per arrival date, a key a line. */
export function quarantineKeysFiles(batchId: string, keysByDate: Map<string, string[]>): CommitBody[] {
  return [...keysByDate].map(([date, keys]) => ({ key: quarantineKeysKey(date, batchId), body: keys.join('\n') + '\n' }));
}

/** Records the keys this batch quarantined, one file per arrival date, rewritten whole by a re-run (which
 * removes a file of an earlier attempt on a date it no longer quarantines anything). */
export async function writeQuarantineKeys(store: ObjectStore, batchId: string, arrivalDates: string[], keysByDate: Map<string, string[]>): Promise<void> {
  for (const f of quarantineKeysFiles(batchId, keysByDate)) await store.put(f.key, f.body);
  const unused = [...new Set(arrivalDates)].filter((d) => !keysByDate.has(d)).map((d) => quarantineKeysKey(d, batchId));
  if (unused.length) await store.delete(unused);
}
