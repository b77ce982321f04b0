import { closeSync, openSync, writeSync } from 'node:fs';

/** The largest single write writeFileInPieces makes. */
export const WRITE_PIECE_BYTES = 1024 * 1024;

/**
 * Writes `bytes` to a new (or truncated) file at `path` in writes of at most WRITE_PIECE_BYTES, synchronously.
 *
 * Why not one writeFileSync: on Linux (6.x, ext4 with large folios) a write of 2 MiB or more fills the page cache
 * with 2 MiB folios, and a virtual machine that hands free memory back to its host (free page reporting, as
 * Firecracker does) must then fault each of them in from the host. Measured on the 2-core development VM: 256 MiB
 * in 4 MiB writes took 1.4-2.9 s (1.2-2.4 s of it in the kernel), in 1 MiB writes 64-116 ms. Node's asynchronous
 * writeFile already writes in 512 KiB pieces.
 */
export function writeFileInPieces(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, Math.min(WRITE_PIECE_BYTES, bytes.length - at));
  } finally {
    closeSync(fd);
  }
}
