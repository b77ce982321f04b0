import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PRODUCTS_CSV, STORES_CSV, sale } from '../../helpers/lake-fixture';
import { cli } from '../../helpers/cli';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const lines = (...events: Record<string, unknown>[]): Buffer => Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n');

describe('ingest: byte order mark and invalid UTF-8 in batch files', () => {
  it('strips a BOM (plain and .gz) so the first record is curated, and quarantines a line that is not UTF-8 with its bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'retail-lake-encoding-'));
    const lake = join(dir, 'lake');
    writeFileSync(join(dir, 'stores.csv'), STORES_CSV);
    writeFileSync(join(dir, 'products.csv'), PRODUCTS_CSV);
    // a store name with a lone continuation byte (0x80): not UTF-8
    const invalid = Buffer.concat([Buffer.from(JSON.stringify(sale()).replace('"S001"', '"S0')), Buffer.from([0x80]), Buffer.from('01"\n')]);
    writeFileSync(join(dir, 'plain.ndjson'), Buffer.concat([BOM, lines(sale(), sale()), invalid]));
    writeFileSync(join(dir, 'packed.ndjson.gz'), gzipSync(Buffer.concat([BOM, lines(sale())])));

    expect(cli(lake, 'reference', '--stores', join(dir, 'stores.csv'), '--products', join(dir, 'products.csv')).code).toBe(0);
    expect(cli(lake, 'ingest', join(dir, 'plain.ndjson'), join(dir, 'packed.ndjson.gz')).code).toBe(0);
    const run = cli(lake, 'run');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/4 records -> 3 curated, 1 quarantined, 0 duplicates/);
    const q = cli(lake, 'query', '--format', 'json', 'SELECT reason, detail, raw FROM quarantine');
    const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l) as { reason: string; detail: string; raw: string });
    expect(rows).toHaveLength(1);
    expect(rows[0].reason).toBe('invalid_utf8');
    expect(rows[0].detail).toContain(`bytes in base64: ${invalid.subarray(0, -1).toString('base64')}`);
    expect(rows[0].raw).toContain('\uFFFD');
  });
});
