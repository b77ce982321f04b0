import { businessDateWindow } from '../../../functions/lib/contract/business-date-window';
import { checkStageable } from '../../../functions/lib/contract/check-reference';
import type { PosEvent } from '../../../functions/lib/contract/types';
import { parseEventText } from '../../../functions/lib/contract/validate-event';
import { generateReference, simulateEvents, toReferenceData, type LineKind, type SimulatorOptions, type SimulationRun, type SimulatorStats, type SimReference } from '../../../local/simulator';

export interface Generated {
  ref: SimReference;
  lines: string[];
  kinds: LineKind[];
  stats: SimulatorStats;
  truth: SimulationRun['truth'];
}

export function generate(opts: SimulatorOptions = {}): Generated {
  const ref = generateReference(opts);
  const run = simulateEvents(opts, ref);
  const lines: string[] = [];
  const kinds: LineKind[] = [];
  for (const { line, kind } of run) {
    lines.push(line);
    kinds.push(kind);
  }
  return { ref, lines, kinds, stats: run.stats, truth: run.truth };
}

/**
 * What the project's own contract code makes of each line, the way the pipeline does: parse and check the shape,
 * check references, then drop an event_id already seen as a duplicate.
 */
export function classify(g: Generated): { verdicts: LineKind[]; valid: PosEvent[] } {
  const refData = toReferenceData(g.ref);
  const seen = new Set<string>();
  const verdicts: LineKind[] = [];
  const valid: PosEvent[] = [];
  for (const line of g.lines) {
    const parsed = parseEventText(line);
    if (!parsed.ok) {
      // parsed from text, so never invalid_utf8 (a reason of bytes), which the simulator does not inject
      verdicts.push(parsed.rejection.reason as LineKind);
      continue;
    }
    const refProblem = checkStageable(parsed.event, refData, businessDateWindow(new Date()));
    if (refProblem) verdicts.push(refProblem.reason as LineKind);
    else if (seen.has(parsed.event.event_id)) verdicts.push('duplicate');
    else {
      seen.add(parsed.event.event_id);
      verdicts.push('valid');
      valid.push(parsed.event);
    }
  }
  return { verdicts, valid };
}

export function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** A purchase_order line as the simulator writes it (the contract's purchase_order event). */
export interface OrderLine {
  event_id: string;
  store_id: string;
  occurred_at: string;
  po_id: string;
  sku: string;
  quantity: number;
  expected_date: string;
  supplier: string;
}

/** A receipt (inventory_adjustment, reason receipt) as the simulator writes it, with the po_id it fills. */
export interface ReceiptLine {
  event_id: string;
  store_id: string;
  occurred_at: string;
  sku: string;
  quantity_change: number;
  po_id?: string;
}

/** The valid purchase orders and receipts of a run, read from the lines the simulator wrote, in emission order. */
export function ordersAndReceipts(g: Generated): { orders: OrderLine[]; receipts: ReceiptLine[] } {
  const orders: OrderLine[] = [];
  const receipts: ReceiptLine[] = [];
  g.lines.forEach((line, i) => {
    if (g.kinds[i] !== 'valid') return;
    if (line.includes('"event_type":"purchase_order"')) orders.push(JSON.parse(line) as OrderLine);
    else if (line.includes('"reason":"receipt"')) receipts.push(JSON.parse(line) as ReceiptLine);
  });
  return { orders, receipts };
}
