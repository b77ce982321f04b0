import type { Command } from 'commander';
import { STORES_KEY } from '../../functions/lib/lake-layout';
import { UsageError } from './errors';

// main.ts registers `keys` on every start: what the subcommands use is loaded when one runs
const keysFileModule = () => import('../ingest/keys-file');

/**
 * `retail-lake keys add|list|revoke`: the ingest keys `serve` accepts, each bound to its stores. A key is shown
 * once, when it is added; the keys file keeps its SHA-256 only. Rotating: add a key for the same stores, move the
 * tills to it, revoke the old one; both work in between, and a running `serve` sees the change within a second.
 */

/** The store ids of `--stores S001,S002`, each one a store of the lake's reference data. */
async function checkedStores(lakeRoot: string, list: string): Promise<string[]> {
  const wanted = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (wanted.length === 0) throw new UsageError('--stores: name at least one store id, e.g. --stores S001,S002');
  const [{ FsObjectStore }, { parseStoresCsv }] = await Promise.all([import('../adapters/fs-object-store'), import('../../functions/lib/reference/reference-data')]);
  const csv = await new FsObjectStore(lakeRoot).getIfExists(STORES_KEY);
  if (csv === null) throw new UsageError(`no reference stores in ${lakeRoot}: load them first with \`retail-lake reference\``);
  const known = parseStoresCsv(csv.toString('utf8'), STORES_KEY);
  const unknown = wanted.filter((s) => !known.has(s));
  if (unknown.length > 0) throw new UsageError(`--stores: unknown store ${unknown.join(', ')} (not in the reference stores)`);
  return wanted;
}

export async function keysAdd(lakeRoot: string, opts: { stores: string; keysFile?: string }): Promise<string> {
  const { addKey, defaultKeysFilePath } = await keysFileModule();
  const path = opts.keysFile ?? defaultKeysFilePath(lakeRoot);
  const { key, secret } = await addKey(path, await checkedStores(lakeRoot, opts.stores));
  return (
    `added ${key.id} for ${key.stores.join(', ')} in ${path}\n` +
    `API key (shown once; only its SHA-256 is kept): ${secret}\n`
  );
}

export async function keysList(lakeRoot: string, opts: { keysFile?: string }): Promise<string> {
  const { defaultKeysFilePath, readKeysFile } = await keysFileModule();
  const path = opts.keysFile ?? defaultKeysFilePath(lakeRoot);
  const { keys } = await readKeysFile(path);
  if (keys.length === 0) return `no ingest keys in ${path}\n`;
  const width = Math.max(...keys.map((k) => k.id.length));
  return keys.map((k) => `${k.id.padEnd(width)}  ${k.created}  ${k.stores.join(',')}\n`).join('');
}

export async function keysRevoke(lakeRoot: string, id: string, opts: { keysFile?: string }): Promise<string> {
  const { defaultKeysFilePath, revokeKey } = await keysFileModule();
  const path = opts.keysFile ?? defaultKeysFilePath(lakeRoot);
  if (!(await revokeKey(path, id))) throw new UsageError(`no ingest key ${id} in ${path} (see \`retail-lake keys list\`)`);
  return `revoked ${id}\n`;
}

/** Adds the `keys` command and its subcommands to the CLI (main.ts). */
export function addKeysCommand(program: Command, lakeOf: (cmd: Command) => string): void {
  const keys = program
    .command('keys')
    .description('ingest API keys for `serve`, each bound to its stores (rotate: add a new key, then revoke the old)')
    .option('--keys-file <path>', 'the keys file (default: <lake>/control/ingest-keys.json)');
  const fileOf = (cmd: Command): { keysFile?: string } => ({ keysFile: cmd.optsWithGlobals<{ keysFile?: string }>().keysFile });
  keys
    .command('add')
    .description('create a key for the stores, print it once, store its SHA-256')
    .requiredOption('--stores <ids>', 'comma-separated store ids from the reference stores, e.g. S001,S002')
    .action(async (opts: { stores: string }, cmd: Command) => {
      process.stdout.write(await keysAdd(lakeOf(cmd), { ...fileOf(cmd), stores: opts.stores }));
    });
  keys
    .command('list')
    .description('the keys: id, created, stores (never a secret)')
    .action(async (_opts, cmd: Command) => {
      process.stdout.write(await keysList(lakeOf(cmd), fileOf(cmd)));
    });
  keys
    .command('revoke')
    .description('remove a key: a running serve refuses it within a second')
    .argument('<id>', 'key id (see keys list)')
    .action(async (id: string, _opts, cmd: Command) => {
      process.stdout.write(await keysRevoke(lakeOf(cmd), id, fileOf(cmd)));
    });
}
