/** The main thread's handle on the simulator worker (bench/sim-worker.ts): its URL and request counters. */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export type ToSimWorker = { type: 'counts'; id: number } | { type: 'stop' };
export type FromSimWorker =
  | { type: 'ready'; url: string }
  | { type: 'counts'; id: number; requests: number; tokenRequests: number }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

/** Requests the simulator has seen since it started (every path, and the token endpoint alone). */
export interface SimCounts {
  requests: number;
  tokenRequests: number;
}

export interface BenchSimulator {
  url: string;
  counts(): Promise<SimCounts>;
  stop(): Promise<void>;
}

export function startSimulatorWorker(): Promise<BenchSimulator> {
  const worker = new Worker(path.join(__dirname, 'sim-worker.js'));
  let nextId = 1;
  const waiting = new Map<number, (counts: SimCounts) => void>();
  let onStopped: (() => void) | undefined;
  return new Promise<BenchSimulator>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: FromSimWorker) => {
      switch (message.type) {
        case 'ready':
          resolve({
            url: message.url,
            counts: () =>
              new Promise<SimCounts>((done) => {
                const id = nextId++;
                waiting.set(id, done);
                worker.postMessage({ type: 'counts', id } satisfies ToSimWorker);
              }),
            stop: () =>
              new Promise<void>((done) => {
                onStopped = done;
                worker.postMessage({ type: 'stop' } satisfies ToSimWorker);
              }),
          });
          break;
        case 'counts': {
          const done = waiting.get(message.id);
          waiting.delete(message.id);
          done?.({ requests: message.requests, tokenRequests: message.tokenRequests });
          break;
        }
        case 'stopped':
          void worker.terminate().then(() => onStopped?.());
          break;
        case 'failed':
          reject(new Error(`simulator worker: ${message.message}`));
          break;
      }
    });
  });
}
