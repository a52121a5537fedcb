/**
 * The webhook row of `npm run bench`: how the BD Webhook's duplicate check scales (issue: Biller Direct events at
 * scale). For each store (`memory`, and `redis` when a redis-server binary is installed):
 *  - the per-event claim cost with 1,000 and with 100,000 ids already held (their ratio should stay near 1);
 *  - events per second through a real Node-RED process (the pack linked into a temporary user directory, the
 *    webhook route served by Node-RED's own HTTP server, BENCH_WEBHOOK_CONCURRENCY posts in flight);
 *  - for memory, the heap the 100,000 claims take.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@redis/client';
import { MemoryDedupe, RedisDedupe, type DedupeStore } from '../lib/billerdirect/dedupe';
import { deployFlows, startNodeRed, stopNodeRed, userDirWithPack, type Runtime } from '../test/node-red-process';
import { redisServerBinary, startRedis, type RunningRedis } from '../test/redis-server';
import { round } from './stats';

const WINDOW_MS = 3_600_000;
const SMALL = 1_000;
const LARGE = 100_000;
const ROUTE = '/bench/events';

export interface WebhookRow {
  store: 'memory' | 'redis';
  /** mean µs per claim of a new id with SMALL / LARGE ids held */
  claimUsAtSmall: number;
  claimUsAtLarge: number;
  ratio: number;
  eventsPerSecond: number;
  events: number;
  non200: number;
  /** memory only: heap taken by LARGE claims */
  heapMBForLarge?: number;
}

async function heapUsed(): Promise<number> {
  const collect = globalThis.gc;
  if (collect) {
    collect();
    await new Promise((r) => setImmediate(r));
    collect();
  }
  return process.memoryUsage().heapUsed;
}

/** Mean µs of `count` claims of new ids, one after another (the cost one event pays). */
async function claimCost(store: DedupeStore, prefix: string, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    if ((await store.claim(`${prefix}-${i}`)) !== 'first') throw new Error('a new id was not first');
  }
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

async function fillMemory(store: MemoryDedupe, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await store.claim(`fill-${i}`);
}

async function fillRedis(url: string, namespace: string, from: number, to: number): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    for (let i = from; i < to; i += 1000) {
      const multi = client.multi();
      for (let k = i; k < Math.min(to, i + 1000); k++)
        multi.set(`${namespace}:fill-${k}`, '1', { condition: 'NX', expiration: { type: 'PX', value: WINDOW_MS } });
      await multi.exec();
    }
  } finally {
    await client.close();
  }
}

function post(agent: http.Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function eventsPerSecond(runtime: Runtime, events: number, concurrency: number, tag: string): Promise<{ rps: number; non200: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let non200 = 0;
  const body = (i: number): string =>
    JSON.stringify({
      event: { _id: `${tag}-${i}`, type: 'bill.created', created: '2025-06-10T12:00:00.000Z', payload: { resource: { id: 'b', type: 'bill' }, data: {} } },
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events) {
        const i = next++;
        if ((await post(agent, runtime.url + ROUTE, body(i))) !== 200) non200 += 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { rps: events / seconds, non200 };
}

function webhookFlow(store: 'memory' | 'redis', redisUrl: string): unknown[] {
  return [
    { id: 'bench-tab', type: 'tab', label: 'webhook bench' },
    {
      id: 'bench-hook',
      z: 'bench-tab',
      type: 'q2-billerdirect-webhook',
      url: ROUTE,
      keySource: 'none',
      dedupe: true,
      dedupeWindow: WINDOW_MS / 1000,
      dedupeStore: store,
      redisUrl,
      dedupeNamespace: 'bench:e2e',
      wires: [[]],
    },
  ];
}

export async function webhookBench(progress: (text: string) => void, options: { events: number; concurrency: number }): Promise<WebhookRow[]> {
  const rows: WebhookRow[] = [];
  const binary = redisServerBinary();
  let redis: RunningRedis | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'q2-bench-webhook-'));
  let runtime: Runtime | undefined;
  try {
    // the claim cost, in this process
    progress(`webhook: memory claims at ${SMALL} and ${LARGE} ids`);
    await claimCost(new MemoryDedupe(WINDOW_MS), 'warm', 20_000); // JIT warm-up, so that 1k is not measured colder
    const before = await heapUsed();
    const memory = new MemoryDedupe(WINDOW_MS);
    await fillMemory(memory, 0, SMALL);
    const memSmall = await claimCost(memory, 'small', 5000);
    await fillMemory(memory, SMALL + 5000, LARGE);
    const memLarge = await claimCost(memory, 'large', 5000);
    const heapMB = ((await heapUsed()) - before) / (1024 * 1024);
    if (memory.claims.size < LARGE) throw new Error(`memory holds ${memory.claims.size} claims`);
    const memoryRow: WebhookRow = {
      store: 'memory',
      claimUsAtSmall: round(memSmall, 2),
      claimUsAtLarge: round(memLarge, 2),
      ratio: round(memLarge / memSmall, 2),
      eventsPerSecond: 0,
      events: 0,
      non200: 0,
      heapMBForLarge: round(heapMB, 1),
    };
    rows.push(memoryRow);
    let redisRow: WebhookRow | undefined;
    if (binary) {
      redis = await startRedis(binary);
      progress(`webhook: redis claims at ${SMALL} and ${LARGE} ids`);
      const store = new RedisDedupe({ url: redis.url, namespace: 'bench', windowMs: WINDOW_MS, timeoutMs: 2000, onError: () => undefined });
      try {
        await claimCost(store, 'warm', 2000);
        await fillRedis(redis.url, 'bench', 0, SMALL);
        const small = await claimCost(store, 'small', 2000);
        await fillRedis(redis.url, 'bench', SMALL, LARGE);
        const large = await claimCost(store, 'large', 2000);
        redisRow = {
          store: 'redis',
          claimUsAtSmall: round(small, 1),
          claimUsAtLarge: round(large, 1),
          ratio: round(large / small, 2),
          eventsPerSecond: 0,
          events: 0,
          non200: 0,
        };
        rows.push(redisRow);
      } finally {
        await store.close();
      }
    } else progress('webhook: no redis-server installed, the redis row is skipped');

    // events per second through Node-RED's own HTTP server
    const userDir = userDirWithPack(path.join(work, 'user'));
    runtime = await startNodeRed(require.resolve('node-red/red.js'), userDir);
    for (const row of rows) {
      progress(`webhook: ${options.events} events through Node-RED, ${row.store} store`);
      await deployFlows(runtime, webhookFlow(row.store, redis?.url ?? ''));
      // a deploy answers before the flow has started: post until the route answers
      const agent = new http.Agent();
      for (let i = 0; i < 100 && (await post(agent, runtime.url + ROUTE, '{}')) === 404; i++) await new Promise((r) => setTimeout(r, 100));
      agent.destroy();
      await eventsPerSecond(runtime, 1000, options.concurrency, `${row.store}-warm`);
      const measured = await eventsPerSecond(runtime, options.events, options.concurrency, `${row.store}-run`);
      row.eventsPerSecond = round(measured.rps, 0);
      row.events = options.events;
      row.non200 = measured.non200;
    }
  } finally {
    await stopNodeRed(runtime);
    await redis?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return rows;
}
