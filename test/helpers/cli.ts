import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The `retail-lake` command as npm installs it (bin/retail-lake.cjs). */
export const CLI_BIN = join(__dirname, '..', '..', 'bin', 'retail-lake.cjs');

/** `retail-lake --lake <lake> <args>` in a child process: its exit code and output. */
export function cli(lake: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_BIN, '--lake', lake, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
