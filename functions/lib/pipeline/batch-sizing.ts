/**
 * How large a batch the DuckDB Lambdas (Validate, Curate) can take, from their memory and ephemeral storage.
 * PlanBatch sends larger batches to the Glue job (GLUE_THRESHOLD_BYTES); infra/lib/pipeline/pipeline-lambdas.ts
 * sets both this threshold and DuckDB's memory_limit from these functions.
 *
 * Measured with `node --import tsx bench/batch-sizing.ts --lines N [--memory-mb M]` (the steps run from their
 * bundle, the lake copied into the work folder as in Lambda; demo-shaped data, gzip NDJSON raw objects of 50,000
 * events), per byte of raw (compressed) objects:
 * - Curate needs DuckDB memory: at 8.1 MiB raw (800,000 sale lines, 130 MiB staged NDJSON, 2 threads) it fails
 *   with memory_limit 256 MB ("Out of Memory" in the partitioned COPY, which does not spill) and succeeds with
 *   512 MB: about 64 bytes of memory_limit per raw byte. (Without a limit its RSS grows 105 bytes per raw byte.)
 * - The work folder (the /tmp copy of staging and partitions, scratch) peaks at 17-18 bytes per raw byte in either
 *   step (raw objects compress about 16:1); when Curate spills it doubles: 266 MiB at 8.1 MiB raw with memory_limit
 *   512 MB, 33 bytes per raw byte. Curate's RSS there was 728 MB: about memory_limit + 220 MB.
 * - Validate's RSS is about 150 MB plus 11 bytes per raw byte.
 * - Since Curate parses staged events of at most half its memory limit less 32 MiB (stagedInMemoryBytes) into a
 *   table rather than a Parquet file in scratch (2026-12-03), at 8.8 MiB raw with memory_limit 512 MB (about
 *   140 MiB of staged events: the table): RSS 727 MB, work folder 156 MiB (18 bytes per raw byte). The factors
 *   above stand.
 */
const DUCKDB_MEMORY_PER_RAW_BYTE = 64;
const WORK_BYTES_PER_RAW_BYTE = 33;
/** Validate's work folder per raw byte (it does not spill: the staged NDJSON and quarantine files, see above). */
const VALIDATE_WORK_BYTES_PER_RAW_BYTE = 18;

/** Share of a function's memory DuckDB may use: the rest is Node's (heap, the decompressed raw object being
 * validated, S3 transfers) and DuckDB's allocations outside its buffer pool. */
const DUCKDB_MEMORY_SHARE = 0.7;
/** Share of the ephemeral storage the steps plan to use (headroom for a warm container's leftovers). */
const WORK_DIR_SHARE = 0.8;

const MIB = 1024 * 1024;

/** Lambda's CPU is in proportion to memory: one vCPU at 1,769 MB (up to 6 at 10,240 MB). */
const MB_PER_LAMBDA_VCPU = 1769;

/** Worker threads for Validate and FitForecasts in a function of `memoryMb`: one per vCPU, a part of one counting
 * (3,008 MB has 1.7 vCPU: two threads, the second on what the first leaves, and Validate's own thread reads ahead). */
export function lambdaWorkerThreads(memoryMb: number): number {
  return Math.max(1, Math.ceil(memoryMb / MB_PER_LAMBDA_VCPU));
}

/** DuckDB's memory_limit (MB) for a function of `memoryMb`. */
export function duckdbMemoryLimitMb(memoryMb: number): number {
  return Math.floor(memoryMb * DUCKDB_MEMORY_SHARE);
}

/** The largest batch (bytes of raw objects) a DuckDB Lambda of this memory and ephemeral storage curates. */
export function lambdaBatchLimitBytes(fn: { memoryMb: number; ephemeralStorageMiB: number }): number {
  const byMemory = (duckdbMemoryLimitMb(fn.memoryMb) * MIB) / DUCKDB_MEMORY_PER_RAW_BYTE;
  const byDisk = (fn.ephemeralStorageMiB * MIB * WORK_DIR_SHARE) / WORK_BYTES_PER_RAW_BYTE;
  return Math.floor(Math.min(byMemory, byDisk));
}

/**
 * The largest batch (bytes of raw objects) Validate takes in a Lambda with this ephemeral storage. Validate runs
 * in Lambda whatever curates the batch, so PlanBatch caps every batch at this (MAX_BATCH_BYTES) and leaves the rest
 * of a backlog to the next runs, instead of failing a history load on a full /tmp.
 */
export function validateBatchLimitBytes(ephemeralStorageMiB: number): number {
  return Math.floor((ephemeralStorageMiB * MIB * WORK_DIR_SHARE) / VALIDATE_WORK_BYTES_PER_RAW_BYTE);
}

/**
 * The most bytes of raw objects a local batch takes (MAX_BATCH_BYTES' local default; a backlog runs as several
 * executions of `retail-lake run`). Curate's joins and grouping by event id hold a part of their state in memory
 * that does not spill and grows with the batch's events, and Validate's process keeps what it decompressed: a month
 * of 30.8M sale lines (604 MB raw) in one batch failed with DuckDB's local memory_limit (640 MB) and kept 1.1 GB
 * after Validate. 256 MiB takes a day of 10M sale lines at the seed's shape (about 200 MB raw) in one batch.
 */
export const LOCAL_MAX_BATCH_BYTES = 256 * MIB;
