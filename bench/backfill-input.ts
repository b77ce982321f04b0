/**
 * The backfill bench's input: one simulated business date of about N sale lines across many stores, kept to its
 * till transactions (sales, returns, and the injected faults and duplicates among them), written twice with the
 * same lines in the same order: as they are (one business date) and re-dated over many dates (a sparse history,
 * as a chain's export of several years would be). Only the date part of `occurred_at` changes, so the two differ in
 * dates alone: same events, stores, SKUs, amounts and files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateReference, optionsForSaleLines, simulateEvents, type SimReference, type SimulatorOptions } from '../local/simulator';
import { addDays } from '../local/simulator/time-zones';

export interface BackfillShape {
  saleLines: number;
  stores: number;
  skus: number;
  /** business dates the history spans */
  dates: number;
  /** the one business date, and the last date of the history */
  lastDate: string;
}

export interface BackfillInput {
  reference: SimReference;
  /** the lines on one business date, and the same lines spread over the history: one gzip NDJSON file each */
  oneDateFile: string;
  historyFile: string;
  events: number;
}

/** Stock counts, adjustments and orders are left out: the history is of sales (the simulator's end-of-day full
 * count alone would outnumber the sale lines many times). */
const STOCK_EVENT = /"event_type":"(inventory_snapshot|inventory_adjustment|purchase_order)"/;
const EVENT_ID = /^\{"event_id":"([^"]+)"/;
const OCCURRED_AT = /"occurred_at":"(\d{4}-\d{2}-\d{2})/;

/**
 * `line` moved `days` days back: the date part of its occurred_at (time and offset kept), or the line unchanged
 * when it has none (a malformed record stays as malformed).
 */
function reDated(line: string, days: number): string {
  const m = OCCURRED_AT.exec(line);
  if (!m || days === 0) return line;
  return line.slice(0, m.index) + `"occurred_at":"${addDays(m[1], -days)}` + line.slice(m.index + m[0].length);
}

export function writeBackfillInput(dir: string, shape: BackfillShape): BackfillInput {
  const sim: SimulatorOptions = optionsForSaleLines(shape.saleLines, {
    seed: 2026,
    stores: shape.stores,
    skus: shape.skus,
    days: 1,
    startDate: shape.lastDate,
    // the simulator's rates are of every line, the dropped stock counts included: these leave a few percent of faults
    // and duplicates among the transactions
    faultRate: 0.001,
    duplicateRate: 0.0005,
  });
  const reference = generateReference(sim);
  const oneDate: string[] = [];
  const history: string[] = [];
  // each event_id keeps one shift, so a re-delivered duplicate stays identical to its first delivery
  const shiftOf = new Map<string, number>();
  for (const { line } of simulateEvents(sim, reference)) {
    if (STOCK_EVENT.test(line)) continue;
    const id = EVENT_ID.exec(line)?.[1];
    let shift = 0;
    if (id !== undefined) {
      shift = shiftOf.get(id) ?? shiftOf.size % shape.dates;
      shiftOf.set(id, shift);
    }
    oneDate.push(line);
    history.push(reDated(line, shift));
  }
  mkdirSync(dir, { recursive: true });
  const write = (name: string, lines: string[]): string => {
    const file = join(dir, name);
    writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
    return file;
  };
  return { reference, oneDateFile: write('one-date.ndjson.gz', oneDate), historyFile: write('history.ndjson.gz', history), events: oneDate.length };
}
