/**
 * Lambda's environment: the DuckDB steps run from their bundle (esbuild with the CDK's options, the DuckDB layer's
 * node_modules on NODE_PATH) in a folder they cannot write, as a user other than the package's owner, from the
 * package folder as working directory (as from /var/task), with one writable folder standing in for /tmp.
 *
 * The bundle is built by calling esbuild directly with NodejsFunction's options (test/helpers/lambda-bundle.ts),
 * not by `cdk synth`: the same bundle in seconds. Its entry is test/helpers/lambda-step-driver.ts, which calls
 * each step's core as the handler does, with the Lambda's own S3LakeFiles and settings from the environment but
 * the lake in a local folder instead of S3. So this proves the file-system side of Lambda (read-only package, one
 * writable /tmp, DuckDB spilling there, the memory ceiling); it does not exercise the S3 client or IAM.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monthStart, PRODUCTS_KEY, stagingPrefix, storeDayBasketsKey, STORES_KEY } from '../../functions/lib/lake-layout';
import { stagedInMemoryBytes } from '../../functions/pipeline/curate-batch/curate-batch';
import { workPaths } from '../../functions/lib/pipeline/work-dir';
import type { BatchPlan, CurateResult, ValidationResult } from '../../functions/lib/pipeline/state';
import { duckdbEnvironment } from '../../infra/lib/pipeline/pipeline-lambdas';
import { PROJECT_ROOT } from '../../infra/lib/common/paths';
import { FsObjectStore } from '../../local/adapters/fs-object-store';
import { ingestFiles } from '../../local/cli/ingest-command';
import { generateReference, optionsForSaleLines, productsCsv, storesCsv, writeNdjsonFiles } from '../../local/simulator';
import { buildLambdaPackage, bytesUnder, runLambdaStep, type StepRunOptions } from '../helpers/lambda-bundle';

/** The DuckDB steps' MemorySize on the dev stage (cdk.json), which their peak RSS must stay under. */
const MEMORY_MB = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: { stages: { dev: { pipeline: { duckdbMemoryMb: number } } } } }).context.stages.dev
  .pipeline.duckdbMemoryMb;
const MB = 1024 * 1024;

/** Tests run as root here, and root writes through any mode bits: the steps run as `nobody` instead. */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const asUser = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [];

/** Every file under `dir` whose name says DuckDB wrote it (spill files, `.tmp` folders). */
function duckdbFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /(^|\/)\.tmp(\/|$)|duckdb_temp/.test(p));
}

describe("the DuckDB steps in Lambda's environment", () => {
  let base: string;
  let run: Omit<StepRunOptions, 'env'> & { env: Record<string, string> };
  let tmp: string;
  /** the batch validated and curated at the Lambda's memory (set by the first step test) */
  let batch: { plan: BatchPlan; curated: CurateResult } | undefined;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'retail-lake-lambda-env-'));
    chmodSync(base, 0o755);
    const pkg = await buildLambdaPackage(join(base, 'package'));
    execFileSync('chmod', ['-R', 'a-w', join(base, 'package')]); // read-only to anyone but root

    // a small batch of the demo's shape: 70,000 sale lines over a week of 4 stores
    const sim = optionsForSaleLines(70_000, { seed: 7, stores: 4, skus: 50, days: 7 });
    const reference = generateReference(sim);
    const { files } = writeNdjsonFiles(sim, join(base, 'files'), { gzip: true, eventsPerFile: 50_000, reference });
    const lake = join(base, 'lake');
    const store = new FsObjectStore(lake);
    await store.put(STORES_KEY, storesCsv(reference));
    await store.put(PRODUCTS_KEY, productsCsv(reference));
    await ingestFiles(store, files);

    tmp = join(base, 'tmp');
    mkdirSync(tmp, { mode: 0o700 });
    if (asRoot) {
      chownSync(tmp, NOBODY, NOBODY);
      execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, lake]); // the stand-in for S3: the function's to write
    }
    // the Lambda's environment as the CDK sets it, with this folder as /tmp
    // (Validate's threads from any size: this batch is below their default, and their start from the read-only
    // bundle is part of what this checks)
    run = { pkg, lake, asUser, env: { ...duckdbEnvironment(MEMORY_MB), WORK_DIR: tmp, TMPDIR: tmp, VALIDATE_THREADS_FROM_BYTES: '0' } };
  });

  afterAll(() => {
    if (base) {
      execFileSync('chmod', ['-R', 'u+w', base]);
      rmSync(base, { recursive: true, force: true });
    }
  });

  /** Runs a script as the function's user, from the package folder, with the layer on NODE_PATH. */
  const runScript = (script: string): { status: number | null; stdout: string; stderr: string } => {
    const [command, ...args] = [...asUser, process.execPath, '-e', script];
    const r = spawnSync(command, args, { cwd: run.pkg.taskDir, env: { PATH: process.env.PATH, NODE_PATH: run.pkg.layerModules, TMPDIR: tmp }, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('can write only in its /tmp: not in the package, the layer or its working directory', () => {
    const probe = (dir: string): string => `(() => { try { require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'probe'))}, 'x'); return 'written'; } catch (e) { return e.code; } })()`;
    const r = runScript(`console.log(JSON.stringify([${[run.pkg.taskDir, join(run.pkg.taskDir, 'sql'), run.pkg.layerModules, '.'].map(probe).join(', ')}, ${probe(tmp)}]))`);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['EACCES', 'EACCES', 'EACCES', 'EACCES', 'written']);
  });

  it("reproduces the blocker: DuckDB's default temp directory (.tmp in the working directory) cannot take a spill", () => {
    const spill = `(async () => {
      const { DuckDBInstance } = require('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:', { memory_limit: '32MB', threads: '1' });
      const conn = await db.connect();
      await conn.run('CREATE TABLE t AS SELECT range AS x, md5(range::VARCHAR) AS s FROM range(2000000) ORDER BY s');
      console.log('spilled');
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const r = runScript(spill);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Failed to create directory "\.tmp": Permission denied/);
  });

  it('validates and curates a batch from the bundle, writing only under /tmp, within the function memory', async () => {
    const plan = (await runLambdaStep('plan-batch', run)).result as BatchPlan;
    const validate = await runLambdaStep('validate-batch', { ...run, plan });
    const validation = validate.result as ValidationResult;
    expect(validation.valid).toBeGreaterThan(0);
    const curate = await runLambdaStep('curate-batch', { ...run, plan });
    expect((curate.result as CurateResult).rows.sales_lines).toBeGreaterThan(60_000);
    expect(curate.peakSpillBytes).toBe(0); // this batch fits in the function's memory_limit
    batch = { plan, curated: curate.result as CurateResult };
    for (const step of [validate, curate]) {
      expect(step.maxRssBytes).toBeLessThan(MEMORY_MB * MB);
      expect(step.peakWorkBytes).toBeGreaterThan(0); // the copy of the lake's prefixes, as S3LakeFiles makes it
    }
    expect(duckdbFilesUnder(run.pkg.taskDir)).toEqual([]);
  });

  it('summarizes the batch into store_day_baskets from the bundle, within the function memory, and gives up its /tmp copies', async () => {
    if (!batch) throw new Error('needs the batch the previous test validated and curated');
    const dates = batch.curated.affectedDates.sales_lines;
    const summary = await runLambdaStep('summarize-baskets', { ...run, plan: batch.plan, commit: { affectedDates: batch.curated.affectedDates } });
    expect(summary.result).toMatchObject({ dates: dates.length, missingLeft: 0 });
    expect(existsSync(join(run.lake, storeDayBasketsKey(monthStart(dates[0]))))).toBe(true);
    expect(summary.maxRssBytes).toBeLessThan(MEMORY_MB * MB);
    expect(summary.peakWorkBytes).toBeGreaterThan(0); // it read copies of the lines under /tmp
    expect(bytesUnder(join(workPaths(tmp).lake, 'curated'))).toBe(0); // and released them all
    expect(duckdbFilesUnder(run.pkg.taskDir)).toEqual([]);
  });

  it('parses the staged events into DuckDB’s memory at the smallest memory_limit that takes them there, to the same result', async () => {
    if (!batch) throw new Error('needs the batch the previous test validated and curated');
    const staged = bytesUnder(join(run.lake, stagingPrefix(batch.plan.batchId)));
    expect(staged).toBeGreaterThan(0);
    // the smallest limit whose share for staged events (stagedInMemoryBytes) holds this batch's, and the largest that does not
    let limitMb = 1;
    while (stagedInMemoryBytes(limitMb) < staged) limitMb++;
    expect(stagedInMemoryBytes(limitMb - 1)).toBeLessThan(staged);
    const inMemory = await runLambdaStep('curate-batch', { ...run, plan: batch.plan, env: { ...run.env, DUCKDB_MEMORY_MB: String(limitMb), DUCKDB_THREADS: '1' } });
    expect(inMemory.result).toEqual(batch.curated);
    expect(inMemory.maxRssBytes).toBeLessThan(MEMORY_MB * MB);
  });

  it('spills to /tmp when memory_limit is low, and curates the same batch to the same result', async () => {
    if (!batch) throw new Error('needs the batch the previous test validated and curated');
    // a re-run of Curate (as after a retry) writes the same batch files again, with a memory_limit the batch's rows do not fit
    // (measured since Curate stages its events as Parquet: at 56 MB this batch fits, at 44-50 MB it spills, at 38 MB
    // one of DuckDB's allocations no longer fits)
    const lowMemory = await runLambdaStep('curate-batch', { ...run, plan: batch.plan, env: { ...run.env, DUCKDB_MEMORY_MB: '46', DUCKDB_THREADS: '1' } });
    expect(lowMemory.peakSpillBytes).toBeGreaterThan(0); // DuckDB's spill files appeared under <tmp>/duckdb
    expect(lowMemory.result).toEqual(batch.curated);
    expect(lowMemory.maxRssBytes).toBeLessThan(MEMORY_MB * MB);
    expect(bytesUnder(join(tmp, 'duckdb'))).toBe(0); // and are gone once the step has closed its database
    expect(existsSync(join(run.pkg.taskDir, '.tmp'))).toBe(false);
  });
});
