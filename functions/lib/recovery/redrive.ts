/**
 * `redrive --reason unknown_sku|unknown_store`: once the reference data has caught up, the quarantined records of
 * that reason that now pass Validate are sent through the pipeline again, as a new raw object the next batch
 * takes like any other. The batch that quarantined them keeps counting them quarantined (the quarantine zone
 * keeps them too); the redrive's batch counts them received and curated, so reconcile balances on both.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { businessDateWindow, type BusinessDateWindow } from '../contract/business-date-window';
import type { RejectReason } from '../contract/types';
import { ConfigurationError } from '../errors';
import { redriveRawKey, redriveRecordKey, REDRIVES_PREFIX } from '../lake-layout';
import { readJson, writeJson } from '../pipeline/json-objects';
import { loadReferenceData } from '../pipeline/load-reference';
import type { ObjectStore, Runtime } from '../ports';
import type { ReferenceData } from '../reference/reference-data';
import { newBatchId } from '../../pipeline/plan-batch/plan-batch';
import { readSql, renderSql } from '../sql-files';
import { validateChunk } from '../../pipeline/validate-batch/validate-records';
import type { Progress } from './reload-warehouse';

/** The reasons the reference data can cure: a record refused for its shape never passes on its own. */
export const REDRIVE_REASONS = ['unknown_sku', 'unknown_store'] as const satisfies readonly RejectReason[];
export type RedriveReason = (typeof REDRIVE_REASONS)[number];
export const isRedriveReason = (value: string): value is RedriveReason => (REDRIVE_REASONS as readonly string[]).includes(value);

/** control/redrives/<redriveId>.json: written before its raw object (the intent), then marked sent. */
export interface RedriveRecord {
  redriveId: string;
  reason: RedriveReason;
  createdAt: string;
  /** the raw object that carries the records */
  rawKey: string;
  /** false until the raw object is written: a redrive that finds one so finishes it first */
  sent: boolean;
  /** each record sent: its id (see recordId) and the batch that quarantined it */
  records: { id: string; batchId: string }[];
}

export interface RedriveResult {
  /** quarantined records of the reason not redriven before */
  checked: number;
  /** of those, the ones that pass now and were sent */
  redriven: number;
  /** of those, the ones that still fail (they stay in quarantine) */
  stillFailing: number;
  /** records of the reason an earlier redrive sent (never sent again) */
  alreadyRedriven: number;
  /** the raw objects written (a new one, and any an interrupted redrive had not written yet) */
  rawKeys: string[];
}

interface Quarantined {
  raw: string;
  batchId: string;
}

/** A quarantined record's identity: its batch and its text. Copies of one delivery quarantined twice by the same
 * batch are one record; a record quarantined again by a later batch is another. */
export const recordId = (q: Quarantined): string => createHash('sha256').update(`${q.batchId}\n${q.raw}`).digest('hex');

export async function redriveRecords(store: ObjectStore): Promise<RedriveRecord[]> {
  return Promise.all((await store.list(REDRIVES_PREFIX)).map((o) => readJson<RedriveRecord>(store, o.key)));
}

/** Whether Validate would stage the record now: the same check, on a chunk of one line. */
function passesNow(raw: string, ref: ReferenceData, window: BusinessDateWindow): boolean {
  const verdict = validateChunk({ bytes: Buffer.from(raw, 'utf8'), seqBase: 0 }, ref, window, { key: 'redrive', receivedAt: new Date(0).toISOString(), batchId: 'redrive' });
  return verdict.valid === 1;
}

async function quarantined(rt: Pick<Runtime, 'curatedQuery'>, reason: RedriveReason): Promise<Quarantined[]> {
  const rows = await rt.curatedQuery.query(renderSql(readSql('athena/recovery/quarantined_records.sql'), { reason }));
  return rows.map((r) => ({ raw: String(r.raw), batchId: String(r.batch_id) }));
}

/** Writes the raw object of a record (one NDJSON line per record, gzip as Firehose writes) unless it is there
 * already (the redrive stopped just before marking it), then marks the record sent. */
async function send(store: ObjectStore, record: RedriveRecord, byId: Map<string, Quarantined>): Promise<void> {
  if ((await store.getIfExists(record.rawKey)) === null) {
    const lines = record.records.map((r) => byId.get(r.id)?.raw);
    if (lines.some((l) => l === undefined)) throw new ConfigurationError(`redrive ${record.redriveId}: some of its records are no longer in the quarantine zone`);
    await store.put(record.rawKey, gzipSync(lines.join('\n') + '\n'));
  }
  await writeJson(store, redriveRecordKey(record.redriveId), { ...record, sent: true });
}

/**
 * Re-validates the quarantined records of `reason` against the current reference data and sends the ones that
 * now pass, once: every record sent is listed in a redrive record, and a later redrive skips it. The record is
 * written before the raw object, so a redrive interrupted between the two is finished by the next one instead of
 * being lost or sent twice.
 */
export async function redrive(rt: Pick<Runtime, 'store' | 'curatedQuery'>, reason: RedriveReason, now = new Date(), progress?: Progress): Promise<RedriveResult> {
  if (!isRedriveReason(reason)) throw new ConfigurationError(`redrive takes --reason ${REDRIVE_REASONS.join(' or ')}, not "${String(reason)}"`);
  const earlier = (await redriveRecords(rt.store)).filter((r) => r.reason === reason);
  const sentIds = new Set(earlier.flatMap((r) => r.records.map((x) => x.id)));
  const byId = new Map((await quarantined(rt, reason)).map((q) => [recordId(q), q]));
  const rawKeys: string[] = [];
  for (const unfinished of earlier.filter((r) => !r.sent)) {
    await send(rt.store, unfinished, byId);
    rawKeys.push(unfinished.rawKey);
  }
  const ref = await loadReferenceData(rt.store);
  const window = businessDateWindow(now);
  const candidates = [...byId].filter(([id]) => !sentIds.has(id));
  const passing: RedriveRecord['records'] = [];
  for (const [i, [id, q]] of candidates.entries()) {
    if (i % 1000 === 0) progress?.(i, candidates.length, `${passing.length} pass`);
    if (passesNow(q.raw, ref, window)) passing.push({ id, batchId: q.batchId });
  }
  progress?.(candidates.length, candidates.length, '');
  if (passing.length > 0) {
    const redriveId = newBatchId(now); // the same shape of id as a batch: its time, then a random part
    const record: RedriveRecord = { redriveId, reason, createdAt: now.toISOString(), rawKey: redriveRawKey(now, redriveId), sent: false, records: passing };
    await writeJson(rt.store, redriveRecordKey(redriveId), record);
    await send(rt.store, record, byId);
    rawKeys.push(record.rawKey);
  }
  return {
    checked: candidates.length,
    redriven: passing.length,
    stillFailing: candidates.length - passing.length,
    alreadyRedriven: byId.size - candidates.length,
    rawKeys,
  };
}
