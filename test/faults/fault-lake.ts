import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHECKPOINT_KEY, COMMITS_PREFIX, commitIntentKey, commitPrefix, CURATED_PREFIX, PRODUCTS_KEY, RUN_RECORD_FILES, runPrefix, runRecordKeys, STORES_KEY } from '../../functions/lib/lake-layout';
import { readJsonIfExists } from '../../functions/lib/pipeline/json-objects';
import { committedRuns } from '../../functions/lib/pipeline/run-history';
import { operationsCounted, setFaultPlan } from '../../local/adapters/fault-point';
import { ingestFiles } from '../../local/cli/ingest-command';
import { runPipelineWithProgress } from '../../local/cli/run-command';
import { statusCommand } from '../../local/cli/status-command';
import { createLocalRuntime } from '../../local/local-runtime';
import { generateReference, productsCsv, storesCsv, writeNdjsonFiles } from '../../local/simulator';

/**
 * The fault matrix's lake and its checks. The lake is small (359 events over 3 stores and 2 days, with bad
 * records and duplicates) and holds one batch already curated and one waiting, so the run under test replaces
 * partitions that exist (every rename of a partition swap happens).
 */
const SIM = { seed: 9, stores: 3, skus: 12, days: 2, transactionsPerStoreDay: 40, faultRate: 0.05, duplicateRate: 0.04 };
const REPO = resolve(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'retail-lake.cjs');
/** Validate on this thread: a worker thread per run costs more than the small lake's validation, and worker
 * threads do no file operation of the lake's (they write part files in Validate's work folder). */
const MATRIX_ENV = { VALIDATE_WORKERS: '1' };

/**
 * The shared set-up of a fault matrix suite: the lake and its plan now (the tests are named after the plan's
 * operations), the clean run's facts before the tests, the matrix settings in this process while they run.
 */
export function faultMatrix(name: string): { dir: string; plan: FaultLakePlan; clean: () => LakeFacts } {
  const dir = mkdtempSync(join(tmpdir(), `retail-lake-${name}-`));
  const plan = prepareFaultLakeSync(dir);
  let clean: LakeFacts | undefined;
  const saved = Object.fromEntries(Object.keys(MATRIX_ENV).map((k) => [k, process.env[k]]));
  beforeAll(async () => {
    Object.assign(process.env, MATRIX_ENV);
    clean = await lakeFacts(join(dir, 'clean'));
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    plan,
    clean: () => {
      if (!clean) throw new Error('the clean lake is read in beforeAll');
      return clean;
    },
  };
}

/** One mutating file operation of a run, as the fault point's log names it. */
export interface FileOp {
  n: number;
  op: string;
  key: string;
}

/** What prepare-fault-lake.ts leaves in its folder: `base/` (the lake before the run under test), `clean/` (the
 * same after a clean run), and this. */
export interface FaultLakePlan {
  /** the records the simulator wrote, over both batches */
  events: number;
  /** the mutating file operations of the clean run, in order */
  ops: FileOp[];
}

/** Builds `<dir>/base` and `<dir>/clean`; the clean run is the counting run (the fault point in log mode). */
export async function prepareFaultLake(dir: string): Promise<FaultLakePlan> {
  const base = join(dir, 'base');
  mkdirSync(base, { recursive: true });
  const reference = generateReference(SIM);
  const out = writeNdjsonFiles(SIM, join(dir, 'files'), { eventsPerFile: 150, reference });
  const half = Math.ceil(out.files.length / 2);
  const rt = await createLocalRuntime(base);
  try {
    await rt.store.put(STORES_KEY, storesCsv(reference));
    await rt.store.put(PRODUCTS_KEY, productsCsv(reference));
    await ingestFiles(rt.store, out.files.slice(0, half));
  } finally {
    await rt.close();
  }
  const first = await runPipelineWithProgress(base);
  if (first.result.status !== 'succeeded') throw new Error(`the fault lake's first batch did not run: ${first.result.status}`);
  const rt2 = await createLocalRuntime(base);
  try {
    // a later arrival time, so the second batch is its own raw objects
    await ingestFiles(rt2.store, out.files.slice(half), new Date(Date.now() + 1000));
  } finally {
    await rt2.close();
  }
  const clean = join(dir, 'clean');
  cpSync(base, clean, { recursive: true });
  const log = join(dir, 'ops.log');
  setFaultPlan({ kind: 'log', file: log });
  try {
    const run = await runPipelineWithProgress(clean);
    if (run.result.status !== 'succeeded') throw new Error(`the clean run did not succeed: ${run.result.status}`);
  } finally {
    setFaultPlan(undefined);
  }
  const ops = readFileSync(log, 'utf8').trim().split('\n').map((line) => {
    const [n, op, ...key] = line.split(' ');
    return { n: Number(n), op, key: key.join(' ') };
  });
  return { events: out.stats.events, ops };
}

/** Runs prepare-fault-lake.ts in a child (jest needs the operations to name one test per point before any test runs). */
export function prepareFaultLakeSync(dir: string): FaultLakePlan {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'prepare-fault-lake.ts'), dir], { cwd: REPO, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...MATRIX_ENV } });
  if (r.status !== 0) throw new Error(`prepare-fault-lake.ts failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as FaultLakePlan;
}

const COMMIT_RECORDS = [RUN_RECORD_FILES.curate, RUN_RECORD_FILES.committed].map((file) => `/${file}`);
/** The intent record's file name in a curated commit's folder. */
const INTENT_FILE = commitIntentKey('').slice(commitPrefix('').length);

/** A change to the curated zone, a curated commit's intent record, a write of a batch's commit record (the
 * checkpoint, its curate and committed records) or a warehouse transaction. */
export function isCommitPoint(op: FileOp): boolean {
  const intent = op.key.startsWith(COMMITS_PREFIX) && op.key.endsWith(`/${INTENT_FILE}`);
  const curated = op.op !== 'remove-temp' && op.key.startsWith(CURATED_PREFIX); // removing stray temporary files commits nothing
  return op.op === 'execute' || intent || curated || op.key === CHECKPOINT_KEY || COMMIT_RECORDS.some((end) => op.key.endsWith(end));
}

/** The points the SIGKILL matrix covers: one kill at each commit point, right after it (before the operation that
 * follows it), or right before it when it is the run's last operation or follows another commit point directly
 * (that kill is then also the one right after the previous point). The `fail` matrix covers every point. */
export function killPoints(ops: FileOp[]): FileOp[] {
  const points = new Set<FileOp>();
  ops.forEach((op, i) => {
    if (!isCommitPoint(op)) return;
    points.add(i + 1 < ops.length ? ops[i + 1] : op);
  });
  return ops.filter((op) => points.has(op));
}

/** A fresh copy of the base lake. */
export function copyBase(dir: string, name: string): string {
  const lake = join(dir, name);
  cpSync(join(dir, 'base'), lake, { recursive: true });
  return lake;
}

/** `retail-lake run` in a child process with a fault plan; resolves with how it ended. */
export function runChild(lake: string, fault: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, '--lake', lake, 'run'], { cwd: REPO, env: { ...process.env, RETAIL_LAKE_FAULT: fault }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stderr }));
  });
}

let muted = 0;
const stderrWrite = process.stderr.write.bind(process.stderr);

/** Runs `work` with stderr muted: `run`'s progress bar writes there, a line per run, which would bury the report.
 * Counted, so overlapping runs unmute it only when the last one ends. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  if (muted++ === 0) process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await work();
  } finally {
    if (--muted === 0) process.stderr.write = stderrWrite;
  }
}

/** Runs `work` on each item, `width` at a time; resolves with the results in the items' order. */
export async function inPool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]);
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

/** An in-process `fail` fault at operation n: the run under the lock, as `retail-lake run` does it. Resolves
 * with how many operations the run reached (n or more: the fault fired). */
export async function runWithFailure(lake: string, n: number): Promise<number> {
  setFaultPlan({ kind: 'fail', at: n });
  try {
    await quietly(() => runPipelineWithProgress(lake)).catch(() => undefined); // the failure is the point; the checks come after
    return operationsCounted();
  } finally {
    setFaultPlan(undefined);
  }
}

/** Re-runs without a fault, twice: the first finishes the work, the second must find nothing to do. */
export async function recover(lake: string): Promise<string[]> {
  const statuses: string[] = [];
  for (let i = 0; i < 2; i++) {
    try {
      const { result } = await quietly(() => runPipelineWithProgress(lake));
      statuses.push(result.status === 'failed' ? `failed: ${JSON.stringify(result.error).slice(0, 300)}` : result.status);
    } catch (err) {
      statuses.push(`threw: ${(err as Error).message}`);
    }
  }
  return statuses;
}

interface StatusReport {
  totals: { received: number; curatedEvents: number; quarantined: number; duplicates: number; salesLines: number; inventoryEvents: number; netRevenue: number };
  backlog: { objects: number };
  alarms: { name: string; state: string; detail: string }[];
}

/** What the checks compare: the lake, the warehouse, the run records (via `status`), and stray files. */
export interface LakeFacts {
  lake: { salesLines: number; revenueCents: number; events: number; quarantined: number; byDate: string };
  warehouse: { salesLines: number; revenueCents: number; byDate: string; rows: string };
  doubledLines: number;
  /** committed batches whose post-commit steps left no record (alerts, a balanced reconcile) */
  unfinished: string[];
  status: StatusReport;
  leftovers: string[];
}

const cents = (v: unknown): number => Math.round(Number(v ?? 0) * 100);

/** Files a crash may leave that a finished recovery must not: temporary siblings and set-aside partitions. */
function leftovers(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (/\.(tmp|old)-/.test(e.name)) out.push(join(dir, e.name).slice(root.length + 1));
      if (e.isDirectory()) walk(join(dir, e.name));
    }
  };
  for (const zone of ['curated', 'control', 'quarantine']) if (existsSync(join(root, zone))) walk(join(root, zone));
  return out;
}

export async function lakeFacts(lake: string): Promise<LakeFacts> {
  const rt = await createLocalRuntime(lake);
  try {
    const [c] = await rt.curatedQuery.query(`SELECT (SELECT count(*) FROM sales_lines) AS lines, (SELECT sum(net_revenue) FROM sales_lines) AS revenue,
      (SELECT count(DISTINCT event_id) FROM sales_lines) + (SELECT count(DISTINCT event_id) FROM inventory_events)
        + (SELECT count(DISTINCT event_id) FROM purchase_orders WHERE event_type = 'purchase_order') AS events,
      (SELECT count(*) FROM quarantine) AS quarantined,
      (SELECT count(*) FROM (SELECT event_id, line_no FROM sales_lines GROUP BY event_id, line_no HAVING count(*) > 1)) AS doubled`);
    const lakeDates = await rt.curatedQuery.query(`SELECT CAST(business_date AS VARCHAR) AS d, count(*) AS n, sum(net_revenue) AS revenue FROM sales_lines GROUP BY 1 ORDER BY 1`);
    const [w] = await rt.warehouse.query('SELECT count(*) AS n, sum(net_revenue) AS revenue FROM fact_sales');
    const whDates = await rt.warehouse.query('SELECT CAST(date_key AS VARCHAR) AS d, count(*) AS n, sum(net_revenue) AS revenue FROM fact_sales GROUP BY 1 ORDER BY 1');
    const rows = await rt.warehouse.query(`SELECT (SELECT count(*) FROM fact_inventory_event) AS inventory_events, (SELECT count(*) FROM fact_inventory_snapshot) AS snapshots`);
    const unfinished: string[] = [];
    for (const run of await committedRuns(rt.store)) {
      const keys = runRecordKeys(runPrefix(run.batchId));
      const reconcile = await readJsonIfExists<{ balanced: boolean }>(rt.store, keys.reconcile);
      const alerts = (await rt.store.getIfExists(keys.alerts)) !== null;
      if (!reconcile?.balanced || !alerts) unfinished.push(`${run.batchId} (reconcile ${reconcile ? `balanced ${reconcile.balanced}` : 'missing'}, alerts ${alerts ? 'done' : 'missing'})`);
    }
    const byDate = (rows: Record<string, unknown>[]): string => rows.map((r) => `${String(r.d)}:${Number(r.n)}/${cents(r.revenue)}`).join(' ');
    return {
      lake: { salesLines: Number(c.lines), revenueCents: cents(c.revenue), events: Number(c.events), quarantined: Number(c.quarantined), byDate: byDate(lakeDates) },
      warehouse: { salesLines: Number(w.n), revenueCents: cents(w.revenue), byDate: byDate(whDates), rows: `inventory events ${Number(rows[0].inventory_events)}, snapshots ${Number(rows[0].snapshots)}` },
      doubledLines: Number(c.doubled),
      unfinished,
      status: JSON.parse(await statusCommand(lake, { json: true })) as StatusReport,
      leftovers: leftovers(resolve(lake)),
    };
  } finally {
    await rt.close();
  }
}

/** The invariants after recovery, each broken one as a line naming it (empty: all hold). */
export function brokenInvariants(facts: LakeFacts, clean: LakeFacts, events: number, recovery: string[]): string[] {
  const broken: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) broken.push(what);
  };
  const t = facts.status.totals;
  check(recovery[0] === 'succeeded' || recovery[0] === 'nothing-to-do', `not recovered: first re-run ${recovery[0]}`);
  check(recovery[1] === 'nothing-to-do', `stuck: second re-run ${recovery[1]}`);
  check(t.received === events, `received ${t.received} in the run records, ${events} sent`);
  check(t.received === t.curatedEvents + t.quarantined + t.duplicates, `received ${t.received} != curated ${t.curatedEvents} + quarantined ${t.quarantined} + duplicates ${t.duplicates}`);
  check(facts.lake.events === t.curatedEvents, `curated zone holds ${facts.lake.events} events, run records say ${t.curatedEvents}`);
  check(facts.lake.quarantined === t.quarantined, `quarantine holds ${facts.lake.quarantined} records, run records say ${t.quarantined}`);
  check(facts.doubledLines === 0, `${facts.doubledLines} (event_id, line_no) twice in sales_lines`);
  check(facts.lake.salesLines === facts.warehouse.salesLines && facts.lake.revenueCents === facts.warehouse.revenueCents, `curated ${facts.lake.salesLines} lines / ${facts.lake.revenueCents} cents != warehouse ${facts.warehouse.salesLines} / ${facts.warehouse.revenueCents}`);
  check(facts.warehouse.byDate === facts.lake.byDate, `per date: curated ${facts.lake.byDate} != warehouse ${facts.warehouse.byDate}`);
  check(JSON.stringify(facts.lake) === JSON.stringify(clean.lake), `lake totals ${JSON.stringify(facts.lake)} != clean ${JSON.stringify(clean.lake)}`);
  check(JSON.stringify(facts.warehouse) === JSON.stringify(clean.warehouse), `warehouse ${JSON.stringify(facts.warehouse)} != clean ${JSON.stringify(clean.warehouse)}`);
  check(facts.unfinished.length === 0, `post-commit steps not done: ${facts.unfinished.join('; ')}`);
  check(facts.status.backlog.objects === 0, `stuck: ${facts.status.backlog.objects} raw objects still waiting`);
  for (const name of ['PipelineFailed', 'ReconciliationGap']) {
    const alarm = facts.status.alarms.find((a) => a.name === name);
    check(alarm?.state === 'OK', `status: ${name} ${alarm?.state ?? 'missing'} (${alarm?.detail ?? ''})`);
  }
  check(facts.leftovers.length === 0, `leftovers: ${facts.leftovers.join(', ')}`);
  return broken;
}
