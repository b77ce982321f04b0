/**
 * The peer: the same raw -> curated job with parquetjs-lite as the Parquet writer. It reads the same raw
 * objects, validates each record with the same contract code, drops repeated event_ids, applies the same
 * business rules (business date in the store's zone, signed revenue and margin) and writes sales_lines and
 * inventory_events partitioned by business date. It does less than retail-lake does (no quarantine Parquet,
 * no sorting, money as DOUBLE), which favours the peer. Prints one JSON object.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParquetSchema, ParquetWriter } from 'parquetjs-lite';
import { businessDate, lineGrossMargin, lineNetRevenue, lineSign } from '../functions/lib/business-rules';
import { businessDateWindow } from '../functions/lib/contract/business-date-window';
import { checkStageable } from '../functions/lib/contract/check-reference';
import { parseEventText } from '../functions/lib/contract/validate-event';
import type { PosEvent } from '../functions/lib/contract/types';
import { parseProductsCsv, parseStoresCsv, type ReferenceData } from '../functions/lib/reference/reference-data';
import { curatedPartitionPrefix, PRODUCTS_KEY, RAW_PREFIX, STORES_KEY, type CuratedTable } from '../functions/lib/lake-layout';
import { rawText } from '../functions/lib/raw-objects';

const salesSchema = new ParquetSchema({
  event_id: { type: 'UTF8' }, line_no: { type: 'INT32' }, transaction_id: { type: 'UTF8' }, store_id: { type: 'UTF8' }, sku: { type: 'UTF8' },
  occurred_at: { type: 'TIMESTAMP_MILLIS' }, business_date: { type: 'UTF8' }, event_type: { type: 'UTF8' }, quantity: { type: 'INT32' },
  unit_price: { type: 'DOUBLE' }, discount: { type: 'DOUBLE' }, net_revenue: { type: 'DOUBLE' }, unit_cost: { type: 'DOUBLE' },
  gross_margin: { type: 'DOUBLE' }, customer_id: { type: 'UTF8', optional: true }, payment_method: { type: 'UTF8' },
});
const inventorySchema = new ParquetSchema({
  event_id: { type: 'UTF8' }, store_id: { type: 'UTF8' }, sku: { type: 'UTF8' }, occurred_at: { type: 'TIMESTAMP_MILLIS' },
  business_date: { type: 'UTF8' }, event_type: { type: 'UTF8' }, on_hand_qty: { type: 'INT32', optional: true },
  reorder_point: { type: 'INT32', optional: true }, quantity_change: { type: 'INT32', optional: true }, reason: { type: 'UTF8', optional: true },
});

function rawFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.gz')).sort().map((f) => join(dir, f));
}

/** One Parquet file per table and business date, opened on first use. */
class PartitionWriters {
  private readonly writers = new Map<string, Promise<ParquetWriter>>();

  constructor(private readonly outDir: string) {}

  get(table: CuratedTable, date: string): Promise<ParquetWriter> {
    const key = `${table}/${date}`;
    let w = this.writers.get(key);
    if (!w) {
      const dir = join(this.outDir, curatedPartitionPrefix(table, date));
      mkdirSync(dir, { recursive: true });
      w = ParquetWriter.openFile(table === 'sales_lines' ? salesSchema : inventorySchema, join(dir, 'part-0.parquet'));
      this.writers.set(key, w);
    }
    return w;
  }

  async closeAll(): Promise<void> {
    for (const w of this.writers.values()) await (await w).close();
  }
}

/** Writes a valid, first-seen event's rows; returns the sale lines written. */
async function writeEvent(e: PosEvent, ref: ReferenceData, writers: PartitionWriters): Promise<number> {
  const date = businessDate(e.occurred_at, ref.stores.get(e.store_id)!.timezone);
  const occurred = new Date(e.occurred_at);
  if (e.event_type === 'purchase_order') return 0; // the peer measures the sales and inventory tables only
  if (!('lines' in e)) {
    const w = await writers.get('inventory_events', date);
    await w.appendRow({
      event_id: e.event_id, store_id: e.store_id, sku: e.sku, occurred_at: occurred, business_date: date, event_type: e.event_type,
      ...(e.event_type === 'inventory_snapshot'
        ? { on_hand_qty: e.on_hand_qty, ...(e.reorder_point === undefined ? {} : { reorder_point: e.reorder_point }) }
        : { quantity_change: e.quantity_change, reason: e.reason }),
    });
    return 0;
  }
  const w = await writers.get('sales_lines', date);
  for (let i = 0; i < e.lines.length; i++) {
    const l = e.lines[i];
    const cost = ref.products.get(l.sku)!.unit_cost;
    await w.appendRow({
      event_id: e.event_id, line_no: i + 1, transaction_id: e.transaction_id, store_id: e.store_id, sku: l.sku, occurred_at: occurred,
      business_date: date, event_type: e.event_type, quantity: lineSign(e.event_type) * l.quantity, unit_price: l.unit_price,
      discount: l.discount ?? 0, net_revenue: lineNetRevenue(e.event_type, l.quantity, l.unit_price, l.discount ?? 0), unit_cost: cost,
      gross_margin: lineGrossMargin(e.event_type, l.quantity, l.unit_price, l.discount ?? 0, cost),
      ...(e.customer_id === null ? {} : { customer_id: e.customer_id }), payment_method: e.payment_method,
    });
  }
  return e.lines.length;
}

async function main(): Promise<void> {
  const [lakeRoot, outDir] = process.argv.slice(2);
  const t0 = performance.now();
  const ref: ReferenceData = {
    stores: parseStoresCsv(readFileSync(join(lakeRoot, STORES_KEY), 'utf8')),
    products: parseProductsCsv(readFileSync(join(lakeRoot, PRODUCTS_KEY), 'utf8')),
  };
  const window = businessDateWindow(new Date());
  const writers = new PartitionWriters(outDir);
  const seen = new Set<string>();
  let received = 0;
  let rejected = 0;
  let duplicates = 0;
  let saleLines = 0;
  for (const file of rawFiles(join(lakeRoot, RAW_PREFIX))) {
    for (const line of rawText(readFileSync(file)).split('\n')) {
      if (!line.trim()) continue;
      received++;
      const parsed = parseEventText(line);
      if (!parsed.ok || checkStageable(parsed.event, ref, window)) {
        rejected++;
        continue;
      }
      const e = parsed.event;
      if (seen.has(e.event_id)) {
        duplicates++;
        continue;
      }
      seen.add(e.event_id);
      saleLines += await writeEvent(e, ref, writers);
    }
  }
  await writers.closeAll();
  console.log(JSON.stringify({ saleLines, received, rejected, duplicates, rawToCuratedMs: performance.now() - t0, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
