import { CHECKPOINT_KEY } from '../lake-layout';
import type { ObjectStore } from '../ports';
import { readJsonIfExists, writeJson } from './json-objects';

/** The processed-files manifest: every raw object key a committed batch has taken, with its batch. */
export interface Checkpoint {
  version: 1;
  processed: Record<string, string>;
}

export async function readCheckpoint(store: ObjectStore): Promise<Checkpoint> {
  return (await readJsonIfExists<Checkpoint>(store, CHECKPOINT_KEY)) ?? { version: 1, processed: {} };
}

export async function writeCheckpoint(store: ObjectStore, checkpoint: Checkpoint): Promise<void> {
  await writeJson(store, CHECKPOINT_KEY, checkpoint);
}
