/**
 * The floor: the least work that turns the raw objects into partitioned Parquet, fixed by issue 12 so that it
 * cannot drift. One in-memory DuckDB with default threads and memory (the factory adds only a spill folder), one
 * COPY of the sale and return lines into Parquet partitioned by the UTC date, with no validation, dedup or local
 * dating. retail-lake's raw -> curated and whole pipeline are reported as multiples of its time. Prints one
 * JSON object; run by bench/run.ts in a child process so its peak RSS is its own.
 */
import { join } from 'node:path';
import { withDuckDb } from '../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../functions/lib/duckdb/duckdb-rows';
import { RAW_PREFIX } from '../functions/lib/lake-layout';

/** What a floor run prints. */
export interface FloorStage {
  saleLines: number;
  floorMs: number;
  peakRssMb: number;
  /** with `read-back`: the floor's partition files read back into a table by a second, fresh in-memory DuckDB */
  readBackMs?: number;
}

/** The floor's statement, as the issue gives it. */
function floorSql(rawObjects: string, outDir: string): string {
  return `COPY (SELECT e.event_id, e.store_id, CAST(e.occurred_at AS DATE) AS business_date, l.sku, l.quantity,
    l.unit_price, l.discount FROM (SELECT event_id, store_id, occurred_at, unnest(lines) AS l FROM read_json(${sqlString(rawObjects)},
    format = 'newline_delimited', ignore_errors = true, columns = {event_id: 'VARCHAR', event_type: 'VARCHAR', store_id: 'VARCHAR',
    occurred_at: 'TIMESTAMPTZ', lines: 'STRUCT(sku VARCHAR, quantity INTEGER, unit_price DECIMAL(18,2), discount DECIMAL(18,2))[]'})
    WHERE event_type IN ('sale', 'return')) e) TO ${sqlString(outDir)} (FORMAT parquet, PARTITION_BY (business_date))`;
}

/**
 * Reads every Parquet file the floor wrote into one table, in a DuckDB of its own (default threads and memory): the
 * least a load that replaces whole dates does with them (the warehouse load reads each touched date's files). Timed
 * after the floor's peak RSS is taken, so that the floor's figures stay the issue's.
 */
async function readBack(outDir: string, spillDir: string): Promise<number> {
  return withDuckDb({ workDir: spillDir, duckdbMemoryMb: 0, duckdbThreads: 0 }, async (conn) => {
    const t0 = performance.now();
    await conn.run(`CREATE TABLE floor_lines AS SELECT * FROM read_parquet(${sqlString(join(outDir, '**', '*.parquet'))}, hive_partitioning = true)`);
    return performance.now() - t0;
  });
}

async function main(): Promise<void> {
  const [lakeRoot, outDir, spillDir, option] = process.argv.slice(2);
  // every raw object (gzip NDJSON, named *.gz as Firehose names them) under the lake's raw prefix
  const rawObjects = join(lakeRoot, RAW_PREFIX, '**', '*.gz');
  const floor = await withDuckDb<Omit<FloorStage, 'peakRssMb'>>({ workDir: spillDir, duckdbMemoryMb: 0, duckdbThreads: 0 }, async (conn) => {
    const t0 = performance.now();
    const [{ Count }] = await readRows(conn, floorSql(rawObjects, outDir));
    return { saleLines: Number(Count), floorMs: performance.now() - t0 };
  });
  const stage: FloorStage = { ...floor, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  if (option === 'read-back') stage.readBackMs = await readBack(outDir, spillDir);
  console.log(JSON.stringify(stage));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
