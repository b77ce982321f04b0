import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors';

/** Who holds the lock: a reused pid is told apart by its process start time, and the token names this holding. */
interface LockHolder {
  pid: number;
  /** /proc/<pid>/stat field 22 (clock ticks since boot), or null where there is no /proc */
  startTime: string | null;
  host: string;
  token: string;
}

/** The start time of a live process (Linux), null when it cannot be read. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  // a bare pid: the lock of an earlier version, checked by pid alone
  if (/^\d+$/.test(text.trim())) return { pid: Number(text.trim()), startTime: null, host: hostname(), token: '' };
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isInteger(v.pid) && typeof v.token === 'string' && typeof v.host === 'string') return v as LockHolder;
  } catch {
    // not JSON: garbage, recovered as stale below
  }
  return undefined;
}

/** true while the process that wrote `holder` runs: same pid, and the same start time where both are known. */
function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // another machine's process cannot be checked: never taken over
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStartTime(holder.pid);
  return holder.startTime === null || now === null || now === holder.startTime;
}

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** A lock file as read: its identity (a hash of inode and content), its text, and the holder it names if any. */
interface InspectedLock {
  id: string;
  text: string;
  holder: LockHolder | undefined;
}

/** Reads the lock file, undefined when there is none. */
function inspect(lock: string): InspectedLock | undefined {
  try {
    const ino = statSync(lock).ino;
    const text = readFileSync(lock, 'utf8');
    return { id: createHash('sha256').update(`${ino}:${text}`).digest('hex').slice(0, 32), text, holder: parseHolder(text) };
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Creates `path` holding `text`, atomically and only if it does not exist (link() of a complete temp file). */
function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** A claim's writer is gone (or the claim is unreadable, which link() never leaves behind). */
function claimAbandoned(claim: string): boolean {
  try {
    const holder = parseHolder(readFileSync(claim, 'utf8'));
    return holder === undefined || !holderAlive(holder);
  } catch (err) {
    if (errno(err) === 'ENOENT') return false;
    throw err;
  }
}

const staleReason = (stale: InspectedLock): string =>
  stale.holder ? `its process (pid ${stale.holder.pid}) is gone` : stale.text.trim() === '' ? 'it was empty' : 'it was unreadable';

const MAX_CLAIMS = 100;

/**
 * Replaces the stale lock `stale` by ours. Exactly one process may act on one stale lock: the one that creates
 * its claim file `<lock>.takeover-<id>-<n>` (n moves on only past a claim whose writer died mid-takeover). The
 * winner checks that the lock is still the one inspected, removes it (saying so on stderr) and links ours in; a
 * run that starts meanwhile may link its own first, and then it holds the lock. Returns true when ours is in place.
 */
function takeOver(lock: string, stale: InspectedLock, mine: string): boolean {
  const staleId = stale.id;
  for (let n = 0; n < MAX_CLAIMS; n++) {
    const claim = `${lock}.takeover-${staleId}-${n}`;
    if (!createExclusive(claim, mine)) {
      if (claimAbandoned(claim)) continue;
      return false; // another process is taking this lock over
    }
    try {
      if (inspect(lock)?.id !== staleId) return false; // taken over (or released) since it was inspected
      rmSync(lock, { force: true });
      // said by the one process that removed it, whether or not a run starting meanwhile links its lock first
      process.stderr.write(`retail-lake: removed the stale run lock ${lock}: ${staleReason(stale)}\n`);
      return createExclusive(lock, mine);
    } finally {
      rmSync(claim, { force: true });
    }
  }
  return false;
}

/**
 * One pipeline run per lake at a time (in the cloud PlanBatch's run lease does this: functions/lib/pipeline/run-lease.ts).
 * control/run.lock names its holder (pid, process start time, host, a token). A lock whose process is gone, whose
 * pid now belongs to another process, or that is empty or unreadable is taken over atomically, with a line on
 * stderr; a lock held by a running process is refused.
 */
export async function withRunLock<T>(lakeRoot: string, work: () => Promise<T>): Promise<T> {
  const dir = join(lakeRoot, 'control');
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'run.lock');
  const me: LockHolder = { pid: process.pid, startTime: processStartTime(process.pid), host: hostname(), token: randomBytes(16).toString('hex') };
  const mine = JSON.stringify(me);
  acquire(lock, mine);
  try {
    return await work();
  } finally {
    // only our own lock: one taken over from us (it should not be) is not removed
    if (inspect(lock)?.text === mine) rmSync(lock, { force: true });
  }
}

function acquire(lock: string, mine: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(lock, mine)) return;
    const found = inspect(lock);
    if (found === undefined) continue; // released meanwhile
    if (found.holder && holderAlive(found.holder)) {
      throw new UsageError(`another pipeline run (pid ${found.holder.pid}) holds ${lock}`);
    }
    if (takeOver(lock, found, mine)) return;
  }
  const holder = inspect(lock)?.holder;
  throw new UsageError(`another pipeline run${holder ? ` (pid ${holder.pid})` : ''} holds ${lock}`);
}
