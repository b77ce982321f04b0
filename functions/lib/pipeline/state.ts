import type { RejectReason } from '../contract/types';
import type { CuratedTable } from '../lake-layout';

/** What flows between the pipeline's Tasks (kept small: Step Functions caps a state at 256 KB). */
export interface BatchPlan {
  batchId: string;
  objectCount: number;
  bytes: number;
  useGlue: boolean;
  manifestKey: string;
  /** true when an interrupted batch is being finished rather than a new one planned */
  resumed: boolean;
}

export interface BatchManifest {
  batchId: string;
  createdAt: string;
  objects: { key: string; size: number; lastModified: string }[];
}

export interface ValidationResult {
  batchId: string;
  received: number;
  valid: number;
  quarantined: number;
  byReason: Partial<Record<RejectReason, number>>;
  quarantineRate: number;
  /** quarantineRate above the stage's threshold: the state machine publishes dataQualityMessage */
  dataQualityAlert: boolean;
  dataQualityMessage: string;
  stagedKey: string;
}

export interface CurateResult {
  batchId: string;
  curatedEvents: number;
  duplicates: number;
  rows: Record<CuratedTable, number>;
  netRevenue: number;
  affectedDates: Record<CuratedTable, string[]>;
}

export interface CommitResult extends CurateResult {
  received: number;
  quarantined: number;
  byReason: Partial<Record<RejectReason, number>>;
  committedAt: string;
}

export interface PipelineState {
  plan: BatchPlan;
  validation?: ValidationResult;
  commit?: CommitResult;
}

export const runRecordKeys = (runPrefix: string) => ({
  manifest: `${runPrefix}manifest.json`,
  validation: `${runPrefix}validation.json`,
  curate: `${runPrefix}curate.json`,
  committed: `${runPrefix}committed.json`,
});
