import { rawBytes, rawBytesSync } from '../../lib/raw-objects';

/** Leading bytes of objects that are not gzip NDJSON in UTF-8 as a whole, and what they are. */
const NOT_UTF8_NDJSON: [number[], string][] = [
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32 text (big-endian byte order mark), not UTF-8'],
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32 text (little-endian byte order mark), not UTF-8'],
  [[0xfe, 0xff], 'UTF-16 text (big-endian byte order mark), not UTF-8'],
  [[0xff, 0xfe], 'UTF-16 text (little-endian byte order mark), not UTF-8'],
  [[0x42, 0x5a, 0x68], 'a bzip2 stream, not gzip'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a zstd stream, not gzip'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'an xz stream, not gzip'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive, not gzip'],
];

const startsWith = (bytes: Uint8Array, magic: number[]): boolean => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** Why NDJSON bytes are not readable as a whole, or the bytes. */
function checkedText(bytes: Buffer): { bytes: Buffer } | { unreadable: string } {
  for (const [magic, what] of NOT_UTF8_NDJSON) if (startsWith(bytes, magic)) return { unreadable: what };
  return { bytes };
}

/**
 * A raw object's NDJSON bytes, or why the object cannot be read as a whole: a gzip stream that is corrupt or
 * truncated, another compression, or text in another encoding. Such an object is quarantined whole; a line that
 * is not UTF-8 in an otherwise readable object is its own record's problem (`invalid_utf8`).
 */
export async function readRawObject(body: Buffer): Promise<{ bytes: Buffer } | { unreadable: string }> {
  let bytes: Buffer;
  try {
    bytes = await rawBytes(body);
  } catch (err) {
    return { unreadable: `gzip: ${(err as Error).message}` };
  }
  return checkedText(bytes);
}

/** readRawObject on the calling thread (a Validate worker's). */
export function readRawObjectSync(body: Uint8Array): { bytes: Buffer } | { unreadable: string } {
  let bytes: Buffer;
  try {
    bytes = rawBytesSync(body);
  } catch (err) {
    return { unreadable: `gzip: ${(err as Error).message}` };
  }
  return checkedText(bytes);
}
