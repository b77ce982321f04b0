import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../docs/doc-references';
import { CLI_BIN } from '../../helpers/cli';

/** The README's by-hand session: the first `sh` block after its heading, one command a line, comments dropped. */
function readmeSession(readme: string): string[] {
  const at = readme.indexOf('### A session by hand');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (at < 0 || block === undefined) throw new Error('README.md has no "### A session by hand" with an sh block');
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '');
}

/** A smaller output than the README's simulate, for the test's time: the rest of the session runs as written. */
const TINY = '--stores 5 --skus 5 --days 3';
const number = (s: string): number => Number(s.replace(/,/g, ''));

describe("the README's session by hand, as written", () => {
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** a README command in the session's folder, `npx retail-lake` being this checkout's CLI on a lake there */
  const sh = (command: string): { command: string; code: number | null; stdout: string; stderr: string } => {
    const local = command.replace(/^npx retail-lake /, `"${process.execPath}" "${CLI_BIN}" --lake lake `);
    const r = spawnSync('sh', ['-c', local], { cwd: dir, encoding: 'utf8', timeout: 90_000 });
    return { command, code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const outputs = new Map<string, string>();

  beforeAll(() => {
    for (const command of readmeSession(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'))) {
      const r = sh(command.startsWith('npx retail-lake simulate ') ? `${command} ${TINY}` : command);
      // every command succeeds; the first that does not is named with its stderr
      expect({ command, code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ command, code: 0, stderr: '' });
      outputs.set(command.split(' ')[2], (outputs.get(command.split(' ')[2]) ?? '') + r.stdout);
    }
  });

  it('simulates, loads the reference CSVs, ingests the day files and runs: every event is in exactly one count', () => {
    expect([...outputs.keys()]).toEqual(expect.arrayContaining(['simulate', 'reference', 'ingest', 'run', 'query', 'forecast', 'status']));
    const simulated = /: ([\d,]+) events \(/.exec(outputs.get('simulate')!)!;
    const run = /([\d,]+) records -> ([\d,]+) curated, ([\d,]+) quarantined, ([\d,]+) duplicates/.exec(outputs.get('run')!)!;
    const [received, curated, quarantined, duplicates] = run.slice(1).map(number);
    expect(received).toBe(number(simulated[1]));
    expect(curated + quarantined + duplicates).toBe(received);
    expect(quarantined).toBeGreaterThan(0); // the simulator's faults
    expect(duplicates).toBeGreaterThan(0);
    expect(outputs.get('run')).toMatch(/reconciliation +balanced: /);
    expect(outputs.get('reference')).toMatch(/reference data loaded: 5 stores, 5 products, 3 exchange rates/);
    expect(outputs.get('ingest')!.trim().split('\n')).toHaveLength(readdirSync(join(dir, 'sample')).filter((f) => f.endsWith('.ndjson')).length);
    // the first query: net revenue per business date, the three simulated dates
    expect(outputs.get('query')).toMatch(/2026-03-02[\s\S]*2026-03-03[\s\S]*2026-03-04/);
  });

  it('is re-runnable (Load your history): a file ingested again is all duplicates or quarantine, and the lake still balances', () => {
    expect(sh('npx retail-lake ingest sample/*-2026-03-03.ndjson').code).toBe(0);
    const again = sh('npx retail-lake run');
    expect(again.code).toBe(0);
    const [received, curated, quarantined, duplicates] = /([\d,]+) records -> ([\d,]+) curated, ([\d,]+) quarantined, ([\d,]+) duplicates/.exec(again.stdout)!.slice(1).map(number);
    expect({ curated, sum: quarantined + duplicates }).toEqual({ curated: 0, sum: received });
    expect(again.stdout).toMatch(/reconciliation +balanced: /);
  });
});
