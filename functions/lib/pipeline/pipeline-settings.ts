import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineSettings } from '../ports';
import { ConfigurationError } from '../errors';
import { CURRENCY_CODE } from '../reference/reference-data';

export const DEFAULT_REPORTING_CURRENCY = 'USD';

/** validateThreadsFromBytes' default: below it, starting Validate's threads costs more than they save (a batch of
 * 4,428 events, 0.2 MB: 0.19 s on the calling thread, 0.62 s on two threads; the seed's day, 21 MB: 6.3 s on one
 * thread, 4.8 s on two). */
export const VALIDATE_THREADS_FROM_BYTES = 4 * 1024 * 1024;

/** Where the steps write when WORK_DIR is not set (tests, one-off scripts): a folder under the OS's temp dir. */
export const DEFAULT_WORK_DIR = join(tmpdir(), 'retail-lake-work');

/**
 * The pipeline settings from the environment infra/ sets on every pipeline Lambda (SERVICE_LEVEL, DEAD_STOCK_DAYS,
 * OVERSTOCK_COVER, QUARANTINE_ALERT_RATE, GLUE_THRESHOLD_BYTES, MAX_BATCH_BYTES, DEMAND_WINDOW_DAYS, VALIDATE_WORKERS,
 * VALIDATE_THREADS_FROM_BYTES, FORECAST_WORKERS, WORK_DIR,
 * DUCKDB_MEMORY_MB, DUCKDB_THREADS, QUARANTINE_RETENTION_DAYS, RUN_LEASE_SECONDS,
 * REPORTING_CURRENCY); unset ones take defaults.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new ConfigurationError(`${name}: must be a number >= 0, got "${raw}"`);
    return n;
  };
  const reportingCurrency = env.REPORTING_CURRENCY || DEFAULT_REPORTING_CURRENCY;
  if (!CURRENCY_CODE.test(reportingCurrency)) throw new ConfigurationError(`REPORTING_CURRENCY: must be an ISO 4217 code (3 upper-case letters), got "${reportingCurrency}"`);
  return {
    serviceLevel: num('SERVICE_LEVEL', 0.95),
    deadStockDays: num('DEAD_STOCK_DAYS', 28),
    overstockCover: num('OVERSTOCK_COVER', 3),
    quarantineAlertRate: num('QUARANTINE_ALERT_RATE', 0.05),
    glueThresholdBytes: num('GLUE_THRESHOLD_BYTES', 512 * 1024 * 1024),
    maxBatchBytes: num('MAX_BATCH_BYTES', 0),
    demandWindowDays: num('DEMAND_WINDOW_DAYS', 28),
    validateWorkers: Math.max(1, Math.floor(num('VALIDATE_WORKERS', 1))),
    validateThreadsFromBytes: num('VALIDATE_THREADS_FROM_BYTES', VALIDATE_THREADS_FROM_BYTES),
    forecastWorkers: Math.max(1, Math.floor(num('FORECAST_WORKERS', 1))),
    workDir: env.WORK_DIR || DEFAULT_WORK_DIR,
    duckdbMemoryMb: Math.floor(num('DUCKDB_MEMORY_MB', 0)),
    duckdbThreads: Math.floor(num('DUCKDB_THREADS', 0)),
    quarantineRetentionDays: num('QUARANTINE_RETENTION_DAYS', 0),
    runLeaseSeconds: num('RUN_LEASE_SECONDS', 0),
    reportingCurrency,
  };
}
