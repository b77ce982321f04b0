/** The synthetic input the benches ingest: gzip NDJSON files of about `lines` sale lines, and their reference data. */
import { join } from 'node:path';
import { generateReference, optionsForSaleLines, type SimReference, writeNdjsonFiles } from '../local/simulator';
import { log } from './bench-io';

export interface InputShape {
  lines: number;
  days: number;
  stores: number;
  skus: number;
}

export interface BenchInput {
  files: string[];
  reference: SimReference;
}

/** Writes the input under `<work>/files`, logging what it generated. */
export function generateInput(work: string, { lines, days, stores, skus }: InputShape): BenchInput {
  log(`generating ~${lines.toLocaleString('en-US')} sale lines over ${days} day(s) (${stores} stores, ${skus} SKUs)...`);
  // weekly stock counts (and cycle counts of a large assortment), so sale lines are most of the records
  const sim = optionsForSaleLines(lines, { seed: 2026, stores, skus, days, snapshotEveryDays: 7 });
  const t = performance.now();
  const reference = generateReference(sim);
  const { files, stats } = writeNdjsonFiles(sim, join(work, 'files'), { gzip: true, eventsPerFile: 50_000, reference });
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  log(
    `generated ${stats.events.toLocaleString('en-US')} events (${stats.transactions.toLocaleString('en-US')} sales, ${stats.snapshots.toLocaleString('en-US')} stock snapshots, ${stats.purchaseOrders.toLocaleString('en-US')} purchase orders), ` +
      `${stats.saleLines.toLocaleString('en-US')} sale lines in ${files.length} files (${((performance.now() - t) / 1000).toFixed(1)} s, bench peak RSS ${rssMb} MB)`,
  );
  return { files, reference };
}
