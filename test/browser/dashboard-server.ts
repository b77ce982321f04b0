import { spawn } from 'node:child_process';
import { CLI_BIN } from '../helpers/cli';

export interface RunningDashboard {
  /** the printed base URL, without a trailing slash: http://127.0.0.1:<port> */
  url: string;
  stop: () => Promise<void>;
}

/** `retail-lake --lake <lake> dashboard --port 0 <args>` in a child process, once it printed where it listens. */
export function startDashboard(lake: string, args: readonly string[] = []): Promise<RunningDashboard> {
  const child = spawn(process.execPath, [CLI_BIN, '--lake', lake, 'dashboard', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill();
    await exited;
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`retail-lake dashboard printed no URL within 30 s:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const url = /Dashboards at (http:\/\/\S+?)\/?(\s|$)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, stop });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`retail-lake dashboard exited (${code}) before it printed a URL:\n${output}`));
    });
  });
}
