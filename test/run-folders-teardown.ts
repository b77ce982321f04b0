import { rmSync } from 'node:fs';
import { RUN_TMPDIR_ENV } from './run-folders-setup';

/** jest globalTeardown: removes this run's temporary folder, the synth cache with it. */
export default function removeRunFolders(): void {
  const dir = process.env[RUN_TMPDIR_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
