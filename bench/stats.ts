/** Summaries of one measured run: throughput, latency percentiles and errors. */

export interface RunResult {
  /** messages (or requests) measured */
  count: number;
  /** wall time from the first send to the last completion, ms */
  durationMs: number;
  /** per-message latency, ms (send → output or Catch), one entry per completed message */
  latencies: Float64Array;
  ok: number;
  errors: number;
  /** error messages that match TIMEOUT_PATTERN */
  timeouts: number;
  /** messages that never completed (the run gave up waiting) */
  lost: number;
  /** completions at the output (whatever the status) and at Catch; a message counts once, where it arrived first */
  atOutput: number;
  atCatch: number;
  /** up to a few distinct error texts with their counts */
  errorSamples: Record<string, number>;
}

export interface Summary {
  messages: number;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  lost: number;
  errorSamples: Record<string, number>;
}

export const TIMEOUT_PATTERN = /timeout|no response within/i;

/** Nearest-rank percentile of the sorted values (p in 0..100). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarise(run: RunResult): Summary {
  const sorted = Float64Array.from(run.latencies).sort();
  return {
    messages: run.count,
    durationMs: round(run.durationMs, 1),
    rps: round((run.ok + run.errors) / (run.durationMs / 1000), 1),
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    errors: run.errors + run.lost,
    timeouts: run.timeouts,
    lost: run.lost,
    errorSamples: run.errorSamples,
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Collects error texts (a few distinct ones, counted) and the timeout count. */
export class ErrorTally {
  errors = 0;
  timeouts = 0;
  readonly samples: Record<string, number> = {};

  add(text: string): void {
    this.errors += 1;
    if (TIMEOUT_PATTERN.test(text)) this.timeouts += 1;
    const key = text.slice(0, 200);
    if (key in this.samples) this.samples[key] += 1;
    else if (Object.keys(this.samples).length < 5) this.samples[key] = 1;
  }
}
