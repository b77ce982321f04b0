import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import kinesalite from 'kinesalite';
import { installKinesaliteSpeedups } from './kinesalite-speedups';

/**
 * Runs kinesalite on its own thread of this process (see stream.ts): the ingest handler and the firehose
 * keep the main thread, kinesalite gets the second core. Messages: -> { port } once listening, <- 'stop'.
 */
export interface StreamWorkerData {
  dir: string;
}

const { dir } = workerData as StreamWorkerData;
installKinesaliteSpeedups();
const server = kinesalite({ path: dir, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
server.listen(0, '127.0.0.1', () => parentPort?.postMessage({ port: (server.address() as AddressInfo).port }));
parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  server.closeAllConnections();
  // kinesalite's close() closes the LevelDB store, then the HTTP server
  server.close((err) => {
    parentPort?.postMessage({ stopped: true, error: err ? String(err) : undefined });
    parentPort?.close();
  });
});
