/**
 * Curate orders a batch larger than its memory a chunk of staged part files at a time (curateNewRows): the same
 * rows, counts and totals as ordering the whole batch at once, the dedup and dating across the whole batch, and a
 * date's file made of one run in the files' order per chunk.
 */
import { join } from 'node:path';
import { openDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../../../functions/lib/duckdb/duckdb-rows';
import { curatedBatchFileKey, CURATED_TABLES, type CuratedTable } from '../../../../functions/lib/lake-layout';
import { curateBatch } from '../../../../functions/pipeline/curate-batch/curate-batch';
import { planBatch } from '../../../../functions/pipeline/plan-batch/plan-batch';
import { validateBatch } from '../../../../functions/pipeline/validate-batch/validate-batch';
import { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { localSettings } from '../../../../local/local-runtime';
import { LARGE_PARTITION_ROWS } from '../../../../functions/lib/duckdb/partition-files';
import { copyOfLake, curateNextBatch, purchaseOrder, putRaw, sale, stockCount, tempLake, withReference } from '../../../helpers/lake-fixture';

const line = (sku: string, quantity: number) => ({ sku, quantity, unit_price: 4.5 });
/** Sales of three lines each on 9 March, in two stores: a third of the lines a partition needs to be written
 * from its rows as stored (LARGE_PARTITION_ROWS; smaller ones are sorted again as they are written). */
const bulk = (): Record<string, unknown>[] =>
  Array.from({ length: Math.ceil(LARGE_PARTITION_ROWS / 9) + 1 }, (_, i) => sale({ store_id: i % 2 ? 'S001' : 'S003', lines: [line('SKU-3', 1), line('SKU-1', 2), line('SKU-2', 3)] }));

describe('Curate in chunks of staged part files', () => {
  const template = tempLake('curate-chunks-template');
  const earlier = sale({ lines: [line('SKU-1', 1)] });
  // the second batch's three raw objects, one staged part file each, with bulk() besides: the same stores and SKUs
  // in all three, so that each chunk's rows fall between the others' in the files' order
  const first = [sale({ store_id: 'S003', lines: [line('SKU-2', 1), line('SKU-1', 2)] }), earlier, stockCount('inv-1', '2024-03-09T09:00:00Z')];
  const repeated = { ...first[0], lines: [line('SKU-3', 9)] };
  const second = [sale({ occurred_at: '2024-03-11T15:00:00Z', lines: [line('SKU-2', 3)] }), repeated, sale({ store_id: 'S003', lines: [line('SKU-1', 4)] }), purchaseOrder()];
  const third = [sale({ lines: [line('SKU-1', 5), line('SKU-3', 1)] }), sale({ store_id: 'S003', lines: [line('SKU-2', 6)] })];
  let batchId = '';

  beforeAll(async () => {
    const { store } = template;
    await withReference(store);
    await putRaw(store, [JSON.stringify(earlier)], new Date('2024-03-10T01:00:00Z'), 'one');
    await curateNextBatch(store, template.root);
    for (const [i, events] of [first, second, third].entries()) {
      events.push(...bulk());
      await putRaw(store, events.map((e) => JSON.stringify(e)), new Date(Date.UTC(2024, 2, 10, 2, i)), `part-${i}`);
    }
    const next = await planBatch(store, Number.MAX_SAFE_INTEGER);
    await validateBatch(store, store, next.batchId, 1);
    batchId = next.batchId;
  }, 60_000);
  afterAll(() => template.cleanup());

  const copyOfTemplate = (): { root: string; store: FsObjectStore; cleanup: () => void } => copyOfLake(template.root, 'curate-chunks');

  const fileOf = (root: string, table: CuratedTable, date: string): string => sqlString(join(root, curatedBatchFileKey(table, date, batchId)));

  /** One answer from DuckDB. */
  async function queryOne(sql: string): Promise<Record<string, unknown>> {
    const conn = await openDuckDb();
    try {
      return (await readRows(conn, sql))[0];
    } finally {
      conn.closeSync();
    }
  }

  /** The rows of one file that the other lacks, counted both ways (as multisets). */
  const differences = async (a: string, b: string): Promise<number> =>
    Number((await queryOne(`SELECT (SELECT count(*) FROM (FROM read_parquet(${a}) EXCEPT ALL FROM read_parquet(${b}))) +
      (SELECT count(*) FROM (FROM read_parquet(${b}) EXCEPT ALL FROM read_parquet(${a}))) AS n`)).n);

  /** How many times a row of the file comes before the previous one in the files' order (store_id, sku, event_id,
   * line_no), and how many rows it has. */
  const descents = async (file: string): Promise<{ descents: number; rows: number }> => {
    const r = await queryOne(`SELECT count(*) FILTER (WHERE (store_id, sku, event_id, line_no) < previous) AS descents, count(*) AS rows
      FROM (SELECT store_id, sku, event_id, line_no, lag((store_id, sku, event_id, line_no)) OVER (ORDER BY file_row_number) AS previous
            FROM read_parquet(${file}, file_row_number = true))`);
    return { descents: Number(r.descents), rows: Number(r.rows) };
  };

  it('curates what one pass curates, the whole batch deduplicated and dated, each chunk in the files’ order', async () => {
    const [whole, chunked] = [copyOfTemplate(), copyOfTemplate()];
    try {
      const a = await curateBatch(whole.store, whole.store, batchId, localSettings(whole.root));
      // nothing in memory, and a chunk per part file: three chunks
      const b = await curateBatch(chunked.store, chunked.store, batchId, localSettings(chunked.root), 0, 1);
      expect(b).toEqual(a);
      // the replay of the earlier batch's sale and the repeated event_id of the first object are duplicates
      expect(a.duplicates).toBe(2);
      expect(a.affectedDates).toEqual({ sales_lines: ['2024-03-09', '2024-03-11'], inventory_events: ['2024-03-09'], purchase_orders: ['2024-03-09'] });
      for (const table of CURATED_TABLES) {
        for (const date of a.affectedDates[table]) expect(await differences(fileOf(chunked.root, table, date), fileOf(whole.root, table, date))).toBe(0);
      }
      // the first arrival of the repeated event is kept (its two lines, not the later copy's one)
      const kept = await queryOne(`SELECT string_agg(sku, ',' ORDER BY line_no) AS skus FROM read_parquet(${fileOf(chunked.root, 'sales_lines', '2024-03-09')}) WHERE event_id = ${sqlString(String(first[0].event_id))}`);
      expect(kept.skus).toBe('SKU-2,SKU-1');
      const wholeDay = await descents(fileOf(whole.root, 'sales_lines', '2024-03-09'));
      expect(wholeDay.rows).toBeGreaterThanOrEqual(LARGE_PARTITION_ROWS);
      expect(wholeDay.descents).toBe(0);
      // one ordered run per chunk: the runs meet where the order starts again
      expect(await descents(fileOf(chunked.root, 'sales_lines', '2024-03-09'))).toEqual({ descents: 2, rows: wholeDay.rows });
    } finally {
      whole.cleanup();
      chunked.cleanup();
    }
  }, 60_000);
});
