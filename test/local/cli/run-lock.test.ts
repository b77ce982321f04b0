import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime, withRunLock } from '../../../local/cli/run-lock';

function lakeWithLock(content: string | undefined): { root: string; lock: string } {
  const root = mkdtempSync(join(tmpdir(), 'retail-lake-lock-'));
  mkdirSync(join(root, 'control'));
  const lock = join(root, 'control', 'run.lock');
  if (content !== undefined) writeFileSync(lock, content);
  return { root, lock };
}

const holder = (pid: number, startTime: string | null): string => JSON.stringify({ pid, startTime, host: hostname(), token: 'old' });

/** a pid no process has: past the kernel's pid_max */
const DEAD_PID = 2 ** 22 + 7;

describe('withRunLock', () => {
  let stderr: jest.SpiedFunction<typeof process.stderr.write>;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  const stderrText = (): string => stderr.mock.calls.map((c) => String(c[0])).join('');

  it('holds control/run.lock naming its pid and start time while the work runs, and removes it after', async () => {
    const { root, lock } = lakeWithLock(undefined);
    const seen = await withRunLock(root, async () => JSON.parse(readFileSync(lock, 'utf8')) as { pid: number; startTime: string | null });
    expect(seen.pid).toBe(process.pid);
    expect(seen.startTime).toBe(processStartTime(process.pid));
    expect(readdirSync(join(root, 'control'))).toEqual([]);
  });

  it.each([
    ['its pid and start time', holder(process.pid, processStartTime(process.pid))],
    ['a bare pid (the earlier format)', String(process.pid)],
  ])('refuses a lock held by a live process (%s) with the clear error, and leaves it in place', async (_what, content) => {
    const { root, lock } = lakeWithLock(content);
    const work = jest.fn(async () => 'ran');
    await expect(withRunLock(root, work)).rejects.toThrow(`another pipeline run (pid ${process.pid}) holds ${lock}`);
    expect(work).not.toHaveBeenCalled();
    expect(readFileSync(lock, 'utf8')).toBe(content);
  });

  it.each([
    ['a dead process', holder(DEAD_PID, '12345'), `its process (pid ${DEAD_PID}) is gone`],
    ['a reused pid (the pid runs, but started at another time)', holder(process.pid, '1'), `its process (pid ${process.pid}) is gone`],
    ['nothing (an empty file)', '', 'it was empty'],
    ['garbage', '\u0000\u0001not a lock', 'it was unreadable'],
    ['a bare pid (the earlier format) of a dead process', String(DEAD_PID), `its process (pid ${DEAD_PID}) is gone`],
  ])('takes over a lock holding %s, with one line on stderr', async (_what, content, why) => {
    if (content.includes('"startTime":"1"')) expect(processStartTime(process.pid)).not.toBeNull(); // the case needs /proc
    const { root, lock } = lakeWithLock(content);
    await expect(withRunLock(root, async () => JSON.parse(readFileSync(lock, 'utf8')).pid as number)).resolves.toBe(process.pid);
    expect(stderrText()).toBe(`retail-lake: removed the stale run lock ${lock}: ${why}\n`);
    expect(readdirSync(join(root, 'control'))).toEqual([]);
  });

  it('lets exactly one of several processes racing for a stale lock proceed', async () => {
    const { root } = lakeWithLock(holder(DEAD_PID, '12345'));
    const go = join(root, 'go');
    const racers = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'run-lock-child.ts'), root, go], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.startsWith('ready\n') && resolve()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      return { ready, done: new Promise<{ out: string; err: string }>((resolve) => child.on('close', () => resolve({ out, err }))) };
    });
    // all start together: a racer still loading when the winner has finished would find no lock at all
    await Promise.all(racers.map((r) => r.ready));
    writeFileSync(go, '');
    const results = await Promise.all(racers.map((r) => r.done));
    const outcomes = results.map((r) => r.out.replace('ready\n', '').trim().split(':')[0]).sort();
    expect(outcomes).toEqual(['refused', 'refused', 'refused', 'won']);
    expect(results.filter((r) => r.err.includes('removed the stale run lock'))).toHaveLength(1);
    expect(readdirSync(join(root, 'control'))).toEqual([]);
  }, 60_000);
});
