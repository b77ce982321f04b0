import { reconcileLake } from '../../functions/lib/recovery/reconcile-lake';
import { isRedriveReason, redrive, REDRIVE_REASONS, type RedriveResult } from '../../functions/lib/recovery/redrive';
import { UsageError } from './errors';
import { progressCallback } from './progress';
import { printReconcile } from './recovery-report';
import { runPipelineWithProgress } from './run-command';
import { printRunReport } from './run-report';
import { withLockedRuntime } from './locked-runtime';

function describe(r: RedriveResult, reason: string): string {
  return `redrive ${reason}: ${r.checked} quarantined records checked against the current reference data, ` +
    `${r.redriven} pass now and were sent to the raw zone, ${r.stillFailing} still fail (they stay in quarantine); ` +
    `${r.alreadyRedriven} were redriven before\n`;
}

/**
 * `redrive --reason R`: under the run lock, sends the quarantined records of R that pass now to the raw zone;
 * then runs the pipeline so they are curated (which reconciles), or, with nothing to send, reconciles.
 * Returns whether the lake balances.
 */
export async function redriveCommand(lakeRoot: string, reason: string): Promise<boolean> {
  if (!isRedriveReason(reason)) throw new UsageError(`--reason must be ${REDRIVE_REASONS.join(' or ')}, got "${reason}"`);
  const sent = await withLockedRuntime(lakeRoot, (rt) => redrive(rt, reason, new Date(), progressCallback('redrive', 'records')));
  process.stdout.write(describe(sent, reason));
  if (sent.rawKeys.length > 0) {
    const { ok, result } = await runPipelineWithProgress(lakeRoot);
    await printRunReport(lakeRoot, result);
    if (result.status !== 'nothing-to-do') return ok;
  }
  // nothing was sent (or the run found the objects already taken): reconcile what is there
  return withLockedRuntime(lakeRoot, async (rt) => printReconcile(await reconcileLake(rt)));
}
