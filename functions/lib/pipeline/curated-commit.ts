/**
 * Crash-safe commits of files to the curated zone (docs/architecture.md §13.8). A commit puts files at fixed keys and
 * may delete keys it replaces; it never renames, so it works the same on the local disk and on S3, and under
 * Athena's partition projection (the partition locations are fixed: files only appear in them or go).
 *
 * The protocol, each step an ordinary put or delete of the ObjectStore port:
 *  1. stage: a copy of every file goes under the commit's folder (`commitStagedKey`), where no reader looks;
 *  2. the intent record (`commitIntentKey`): the keys the commit puts, with their staged copies, and the keys it
 *     deletes. From here the intent is enough to finish the commit without the process that began it;
 *  3. every put, as a copy of the staged file (S3's CopyObject: the bytes do not pass through the process, so
 *     PlanBatch's small Lambda can roll forward a Glue job's large files), then (only after all puts) every delete;
 *  4. done: the intent is deleted, then the staged copies.
 * `rollForward` finishes any commit that has an intent (steps 3 and 4 again, from the staged copies) and removes
 * the staged copies of a commit that never wrote one (nothing of it was visible). Every step is an overwrite or a
 * delete, so repeating one after a crash changes nothing: roll-forward is idempotent, and may itself be interrupted.
 *
 * What a reader sees: a batch's commit only adds files with keys of its own (`curatedBatchFileKey`), so a reader
 * sees a partition with or without the batch's file, never a partition missing or counted twice. A replacement
 * (`replacePartitionFiles`) is not atomic for a concurrent reader on S3 or locally: between the last put and the
 * last delete a reader may see old and new files together. Once it is done, or rolled forward by the next run,
 * only the new files are there.
 */
import { readFile } from 'node:fs/promises';
import { PipelineStateError } from '../errors';
import { copyObjects, putObjects } from '../for-each-limited';
import { COMMITS_PREFIX, commitIntentKey, commitPrefix, commitStagedKey } from '../lake-layout';
import type { ObjectStore } from '../ports';
import { readJsonIfExists, writeJson } from './json-objects';

/** A file to commit: the key it goes to and the local file that holds it. */
export interface CommitFile {
  key: string;
  path: string;
  /** the caller reads the file no more: staging may move it instead of linking it (see PendingObject) */
  handOver?: boolean;
}

/** A small object to commit from memory (a run record, a list of keys): the key it goes to and its body. */
export interface CommitBody {
  key: string;
  body: Buffer | string;
}

/** The intent record of a commit, as JSON at `commitIntentKey(commitId)`. glue/curate_batch.py writes the same. */
export interface CommitIntent {
  /** the record's format */
  version: 1;
  commitId: string;
  createdAt: string;
  /** each key the commit puts, and the key of the staged copy it is put from on roll-forward */
  puts: { key: string; staged: string }[];
  /** keys deleted once every put is in place (none for a batch's append); never one of the puts' keys */
  deletes: string[];
}

/** Steps 3 and 4: the copies from staging, the deletes, then done. The same for a commit and its roll-forward. */
async function applyIntent(store: ObjectStore, intent: CommitIntent): Promise<void> {
  await copyObjects(store, intent.puts.map((put) => ({ from: put.staged, to: put.key })));
  if (intent.deletes.length > 0) await store.delete(intent.deletes);
  // done: the intent goes first, so a crash from here on leaves staged copies with no intent, which are only removed
  await store.delete([commitIntentKey(intent.commitId)]);
  await removeCommitFolder(store, intent.commitId);
}

async function removeCommitFolder(store: ObjectStore, commitId: string): Promise<void> {
  const left = (await store.list(commitPrefix(commitId))).map((o) => o.key);
  if (left.length > 0) await store.delete(left);
}

/**
 * Puts `files` and then deletes `deletes` under the protocol above. `commitId` names the commit and must be the
 * same when the same work is done again (e.g. `curateCommitId(batchId)`), so a re-run overwrites its own staging.
 */
export async function commitFiles(store: ObjectStore, commitId: string, files: (CommitFile | CommitBody)[], deletes: string[] = []): Promise<void> {
  if (!commitId || commitId.includes('/')) throw new RangeError(`commit id must be one key segment: '${commitId}'`);
  // an earlier attempt under this id that wrote its intent is finished first: restaging would change the files it names
  await finishCommit(store, commitId);
  const puts = files.map((f) => ({ key: f.key, staged: commitStagedKey(commitId, f.key) }));
  const putKeys = new Set(puts.map((p) => p.key));
  await putObjects(
    store,
    files.map((f) =>
      'body' in f
        ? { key: commitStagedKey(commitId, f.key), body: async () => f.body }
        : { key: commitStagedKey(commitId, f.key), body: () => readFile(f.path), path: f.path, handOver: f.handOver },
    ),
  );
  const intent: CommitIntent = {
    version: 1,
    commitId,
    createdAt: new Date().toISOString(),
    puts,
    deletes: [...new Set(deletes)].filter((k) => !putKeys.has(k)).sort(),
  };
  await writeJson(store, commitIntentKey(commitId), intent);
  await applyIntent(store, intent);
}

/**
 * Replaces the whole file set of some partitions (e.g. `curatedPartitionPrefix(table, date)` for each date a
 * reprocess rewrote): `files` go in, then every other key under `partitionPrefixes` goes, under the protocol above.
 * Each file's key must lie under one of the prefixes; `alsoPut` (keys outside them, e.g. the records of the change)
 * go in the same commit. Returns the keys deleted. Not atomic for a concurrent reader between the puts and the
 * deletes (see the module comment); complete after it returns or after `rollForward`.
 */
export async function replacePartitionFiles(
  store: ObjectStore,
  commitId: string,
  partitionPrefixes: string[],
  files: CommitFile[],
  alsoPut: (CommitFile | CommitBody)[] = [],
): Promise<string[]> {
  const prefixes = partitionPrefixes.map((p) => (p.endsWith('/') ? p : `${p}/`));
  const outside = files.filter((f) => !prefixes.some((p) => f.key.startsWith(p)));
  if (outside.length > 0) throw new RangeError(`file outside the partitions it replaces: ${outside[0].key}`);
  const keep = new Set(files.map((f) => f.key));
  const old: string[] = [];
  for (const prefix of prefixes) old.push(...(await store.list(prefix)).map((o) => o.key).filter((k) => !keep.has(k)));
  await commitFiles(store, commitId, [...files, ...alsoPut], old);
  return old;
}

/**
 * Finishes every unfinished commit: one with an intent is rolled forward from its staged copies; one without is
 * removed (it was interrupted while staging, before anything a reader sees). Call it before new work starts, with
 * no commit running (the run lease or the local run lock). Returns the ids of the commits rolled forward.
 */
export async function rollForward(store: ObjectStore): Promise<string[]> {
  const ids = [...new Set((await store.list(COMMITS_PREFIX)).map((o) => o.key.slice(COMMITS_PREFIX.length).split('/')[0]))];
  const finished: string[] = [];
  for (const commitId of ids) if (await finishCommit(store, commitId)) finished.push(commitId);
  return finished;
}

/** Rolls the commit forward if it has an intent (true), else removes what it staged (false). */
async function finishCommit(store: ObjectStore, commitId: string): Promise<boolean> {
  const intent = await readJsonIfExists<CommitIntent>(store, commitIntentKey(commitId));
  if (intent === null) {
    await removeCommitFolder(store, commitId);
    return false;
  }
  if (intent.version !== 1 || intent.commitId !== commitId) {
    throw new PipelineStateError(`${commitIntentKey(commitId)}: not an intent record this version can finish`);
  }
  await applyIntent(store, intent);
  return true;
}
