/**
 * Duplicate suppression across Node-RED instances (issue: Biller Direct events at scale): two separate Node-RED
 * processes run the same flow — a q2-billerdirect-webhook with `dedupeStore: redis` on one real redis-server, its
 * output posted to a collector here — and each of 1,000 events is posted to both at once, as Q2 may deliver an event
 * twice through a load balancer. Exactly 1,000 are emitted in total, each once. Then the store is stopped: the
 * `reject` policy answers 503 (and emits nothing), the `accept` policy emits with msg.q2.dedupe = "unchecked", and
 * each logs one warning for the outage.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { type Collector, deployFlows, type Runtime, startCollector, startNodeRed, stopNodeRed, userDirWithPack } from './node-red-process';
import { requireRedis, startRedis, type RunningRedis } from './redis-server';

const ROUTE = '/q2/events';
const EVENTS = 1000;

interface Collected {
  id: string;
  dedupe?: string;
  instance: string;
}

function flow(redisUrl: string, collector: string, instance: string, failure: 'reject' | 'accept'): unknown[] {
  return [
    { id: 'tab', type: 'tab', label: 'two instances' },
    {
      id: 'hook',
      z: 'tab',
      type: 'q2-billerdirect-webhook',
      url: ROUTE,
      keySource: 'none',
      dedupe: true,
      dedupeWindow: 3600,
      dedupeStore: 'redis',
      redisUrl,
      // the same namespace on both: the claims are shared whatever the node ids
      dedupeNamespace: 'q2-test:events',
      dedupeFailure: failure,
      dedupeTimeout: 0.5,
      wires: [['shape']],
    },
    {
      id: 'shape',
      z: 'tab',
      type: 'function',
      func: `msg.payload = { id: msg.payload._id, dedupe: msg.q2 && msg.q2.dedupe, instance: ${JSON.stringify(instance)} }; return msg;`,
      outputs: 1,
      wires: [['collect']],
    },
    { id: 'collect', z: 'tab', type: 'http request', method: 'POST', ret: 'txt', url: collector, wires: [[]] },
  ];
}

function event(i: number): string {
  return JSON.stringify({
    event: {
      _id: `evt-${i}`,
      type: 'bill.created',
      created: '2025-06-10T12:00:00.000Z',
      clientId: 'c1',
      payload: { resource: { id: 'b1', type: 'bill' }, data: {} },
    },
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Posts until the route answers something else than 404 (a deploy answers before its flow has started). */
async function routeUp(runtime: Runtime): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    const status = await post(runtime.url + ROUTE, '{}');
    if (status !== 404) return;
    if (Date.now() > end) throw new Error('the webhook route did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('webhook dedupe across two Node-RED processes on one Redis', function () {
  this.timeout(240_000);
  let redis: RunningRedis;
  let work: string;
  let collector: Collector<Collected> | undefined;
  let collectorUrl = '';
  let collected: Collected[] = [];
  const runtimes: Runtime[] = [];

  before(async function () {
    const binary = requireRedis(this);
    redis = await startRedis(binary);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'q2-two-'));
    collector = await startCollector<Collected>();
    collectorUrl = collector.url;
    collected = collector.items;
    // two user directories, each loading the pack from this checkout (as `npm start` does)
    for (const name of ['a', 'b']) {
      const userDir = userDirWithPack(path.join(work, name));
      runtimes.push(await startNodeRed(require.resolve('node-red/red.js'), userDir, { settings: "logging: { console: { level: 'info' } }" }));
    }
  });
  after(async () => {
    await Promise.all(runtimes.map((r) => stopNodeRed(r)));
    agent.destroy();
    await collector?.close();
    await redis?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('each of 1,000 events posted to both instances at once is emitted exactly once in total', async () => {
    const [a, b] = runtimes;
    await deployFlows(a, flow(redis.url, collectorUrl, 'a', 'reject'));
    await deployFlows(b, flow(redis.url, collectorUrl, 'b', 'reject'));
    await Promise.all([routeUp(a), routeUp(b)]);
    collected.length = 0;
    const statuses: number[] = [];
    for (let start = 0; start < EVENTS; start += 50) {
      const batch = Array.from({ length: Math.min(50, EVENTS - start) }, (_, k) => event(start + k));
      const answers = await Promise.all(batch.flatMap((body) => [post(a.url + ROUTE, body), post(b.url + ROUTE, body)]));
      statuses.push(...answers);
    }
    assert.deepEqual([...new Set(statuses)], [200], 'every delivery is answered 200 (first or duplicate)');
    await until(() => collected.length >= EVENTS, `${EVENTS} emitted (got ${collected.length})`);
    await new Promise((r) => setTimeout(r, 500)); // time for any extra emission to arrive
    assert.equal(collected.length, EVENTS, 'no event emitted twice');
    const ids = new Set(collected.map((c) => c.id));
    assert.equal(ids.size, EVENTS);
    for (let i = 0; i < EVENTS; i++) assert.ok(ids.has(`evt-${i}`), `evt-${i} emitted`);
    assert.ok(
      collected.every((c) => c.dedupe === 'first'),
      'msg.q2.dedupe = "first"',
    );
    const byA = collected.filter((c) => c.instance === 'a').length;
    assert.ok(byA > 0 && byA < EVENTS, `both instances emitted some (a: ${byA}, b: ${EVENTS - byA})`);
  });

  it('with the store stopped: reject answers 503 and emits nothing, accept emits "unchecked"; one warning per outage each', async () => {
    const [a, b] = runtimes;
    await deployFlows(b, flow(redis.url, collectorUrl, 'b', 'accept'));
    await routeUp(b);
    const logStart = runtimes.map((r) => r.log.length);
    collected.length = 0;
    await redis.stop();
    for (let i = 0; i < 3; i++) {
      assert.equal(await post(a.url + ROUTE, event(EVENTS + i)), 503, 'reject: Q2 is to deliver it again');
      assert.equal(await post(b.url + ROUTE, event(EVENTS + i)), 200, 'accept: answered');
    }
    await until(() => collected.length >= 3, 'the accepted events');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      collected.map((c) => `${c.instance} ${c.id} ${c.dedupe}`).sort(),
      [0, 1, 2].map((i) => `b evt-${EVENTS + i} unchecked`),
    );
    const warned = (r: Runtime, from: number, re: RegExp) => r.log.slice(from).filter((l) => /\[warn\]/.test(l) && re.test(l));
    assert.equal(warned(a, logStart[0], /dedupe store is unavailable.*503/).length, 1, `one warning on a:\n${a.log.slice(logStart[0]).join('\n')}`);
    assert.equal(warned(b, logStart[1], /dedupe store is unavailable.*unchecked/).length, 1, `one warning on b:\n${b.log.slice(logStart[1]).join('\n')}`);

    // the store comes back: Q2's redelivery of a refused event is taken
    await redis.restart();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = await post(a.url + ROUTE, event(EVENTS));
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200);
    await until(() => collected.some((c) => c.instance === 'a'), 'the redelivered event');
    const back = a.log.slice(logStart[0]).find((l) => /dedupe store answers again/.test(l));
    // the three refused above, and any redelivery refused while Redis was starting
    assert.ok(back && Number(/; (\d+) event/.exec(back)?.[1]) >= 3, `the recovery is logged with the count:\n${a.log.slice(logStart[0]).join('\n')}`);
  });
});
