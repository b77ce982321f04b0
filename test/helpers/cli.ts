import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The `retail-lake` command as npm installs it (bin/retail-lake.cjs). */
export const CLI_BIN = join(__dirname, '..', '..', 'bin', 'retail-lake.cjs');

/** `retail-lake --lake <lake> <args>` in a child process: its exit code and output. */
export function cli(lake: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_BIN, '--lake', lake, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `cli` without waiting (for commands that may run side by side), with `env` for the child: its exit code and
 * stderr. */
export function cliAsync(lake: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI_BIN, '--lake', lake, ...args], { timeout: 60_000, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail).on('close', (code) => done({ code, stderr }));
  });
}
