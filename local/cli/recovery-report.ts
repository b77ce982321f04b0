import type { ReconcileResult } from '../../functions/lib/pipeline/state';

/** The end of a recovery tool: the reconcile line, as `run` prints it. Returns whether the lake balances. */
export function printReconcile(result: ReconcileResult): boolean {
  process.stdout.write(`reconciliation      ${result.summary}\n`);
  return result.balanced;
}
