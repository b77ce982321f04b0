import { findNamedQuery, NamedQueryError, parseNamedQuery, readNamedQueries, renderNamedQuery, withDateDefaultsAnswered } from '../../../functions/lib/athena/named-queries';
import { ConfigurationError } from '../../../functions/lib/errors';
import { summarizeStoreDayBaskets } from '../../../functions/lib/pipeline/store-day-baskets';
import { CuratedQueryEngine } from '../../../local/engine/curated-engine';
import { createLocalRuntime } from '../../../local/local-runtime';
import { inventoryEvent, line, tempLake, writeCurated, writeReference } from '../../helpers/warehouse-fixture';

/**
 * Known answers of the lake's named queries (sql/athena/queries/) on DuckDB, the local Athena, over curated
 * Parquet written for the test. Reference data: test/helpers/warehouse-fixture.ts (S001 North, S002 South; SKU-1
 * Dairy cost 0.50, SKU-2 Bakery 1.00, SKU-3 Grocery 3.25, SKU-4 Grocery 1.10).
 *
 * Sales: 03-02 S001 T1 SKU-1 2 x 1.20 + SKU-2 1 x 2.50 (card); 03-01 S001 T2 SKU-3 1 x 6.99 (cash); 03-02 S002 T3
 * SKU-3 2 x 6.99, T4 returns 1 of them; 01-15 S001 T5 SKU-4 5 x 2.20 (outside the default 28 days ending 03-02).
 */
const SALES = [
  line({ event_id: 'a', line_no: 1, transaction_id: 'T1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2026-03-02 10:00:00', business_date: '2026-03-02', quantity: 2, unit_price: 1.2 }),
  line({ event_id: 'a', line_no: 2, transaction_id: 'T1', store_id: 'S001', sku: 'SKU-2', occurred_at: '2026-03-02 10:00:00', business_date: '2026-03-02', quantity: 1, unit_price: 2.5 }),
  { ...line({ event_id: 'b', transaction_id: 'T2', store_id: 'S001', sku: 'SKU-3', occurred_at: '2026-03-01 10:00:00', business_date: '2026-03-01', quantity: 1, unit_price: 6.99 }), payment_method: 'cash' },
  line({ event_id: 'c', transaction_id: 'T3', store_id: 'S002', sku: 'SKU-3', occurred_at: '2026-03-02 15:00:00', business_date: '2026-03-02', quantity: 2, unit_price: 6.99 }),
  line({ event_id: 'd', transaction_id: 'T4', store_id: 'S002', sku: 'SKU-3', occurred_at: '2026-03-02 16:00:00', business_date: '2026-03-02', quantity: 1, unit_price: 6.99, event_type: 'return' }),
  line({ event_id: 'e', transaction_id: 'T5', store_id: 'S001', sku: 'SKU-4', occurred_at: '2026-01-15 10:00:00', business_date: '2026-01-15', quantity: 5, unit_price: 2.2 }),
  // one transaction sent as two events (the contract keys events, not transactions), before every range above
  line({ event_id: 'f', transaction_id: 'T6', store_id: 'S002', sku: 'SKU-1', occurred_at: '2025-12-01 10:00:00', business_date: '2025-12-01', quantity: 1, unit_price: 1.2 }),
  line({ event_id: 'g', transaction_id: 'T6', store_id: 'S002', sku: 'SKU-2', occurred_at: '2025-12-01 10:01:00', business_date: '2025-12-01', quantity: 1, unit_price: 2.5 }),
];

const adjustment = (event_id: string, store_id: string, sku: string, reason: string, quantity_change: number) =>
  inventoryEvent({ event_id, store_id, sku, occurred_at: '2026-03-02 12:00:00', business_date: '2026-03-02', event_type: 'inventory_adjustment', reason, quantity_change });
const INVENTORY = [
  adjustment('i1', 'S001', 'SKU-1', 'shrink', -3),
  adjustment('i2', 'S001', 'SKU-3', 'damage', -1),
  adjustment('i3', 'S001', 'SKU-1', 'receipt', 10),
  adjustment('i4', 'S002', 'SKU-2', 'count_correction', 2),
];

const KNOWN: [name: string, params: Record<string, string>, rows: unknown[][]][] = [
  // 28 days ending 03-02: SKU-3 1 + 2 - 1 units, 6.99 + 13.98 - 6.99
  ['top_skus', {}, [['SKU-3', 'Coffee 250g', 'Grocery', 2, 13.98, 2], ['SKU-2', 'Bread', 'Bakery', 1, 2.5, 1], ['SKU-1', 'Milk 1L', 'Dairy', 2, 2.4, 1]]],
  ['top_skus', { from: '2026-01-01', limit: '2' }, [['SKU-3', 'Coffee 250g', 'Grocery', 2, 13.98, 2], ['SKU-4', 'Tea', 'Grocery', 5, 11, 1]]],
  ['top_skus', { store: 'S002' }, [['SKU-3', 'Coffee 250g', 'Grocery', 1, 6.99, 1]]],
  // from defaults to the 28 days ending on the given to: 01-04 to 01-31 holds T5 only
  ['top_skus', { to: '2026-01-31' }, [['SKU-4', 'Tea', 'Grocery', 5, 11, 1]]],
  // sale baskets only: S002's return T4 is no basket
  ['basket_size', {}, [['2026-03-01', 'S001', 1, 1, 6.99, 6.99, 1], ['2026-03-02', 'S001', 1, 3, 4.9, 4.9, 3], ['2026-03-02', 'S002', 1, 2, 13.98, 13.98, 2]]],
  ['basket_size', { from: '2026-03-02', to: '2026-03-02', store: 'S001' }, [['2026-03-02', 'S001', 1, 3, 4.9, 4.9, 3]]],
  // T6's two events are one basket, one transaction
  ['basket_size', { from: '2025-12-01', to: '2025-12-01' }, [['2025-12-01', 'S002', 1, 2, 3.7, 3.7, 2]]],
  // Grocery margin 3.74 + 7.48 - 3.74 of 13.98
  ['margin_by_category', {}, [['Grocery', 13.98, 7.48, 53.5], ['Bakery', 2.5, 1.5, 60], ['Dairy', 2.4, 1.4, 58.3]]],
  ['return_rate', {}, [['S002', 2, 1, 50, 50], ['S001', 4, 0, 0, 0]]],
  ['revenue_by_store_day', { from: '2026-03-01' }, [['2026-03-01', 'S001', 'Downtown', 'North', 6.99, 3.74], ['2026-03-02', 'S001', 'Downtown', 'North', 4.9, 2.9], ['2026-03-02', 'S002', 'Harbour, Quay "2"', 'South', 6.99, 3.74]]],
  // S001: cash 6.99 and card 4.90 of 11.89
  ['payment_mix', {}, [['S001', 'cash', 1, 6.99, 58.79], ['S001', 'card', 1, 4.9, 41.21], ['S002', 'card', 1, 13.98, 100]]],
  ['payment_mix', { from: '2025-12-01', to: '2025-12-01' }, [['S002', 'card', 1, 3.7, 100]]],
  // damage 1 x 3.25, shrink 3 x 0.50; the receipt and the positive correction are no loss
  ['stock_losses', {}, [['S001', 'damage', 1, 1, 3.25], ['S001', 'shrink', 1, 3, 1.5]]],
  ['quarantine_by_reason', { from: '2026-03-01', to: '2026-03-02' }, []],
];

const normalise = (rows: Record<string, unknown>[]): unknown[][] =>
  rows.map((r) => Object.values(r).map((v) => (typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) ? Number(v) : v)));

describe('named queries (sql/athena/queries/): parameters and known answers on the local engine', () => {
  const lake = tempLake('named-queries');
  let engine: CuratedQueryEngine;

  beforeAll(async () => {
    await writeReference(lake.root);
    await writeCurated(lake.root, 'sales_lines', SALES);
    await writeCurated(lake.root, 'inventory_events', INVENTORY);
    // basket_size and payment_mix read store_day_baskets, which the pipeline keeps from the lines (SummarizeBaskets)
    const rt = await createLocalRuntime(lake.root);
    await summarizeStoreDayBaskets(rt.store, rt.files, [], rt.settings);
    engine = await CuratedQueryEngine.openReadOnly(lake.root);
  });
  afterAll(() => {
    engine?.close();
    lake.cleanup();
  });

  it('every named query has a description, and a test here', () => {
    const queries = readNamedQueries();
    for (const q of queries) expect(q.description.length).toBeGreaterThan(20);
    expect(queries.map((q) => q.name)).toEqual([...new Set(KNOWN.map(([name]) => name))].sort());
  });

  it('pins no date: a date appears only as a parameter', () => {
    for (const q of readNamedQueries()) expect(q.template).not.toMatch(/DATE\s*'\d{4}/);
  });

  it.each(KNOWN)('%s %j', async (name, params, rows) => {
    expect(normalise(await engine.query(renderNamedQuery(findNamedQuery(name), params)))).toEqual(rows);
  });

  it.each(KNOWN)('%s %j, its date defaults answered first: the same rows', async (name, params, rows) => {
    const q = findNamedQuery(name);
    const values = await withDateDefaultsAnswered(q, params, engine);
    for (const p of q.params.filter((x) => x.type === 'date')) expect(values[p.name]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const sql = renderNamedQuery(q, values);
    expect(sql).not.toMatch(/BETWEEN \(?CAST|BETWEEN \(SELECT/);
    expect(normalise(await engine.query(sql))).toEqual(rows);
  });

  it('answers the date defaults in one query: the latest date and 27 days before it, or before the given to', async () => {
    const top = findNamedQuery('top_skus');
    const asked: string[] = [];
    const counting = { query: (sql: string) => (asked.push(sql), engine.query(sql)) };
    expect(await withDateDefaultsAnswered(top, {}, counting)).toEqual({ from: '2026-02-03', to: '2026-03-02' });
    expect(await withDateDefaultsAnswered(top, { to: '2026-01-31', limit: '2' }, counting)).toEqual({ from: '2026-01-04', to: '2026-01-31', limit: '2' });
    expect(asked).toHaveLength(2);
    expect(await withDateDefaultsAnswered(top, { from: '2026-01-01', to: '2026-01-31' }, counting)).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(asked).toHaveLength(2);
    // no rows yet: the defaults stay expressions, and the query answers nothing
    const empty = { query: async () => [{ d0: null, d1: null }] };
    expect(await withDateDefaultsAnswered(top, { store: 'S001' }, empty)).toEqual({ store: 'S001' });
  });

  it('refuses unknown queries and parameters, malformed values and from after to', () => {
    const top = findNamedQuery('top_skus');
    expect(() => findNamedQuery('top_sku')).toThrow(new NamedQueryError('no named query "top_sku" (there are: basket_size, margin_by_category, payment_mix, quarantine_by_reason, return_rate, revenue_by_store_day, stock_losses, top_skus)'));
    expect(() => renderNamedQuery(top, { form: '2026-03-01' })).toThrow('named query top_skus has no parameter "form" (its parameters: from, to, store, limit)');
    expect(() => renderNamedQuery(top, { from: '2026-3-1' })).toThrow('parameter from must be a date YYYY-MM-DD, got "2026-3-1"');
    expect(() => renderNamedQuery(top, { from: '2026-02-30' })).toThrow('must be a date YYYY-MM-DD');
    expect(() => renderNamedQuery(top, { limit: '0' })).toThrow('parameter limit must be a whole number from 1 to 100000, got "0"');
    expect(() => renderNamedQuery(top, { store: "S1' OR '1'='1" })).toThrow('parameter store must be a store id');
    expect(() => renderNamedQuery(top, { from: '2026-03-02', to: '2026-03-01' })).toThrow('from (2026-03-02) is after to (2026-03-01)');
    expect(renderNamedQuery(top, { from: '2026-03-01', store: 'S001', limit: '5' })).toMatch(/BETWEEN DATE '2026-03-01' AND \(SELECT max\(business_date\) FROM sales_lines\)[\s\S]*'S001' IS NULL OR store_id = 'S001'[\s\S]*LIMIT 5$/m);
  });

  it('refuses a query file whose placeholders and @param lines disagree', () => {
    const param = '-- @param from date = current_date | first day';
    expect(() => parseNamedQuery('q', `-- a query\nSELECT {{to}}`)).toThrow(new ConfigurationError('named query q: {{to}} has no @param line'));
    expect(() => parseNamedQuery('q', `-- a query\n${param}\nSELECT 1`)).toThrow('parameter from is declared but not used');
    expect(() => parseNamedQuery('q', `-- a query\n-- @param from date current_date\nSELECT {{from}}`)).toThrow('malformed parameter line');
    const chained = '-- @param a date = {{b}} | a\n-- @param b date = {{c}} | b\n-- @param c date = current_date | c';
    expect(() => parseNamedQuery('q', `-- a query\n${chained}\nSELECT {{a}}, {{b}}, {{c}}`)).toThrow('the default of a names {{b}}, which is not another parameter whose default names none');
    expect(() => parseNamedQuery('q', `-- a query\n-- @param a date = {{a}} | a\nSELECT {{a}}`)).toThrow('the default of a names {{a}}');
    expect(parseNamedQuery('q', `-- a query\n${param}\nSELECT {{from}}`)).toMatchObject({ description: 'a query', params: [{ name: 'from', type: 'date', defaultSql: 'current_date', description: 'first day' }] });
  });
});
