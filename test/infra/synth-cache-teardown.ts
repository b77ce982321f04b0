import { rmSync } from 'node:fs';
import { SYNTH_CACHE_ENV } from './synth-cache-setup';

/** jest globalTeardown: removes this run's synth cache. */
export default function removeSynthCache(): void {
  const dir = process.env[SYNTH_CACHE_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
