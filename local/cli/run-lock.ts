import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One pipeline run per lake at a time (in the cloud PlanBatch's run lease does this: functions/lib/pipeline/run-lease.ts).
 * A lock left by a process that died is taken over. */
export async function withRunLock<T>(lakeRoot: string, work: () => Promise<T>): Promise<T> {
  const dir = join(lakeRoot, 'control');
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'run.lock');
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lock, 'utf8'));
    if (alive(holder) && holder !== process.pid) throw new UsageError(`another pipeline run (pid ${holder}) holds ${lock}`);
    writeFileSync(lock, String(process.pid));
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}
