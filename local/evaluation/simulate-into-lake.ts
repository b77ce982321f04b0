import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXCHANGE_RATES_KEY, PRODUCTS_KEY, STORES_KEY } from '../../functions/lib/lake-layout';
import type { ObjectStore } from '../../functions/lib/ports';
import { ingestFiles } from '../cli/ingest-command';
import { exchangeRatesCsv, generateReference, productsCsv, simulateEvents, storesCsv, type SimulatorOptions, type SimulatorStats } from '../simulator';
import type { SimulationTruth } from '../simulator/truth';

/**
 * Simulates with the truth recorded: the reference CSVs go into the lake as `retail-lake reference` puts them,
 * the events as one NDJSON batch file as `retail-lake ingest` does (faster than the ingest API; the pipeline treats
 * both the same), for one pipeline run over everything. `onDay` follows the simulated calendar.
 */
export async function simulateIntoLake(
  store: ObjectStore,
  sim: SimulatorOptions,
  hooks: { onDay?: (day: number) => void } = {},
): Promise<{ truth: SimulationTruth; stats: SimulatorStats }> {
  const reference = generateReference(sim);
  await store.put(STORES_KEY, storesCsv(reference));
  await store.put(PRODUCTS_KEY, productsCsv(reference));
  await store.put(EXCHANGE_RATES_KEY, exchangeRatesCsv(reference, sim));
  const run = simulateEvents({ ...sim, recordTruth: true }, reference);
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-evaluate-'));
  try {
    const file = join(dir, 'pos-00001.ndjson');
    const out = createWriteStream(file);
    const firstDay = Date.parse(run.options.startDate);
    let lines = 0;
    for (const { line } of run) {
      if (!out.write(line + '\n')) await once(out, 'drain');
      if (++lines % 100_000 === 0) {
        // the calendar day of the last event written, for progress
        const at = line.indexOf('"occurred_at":"');
        if (at >= 0) hooks.onDay?.(Math.floor((Date.parse(line.slice(at + 15, at + 25)) - firstDay) / 86_400_000));
      }
    }
    out.end();
    await once(out, 'finish');
    if (!run.truth) throw new Error('the simulator recorded no truth (simulateEvents with recordTruth: true)');
    await ingestFiles(store, [file]);
    return { truth: run.truth, stats: run.stats };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
