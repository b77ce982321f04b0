import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Node } from 'constructs';
import { ConfigurationError } from '../../functions/lib/errors';
import { MAX_BODY_BYTES_LIMIT } from '../../functions/ingest/config';
import { DEFAULT_REPORTING_CURRENCY } from '../../functions/lib/pipeline/pipeline-settings';
import { CURRENCY_CODE, parseStoresCsv } from '../../functions/lib/reference/reference-data';
import { managersFromStores, type ManagerIdentity, type StoreManager } from '../../functions/lib/reference/store-managers';
import { longestBucketName } from './common/names';
import { AWS_QUOTAS } from './common/quotas';

export type { ManagerIdentity, StoreManager } from '../../functions/lib/reference/store-managers';

/** Everything that differs between stages; read from CDK context (cdk.json `stages.<stage>`), documented in docs/deploy.md. */
export interface StageConfig {
  stage: string;
  /** resource name prefix, e.g. retail-lake-dev */
  prefix: string;
  region: string;
  /** three AZs of the region for the warehouse's private subnets */
  availabilityZones: string[];
  /** the single switch between RETAIN and DESTROY for data (buckets, tables, warehouse); see retention.ts */
  removeDataOnDestroy: boolean;
  /** ops and data-quality alert e-mails (the data team) */
  alertEmails: string[];
  logRetentionDays: number;
  ingest: {
    throttleRateLimit: number;
    throttleBurstLimit: number;
    /** requests per day per API key */
    quotaPerDay: number;
    /** WAF: requests per 5 minutes from one IP before it is blocked */
    wafRateLimitPer5Min: number;
    maxBodyBytes: number;
    streamRetentionHours: number;
    firehoseBufferSeconds: number;
    firehoseBufferMiB: number;
    /** one usage plan (throttle, quota) per store group; keys are issued into a group's plan and bound to their
     * stores in the ingest keys file (docs/deploy.md) */
    storeGroups: string[];
  };
  lake: {
    /** Glue / Athena database of the curated tables */
    curatedDatabase: string;
    rawToGlacierDays: number;
    /** 0 = keep raw forever */
    rawExpireDays: number;
    quarantineExpireDays: number;
    athenaResultsExpireDays: number;
    accessLogsExpireDays: number;
    noncurrentVersionExpireDays: number;
  };
  pipeline: {
    /** EventBridge schedule expression: rate(...) or cron(...) */
    schedule: string;
    scheduleEnabled: boolean;
    glueThresholdBytes: number;
    glueWorkers: number;
    /** stock risk: safety stock's service level (0.5 <= level < 1) */
    serviceLevel: number;
    /** stock risk: days without a sale after which stock is dead */
    deadStockDays: number;
    /** stock risk: cover above this many lead times is overstock */
    overstockCover: number;
    quarantineAlertRate: number;
    /** ISO 4217 code of the stage's totals across stores (REPORTING_CURRENCY); default USD */
    reportingCurrency: string;
    lambdaMemoryMb: number;
    /** memory of the DuckDB steps (curate, stock risk, reconcile) */
    duckdbMemoryMb: number;
    /**
     * the account's Lambda memory quota was raised above the 3,008 MB new accounts get (Service Quotas), so the
     * memory settings may go up to 10,240 MB
     */
    lambdaMemoryQuotaRaised: boolean;
  };
  warehouse: {
    database: string;
    adminUsername: string;
    baseCapacityRpu: number;
    maxCapacityRpu: number;
  };
  consumers: {
    analystBytesScannedCutoffMb: number;
    /** the store-to-manager mapping: the stores CSV (`storesCsv`, the lake's reference stores.csv) grouped by manager_email */
    storeManagers: StoreManager[];
    /** managers' IAM principals (Lake Formation row filters) and QuickSight users (row-level security) */
    managerIdentities: ManagerIdentity[];
    /** extra Lake Formation admins (the CDK deployment role is always one) */
    lakeFormationAdmins: string[];
    quicksight: { enabled: boolean; principalArn: string };
  };
  observability: {
    /** alarm when Firehose's oldest undelivered record is older than this */
    firehoseFreshnessSeconds: number;
    kinesisIteratorAgeSeconds: number;
    reconciliationGapThreshold: number;
    stockoutThreshold: number;
    /** CloudTrail logs reads of the lake buckets too, not only writes (many more events, see docs/deploy.md) */
    trailReads: boolean;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A bad stage setting, named by its path in the cdk context. */
class ConfigError extends ConfigurationError {
  constructor(path: string, message: string) {
    super(`cdk context ${path}: ${message}`);
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Typed reads from a context object, each naming the setting it rejects. */
class Reader {
  constructor(
    private readonly obj: JsonObject,
    readonly path: string,
  ) {}

  private raw(key: string): Json | undefined {
    return this.obj[key];
  }

  section(key: string): Reader {
    const v = this.raw(key);
    if (!isObject(v)) throw new ConfigError(`${this.path}.${key}`, 'must be an object');
    return new Reader(v, `${this.path}.${key}`);
  }

  string(key: string): string {
    const v = this.raw(key);
    if (typeof v !== 'string' || v === '') throw new ConfigError(`${this.path}.${key}`, 'must be a non-empty string');
    return v;
  }

  optionalString(key: string, fallback: string): string {
    return this.raw(key) === undefined ? fallback : this.string(key);
  }

  number(key: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.raw(key);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v; // `-c` values arrive as strings
    const { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false } = opts;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new ConfigError(`${this.path}.${key}`, `must be a ${integer ? 'whole ' : ''}number in ${min}..${max}, got ${JSON.stringify(v)}`);
    }
    return n;
  }

  boolean(key: string, fallback?: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    if (typeof v !== 'boolean') throw new ConfigError(`${this.path}.${key}`, 'must be true or false');
    return v;
  }

  strings(key: string, fallback?: string[]): string[] {
    const v = this.raw(key);
    if (v === undefined && fallback) return fallback;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
      throw new ConfigError(`${this.path}.${key}`, 'must be a list of non-empty strings');
    }
    return v as string[];
  }

  list(key: string): Reader[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isObject)) throw new ConfigError(`${this.path}.${key}`, 'must be a list of objects');
    return (v as JsonObject[]).map((o, i) => new Reader(o, `${this.path}.${key}[${i}]`));
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** An IAM role or user, optionally with a path. */
const IAM_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;
/** arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>; a federated user's name holds a `/` (role/session). */
const QUICKSIGHT_USER_ARN = /^arn:aws(-[a-z]+)*:quicksight:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:user\/[\w.-]{1,64}\/\S+$/;

/** The store-to-manager mapping: the stores CSV's manager_email column, the only source (the file the lake's reference stores.csv holds). */
function readStoreManagers(c: Reader, baseDir: string): StoreManager[] {
  if (c.has('storeManagers')) {
    throw new ConfigError(`${c.path}.storeManagers`, 'is no longer read: the managers come from the manager_email column of the stores CSV named by storesCsv');
  }
  const file = c.string('storesCsv');
  const full = isAbsolute(file) ? file : resolve(baseDir, file);
  const managers = managersFromStores(parseStoresCsv(readFileSync(full, 'utf8'), file).values());
  for (const m of managers) {
    if (!EMAIL.test(m.email)) throw new ConfigError(`${c.path}.storesCsv`, `manager e-mail "${m.email}" is not an e-mail address`);
    if (m.storeIds.length > AWS_QUOTAS.snsFilterPolicyValues) {
      throw new ConfigError(`${c.path}.storesCsv`, `manager ${m.email} has ${m.storeIds.length} stores; an SNS filter policy holds at most ${AWS_QUOTAS.snsFilterPolicyValues}`);
    }
  }
  return managers;
}

function optionalArn(r: Reader, key: string, pattern: RegExp, shape: string): string | undefined {
  if (!r.has(key)) return undefined;
  const arn = r.string(key);
  if (!pattern.test(arn)) throw new ConfigError(`${r.path}.${key}`, `"${arn}" is not ${shape}`);
  return arn;
}

/** Each manager's cloud identities: a manager of the mapping, once, with at least one well-formed ARN. */
function readManagerIdentities(c: Reader, managers: readonly StoreManager[]): ManagerIdentity[] {
  if (c.has('storeAccess')) {
    throw new ConfigError(
      `${c.path}.storeAccess`,
      'is no longer read: list managerIdentities [{ email, iamPrincipalArn?, quickSightUserArn? }] instead; each manager\'s stores come from the manager_email column of the stores CSV',
    );
  }
  const seen = new Set<string>();
  return c.list('managerIdentities').map((r) => {
    const email = r.string('email');
    if (!managers.some((m) => m.email === email)) {
      throw new ConfigError(`${r.path}.email`, `"${email}" manages no store: it is not in the manager_email column of ${c.string('storesCsv')}`);
    }
    if (seen.has(email)) throw new ConfigError(`${r.path}.email`, `"${email}" is listed twice`);
    seen.add(email);
    const iamPrincipalArn = optionalArn(r, 'iamPrincipalArn', IAM_PRINCIPAL_ARN, 'an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)');
    const quickSightUserArn = optionalArn(r, 'quickSightUserArn', QUICKSIGHT_USER_ARN, 'a QuickSight user ARN (arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>)');
    if (iamPrincipalArn === undefined && quickSightUserArn === undefined) throw new ConfigError(r.path, 'needs iamPrincipalArn, quickSightUserArn or both');
    return { email, ...(iamPrincipalArn && { iamPrincipalArn }), ...(quickSightUserArn && { quickSightUserArn }) };
  });
}

/** Store group names: they name usage plans, so lower-case letters, digits and hyphens; at least one, no repeats. */
function storeGroupsOf(ingest: Reader): string[] {
  const groups = ingest.strings('storeGroups');
  const bad = groups.find((g) => !/^[a-z0-9][a-z0-9-]*$/.test(g));
  if (groups.length === 0 || bad !== undefined || new Set(groups).size !== groups.length) {
    throw new ConfigError('ingest.storeGroups', `must be distinct names of lower-case letters, digits and hyphens, at least one${bad !== undefined ? `; got "${bad}"` : ''}`);
  }
  return groups;
}

function readIngest(ingest: Reader): StageConfig['ingest'] {
  return {
    throttleRateLimit: ingest.number('throttleRateLimit', { min: 1 }),
    throttleBurstLimit: ingest.number('throttleBurstLimit', { min: 1, integer: true }),
    quotaPerDay: ingest.number('quotaPerDay', { min: 1, integer: true }),
    wafRateLimitPer5Min: ingest.number('wafRateLimitPer5Min', { min: 10, integer: true }),
    maxBodyBytes: ingest.number('maxBodyBytes', { min: 1024, max: MAX_BODY_BYTES_LIMIT, integer: true }),
    streamRetentionHours: ingest.number('streamRetentionHours', { min: 24, max: 8760, integer: true }),
    firehoseBufferSeconds: ingest.number('firehoseBufferSeconds', { min: 0, max: 900, integer: true }),
    firehoseBufferMiB: ingest.number('firehoseBufferMiB', { min: 1, max: 128, integer: true }),
    storeGroups: storeGroupsOf(ingest),
  };
}

function readLake(lake: Reader): StageConfig['lake'] {
  return {
    curatedDatabase: lake.optionalString('curatedDatabase', 'retail_curated'),
    rawToGlacierDays: lake.number('rawToGlacierDays', { min: 1, integer: true }),
    rawExpireDays: lake.number('rawExpireDays', { min: 0, integer: true }),
    quarantineExpireDays: lake.number('quarantineExpireDays', { min: 1, integer: true }),
    athenaResultsExpireDays: lake.number('athenaResultsExpireDays', { min: 1, integer: true }),
    accessLogsExpireDays: lake.number('accessLogsExpireDays', { min: 1, integer: true }),
    noncurrentVersionExpireDays: lake.number('noncurrentVersionExpireDays', { min: 1, integer: true }),
  };
}

function readCurrency(code: string, path: string): string {
  if (!CURRENCY_CODE.test(code)) throw new ConfigError(path, `must be an ISO 4217 code (3 upper-case letters), got "${code}"`);
  return code;
}

function readPipeline(pipeline: Reader, path: string): StageConfig['pipeline'] {
  const schedule = pipeline.string('schedule');
  if (!/^(rate|cron)\(.+\)$/.test(schedule)) throw new ConfigError(`${path}.schedule`, `"${schedule}" is not rate(...) or cron(...)`);
  return {
    schedule,
    scheduleEnabled: pipeline.boolean('scheduleEnabled', true),
    glueThresholdBytes: pipeline.number('glueThresholdBytes', { min: 1, integer: true }),
    glueWorkers: pipeline.number('glueWorkers', { min: 2, integer: true }),
    serviceLevel: pipeline.number('serviceLevel', { min: 0.5, max: 0.9999 }),
    deadStockDays: pipeline.number('deadStockDays', { min: 1, integer: true }),
    overstockCover: pipeline.number('overstockCover', { min: 1 }),
    quarantineAlertRate: pipeline.number('quarantineAlertRate', { max: 1 }),
    reportingCurrency: readCurrency(pipeline.optionalString('reportingCurrency', DEFAULT_REPORTING_CURRENCY), `${path}.reportingCurrency`),
    lambdaMemoryMb: pipeline.number('lambdaMemoryMb', { min: 128, max: AWS_QUOTAS.lambdaMemoryMbRaised, integer: true }),
    duckdbMemoryMb: pipeline.number('duckdbMemoryMb', { min: 512, max: AWS_QUOTAS.lambdaMemoryMbRaised, integer: true }),
    lambdaMemoryQuotaRaised: pipeline.boolean('lambdaMemoryQuotaRaised', false),
  };
}

/** Lambda memory above what a new account may configure fails the deploy, unless the stage says the quota was raised. */
function checkLambdaMemory(pipeline: StageConfig['pipeline'], path: string): void {
  if (pipeline.lambdaMemoryQuotaRaised) return;
  const quota = AWS_QUOTAS.lambdaMemoryMb;
  for (const key of ['lambdaMemoryMb', 'duckdbMemoryMb'] as const) {
    if (pipeline[key] > quota) {
      throw new ConfigError(
        `${path}.${key}`,
        `${pipeline[key]} MB exceeds the ${quota} MB Lambda memory quota of a new account: set it to ${quota} or less, or, once the ` +
          `account's quota is raised (Service Quotas, AWS Lambda), set ${path}.lambdaMemoryQuotaRaised: true`,
      );
    }
  }
}

function readWarehouse(warehouse: Reader): StageConfig['warehouse'] {
  return {
    database: warehouse.string('database'),
    adminUsername: warehouse.string('adminUsername'),
    baseCapacityRpu: warehouse.number('baseCapacityRpu', { min: 4, max: 1024, integer: true }),
    maxCapacityRpu: warehouse.number('maxCapacityRpu', { min: 4, max: 1024, integer: true }),
  };
}

function readConsumers(consumers: Reader, baseDir: string): StageConfig['consumers'] {
  const quicksight = consumers.section('quicksight');
  const storeManagers = readStoreManagers(consumers, baseDir);
  return {
    analystBytesScannedCutoffMb: consumers.number('analystBytesScannedCutoffMb', { min: 10, integer: true }),
    storeManagers,
    managerIdentities: readManagerIdentities(consumers, storeManagers),
    lakeFormationAdmins: consumers.strings('lakeFormationAdmins', []),
    quicksight: { enabled: quicksight.boolean('enabled', false), principalArn: quicksight.optionalString('principalArn', '') },
  };
}

function readObservability(observability: Reader): StageConfig['observability'] {
  return {
    firehoseFreshnessSeconds: observability.number('firehoseFreshnessSeconds', { min: 60, integer: true }),
    kinesisIteratorAgeSeconds: observability.number('kinesisIteratorAgeSeconds', { min: 1, integer: true }),
    reconciliationGapThreshold: observability.number('reconciliationGapThreshold'),
    stockoutThreshold: observability.number('stockoutThreshold', { min: 1, integer: true }),
    trailReads: observability.boolean('trailReads', false),
  };
}

/** The checks that span settings (or need the whole config), after each setting has been read. */
function checkStageConfig(config: StageConfig, path: string): void {
  if (!/^[a-z][a-z0-9_]{0,254}$/.test(config.lake.curatedDatabase)) {
    throw new ConfigError(`${path}.lake.curatedDatabase`, 'must be lower-case letters, digits and _');
  }
  if (longestBucketName(config.prefix) > 63) {
    throw new ConfigError(`${path}.prefix`, `"${config.prefix}" makes bucket names longer than S3's 63 characters`);
  }
  if (config.warehouse.maxCapacityRpu < config.warehouse.baseCapacityRpu) {
    throw new ConfigError(`${path}.warehouse.maxCapacityRpu`, 'must be >= baseCapacityRpu');
  }
  checkLambdaMemory(config.pipeline, `${path}.pipeline`);
  if (config.consumers.quicksight.enabled && !config.consumers.quicksight.principalArn) {
    throw new ConfigError(`${path}.consumers.quicksight.principalArn`, 'is required when QuickSight is enabled');
  }
}

/**
 * The stage's settings: `-c stage=NAME` (default "dev") picks `stages.NAME` from context; `-c removeDataOnDestroy=true`
 * overrides that one flag. `baseDir` resolves relative file paths (the project root).
 */
export function loadStageConfig(node: Node, baseDir: string): StageConfig {
  const stage = String(node.tryGetContext('stage') ?? 'dev');
  const stages: unknown = node.tryGetContext('stages');
  if (!isObject(stages) || !isObject(stages[stage])) {
    throw new ConfigError(`stages.${stage}`, `is not defined (stages: ${isObject(stages) ? Object.keys(stages).join(', ') : 'none'})`);
  }
  const path = `stages.${stage}`;
  const r = new Reader(stages[stage] as JsonObject, path);
  const overrideRemove: unknown = node.tryGetContext('removeDataOnDestroy');
  const alertEmails = r.strings('alertEmails', []);
  for (const e of alertEmails) if (!EMAIL.test(e)) throw new ConfigError(`${path}.alertEmails`, `"${e}" is not an e-mail address`);
  const azs = r.strings('availabilityZones');
  if (azs.length < 3) throw new ConfigError(`${path}.availabilityZones`, 'Redshift Serverless needs subnets in three AZs');

  const config: StageConfig = {
    stage,
    prefix: r.optionalString('prefix', `retail-lake-${stage}`),
    region: r.string('region'),
    availabilityZones: azs,
    removeDataOnDestroy: overrideRemove === undefined ? r.boolean('removeDataOnDestroy', false) : overrideRemove === true || overrideRemove === 'true',
    alertEmails,
    logRetentionDays: r.number('logRetentionDays', { min: 1, integer: true }),
    ingest: readIngest(r.section('ingest')),
    lake: readLake(r.section('lake')),
    pipeline: readPipeline(r.section('pipeline'), `${path}.pipeline`),
    warehouse: readWarehouse(r.section('warehouse')),
    consumers: readConsumers(r.section('consumers'), baseDir),
    observability: readObservability(r.section('observability')),
  };
  checkStageConfig(config, path);
  return config;
}
