/**
 * Tests for the simulator's transport faults (hang, truncate, html, bodyBytes, retryAfter), the
 * `faulted` mark on recorded requests and `pending()`, over loopback with plain fetch and node:http.
 * Faults match paths, not modules, so each kind is shown on Q2 Platform, Biller Direct or Helix paths.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { startSimulator, type RunningSimulator, type RecordedRequest } from '../lib/simulator';

let sim: RunningSimulator;

const PLATFORM = '/v2/GetAccountList';
const BILLER_DIRECT = '/v1/company/categories';
const HELIX = '/externalAccount/list/1001';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `cond` until it holds; fails after a generous bound. */
async function until(cond: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > limitMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface RawReply {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body: Buffer;
  /** The response ended normally (every promised byte arrived). */
  complete: boolean;
  /** The request or response failed (reset, aborted, socket hang up). */
  error?: Error;
}

/** A node:http request that never rejects: it reports what arrived and how it ended. */
function raw(path: string, opts: { method?: string; base?: string; signal?: AbortSignal } = {}): Promise<RawReply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const req = http.request(`${opts.base ?? sim.url}${path}`, { method: opts.method ?? 'GET', agent: false, signal: opts.signal }, (res) => {
      let error: Error | undefined;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (err) => (error = err));
      res.on('close', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete, error }));
    });
    req.on('error', (error) => resolve({ body: Buffer.concat(chunks), complete: false, error }));
    req.end();
  });
}

const kinds = (requests: RecordedRequest[]): Array<string | undefined> => requests.map((r) => r.faulted);

describe('simulator: transport faults', () => {
  before(async () => {
    sim = await startSimulator({ port: 0 });
  });
  after(() => sim.stop());
  beforeEach(() => sim.server.reset());

  describe('hang', () => {
    it('accepts the request and never answers; the client gives up; pending() counts it meanwhile', async () => {
      sim.server.injectFault({ path: '/externalAccount/list/*', hang: true });
      const answer = fetch(sim.url + HELIX, { signal: AbortSignal.timeout(300) });
      await until(() => sim.server.pending() === 1, 'the hanging request');
      assert.equal(sim.server.pending(), 1);
      assert.deepEqual(kinds(sim.server.requests), ['hang']);
      await assert.rejects(answer, (err: Error) => err.name === 'TimeoutError');
      await until(() => sim.server.pending() === 0, 'the hang to end when the client leaves');
      // times defaults to 1: the next request is answered by the Helix module
      const next = await fetch(sim.url + HELIX, { signal: AbortSignal.timeout(5000) });
      assert.equal(next.status, 401);
      await next.text();
      assert.deepEqual(kinds(sim.server.requests), ['hang', undefined]);
    });

    it('clearFaults() and reset() do not release a request that already hangs', async () => {
      sim.server.injectFault({ path: PLATFORM, hang: true });
      const client = new AbortController();
      const answer = raw(PLATFORM, { signal: client.signal });
      await until(() => sim.server.pending() === 1, 'the hanging request');
      sim.server.clearFaults();
      sim.server.reset();
      const other = await raw(PLATFORM);
      assert.equal(other.status, 401);
      assert.equal(sim.server.pending(), 1);
      const settled = await Promise.race([answer.then(() => 'answered'), sleep(100).then(() => 'still open')]);
      assert.equal(settled, 'still open');
      client.abort();
      const reply = await answer;
      assert.deepEqual([reply.status, reply.error?.name], [undefined, 'AbortError']);
      await until(() => sim.server.pending() === 0, 'the hang to end when the client leaves');
    });

    it('can be injected over POST /__sim/faults for a Biller Direct path', async () => {
      const posted = await fetch(`${sim.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/v1/company/*', hang: true }),
      });
      assert.equal(posted.status, 201);
      await assert.rejects(fetch(sim.url + BILLER_DIRECT, { signal: AbortSignal.timeout(300) }), (err: Error) => err.name === 'TimeoutError');
      assert.deepEqual(kinds(sim.server.requestsTo(BILLER_DIRECT)), ['hang']);
      await until(() => sim.server.pending() === 0, 'the hang to end');
    });
  });

  describe('truncate', () => {
    it('promises the whole body, sends half, then drops the connection (fetch: text() rejects)', async () => {
      sim.server.injectFault({ path: BILLER_DIRECT, truncate: true });
      const res = await fetch(sim.url + BILLER_DIRECT);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      const length = Number(res.headers.get('content-length'));
      assert.ok(length >= 1500 && length <= 3000, `a ~2 KB default body, got ${length}`);
      await assert.rejects(res.text());
      assert.deepEqual(kinds(sim.server.requests), ['truncate']);
    });

    it('node:http sees exactly the first half of the serialised body, then an aborted response', async () => {
      const body = { data: { note: 'n'.repeat(301) }, success: true };
      const full = Buffer.from(JSON.stringify(body));
      sim.server.injectFault({ path: PLATFORM, truncate: true, status: 503, body, headers: { 'X-Request-Id': 'req-cut' } });
      const reply = await raw(PLATFORM);
      assert.equal(reply.status, 503);
      assert.equal(reply.headers?.['content-length'], String(full.length));
      assert.equal(reply.headers?.['x-request-id'], 'req-cut');
      assert.equal(reply.complete, false);
      assert.ok(reply.error, 'the response errors (aborted)');
      assert.deepEqual(reply.body, full.subarray(0, Math.floor(full.length / 2)));
    });

    it('combines with bodyBytes and html: half of that body, then the reset', async () => {
      sim.server.injectFault({ path: HELIX, truncate: true, bodyBytes: 1024 * 1024 + 1 });
      const big = await raw(HELIX);
      assert.deepEqual([big.status, big.headers?.['content-length'], big.complete], [200, String(1024 * 1024 + 1), false]);
      assert.equal(big.body.length, 512 * 1024);
      assert.equal(big.body.subarray(0, 9).toString(), '{"data":"');
      sim.server.injectFault({ path: HELIX, truncate: true, html: true, status: 502 });
      const page = await raw(HELIX);
      assert.deepEqual([page.status, page.headers?.['content-type'], page.complete], [502, 'text/html', false]);
      assert.equal(page.body.length, Math.floor(Number(page.headers?.['content-length']) / 2));
      assert.deepEqual(kinds(sim.server.requests), ['truncate', 'truncate']);
    });
  });

  describe('html', () => {
    it('answers an HTML error page naming the status', async () => {
      sim.server.injectFault({ path: PLATFORM, html: true, status: 502 });
      const res = await fetch(sim.url + PLATFORM);
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'text/html');
      const text = await res.text();
      assert.match(text, /<html>[\s\S]*502 Bad Gateway[\s\S]*<\/html>/);
      assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(text));
      assert.deepEqual(kinds(sim.server.requests), ['html']);
    });

    it('defaults to status 200 and takes a string body as the page', async () => {
      sim.server.injectFault({ path: BILLER_DIRECT, html: true });
      const plain = await fetch(sim.url + BILLER_DIRECT);
      assert.equal(plain.status, 200);
      assert.equal(plain.headers.get('content-type'), 'text/html');
      assert.match(await plain.text(), /200 OK/);
      sim.server.injectFault({ path: BILLER_DIRECT, html: true, status: 403, body: '<html><body>Access denied by WAF</body></html>' });
      const waf = await fetch(sim.url + BILLER_DIRECT);
      assert.deepEqual([waf.status, await waf.text()], [403, '<html><body>Access denied by WAF</body></html>']);
    });
  });

  describe('bodyBytes', () => {
    it('streams a valid 10 MiB JSON body with an exact content-length', async () => {
      const size = 10 * 1024 * 1024;
      sim.server.injectFault({ path: HELIX, bodyBytes: size });
      const started = Date.now();
      const res = await fetch(sim.url + HELIX);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(res.headers.get('content-length'), String(size));
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(bytes.length, size);
      const parsed = JSON.parse(bytes.toString('utf8')) as { data: string; success: boolean };
      assert.equal(parsed.success, true);
      assert.equal(parsed.data.length, size - 26);
      assert.ok(Date.now() - started < 15000, 'quick enough');
      assert.deepEqual(kinds(sim.server.requests), ['bodyBytes']);
    });

    it('is exact for small sizes too, with the given status', async () => {
      for (const size of [1, 2, 3, 25, 26, 27, 4096, 256 * 1024 + 7]) {
        sim.server.injectFault({ path: PLATFORM, bodyBytes: size, status: 207 });
        const reply = await raw(PLATFORM);
        assert.deepEqual([reply.status, reply.complete, reply.body.length, reply.headers?.['content-length']], [207, true, size, String(size)], `size ${size}`);
        assert.doesNotThrow(() => JSON.parse(reply.body.toString('utf8')), `size ${size}`);
      }
      sim.server.injectFault({ path: PLATFORM, bodyBytes: 0 });
      const empty = await raw(PLATFORM);
      assert.deepEqual([empty.status, empty.complete, empty.body.length, empty.headers?.['content-length']], [200, true, 0, '0']);
    });

    it('rejects a bodyBytes that is not a non-negative integer (injectFault throws, the control endpoint answers 400)', async () => {
      assert.throws(() => sim.server.injectFault({ path: PLATFORM, bodyBytes: -1 }), TypeError);
      assert.throws(() => sim.server.injectFault({ path: PLATFORM, bodyBytes: 1.5 }), TypeError);
      assert.throws(() => sim.server.injectFault({ path: PLATFORM, hang: 'yes' as unknown as boolean }), TypeError);
      for (const spec of [{ bodyBytes: '10' }, { truncate: 1 }, { html: 'true' }, { retryAfter: true }]) {
        const res = await fetch(`${sim.url}/__sim/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ path: PLATFORM, ...spec }),
        });
        assert.equal(res.status, 400, JSON.stringify(spec));
        await res.text();
      }
      const res = await fetch(sim.url + PLATFORM);
      assert.equal(res.status, 401, 'no fault was injected');
      await res.text();
    });
  });

  describe('retryAfter', () => {
    it('adds Retry-After (seconds or a literal string) to the fault response', async () => {
      sim.server.injectFault({ path: HELIX, status: 429, retryAfter: 7, body: { errors: [{ code: 50429, message: 'slow down' }] } });
      const seconds = await fetch(sim.url + HELIX);
      assert.deepEqual([seconds.status, seconds.headers.get('retry-after')], [429, '7']);
      await seconds.text();
      const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
      const posted = await fetch(`${sim.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: BILLER_DIRECT, status: 503, html: true, retryAfter: date, headers: { 'Retry-After': '1' } }),
      });
      assert.equal(posted.status, 201);
      const page = await fetch(sim.url + BILLER_DIRECT);
      assert.deepEqual([page.status, page.headers.get('retry-after'), page.headers.get('content-type')], [503, date, 'text/html']);
      await page.text();
      assert.deepEqual(kinds(sim.server.requests), ['status', 'html']);
    });

    it('without a response of its own, adds the header to the normal response like `headers`', async () => {
      sim.server.injectFault({ path: PLATFORM, retryAfter: 3 });
      const res = await fetch(sim.url + PLATFORM);
      assert.deepEqual([res.status, res.headers.get('retry-after')], [401, '3']);
      await res.text();
      assert.deepEqual(kinds(sim.server.requests), ['headers']);
    });
  });

  describe('recording and counting', () => {
    it('marks every faulted request with its kind (also in GET /__sim/requests)', async () => {
      sim.server.injectFault({ path: PLATFORM, status: 500 });
      sim.server.injectFault({ path: HELIX, reset: true });
      sim.server.injectFault({ path: BILLER_DIRECT, malformed: true });
      sim.server.injectFault({ path: '/v2/oauth2/token', delayMs: 50 });
      await (await fetch(sim.url + PLATFORM)).text();
      await assert.rejects(fetch(sim.url + HELIX));
      await (await fetch(sim.url + BILLER_DIRECT)).text();
      await (await fetch(`${sim.url}/v2/oauth2/token`, { method: 'POST' })).text();
      await (await fetch(sim.url + PLATFORM)).text();
      const expected = ['status', 'reset', 'malformed', 'delay', undefined];
      assert.deepEqual(kinds(sim.server.requests), expected);
      const listed = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as RecordedRequest[];
      assert.deepEqual(kinds(listed), expected);
    });

    it('counts `times` per fault, in injection order, across kinds', async () => {
      sim.server.injectFault({ path: BILLER_DIRECT, truncate: true, times: 2 });
      sim.server.injectFault({ path: BILLER_DIRECT, html: true, status: 504 });
      sim.server.injectFault({ path: BILLER_DIRECT, bodyBytes: 64, times: 2 });
      sim.server.injectFault({ path: BILLER_DIRECT, status: 429, retryAfter: 1 });
      const statuses: Array<number | undefined> = [];
      for (let i = 0; i < 7; i++) statuses.push((await raw(BILLER_DIRECT)).status);
      assert.deepEqual(statuses, [200, 200, 504, 200, 200, 429, 401]);
      const counts: Record<string, number> = {};
      for (const kind of kinds(sim.server.requests)) counts[kind ?? 'none'] = (counts[kind ?? 'none'] ?? 0) + 1;
      assert.deepEqual(counts, { truncate: 2, html: 1, bodyBytes: 2, status: 1, none: 1 });
    });

    it('times <= 0 keeps faulting until clearFaults()', async () => {
      sim.server.injectFault({ path: '/externalAccount/*', html: true, status: 502, times: 0 });
      for (let i = 0; i < 3; i++) assert.equal((await raw(HELIX)).status, 502);
      sim.server.clearFaults();
      assert.equal((await raw(HELIX)).status, 401);
      assert.deepEqual(kinds(sim.server.requests), ['html', 'html', 'html', undefined]);
    });

    it('pending() counts a delayed request until its delay ends', async () => {
      sim.server.injectFault({ path: PLATFORM, delayMs: 300 });
      const answer = raw(PLATFORM);
      await until(() => sim.server.pending() === 1, 'the delayed request');
      const reply = await answer;
      assert.equal(reply.status, 401);
      assert.equal(sim.server.pending(), 0);
      assert.deepEqual(kinds(sim.server.requests), ['delay']);
    });
  });

  describe('stop()', () => {
    it('completes promptly while a request hangs and another is delayed', async () => {
      const other = await startSimulator({ port: 0 });
      other.server.injectFault({ path: HELIX, hang: true });
      other.server.injectFault({ path: PLATFORM, delayMs: 60_000 });
      const hanging = raw(HELIX, { base: other.url });
      const delayed = raw(PLATFORM, { base: other.url });
      await until(() => other.server.pending() === 2, 'both requests held');
      const started = Date.now();
      await other.stop();
      assert.ok(Date.now() - started < 5000, 'stop() did not wait for the held requests');
      assert.equal(other.server.pending(), 0);
      for (const reply of await Promise.all([hanging, delayed])) {
        assert.equal(reply.status, undefined);
        assert.ok(reply.error, 'the client sees the connection go away');
      }
    });
  });
});
