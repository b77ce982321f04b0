import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTS_KEY, STORES_KEY } from '../../functions/lib/lake-layout';
import type { ObjectStore } from '../../functions/lib/ports';
import { ingestFiles } from '../cli/ingest-command';
import { generateReference, productsCsv, simulateEvents, storesCsv, type SimulatorOptions, type SimulatorStats } from '../simulator';
import type { SimulationTruth } from '../simulator/truth';

/** NDJSON lines per batch file: the simulator's own default for `writeNdjsonFiles`. */
const LINES_PER_FILE = 50_000;

/**
 * Simulates with the truth recorded: the reference CSVs go into the lake as `retail-lake reference` puts them,
 * the events as NDJSON batch files as `retail-lake ingest` does (faster than the ingest API; the pipeline treats
 * both the same). `afterIngest` runs after each file, so a long simulation is processed in batches of a size
 * each pipeline step handles in its time limit; `onDay` follows the simulated calendar.
 */
export async function simulateIntoLake(
  store: ObjectStore,
  sim: SimulatorOptions,
  hooks: { onDay?: (day: number) => void; afterIngest?: () => Promise<void> } = {},
): Promise<{ truth: SimulationTruth; stats: SimulatorStats }> {
  const reference = generateReference(sim);
  await store.put(STORES_KEY, storesCsv(reference));
  await store.put(PRODUCTS_KEY, productsCsv(reference));
  // recordTruth is the simulator's opt-in: the demo does not pay for the truth arrays
  const withTruth: SimulatorOptions & { recordTruth: true } = { ...sim, recordTruth: true };
  const run = simulateEvents(withTruth, reference) as ReturnType<typeof simulateEvents> & { truth?: SimulationTruth };
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-evaluate-'));
  try {
    let files = 0;
    let lines: string[] = [];
    const ingest = async (): Promise<void> => {
      if (lines.length === 0) return;
      const file = join(dir, `pos-${String(++files).padStart(5, '0')}.ndjson`);
      writeFileSync(file, lines.join('\n') + '\n');
      lines = [];
      await ingestFiles(store, [file]);
      rmSync(file);
      await hooks.afterIngest?.();
    };
    const firstDay = Date.parse(run.options.startDate);
    for (const { line } of run) {
      lines.push(line);
      if (lines.length >= LINES_PER_FILE) {
        // the calendar day of the last event written, for progress
        const at = line.indexOf('"occurred_at":"');
        if (at >= 0) hooks.onDay?.(Math.floor((Date.parse(line.slice(at + 15, at + 25)) - firstDay) / 86_400_000));
        await ingest();
      }
    }
    if (!run.truth) throw new Error('this simulator does not record its truth (simulateEvents with recordTruth: true)');
    await ingest();
    return { truth: run.truth, stats: run.stats };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
