/**
 * Drives a loaded Node-RED flow (bench/flows.ts) in a closed loop: exactly `concurrency` messages outstanding,
 * a new one handed to the entry node whenever one reaches `out` or `caught`. With concurrency >= count, every
 * message is handed over at once (the burst).
 */
import { performance } from 'node:perf_hooks';
import { inject, listen, type BenchMsg } from './flows';
import { ErrorTally, type RunResult } from './stats';

export interface DriveOptions {
  entry: string;
  count: number;
  concurrency: number;
  /** give up when no message completes for this long (ms); the rest count as lost */
  stallMs?: number;
  /** record per-message latency (default true) */
  latencies?: boolean;
}

let runCounter = 0;

export function drive(options: DriveOptions): Promise<RunResult> {
  const { entry, count } = options;
  const concurrency = Math.max(1, Math.min(options.concurrency, count));
  const stallMs = options.stallMs ?? 60_000;
  const record = options.latencies !== false;
  const runId = ++runCounter;
  const starts = new Float64Array(record ? count : 0);
  const latencies = new Float64Array(record ? count : 0);
  const completed = new Uint8Array(count);
  const tally = new ErrorTally();
  let sent = 0;
  let done = 0;
  let ok = 0;
  let atOutput = 0;
  let atCatch = 0;
  let lastProgress = performance.now();
  const began = performance.now();

  return new Promise<RunResult>((resolve) => {
    const result = (lost: number): RunResult => ({
      count,
      durationMs: performance.now() - began,
      latencies: record ? latencies.slice(0, done) : new Float64Array(0),
      ok,
      errors: tally.errors,
      timeouts: tally.timeouts,
      lost,
      atOutput,
      atCatch,
      errorSamples: tally.samples,
    });
    const launch = (): void => {
      const seq = sent++;
      if (record) starts[seq] = performance.now();
      inject(entry, { benchRun: runId, benchSeq: seq });
    };
    const complete = (msg: BenchMsg, error: string | undefined, caught: boolean): void => {
      const seq = msg.benchSeq;
      if (msg.benchRun !== runId || typeof seq !== 'number' || completed[seq]) return; // another run's, or a second arrival
      completed[seq] = 1;
      const now = performance.now();
      if (record) latencies[done] = now - starts[seq];
      done += 1;
      if (caught) atCatch += 1;
      else atOutput += 1;
      lastProgress = now;
      if (error === undefined) ok += 1;
      else tally.add(error);
      if (sent < count) launch();
      else if (done === count) finish(0);
    };
    const stopOut = listen('out', (msg) => complete(msg, msg.statusCode === 200 ? undefined : `HTTP ${String(msg.statusCode)} at the output`, false));
    const stopCaught = listen('caught', (msg) =>
      complete(msg, typeof msg.error?.message === 'string' ? msg.error.message : 'an error without a message', true),
    );
    const watchdog = setInterval(() => {
      if (performance.now() - lastProgress > stallMs) finish(count - done);
    }, 1000);
    let finished = false;
    function finish(lost: number): void {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      stopOut();
      stopCaught();
      resolve(result(lost));
    }
    for (let i = 0; i < concurrency; i++) launch();
  });
}
