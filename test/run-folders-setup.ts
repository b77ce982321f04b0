import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The cache folder of this jest run, inherited by the workers. */
export const SYNTH_CACHE_ENV = 'RETAIL_LAKE_SYNTH_CACHE';
/** The temporary folder of this jest run (the workers' TMPDIR), named for the teardown, which removes it. */
export const RUN_TMPDIR_ENV = 'RETAIL_LAKE_TEST_TMPDIR';

/**
 * jest globalSetup: a temporary folder for this run, made TMPDIR (os.tmpdir()) for the workers and the processes the
 * tests start, which inherit it; the teardown removes it whole. What a test leaves behind (a CDK App without an
 * outdir synthesizes to a folder of its own under TMPDIR; DuckDB spill folders; a suite's lake) goes with it, not
 * into the machine's /tmp: one run left about 60 folders there. Inside it, the synth cache of this run
 * (test/infra/synthesized-stage.ts).
 */
export default function createRunFolders(): void {
  const run = mkdtempSync(join(tmpdir(), 'retail-lake-test-run-'));
  // others may pass through it, as through /tmp (not list it): the Lambda environment suite runs its bundle as
  // another user, from a folder it makes readable in here
  chmodSync(run, 0o711);
  process.env[RUN_TMPDIR_ENV] = run;
  process.env.TMPDIR = run;
  const cache = join(run, 'synth-cache');
  mkdirSync(cache);
  process.env[SYNTH_CACHE_ENV] = cache;
}
