/**
 * The benchmark's one Q2 simulator, in a worker thread so that it has its own event loop (and heap): the
 * Node-RED runtime under test keeps the main thread to itself and the main thread's heap numbers are the pack's.
 * The simulator keeps every request in memory, so this worker tallies and clears them every 200 ms and on
 * request ('counts'); the main thread only ever sees the running totals.
 */
import { parentPort } from 'node:worker_threads';
import { startSimulator } from '../lib/simulator';
import type { FromSimWorker, ToSimWorker } from './sim';

const TOKEN_PATH = '/v2/oauth2/token';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('bench/sim-worker must run as a worker thread');
  const sim = await startSimulator({ port: 0 });
  const totals = { requests: 0, tokenRequests: 0 };
  const tally = (): void => {
    const { requests } = sim.server;
    if (requests.length === 0) return;
    totals.requests += requests.length;
    totals.tokenRequests += sim.server.requestsTo(TOKEN_PATH).length;
    sim.server.clearRequests();
  };
  const timer = setInterval(tally, 200);
  const post = (message: FromSimWorker): void => port.postMessage(message);
  port.on('message', (message: ToSimWorker) => {
    if (message.type === 'counts') {
      tally();
      post({ type: 'counts', id: message.id, ...totals });
    } else if (message.type === 'stop') {
      clearInterval(timer);
      void sim.stop().then(() => {
        post({ type: 'stopped' });
        port.close();
      });
    }
  });
  post({ type: 'ready', url: sim.url });
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies FromSimWorker);
});
