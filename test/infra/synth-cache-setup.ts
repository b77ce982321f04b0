import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The cache folder of this jest run, inherited by the workers. */
export const SYNTH_CACHE_ENV = 'RETAIL_LAKE_SYNTH_CACHE';

/** jest globalSetup: a synth cache folder for this run; workers inherit the variable (test/infra/synthesized-stage.ts). */
export default function createSynthCache(): void {
  process.env[SYNTH_CACHE_ENV] = mkdtempSync(join(tmpdir(), 'retail-lake-synth-'));
}
