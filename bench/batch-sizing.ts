/**
 * Measures what the DuckDB steps need per raw byte, as they run in Lambda: Validate and Curate from their bundled
 * package (test/helpers/lambda-bundle.ts), the lake's prefixes copied into the work folder as S3LakeFiles does.
 * Prints, per step, the peak RSS and the peak bytes in the work folder, absolute and per byte of raw objects.
 * functions/lib/pipeline/batch-sizing.ts holds the factors measured with this script.
 *
 *   node --import tsx bench/batch-sizing.ts [--lines 200000] [--memory-mb 2200]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PRODUCTS_KEY, STORES_KEY } from '../functions/lib/lake-layout';
import type { BatchPlan } from '../functions/lib/pipeline/state';
import { FsObjectStore } from '../local/adapters/fs-object-store';
import { ingestFiles } from '../local/cli/ingest-command';
import { generateReference, optionsForSaleLines, productsCsv, storesCsv, writeNdjsonFiles } from '../local/simulator';
import { buildLambdaPackage, runLambdaStep } from '../test/helpers/lambda-bundle';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '200000' }, 'memory-mb': { type: 'string', default: '0' } } });
  const work = mkdtempSync(join(tmpdir(), 'retail-lake-sizing-'));
  try {
    const sim = optionsForSaleLines(Number(values.lines), { seed: 2026, stores: 12, skus: 200, snapshotEveryDays: 7 });
    const reference = generateReference(sim);
    const { files } = writeNdjsonFiles(sim, join(work, 'files'), { gzip: true, eventsPerFile: 50_000, reference });
    const lake = join(work, 'lake');
    const store = new FsObjectStore(lake);
    await store.put(STORES_KEY, storesCsv(reference));
    await store.put(PRODUCTS_KEY, productsCsv(reference));
    const ingested = await ingestFiles(store, files);
    const rawBytes = ingested.reduce((a, f) => a + f.bytes, 0);
    const pkg = await buildLambdaPackage(join(work, 'package'));
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const env = { WORK_DIR: tmp, TMPDIR: tmp, DUCKDB_MEMORY_MB: String(values['memory-mb']) };
    const plan = (await runLambdaStep('plan-batch', { pkg, lake, env })).result as BatchPlan;
    for (const step of ['validate-batch', 'curate-batch']) {
      rmSync(tmp, { recursive: true, force: true }); // each step is its own function: its /tmp starts empty
      mkdirSync(tmp);
      const r = await runLambdaStep(step, { pkg, lake, plan, env });
      const mb = (n: number): number => Math.round(n / 1024 / 1024);
      console.log(
        JSON.stringify({
          step,
          rawMb: +(rawBytes / 1024 / 1024).toFixed(1),
          peakRssMb: mb(r.maxRssBytes),
          peakWorkMb: mb(r.peakWorkBytes),
          rssPerRawByte: +(r.maxRssBytes / rawBytes).toFixed(2),
          workPerRawByte: +(r.peakWorkBytes / rawBytes).toFixed(2),
        }),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
