/**
 * The benchmark itself (bench/run.ts starts it with --expose-gc). One simulator (a worker thread, see
 * bench/sim-worker.ts), one process, the same number of requests in flight for every variant:
 *  (a)  the pack's q2-lookup-user node on a q2-platform-config connection, in the Node-RED runtime;
 *  (b1) function node (token from flow context) + core http request node, its defaults;
 *  (b2) the same with the http request node's keep-alive (`persist`) on;
 *  (c)  a plain axios loop on a keep-alive http.Agent.
 * Then, for (a): heap after 10,000 and after BENCH_HEAP_MESSAGES messages, and a burst of BENCH_BURST messages
 * handed over at once. Prints a table and the targets, and writes bench/results/latest.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { axiosLoop } from './axios-loop';
import { drive } from './driver';
import { coreFlow, fetchCoreToken, helper, loadFlow, packFlow, startServer, stopServer, type BenchFlow } from './flows';
import { startSimulatorWorker, type BenchSimulator } from './sim';
import { round, summarise, type RunResult, type Summary } from './stats';
import { webhookBench, type WebhookRow } from './webhook';

const MB = 1024 * 1024;
const SIM_WARMUP = 5_000;

function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, not "${raw}"`);
  return value;
}

interface Config {
  concurrency: number;
  messages: number;
  warmup: number;
  heapFirst: number;
  heapMessages: number;
  burst: number;
  keepHelperSpies: boolean;
  webhookEvents: number;
  webhookConcurrency: number;
  /** `webhook`: only the webhook rows */
  only?: string;
}

function readConfig(): Config {
  const heapFirst = envInt('BENCH_HEAP_FIRST', 10_000);
  const config: Config = {
    concurrency: envInt('BENCH_CONCURRENCY', 32),
    messages: envInt('BENCH_MESSAGES', 20_000),
    warmup: envInt('BENCH_WARMUP', 1_000, 0),
    heapFirst,
    heapMessages: envInt('BENCH_HEAP_MESSAGES', 100_000),
    burst: envInt('BENCH_BURST', 10_000),
    keepHelperSpies: process.env.BENCH_KEEP_HELPER_SPIES === '1',
    webhookEvents: envInt('BENCH_WEBHOOK_EVENTS', 20_000),
    webhookConcurrency: envInt('BENCH_WEBHOOK_CONCURRENCY', 32),
    only: process.env.BENCH_ONLY || undefined,
  };
  if (config.heapMessages <= heapFirst) throw new Error(`BENCH_HEAP_MESSAGES must be more than ${heapFirst}`);
  return config;
}

function progress(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

async function heapUsedAfterGc(): Promise<number> {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') throw new Error('global.gc is not available (run node with --expose-gc)');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
  }
  gc();
  return process.memoryUsage().heapUsed;
}

interface Measured {
  summary: Summary;
  /** token requests the simulator saw during the whole phase (load, warm-up and run) */
  tokenRequests: number;
  /** every request the simulator saw during the phase */
  requests: number;
}

/** Warm-up then the measured run of one Node-RED flow; `prepare` runs after loading (e.g. fetch the token). */
async function measureFlow(sim: BenchSimulator, config: Config, bench: BenchFlow, label: string, prepare?: () => Promise<void>): Promise<Measured> {
  const before = await sim.counts();
  await loadFlow(bench, config.keepHelperSpies);
  try {
    if (prepare) await prepare();
    if (config.warmup > 0) {
      progress(`${label}: warm-up, ${config.warmup} messages`);
      await drive({ entry: bench.entry, count: config.warmup, concurrency: config.concurrency, latencies: false });
    }
    progress(`${label}: ${config.messages} messages, ${config.concurrency} in flight`);
    const run = await drive({ entry: bench.entry, count: config.messages, concurrency: config.concurrency });
    const summary = summarise(run);
    progress(`${label}: ${summary.rps} msg/s`);
    const after = await sim.counts();
    return { summary, tokenRequests: after.tokenRequests - before.tokenRequests, requests: after.requests - before.requests };
  } finally {
    await helper.unload();
  }
}

async function measureAxios(sim: BenchSimulator, config: Config, url: string): Promise<Measured> {
  const label = '(c) axios';
  const before = await sim.counts();
  const loop = await axiosLoop(url, config.concurrency);
  try {
    if (config.warmup > 0) {
      progress(`${label}: warm-up, ${config.warmup} requests`);
      await loop.run(config.warmup);
    }
    progress(`${label}: ${config.messages} requests, ${config.concurrency} in flight`);
    const summary = summarise(await loop.run(config.messages));
    progress(`${label}: ${summary.rps} req/s`);
    const after = await sim.counts();
    return { summary, tokenRequests: after.tokenRequests - before.tokenRequests, requests: after.requests - before.requests };
  } finally {
    loop.close();
  }
}

interface HeapResult {
  firstAt: number;
  lastAt: number;
  afterFirstMB: number;
  afterLastMB: number;
  growthMB: number;
  errors: number;
  lost: number;
  tokenRequests: number;
}

/** Heap used (after GC) once `heapFirst` and once `heapMessages` messages went through a fresh pack flow. */
async function measureHeap(sim: BenchSimulator, config: Config, url: string): Promise<HeapResult> {
  const bench = packFlow(url);
  const before = await sim.counts();
  await loadFlow(bench, config.keepHelperSpies);
  try {
    let errors = 0;
    let lost = 0;
    const add = (run: RunResult): void => {
      errors += run.errors;
      lost += run.lost;
    };
    progress(`heap: ${config.heapFirst} messages`);
    add(await drive({ entry: bench.entry, count: config.heapFirst, concurrency: config.concurrency, latencies: false }));
    const first = await heapUsedAfterGc();
    progress(`heap: ${round(first / MB, 2)} MB used; ${config.heapMessages - config.heapFirst} more messages`);
    const rest = config.heapMessages - config.heapFirst;
    // in slices, so that no per-run bookkeeping of the benchmark itself is alive across the whole stretch
    for (let left = rest; left > 0; left -= 10_000) {
      add(await drive({ entry: bench.entry, count: Math.min(10_000, left), concurrency: config.concurrency, latencies: false }));
    }
    const last = await heapUsedAfterGc();
    progress(`heap: ${round(last / MB, 2)} MB used after ${config.heapMessages}`);
    const after = await sim.counts();
    return {
      firstAt: config.heapFirst,
      lastAt: config.heapMessages,
      afterFirstMB: round(first / MB, 2),
      afterLastMB: round(last / MB, 2),
      growthMB: round((last - first) / MB, 2),
      errors,
      lost,
      tokenRequests: after.tokenRequests - before.tokenRequests,
    };
  } finally {
    await helper.unload();
  }
}

interface BurstResult {
  messages: number;
  atOutput: number;
  atCatch: number;
  /** Catch errors that were timeouts (/timeout|no response within/i) */
  spuriousTimeouts: number;
  /** messages that reached neither */
  lost: number;
  durationMs: number;
  p99Ms: number;
  errorSamples: Record<string, number>;
}

async function measureBurst(config: Config, url: string): Promise<BurstResult> {
  const bench = packFlow(url);
  await loadFlow(bench, config.keepHelperSpies);
  try {
    progress(`burst: ${config.burst} messages at once`);
    const run = await drive({ entry: bench.entry, count: config.burst, concurrency: config.burst, stallMs: 120_000 });
    const summary = summarise(run);
    progress(`burst: ${run.atOutput} at the output, ${run.atCatch} at Catch, ${run.lost} lost`);
    return {
      messages: config.burst,
      atOutput: run.atOutput,
      atCatch: run.atCatch,
      spuriousTimeouts: run.timeouts,
      lost: run.lost,
      durationMs: summary.durationMs,
      p99Ms: summary.p99Ms,
      errorSamples: run.errorSamples,
    };
  } finally {
    await helper.unload();
  }
}

interface Target {
  name: string;
  target: string;
  actual: string;
  pass: boolean;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function webhookLines(rows: WebhookRow[], config: Config): { lines: string[]; targets: Target[] } {
  const lines = [
    '',
    `BD Webhook duplicate check — claim cost per event with ${'1k'} and ${'100k'} ids held; ${config.webhookEvents} events through Node-RED, ${config.webhookConcurrency} in flight`,
    '',
    `${pad('store', 10)}${pad('µs @1k', 12, true)}${pad('µs @100k', 12, true)}${pad('ratio', 8, true)}${pad('events/s', 11, true)}${pad('non-200', 9, true)}${pad('heap 100k', 12, true)}`,
    '-'.repeat(74),
  ];
  for (const r of rows) {
    lines.push(
      `${pad(r.store, 10)}${pad(fixed(r.claimUsAtSmall, 2), 12, true)}${pad(fixed(r.claimUsAtLarge, 2), 12, true)}${pad(fixed(r.ratio, 2), 8, true)}${pad(fixed(r.eventsPerSecond, 0), 11, true)}${pad(String(r.non200), 9, true)}${pad(r.heapMBForLarge === undefined ? '' : `${fixed(r.heapMBForLarge, 1)} MB`, 12, true)}`,
    );
  }
  const targets: Target[] = rows.map((r) => ({
    name: `webhook ${r.store}: cost 100k / 1k`,
    target: '≤ 2.0',
    actual: fixed(r.ratio, 2),
    pass: r.ratio <= 2,
  }));
  return { lines, targets };
}

export async function main(): Promise<void> {
  const config = readConfig();
  if (config.only === 'webhook') {
    const rows = await webhookBench(progress, { events: config.webhookEvents, concurrency: config.webhookConcurrency });
    const { lines, targets } = webhookLines(rows, config);
    lines.push('', 'targets:');
    for (const t of targets) lines.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${pad(t.name, 34)} ${pad(t.target, 8)} actual ${t.actual}`);
    console.log(lines.join('\n'));
    return;
  }
  const started = new Date();
  progress(
    `concurrency ${config.concurrency}, ${config.messages} messages per variant (+${config.warmup} warm-up), heap ${config.heapFirst}→${config.heapMessages}, burst ${config.burst}`,
  );
  const sim = await startSimulatorWorker();
  await startServer();
  try {
    // the simulator's own JIT warm-up, so that (a), measured first, does not meet a colder simulator than the rest
    progress(`simulator warm-up: ${SIM_WARMUP} requests`);
    const warm = await axiosLoop(sim.url, config.concurrency);
    await warm.run(SIM_WARMUP);
    warm.close();

    const a = await measureFlow(sim, config, packFlow(sim.url), '(a) pack');
    const b1 = await measureFlow(sim, config, coreFlow(sim.url, false), '(b1) core', () => fetchCoreToken());
    const b2 = await measureFlow(sim, config, coreFlow(sim.url, true), '(b2) core keep-alive', () => fetchCoreToken());
    const c = await measureAxios(sim, config, sim.url);
    const heap = await measureHeap(sim, config, sim.url);
    const burst = await measureBurst(config, sim.url);
    const webhookRows = await webhookBench(progress, { events: config.webhookEvents, concurrency: config.webhookConcurrency });
    const webhook = webhookLines(webhookRows, config);

    const ratio = (x: Measured, y: Measured): number => round(x.summary.rps / y.summary.rps, 2);
    const ratios = { aOverB1: ratio(a, b1), aOverB2: ratio(a, b2), aOverC: ratio(a, c) };
    const targets: Target[] = [
      { name: 'a ≥ 1.3 × b1 (rps)', target: '≥ 1.30', actual: fixed(ratios.aOverB1, 2), pass: ratios.aOverB1 >= 1.3 },
      { name: 'a ≥ 1.3 × b2 (rps)', target: '≥ 1.30', actual: fixed(ratios.aOverB2, 2), pass: ratios.aOverB2 >= 1.3 },
      { name: 'a ≥ 0.9 × c (rps)', target: '≥ 0.90', actual: fixed(ratios.aOverC, 2), pass: ratios.aOverC >= 0.9 },
      { name: 'token requests in (a)', target: '= 1', actual: String(a.tokenRequests), pass: a.tokenRequests === 1 },
      {
        name: `heap growth ${config.heapFirst / 1000}k→${config.heapMessages / 1000}k`,
        target: '< 5 MB',
        actual: `${fixed(heap.growthMB, 2)} MB`,
        pass: heap.growthMB < 5,
      },
      { name: 'spurious timeouts in the burst', target: '= 0', actual: String(burst.spuriousTimeouts), pass: burst.spuriousTimeouts === 0 },
      ...webhook.targets,
    ];

    const rows: Array<[string, Measured]> = [
      ['(a)  pack q2-lookup-user', a],
      ['(b1) function + http request', b1],
      ['(b2) function + http request, keep-alive', b2],
      ['(c)  axios loop, keep-alive agent', c],
    ];
    const lines: string[] = [];
    lines.push('');
    lines.push(
      `Q2 LookupUser benchmark — ${config.messages} messages per variant, ${config.concurrency} in flight, ${config.warmup} warm-up (node ${process.version}, ${os.cpus().length} CPUs)`,
    );
    lines.push('');
    lines.push(
      `${pad('variant', 42)}${pad('rps', 10, true)}${pad('p50 ms', 10, true)}${pad('p99 ms', 10, true)}${pad('errors', 8, true)}${pad('token req', 11, true)}`,
    );
    lines.push('-'.repeat(91));
    for (const [name, m] of rows) {
      const s = m.summary;
      lines.push(
        `${pad(name, 42)}${pad(fixed(s.rps, 0), 10, true)}${pad(fixed(s.p50Ms, 2), 10, true)}${pad(fixed(s.p99Ms, 2), 10, true)}${pad(String(s.errors), 8, true)}${pad(String(m.tokenRequests), 11, true)}`,
      );
    }
    lines.push('');
    lines.push(`ratios (rps): a/b1 = ${fixed(ratios.aOverB1, 2)}   a/b2 = ${fixed(ratios.aOverB2, 2)}   a/c = ${fixed(ratios.aOverC, 2)}`);
    lines.push(`token requests during (a): ${a.tokenRequests} (of ${a.requests} requests to the simulator)`);
    lines.push(
      `heap used after GC (a): ${fixed(heap.afterFirstMB, 2)} MB after ${heap.firstAt}, ${fixed(heap.afterLastMB, 2)} MB after ${heap.lastAt} messages → growth ${fixed(heap.growthMB, 2)} MB` +
        (heap.errors || heap.lost ? ` (${heap.errors} errors, ${heap.lost} lost)` : ''),
    );
    lines.push(
      `burst (a): ${burst.messages} at once → ${burst.atOutput} at the output, ${burst.atCatch} at Catch (${burst.spuriousTimeouts} timeouts), ${burst.lost} lost; ${fixed(burst.durationMs / 1000, 1)} s, p99 ${fixed(burst.p99Ms, 0)} ms`,
    );
    for (const [name, m] of rows) {
      for (const [text, n] of Object.entries(m.summary.errorSamples)) lines.push(`  ${name.trim()} error ×${n}: ${text}`);
    }
    for (const [text, n] of Object.entries(burst.errorSamples)) lines.push(`  burst error ×${n}: ${text}`);
    lines.push(...webhook.lines);
    lines.push('');
    lines.push('targets:');
    for (const t of targets) lines.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${pad(t.name, 34)} ${pad(t.target, 8)} actual ${t.actual}`);
    lines.push('');
    console.log(lines.join('\n'));

    const results = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      environment: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '' },
      config,
      variants: {
        a: { name: 'pack q2-lookup-user', ...a.summary, tokenRequests: a.tokenRequests, simulatorRequests: a.requests },
        b1: { name: 'function + http request', ...b1.summary, tokenRequests: b1.tokenRequests, simulatorRequests: b1.requests },
        b2: { name: 'function + http request, keep-alive', ...b2.summary, tokenRequests: b2.tokenRequests, simulatorRequests: b2.requests },
        c: { name: 'axios loop, keep-alive agent', ...c.summary, tokenRequests: c.tokenRequests, simulatorRequests: c.requests },
      },
      ratios,
      tokenRequestsA: a.tokenRequests,
      heap,
      burst,
      webhook: webhookRows,
      targets,
    };
    const dir = path.join(__dirname, '..', '..', 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'latest.json');
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results: ${path.relative(process.cwd(), file) || file}`);
  } finally {
    await stopServer();
    await sim.stop();
  }
}
