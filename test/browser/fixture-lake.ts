/**
 * A lake with known totals for the browser tests, built the way a user builds one: the reference files and an
 * NDJSON batch file loaded through the `reference` and `ingest` commands' functions, then one pipeline run. Two
 * stores in two currencies (New York in USD, London in GBP at 1.25 USD), two products with a unit cost in the
 * reporting currency, five transactions over two weeks, two stock counts and an open purchase order.
 * dashboards.browser.test.ts holds the hand-computed totals.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFiles } from '../../local/cli/ingest-command';
import { loadReferenceFiles } from '../../local/cli/reference-command';
import { createLocalRuntime } from '../../local/local-runtime';
import { runPipeline } from '../../local/pipeline/local-runner';

export const NEW_YORK = { id: 'S001', manager: 'ny@example.com', currency: 'USD' } as const;
export const LONDON = { id: 'S002', manager: 'ldn@example.com', currency: 'GBP' } as const;

const STORES_CSV = `store_id,store_name,region,manager_email,timezone,target_daily_revenue,currency
S001,New York,east,ny@example.com,America/New_York,100,USD
S002,London,emea,ldn@example.com,Europe/London,80,GBP
`;

// unit_cost is in the reporting currency (USD)
const PRODUCTS_CSV = `sku,product_name,category,brand,unit_cost,list_price,supplier,lead_time_days
SKU-A,Coffee beans,grocery,Acme,4.00,10.00,BeanCo,5
SKU-B,Mug,home,Acme,10.00,25.00,MugWorks,7
`;

// one rate for the whole fixture: 1 GBP = 1.25 USD (the latest rate on or before each business date applies)
const EXCHANGE_RATES_CSV = `rate_date,currency,rate
2026-03-01,GBP,1.25
`;

/** Week 1 is 2026-03-02 (Mon) to 03-08, week 2 03-09 to 03-15. Times are midday or afternoon UTC, so the
 * business date (the store's local date) is the UTC date in both time zones. */
function transaction(
  n: number,
  type: 'sale' | 'return',
  store: string,
  occurredAt: string,
  customer: string | null,
  lines: { sku: string; quantity: number; unit_price: number; discount?: number }[],
): Record<string, unknown> {
  return {
    event_id: `fx-${n}`,
    event_type: type,
    schema_version: 1,
    store_id: store,
    occurred_at: occurredAt,
    transaction_id: `T${n}`,
    customer_id: customer,
    payment_method: 'card',
    lines,
  };
}

function snapshot(n: number, store: string, sku: string, onHand: number): Record<string, unknown> {
  return { event_id: `fx-${n}`, event_type: 'inventory_snapshot', schema_version: 1, store_id: store, occurred_at: '2026-03-15T20:00:00Z', sku, on_hand_qty: onHand };
}

export const FIXTURE_EVENTS = [
  // New York, Mon 03-02: 2 x A at 10.00 less 1.00 discount, 1 x B at 25.00 = 44.00 USD
  transaction(1, 'sale', 'S001', '2026-03-02T15:00:00Z', 'C1', [
    { sku: 'SKU-A', quantity: 2, unit_price: 10, discount: 1 },
    { sku: 'SKU-B', quantity: 1, unit_price: 25 },
  ]),
  // London, Wed 03-04: 3 x A at 8.00 = 24.00 GBP
  transaction(2, 'sale', 'S002', '2026-03-04T12:00:00Z', null, [{ sku: 'SKU-A', quantity: 3, unit_price: 8 }]),
  // New York, Tue 03-10: 2 x B at 25.00 less 5.00 = 45.00 USD
  transaction(3, 'sale', 'S001', '2026-03-10T15:00:00Z', 'C1', [{ sku: 'SKU-B', quantity: 2, unit_price: 25, discount: 5 }]),
  // London, Thu 03-12: 1 x B at 20.00, 1 x A at 8.00 = 28.00 GBP
  transaction(4, 'sale', 'S002', '2026-03-12T12:00:00Z', 'C2', [
    { sku: 'SKU-B', quantity: 1, unit_price: 20 },
    { sku: 'SKU-A', quantity: 1, unit_price: 8 },
  ]),
  // New York, Sat 03-14: a return of 1 x A at 10.00 = -10.00 USD
  transaction(5, 'return', 'S001', '2026-03-14T15:00:00Z', null, [{ sku: 'SKU-A', quantity: 1, unit_price: 10 }]),
  // stock counts at the end of week 2: New York holds 1 mug (it sold 3 in two weeks), London 40 bags of coffee
  snapshot(6, 'S001', 'SKU-B', 1),
  snapshot(7, 'S002', 'SKU-A', 40),
  // London orders 20 mugs on 03-13, due 03-20 (still open: nothing received)
  {
    event_id: 'fx-8',
    event_type: 'purchase_order',
    schema_version: 1,
    store_id: 'S002',
    occurred_at: '2026-03-13T10:00:00Z',
    po_id: 'PO-L1',
    sku: 'SKU-B',
    quantity: 20,
    expected_date: '2026-03-20',
    supplier: 'MugWorks',
  },
];

/** Builds the fixture lake in a new temporary folder and returns its root; `cleanup` removes it. */
export async function buildFixtureLake(): Promise<{ root: string; cleanup: () => void }> {
  const base = mkdtempSync(join(tmpdir(), 'retail-lake-browser-'));
  const root = join(base, 'lake');
  const inputs = join(base, 'inputs');
  mkdirSync(inputs, { recursive: true });
  const file = (name: string, text: string): string => {
    const path = join(inputs, name);
    writeFileSync(path, text);
    return path;
  };
  // one validate worker: five events do not need a worker per core, and the suite shares the machine with a browser
  const runtime = await createLocalRuntime(root, { ...process.env, VALIDATE_WORKERS: '1' });
  try {
    await loadReferenceFiles(runtime.store, file('stores.csv', STORES_CSV), file('products.csv', PRODUCTS_CSV), {
      exchangeRatesPath: file('exchange_rates.csv', EXCHANGE_RATES_CSV),
      reportingCurrency: runtime.settings.reportingCurrency,
    });
    await ingestFiles(runtime.store, [file('events.ndjson', FIXTURE_EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n')]);
    const result = await runPipeline(runtime);
    if (result.status !== 'succeeded') throw new Error(`the fixture lake's pipeline run ${result.status}: ${JSON.stringify(result.error)}`);
  } finally {
    await runtime.close();
  }
  return { root, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
