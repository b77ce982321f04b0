import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Template } from 'aws-cdk-lib/assertions';
import type { StageConfig } from '../../infra/lib/config';
import type { RetailLakeStacks } from '../../infra/lib/retail-lake-app';
import { SYNTH_CACHE_ENV } from '../run-folders-setup';

/** Written last by the synthesis: its presence means the stage is complete. */
export const STAGE_FILE = 'stage.json';

export type StackKey = keyof RetailLakeStacks;
/** A Record, so that a stack added to RetailLakeStacks and not listed here does not compile. */
const STACKS: Record<StackKey, true> = { lake: true, alerts: true, warehouse: true, ingest: true, pipeline: true, consumers: true, observability: true };
export const STACK_KEYS = Object.keys(STACKS) as StackKey[];

type Json = Record<string, unknown>;

export interface StageOverrides {
  /** merged into cdk.json's stages.dev */
  stage?: Json;
  /** extra top-level context */
  context?: Json;
}

/** What the synthesis of one stage leaves in the cache (STAGE_FILE), beside its cloud assembly. */
export interface StageRecord {
  config: StageConfig;
  stacks: Record<StackKey, { stackName: string; templateFile: string; nestedTemplateFiles: string[]; nagFindings: string[] }>;
}

/** One synthesized stage, as the infra suites see it: templates, not constructs. */
export interface SynthesizedStage {
  config: StageConfig;
  /** the cloud assembly's folder: templates and staged assets (e.g. the state machine's definition) */
  assemblyDir: string;
  stackNames: Record<StackKey, string>;
  templates: Record<StackKey, Template>;
  /** templates of the nested stacks of each stack, in construct order */
  nestedTemplates: Record<StackKey, Template[]>;
  /** cdk-nag AwsSolutions findings that are not acknowledged, as `rule at construct path` */
  nagFindings: Record<StackKey, string[]>;
}

/** The cache folder of a set of overrides; key order does not matter. */
function stageDir(overrides: StageOverrides): string {
  const root = process.env[SYNTH_CACHE_ENV];
  if (!root) throw new Error(`${SYNTH_CACHE_ENV} is not set: run the infra suites through jest.config.js, whose globalSetup creates the synth cache`);
  const canonical = JSON.stringify(overrides, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
  return join(root, createHash('sha256').update(canonical).digest('hex').slice(0, 16));
}

/** mkdir is atomic: the one worker that creates the lock synthesizes, the others wait for STAGE_FILE. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function ensureSynthesized(dir: string, overrides: StageOverrides): Promise<void> {
  const lock = `${dir}.lock`;
  while (!existsSync(join(dir, STAGE_FILE))) {
    if (tryLock(lock)) {
      try {
        // loaded only on a miss: building the app pulls in all of infra/ and aws-cdk-lib
        if (!existsSync(join(dir, STAGE_FILE))) (await import('./stage-synthesis')).synthesizeStage(overrides, dir);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    } else {
      // another worker is synthesizing; if it fails, its lock goes and this one tries (and reports the error)
      await sleep(200);
    }
  }
}

const readTemplate = (assemblyDir: string, file: string): Template => Template.fromJSON(JSON.parse(readFileSync(join(assemblyDir, file), 'utf8')) as Json);

function mapStacks<T>(f: (key: StackKey) => T): Record<StackKey, T> {
  return Object.fromEntries(STACK_KEYS.map((k) => [k, f(k)])) as Record<StackKey, T>;
}

/**
 * The whole app as infra/bin/app.ts builds it, with the dev stage plus overrides. Each distinct set of overrides is
 * synthesized once per jest run (by whichever suite asks first) and every suite reads the same templates.
 */
export async function synthesizedStage(overrides: StageOverrides = {}): Promise<SynthesizedStage> {
  const dir = stageDir(overrides);
  await ensureSynthesized(dir, overrides);
  const record = JSON.parse(readFileSync(join(dir, STAGE_FILE), 'utf8')) as StageRecord;
  const assemblyDir = join(dir, 'assembly');
  return {
    config: record.config,
    assemblyDir,
    stackNames: mapStacks((k) => record.stacks[k].stackName),
    templates: mapStacks((k) => readTemplate(assemblyDir, record.stacks[k].templateFile)),
    nestedTemplates: mapStacks((k) => record.stacks[k].nestedTemplateFiles.map((f) => readTemplate(assemblyDir, f))),
    nagFindings: mapStacks((k) => record.stacks[k].nagFindings),
  };
}
