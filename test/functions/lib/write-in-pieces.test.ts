import fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WRITE_PIECE_BYTES, writeFileInPieces } from '../../../functions/lib/write-in-pieces';

describe('writeFileInPieces', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pieces-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a view into a larger buffer, byte for byte, in writes of at most WRITE_PIECE_BYTES', () => {
    const whole = Buffer.alloc(3 * WRITE_PIECE_BYTES + 1000);
    for (let i = 0; i < whole.length; i++) whole[i] = (i * 7919) % 251;
    // a view that starts and ends off the pieces' bounds
    const view = whole.subarray(13, whole.length - 17);
    const writes = jest.spyOn(fs, 'writeSync');
    const path = join(dir, 'part.ndjson');
    writeFileInPieces(path, view);
    expect(readFileSync(path).equals(view)).toBe(true);
    const lengths = writes.mock.calls.map((call) => Number(call[3]));
    expect(lengths.length).toBe(4);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(WRITE_PIECE_BYTES);
  });

  it('replaces what the file held, and writes an empty file for no bytes', () => {
    const path = join(dir, 'part.ndjson');
    writeFileSync(path, 'x'.repeat(5000));
    writeFileInPieces(path, Buffer.from('short\n'));
    expect(readFileSync(path, 'utf8')).toBe('short\n');
    writeFileInPieces(path, new Uint8Array(0));
    expect(readFileSync(path).length).toBe(0);
  });
});
