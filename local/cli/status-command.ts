import { existsSync } from 'node:fs';
import { FAILURES_PREFIX, LATEST_RECONCILE_KEY, runPrefix, runRecordKeys } from '../../functions/lib/lake-layout';
import { readJsonIfExists } from '../../functions/lib/pipeline/json-objects';
import { parkedBatches } from '../../functions/lib/pipeline/parked-batches';
import type { FailureRecord } from './run-command';
import { committedRuns, totalsOf } from '../../functions/lib/pipeline/run-history';
import { settingsFromEnv } from '../../functions/lib/pipeline/pipeline-settings';
import { recoveryHistory } from '../../functions/lib/recovery/recovery-history';
import { FsObjectStore } from '../adapters/fs-object-store';
import { readOutbox } from '../adapters/outbox-notifier';
import { UsageError } from './errors';
import { backlog, formatTotals } from './summary';

interface Alarm {
  name: string;
  state: 'OK' | 'ALARM';
  detail: string;
}

/** `retail-lake status`: the local stand-in for the CloudWatch dashboard and alarms. */
export async function statusCommand(lakeRoot: string, opts: { json?: boolean }): Promise<string> {
  if (!existsSync(lakeRoot)) throw new UsageError(`lake ${lakeRoot} does not exist`);
  const store = new FsObjectStore(lakeRoot);
  const settings = settingsFromEnv();
  const runs = await committedRuns(store);
  const totals = totalsOf(runs);
  const last = runs[runs.length - 1];
  const failures = await store.list(FAILURES_PREFIX);
  const lastFailure = failures[failures.length - 1];
  const failure = lastFailure ? await readJsonIfExists<Partial<FailureRecord>>(store, lastFailure.key) : null;
  // the latest reconciliation (an execution with nothing new reconciles too); a lake from before it: the last batch's
  const reconcile =
    (await readJsonIfExists<{ balanced: boolean; summary: string; reconciledAt?: string }>(store, LATEST_RECONCILE_KEY)) ??
    (last ? await readJsonIfExists<{ balanced: boolean; summary: string; reconciledAt?: string }>(store, runRecordKeys(runPrefix(last.batchId)).reconcile) : null);
  const parked = await parkedBatches(store);
  const pending = await backlog(store, parked);
  const byTopic: Record<string, number> = {};
  for (const { topic } of await readOutbox(lakeRoot)) byTopic[topic] = (byTopic[topic] ?? 0) + 1;
  const lastRate = last && last.received ? last.quarantined / last.received : 0;
  // a success: a batch committed, or a balanced reconcile (a run that only finished an earlier run's post-commit
  // steps, or found nothing new, commits nothing but reconciles)
  const successes = [last?.committedAt, reconcile?.balanced ? reconcile.reconciledAt : undefined].filter((t): t is string => t !== undefined).sort();
  const lastSuccess = successes[successes.length - 1];
  const failedSinceSuccess = lastFailure !== undefined && (!lastSuccess || lastFailure.lastModified.toISOString() > lastSuccess);
  const alarms: Alarm[] = [
    { name: 'PipelineFailed', state: failedSinceSuccess ? 'ALARM' : 'OK', detail: failedSinceSuccess ? `last failure ${lastFailure!.key}` : 'no failure since the last success' },
    { name: 'QuarantineRate', state: lastRate > settings.quarantineAlertRate ? 'ALARM' : 'OK', detail: `last batch ${(lastRate * 100).toFixed(2)}% (threshold ${(settings.quarantineAlertRate * 100).toFixed(1)}%)` },
    { name: 'ReconciliationGap', state: reconcile && !reconcile.balanced ? 'ALARM' : 'OK', detail: reconcile?.summary ?? 'no reconciliation yet' },
    { name: 'BatchesParked', state: parked.length > 0 ? 'ALARM' : 'OK', detail: parked.length > 0 ? `${parked.length} parked, their raw objects wait for a redrive` : 'none parked' },
    { name: 'RawBacklog', state: pending.objects > 0 && pending.oldestAgeSeconds > 3600 ? 'ALARM' : 'OK', detail: `${pending.objects} raw objects waiting, oldest ${pending.oldestAgeSeconds}s` },
  ];
  const recovery = await recoveryHistory(store);
  const parkedReport = parked.map((p) => ({ batchId: p.batchId, parkedAt: p.parkedAt, objects: p.objects.length, error: p.error }));
  const lastFailureReport = failedSinceSuccess && failure ? { key: lastFailure!.key, ...failure } : null;
  const report = { runs: runs.length, lastRun: last ? { batchId: last.batchId, committedAt: last.committedAt } : null, totals, recovery, backlog: pending, parked: parkedReport, lastFailure: lastFailureReport, alerts: byTopic, alarms };
  if (opts.json) return JSON.stringify(report, null, 2) + '\n';
  const lines = [
    `lake                ${lakeRoot}`,
    `runs                ${runs.length}${last ? ` (last ${last.batchId} at ${last.committedAt})` : ''}`,
    ...formatTotals(totals),
    ...(recovery.redrives + recovery.reprocesses > 0
      ? [`recovery            ${recovery.redriven} quarantined records redriven (${recovery.redrives} redrives), ${recovery.reprocesses} reprocesses`]
      : []),
    `alerts published    ${Object.entries(byTopic).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
    `parked batches      ${parked.length === 0 ? 'none' : parked.length}`,
    ...parkedReport.map((p) => `  ${p.batchId}  ${p.objects} raw objects, parked ${p.parkedAt}: ${p.error.Error}: ${p.error.Cause}`),
    ...(lastFailureReport ? failureLines(lastFailureReport) : []),
    'alarms',
    ...alarms.map((a) => `  ${a.state.padEnd(5)} ${a.name.padEnd(18)} ${a.detail}`),
  ];
  return lines.join('\n') + '\n';
}

/** The last failure and the causes under it (the record keeps the chain the state machine drops). */
function failureLines(f: Partial<FailureRecord> & { key: string }): string[] {
  return [
    `last failure        ${f.Error ?? 'Error'}${f.state ? ` in ${f.state}` : ''}: ${f.Cause ?? ''}`,
    ...(f.causes ?? []).slice(1).map((c) => `  caused by ${c.name}${c.code ? ` (${c.code})` : ''}: ${c.message}`),
  ];
}
