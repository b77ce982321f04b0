import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '../../../functions/ingest/ingest-keys';
import { INGEST_KEYS_KEY } from '../../../functions/lib/lake-layout';
import { PRODUCTS_CSV, STORES_CSV } from '../../helpers/lake-fixture';
import { cli } from '../../helpers/cli';


describe('retail-lake keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-keys-'));
  const lake = join(dir, 'lake');
  writeFileSync(join(dir, 'stores.csv'), STORES_CSV);
  writeFileSync(join(dir, 'products.csv'), PRODUCTS_CSV);
  const keysFile = join(lake, INGEST_KEYS_KEY);

  it('refuses stores it cannot check: exit 2 and one clear line', () => {
    const before = cli(lake, 'keys', 'add', '--stores', 'S001');
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/^retail-lake: no reference stores in .*: load them first with `retail-lake reference`\n$/);
    expect(cli(lake, 'reference', '--stores', join(dir, 'stores.csv'), '--products', join(dir, 'products.csv')).code).toBe(0);
    const unknown = cli(lake, 'keys', 'add', '--stores', 'S001,S404');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('retail-lake: --stores: unknown store S404 (not in the reference stores)\n');
  });

  it('adds a key bound to its stores, shows it once and keeps only its SHA-256 in a 0600 file; lists and revokes by id', () => {
    const added = cli(lake, 'keys', 'add', '--stores', 'S002,S001');
    expect(added.code).toBe(0);
    const id = /added (key-[0-9a-f]{8}) for S001, S002/.exec(added.stdout)?.[1];
    const secret = /API key \(shown once; only its SHA-256 is kept\): (rlk_\S+)/.exec(added.stdout)?.[1];
    expect(id && secret).toBeTruthy();
    const text = readFileSync(keysFile, 'utf8');
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).keys).toEqual([{ id, stores: ['S001', 'S002'], created: expect.any(String), sha256: hashSecret(secret!) }]);
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);

    const listed = cli(lake, 'keys', 'list');
    expect(listed.stdout).toMatch(new RegExp(`^${id}  \\S+  S001,S002\\n$`));
    expect(listed.stdout).not.toContain(secret);

    expect(cli(lake, 'keys', 'revoke', id!).stdout).toBe(`revoked ${id}\n`);
    expect(cli(lake, 'keys', 'list').stdout).toMatch(/^no ingest keys in /);
    const again = cli(lake, 'keys', 'revoke', id!);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no ingest key ${id}`);
  });

  it('refuses serve with --api-key beside a keys file (exit 2)', () => {
    const r = cli(lake, 'serve', '--api-key', 'k', '--port', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^retail-lake: --api-key \(or RETAIL_LAKE_API_KEY\) cannot be used with the keys file /);
  });
});
