import type { QueryEngine } from '../../lib/ports';
import type { CommitResult } from '../../lib/pipeline/state';
import { readSql } from '../../lib/sql-files';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How far back the quarantine zone still holds every object a batch wrote. The bucket's lifecycle deletes an
 * object `days` after it was written (S3 rounds that up to the next midnight UTC and deletes some time after).
 * Validate writes a batch's objects in the execution that commits it, so at most the state machine's timeout
 * (2 hours) before `committedAt`: a batch committed less than `days - 1` days ago still has all of them.
 */
export function quarantineWindowStart(retentionDays: number, now: Date): Date | null {
  if (retentionDays <= 0) return null; // kept forever (the local lake has no lifecycle)
  return new Date(now.getTime() - Math.max(0, retentionDays - 1) * DAY_MS);
}

/** Quarantined records by the batch that wrote them. */
export async function quarantinedByBatch(curated: QueryEngine): Promise<Map<string, number>> {
  const rows = await curated.query(readSql('athena/reconcile/quarantine_by_batch.sql'));
  return new Map(rows.map((r) => [String(r.batch_id), Number(r.records)]));
}

/**
 * The run records are the truth for what each batch quarantined; the quarantine zone must hold exactly that for
 * every batch committed since `windowStart` (null: for every batch). An older batch may have lost objects to the
 * lifecycle, never gained any; records of a batch that never committed are a gap too.
 */
export function quarantineGaps(runs: CommitResult[], held: Map<string, number>, windowStart: Date | null): string[] {
  const gaps: string[] = [];
  const committed = new Set(runs.map((r) => r.batchId));
  for (const run of runs) {
    const found = held.get(run.batchId) ?? 0;
    const inWindow = windowStart === null || new Date(run.committedAt) >= windowStart;
    if (inWindow ? found !== run.quarantined : found > run.quarantined) {
      gaps.push(`quarantine holds ${found} records of batch ${run.batchId}, its run record says ${run.quarantined}`);
    }
  }
  for (const [batchId, found] of held) {
    if (!committed.has(batchId)) gaps.push(`quarantine holds ${found} records of batch ${batchId}, which has no run record`);
  }
  return gaps;
}
