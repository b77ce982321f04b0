import { REPROCESSES_PREFIX } from '../lake-layout';
import type { ObjectStore } from '../ports';
import { redriveRecords } from './redrive';

export interface RecoveryHistory {
  /** redrives that sent records, and the quarantined records they sent (each curated, or counted again, by a later batch) */
  redrives: number;
  redriven: number;
  reprocesses: number;
}

/** What the recovery tools have done to the lake, from their records under control/ (for `status`). */
export async function recoveryHistory(store: ObjectStore): Promise<RecoveryHistory> {
  const redrives = await redriveRecords(store);
  return {
    redrives: redrives.length,
    redriven: redrives.reduce((n, r) => n + r.records.length, 0),
    reprocesses: (await store.list(REPROCESSES_PREFIX)).length,
  };
}
