/**
 * The Biller Direct webhook-in node `q2-billerdirect-webhook` (issue 4) in the real Node-RED runtime (docs/api-notes.md §2.8, §2.11,
 * B9, B10, B13–B15), reached over real HTTP, with a helper node on its output:
 *  - every documented event type (and an unknown one) from `{"event": …}` and bare bodies: msg.topic = the type,
 *    msg.payload = the event, 200 at once; the `types` filter;
 *  - signed JWTs (RS256 only, exp required, iss/aud when set) with keys as PEM, as a JWKS, or fetched from a
 *    q2-billerdirect-config connection's /partner/public-keys — also end to end with the simulator's own emitter; forged,
 *    expired, wrong iss/aud, unknown kid, alg none and HS256 tokens get 401, emit nothing and are never logged;
 *  - JWE bodies (RSA-OAEP + A256GCM unless configured): the simulator's decrypt, tampered or disallowed ones get 400;
 *  - the bearer check, the body limit (413), malformed JSON and non-events (400);
 *  - duplicate suppression by `_id` in node context, with a window; no stale route after a redeploy;
 *  - the flows in examples/Biller Direct events/ (event router, MFA step, SSO link) against the simulator, its emitter
 *    posting to them.
 *
 * The test helper's `helper.url()` server does not serve RED.httpNode (node-red-node-test-helper gives each load a
 * fresh express app as the runtime's nodeApp and never mounts it), so a probe node module captures RED.httpNode and
 * a plain HTTP server here serves it, as Node-RED's own server would.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NodeAPI, NodeInitializer } from 'node-red';
import type { SinonSpy } from 'sinon';
import { CompactEncrypt, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey as KeyLike, type JWK } from 'jose';
import { readExample } from '../lib/dev/examples';
import { BILLER_DIRECT_COMPANY_IDS as CO, type BdEvent, type RunningSimulator } from '../lib/simulator';
import {
  bdApi,
  CORE_NODES,
  bdDueDate,
  bdFlowWith,
  BILLER_DIRECT_CREDENTIALS,
  helper,
  NODES,
  simulatorContext,
  useSimulator,
  type FlowNode,
  type Msg,
} from './harness';

const ctx = simulatorContext();

type Json = Record<string, unknown>;
type HttpApp = (req: http.IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void;

const DOCUMENTED = [
  'auth.success',
  'auth.invalid',
  'auth.deleted',
  'auth.hold',
  'auth.needs-resync',
  'bill.created',
  'bill.upcoming',
  'bill.update',
  'bill.scheduled-payment-notice',
  'bill.payment.sent',
  'bill.payment.scheduled',
  'bill.payment.cancelled',
  'bill.payment.failed',
  'swap.success',
] as const;
const RESOURCE: Record<string, string> = { auth: 'auth', bill: 'bill', swap: 'swap' };
const DAY = 24 * 60 * 60 * 1000;
const CARD = { paymentType: 'card', cardNumber: '4111111111111111', cardCode: '123', expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };

// ---- RED.httpNode over real HTTP -------------------------------------------------------------------------------

/** The httpNode app of each load, newest last (a redeploy with setFlows keeps the same one). */
const apps: HttpApp[] = [];
/** When set, requests go to this app instead of the newest (to ask an unloaded runtime's app). */
let pinned: HttpApp | undefined;
const probe: NodeInitializer = (RED: NodeAPI) => {
  apps.push(RED.httpNode as unknown as HttpApp);
};
let server: http.Server;
let base = '';

interface Reply {
  status: number;
  body: string;
  ms: number;
}

async function post(path: string, body: string | Json, headers: Record<string, string> = {}): Promise<Reply> {
  const started = Date.now();
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
  return { status: res.status, body: await res.text(), ms: Date.now() - started };
}

// ---- the flow ---------------------------------------------------------------------------------------------------

const URL_PATH = '/q2/events';
let received: Msg[] = [];

function hookNode(props: Json = {}, id = 'n1'): FlowNode {
  return { id, type: 'q2-billerdirect-webhook', name: '', url: URL_PATH, ...props };
}

/** Loads the webhook node (props over the defaults) on the q2-billerdirect-config `conn` that points at the simulator. */
async function deploy(props: Json = {}, credentials: Record<string, string> = {}): Promise<RunningSimulator> {
  const { sim } = ctx;
  await helper.load([...NODES, probe], bdFlowWith(sim.url, [hookNode(props)]), { conn: BILLER_DIRECT_CREDENTIALS, n1: credentials });
  listen();
  return sim;
}

/** The output helper node listened to (a "nodes" redeploy keeps it, a full one replaces it). */
let listening: { node: ReturnType<typeof helper.getNode>; handler: (msg: Msg) => void } | undefined;

function listen(): void {
  received = [];
  if (listening) listening.node.removeListener('input', listening.handler);
  const handler = (msg: Msg): void => {
    received.push(msg);
  };
  const node = helper.getNode('out');
  node.on('input', handler);
  listening = { node, handler };
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await settle(10);
  }
}

async function receivedCount(n: number): Promise<Msg[]> {
  await waitFor(() => received.length >= n, `${n} message(s) at the output (got ${received.length})`);
  await settle(50);
  assert.equal(received.length, n, 'no more messages than expected');
  return received;
}

/** Nothing reached the output (given time to arrive). */
async function nothingEmitted(): Promise<void> {
  await settle(150);
  assert.deepEqual(
    received.map((m) => m.topic),
    [],
    'nothing may be emitted',
  );
}

/** Every text the runtime logged or a node showed (warn, error, log, status) since the flow was loaded. */
function loggedTexts(): string[] {
  const texts = helper
    .log()
    .getCalls()
    .map((call) => JSON.stringify(call.args));
  const anyNode = helper.getNode('out') as unknown as Record<'status' | 'error' | 'warn' | 'log', SinonSpy>;
  for (const method of ['status', 'error', 'warn', 'log'] as const) {
    for (const call of anyNode[method].getCalls()) texts.push(`${method}: ${JSON.stringify(call.args)}`);
  }
  return texts;
}

function warnings(): string[] {
  const anyNode = helper.getNode('out') as unknown as Record<'warn', SinonSpy>;
  return anyNode.warn.getCalls().map((call) => String(call.args[0]));
}

/** A rejection: the status, nothing emitted, a warning naming the status, and no part of the token anywhere. */
async function rejected(reply: Reply, status: number, token?: string): Promise<void> {
  assert.equal(reply.status, status, `HTTP ${status} expected, got ${reply.status} ${reply.body}`);
  await nothingEmitted();
  const warned = warnings();
  assert.ok(
    warned.some((w) => w.includes(String(status))),
    `a warning naming HTTP ${status}: ${JSON.stringify(warned)}`,
  );
  if (token) {
    const parts = token.split('.').filter((p) => p.length >= 8);
    for (const text of loggedTexts()) {
      for (const part of parts) assert.ok(!text.includes(part), `a part of the token was logged or shown: ${text.slice(0, 200)}`);
    }
  }
}

// ---- events and tokens ------------------------------------------------------------------------------------------

let serial = 0;
function makeEvent(type: string, extra: Json = {}): BdEvent & Json {
  serial += 1;
  const kind = RESOURCE[type.split('.')[0]] ?? 'client';
  return {
    _id: `evt-${serial}-${Math.random().toString(36).slice(2, 8)}`,
    type,
    created: '2025-06-10T12:00:00.000Z',
    clientId: '64b0000000000000000000c1',
    partnerId: '616f208da973a0828ecd015c',
    identifier: 'user-1',
    payload: { resource: { id: `${kind}-1`, type: kind as BdEvent['payload']['resource']['type'] }, data: { company: { name: 'Regular Company 1' } } },
    ...extra,
  };
}

interface Pair {
  publicKey: KeyLike;
  privateKey: KeyLike;
}

let signer: Pair;
let other: Pair;
let recipient: Pair;

interface SignOptions {
  kid?: string;
  iss?: string;
  aud?: string;
  /** seconds from now; a negative value is in the past; null = no exp */
  exp?: number | null;
  key?: KeyLike;
}

async function sign(opts: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: opts.kid ?? 'k1' }).setIssuedAt();
  if (opts.exp !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (opts.exp ?? 300));
  if (opts.iss) jwt.setIssuer(opts.iss);
  if (opts.aud) jwt.setAudience(opts.aud);
  return jwt.sign(opts.key ?? signer.privateKey);
}

async function jwkOf(key: KeyLike, kid: string, extra: Partial<JWK> = {}): Promise<JWK> {
  return { ...(await exportJWK(key)), kid, ...extra };
}

async function encrypt(json: Json, key: KeyLike, header: { alg: string; enc: string; kid?: string } = { alg: 'RSA-OAEP', enc: 'A256GCM' }): Promise<string> {
  // a KeyObject: jose 6 ties a CryptoKey to one hash, and the tests use the same key with several RSA-OAEP variants
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(json))).setProtectedHeader(header).encrypt(KeyObject.from(key));
}

/** Flips one character of a compact serialisation's part `index` (its first character). */
function flip(compact: string, index: number): string {
  const parts = compact.split('.');
  const first = parts[index][0];
  parts[index] = (first === 'A' ? 'B' : 'A') + parts[index].slice(1);
  return parts.join('.');
}

// ---- driving the simulator --------------------------------------------------------------------------------------

async function newClient(sim: RunningSimulator): Promise<string> {
  return (await bdApi<{ clientId: string }>(sim, 'POST', '/client', { identifier: `wh-${Math.random().toString(36).slice(2)}` })).clientId;
}

async function newAuth(sim: RunningSimulator, clientId: string, companyId: string, form: Json): Promise<string> {
  return (await bdApi<{ authId: string }>(sim, 'POST', '/auth', { clientId, companyId, items: ['bill'], form: { password: 'pw', ...form } })).authId;
}

function billOf(sim: RunningSimulator, authId: string): string {
  const bill = sim.billerDirect.state.bills.find((b) => b.authId === authId);
  assert.ok(bill, `no bill for auth ${authId}`);
  return bill._id;
}

async function trigger(sim: RunningSimulator, body: Json): Promise<void> {
  const res = await fetch(`${sim.url}/__sim/billerdirect/webhooks/trigger`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.text());
}

/** Every state change that produces one of the 14 documented events (as in the simulator's own webhook test). */
async function driveEverything(sim: RunningSimulator): Promise<void> {
  const clientId = await newClient(sim);
  await bdApi(sim, 'POST', '/payment', { clientId, ...CARD });
  const a = await newAuth(sim, clientId, CO.regular1, { username: 'test' }); // auth.success, bill.created, bill.update
  const billA = billOf(sim, a);
  const later = (): string => new Date(Date.now() + 3 * DAY).toISOString();
  await bdApi(sim, 'POST', '/payment/schedule', { billId: billA, payDate: later() }); // bill.payment.scheduled
  await bdApi(sim, 'POST', '/payment/cancel', { billId: billA }); // bill.payment.cancelled
  await bdApi(sim, 'POST', '/payment/schedule', { billId: billA, payDate: later() });
  await trigger(sim, { type: 'bill.scheduled-payment-notice', billId: billA });
  await bdApi(sim, 'POST', '/payment/schedule', { billId: billA }); // scheduled, sent, update
  await newAuth(sim, clientId, CO.regular2, { username: 'x', balance: '9', dueDate: bdDueDate(1), status: 'upcoming' }); // bill.upcoming
  const failing = await newAuth(sim, clientId, CO.regular3, { username: 'testpaymentfail' });
  await bdApi(sim, 'POST', '/payment/schedule', { billId: billOf(sim, failing) }); // bill.payment.failed
  await newAuth(sim, clientId, CO.regular4, { username: 'testfail' }); // auth.invalid
  await newAuth(sim, clientId, CO.regular5, { username: 'testhold' }); // auth.hold
  await newAuth(sim, clientId, CO.fiberNet, { username: 'testswap' }); // swap.success
  await trigger(sim, { type: 'auth.needs-resync', authId: a });
  await bdApi(sim, 'DELETE', `/auth/${a}`); // auth.deleted
  await sim.webhooks.flush();
}

/** The simulator's deliveries all answered `status`. */
function deliveredWith(sim: RunningSimulator, status: number): void {
  assert.ok(sim.webhooks.deliveries.length > 0, 'the simulator delivered something');
  assert.deepEqual(
    sim.webhooks.deliveries.map((d) => `${d.type} ${d.status}`),
    sim.webhooks.deliveries.map((d) => `${d.type} ${status}`),
  );
}

// ---- the tests --------------------------------------------------------------------------------------------------

describe('Biller Direct webhook node (q2-billerdirect-webhook)', function () {
  useSimulator(ctx);

  before(async () => {
    [signer, other, recipient] = await Promise.all([
      generateKeyPair('RS256', { extractable: true }),
      generateKeyPair('RS256', { extractable: true }),
      generateKeyPair('RSA-OAEP', { extractable: true }),
    ]);
    server = http.createServer((req, res) => {
      const app = pinned ?? apps.at(-1);
      const notFound = (): void => {
        if (!res.headersSent) res.writeHead(404).end();
      };
      if (!app) return notFound();
      app(req, res, notFound);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterEach(() => {
    pinned = undefined;
  });

  describe('events', () => {
    for (const wrap of [true, false]) {
      it(`emits each of the 14 documented types with msg.topic = type and msg.payload = the event (${wrap ? '{"event": …}' : 'bare'}), 200 at once`, async () => {
        await deploy();
        const events = DOCUMENTED.map((type) => makeEvent(type));
        for (const event of events) {
          const reply = await post(URL_PATH, wrap ? { event } : event);
          assert.equal(reply.status, 200, `${event.type}: ${reply.body}`);
          assert.deepEqual(JSON.parse(reply.body), { received: true });
          assert.ok(reply.ms < 1000, `answered in ${reply.ms} ms`);
        }
        const msgs = await receivedCount(DOCUMENTED.length);
        assert.deepEqual(
          msgs.map((m) => m.topic),
          [...DOCUMENTED],
        );
        msgs.forEach((m, i) => assert.deepEqual(m.payload, events[i], `${DOCUMENTED[i]}: msg.payload is the event`));
      });
    }

    it('passes an unknown type through (Q2 may add more); the swap.success copy of envelope fields stays as sent (B15)', async () => {
      await deploy();
      const unknown = makeEvent('bill.something-new');
      const swap = makeEvent('swap.success');
      const duplicated = { ...swap, __v: 0 }; // B15: fields repeated outside payload are kept
      assert.equal((await post(URL_PATH, { event: unknown })).status, 200);
      assert.equal((await post(URL_PATH, duplicated)).status, 200);
      const msgs = await receivedCount(2);
      assert.deepEqual([msgs[0].topic, msgs[0].payload], ['bill.something-new', unknown]);
      assert.deepEqual([msgs[1].topic, msgs[1].payload], ['swap.success', duplicated]);
    });

    it('the types filter: only the listed types are emitted; the others are still answered 200', async () => {
      await deploy({ types: 'auth.success, bill.payment.failed' });
      const sent = ['auth.hold', 'auth.success', 'bill.created', 'bill.payment.failed', 'bill.something-new'].map((t) => makeEvent(t));
      for (const event of sent) assert.equal((await post(URL_PATH, { event })).status, 200, event.type);
      const msgs = await receivedCount(2);
      assert.deepEqual(
        msgs.map((m) => m.topic),
        ['auth.success', 'bill.payment.failed'],
      );
    });

    it('end to end: the simulator posts all 14 documented types (signed; bare bodies) and each is emitted in order', async () => {
      const sim = await deploy({ url: '/q2/sim', keySource: 'connection', requireSignature: true });
      sim.webhooks.configure({ url: `${base}/q2/sim`, wrap: false });
      await driveEverything(sim);
      const events = sim.billerDirect.events;
      for (const type of DOCUMENTED)
        assert.ok(
          events.some((e) => e.type === type),
          `the simulator produced ${type}`,
        );
      deliveredWith(sim, 200);
      const msgs = await receivedCount(events.length);
      assert.deepEqual(
        msgs.map((m) => m.topic),
        events.map((e) => e.type),
      );
      msgs.forEach((m, i) => assert.deepEqual(m.payload, events[i]));
    });
  });

  describe('real-time MFA events as Q2 prints them (B21: no type)', () => {
    const mfaBodies = (): Json[] => [
      {
        resource: 'client',
        data: {
          auth: { _id: '64b0000000000000000000a1', items: ['bill'], company: { _id: CO.mfa1, name: 'MFA Company 1' }, status: { type: 'mfa-required' } },
          method: 'questions',
          input: [
            { question: 'What is the name of your first pet?', identifier: 'q1' },
            { question: 'In what city were you born?', identifier: 'q2' },
          ],
          token: `mfa-token-${Math.random().toString(36).slice(2)}`,
        },
      },
      {
        resource: 'client',
        data: {
          company: { _id: CO.mfa1, name: 'MFA Company 1' },
          method: 'code',
          input: [
            { type: 'text', value: '***-***-1234', identifier: 'd1' },
            { type: 'email', value: 'j***@example.com', identifier: 'd2' },
          ],
          token: `mfa-token-${Math.random().toString(36).slice(2)}`,
          showRetry: true,
        },
      },
      {
        resource: 'client',
        data: {
          auth: { _id: '64b0000000000000000000a2', items: ['bill'], company: { _id: CO.mfa1, name: 'MFA Company 1' }, status: { type: 'mfa-required' } },
          method: 'prompt',
          input: [{ request: 'Verify your login with your mobile device' }],
          token: `mfa-token-${Math.random().toString(36).slice(2)}`,
        },
      },
    ];

    for (const wrap of [true, false]) {
      it(`questions, code and prompt (${wrap ? '{"event": …}' : 'bare'}): 200, msg.topic = auth.mfa-required, msg.payload = the body as sent`, async () => {
        await deploy();
        const bodies = mfaBodies();
        for (const body of bodies) {
          const reply = await post(URL_PATH, wrap ? { event: body } : body);
          assert.equal(reply.status, 200, `${String((body.data as Json).method)}: ${reply.body}`);
          assert.deepEqual(JSON.parse(reply.body), { received: true });
        }
        const msgs = await receivedCount(3);
        assert.deepEqual(
          msgs.map((m) => m.topic),
          ['auth.mfa-required', 'auth.mfa-required', 'auth.mfa-required'],
        );
        msgs.forEach((m, i) => assert.deepEqual(m.payload, bodies[i], 'the event as received, no field added'));
      });
    }

    it('a types filter without auth.mfa-required drops them (still answered 200)', async () => {
      await deploy({ types: 'auth.success' });
      const [questions] = mfaBodies();
      assert.equal((await post(URL_PATH, questions)).status, 200);
      const success = makeEvent('auth.success');
      assert.equal((await post(URL_PATH, { event: success })).status, 200);
      const msgs = await receivedCount(1);
      assert.deepEqual(
        msgs.map((m) => m.topic),
        ['auth.success'],
      );
    });

    it('the types filter auth.mfa-required lets them through (and drops the others)', async () => {
      await deploy({ types: 'auth.mfa-required' });
      const [questions] = mfaBodies();
      const success = makeEvent('auth.success');
      assert.equal((await post(URL_PATH, success)).status, 200);
      assert.equal((await post(URL_PATH, { event: questions })).status, 200);
      const passed = await receivedCount(1);
      assert.deepEqual([passed[0].topic, passed[0].payload], ['auth.mfa-required', questions]);
    });

    it('they have no _id, so they are not deduplicated: the same body twice is emitted twice', async () => {
      await deploy();
      const [, code] = mfaBodies();
      assert.equal((await post(URL_PATH, code)).status, 200);
      assert.equal((await post(URL_PATH, code)).status, 200);
      const msgs = await receivedCount(2);
      assert.deepEqual(
        msgs.map((m) => m.topic),
        ['auth.mfa-required', 'auth.mfa-required'],
      );
    });

    it('neither a type nor the MFA shape → 400, nothing emitted', async () => {
      await deploy();
      const data = { method: 'questions', input: [], token: 't1' };
      for (const body of [
        { resource: 'client' },
        { data },
        { event: { data } },
        { resource: 'client', data: { method: 'questions', input: [] } },
        { resource: 'client', data: { input: [], token: 't1' } },
        { resource: 'client', data: 'questions' },
        { resource: { id: 'c1', type: 'client' }, data },
        { event: { resource: 7, data } },
        { resource: 'client', data, type: '' },
      ]) {
        await rejected(await post(URL_PATH, JSON.stringify(body)), 400);
      }
    });
  });

  describe('signed JWT (RS256)', () => {
    it('keys as PEM (two, for rotation): a valid token from either key passes', async () => {
      const pems = `${await exportSPKI(other.publicKey)}\n${await exportSPKI(signer.publicKey)}`;
      await deploy({ keySource: 'keys', requireSignature: true }, { signingKeys: pems });
      const event = makeEvent('auth.success');
      assert.equal((await post(URL_PATH, { event }, { signature: await sign() })).status, 200);
      const second = makeEvent('bill.created');
      assert.equal((await post(URL_PATH, { event: second }, { signature: await sign({ key: other.privateKey, kid: 'k2' }) })).status, 200);
      const msgs = await receivedCount(2);
      assert.deepEqual(
        msgs.map((m) => m.payload),
        [event, second],
      );
    });

    it('keys as a JWKS marked use:"enc" (B10: chosen by kid only): a valid token passes', async () => {
      const jwks = { keys: [await jwkOf(other.publicKey, 'k0', { use: 'enc' }), await jwkOf(signer.publicKey, 'k1', { use: 'enc', alg: 'RS256' })] };
      await deploy({ keySource: 'keys', requireSignature: true }, { signingKeys: JSON.stringify(jwks) });
      const event = makeEvent('auth.hold');
      assert.equal((await post(URL_PATH, { event }, { signature: await sign({ kid: 'k1' }) })).status, 200);
      assert.deepEqual((await receivedCount(1))[0].payload, event);
    });

    it('iss and aud are checked when set: matching ones pass', async () => {
      await deploy({ keySource: 'keys', issuer: 'q2-issuer', audience: 'partner-app' }, { signingKeys: await exportSPKI(signer.publicKey) });
      assert.equal(
        (await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: await sign({ iss: 'q2-issuer', aud: 'partner-app' }) })).status,
        200,
      );
      await receivedCount(1);
    });

    describe('rejections: 401, nothing emitted, a warning without the token', () => {
      const cases: Array<[string, () => Promise<string>]> = [
        ['a forged signature (another key, same kid)', () => sign({ key: other.privateKey })],
        ['an expired token', () => sign({ exp: -60 })],
        ['a token without exp', () => sign({ exp: null })],
        ['a wrong iss', () => sign({ iss: 'someone-else', aud: 'partner-app' })],
        ['a missing iss', () => sign({ aud: 'partner-app' })],
        ['a wrong aud', () => sign({ iss: 'q2-issuer', aud: 'another-app' })],
        ['an unknown kid', () => sign({ kid: 'k-unknown', key: other.privateKey, iss: 'q2-issuer', aud: 'partner-app' })],
        ['alg none (UnsecuredJWT)', () => Promise.resolve(new UnsecuredJWT({ iss: 'q2-issuer', aud: 'partner-app' }).setExpirationTime('5m').encode())],
        [
          'HS256 keyed with the public key PEM (alg confusion)',
          async () =>
            new SignJWT({ iss: 'q2-issuer', aud: 'partner-app' })
              .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'k1' })
              .setExpirationTime('5m')
              .sign(new TextEncoder().encode(await exportSPKI(signer.publicKey))),
        ],
        ['a token that is not a JWT', () => Promise.resolve('not-a-jwt-at-all-0123456789')],
      ];
      for (const source of ['PEM', 'JWKS'] as const) {
        for (const [what, make] of cases) {
          it(`${source}: ${what}`, async () => {
            const signingKeys =
              source === 'PEM' ? await exportSPKI(signer.publicKey) : JSON.stringify({ keys: [await jwkOf(signer.publicKey, 'k1', { use: 'enc' })] });
            await deploy({ keySource: 'keys', issuer: 'q2-issuer', audience: 'partner-app' }, { signingKeys });
            const token = await make();
            await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: token }), 401, token);
            // the same node accepts a good token: the rejection was the token's, not the node's
            assert.equal(
              (await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: await sign({ iss: 'q2-issuer', aud: 'partner-app' }) })).status,
              200,
            );
            await receivedCount(1);
          });
        }
      }
    });

    it('requireSignature: a delivery without a signature gets 401; with a valid one 200', async () => {
      await deploy({ keySource: 'keys', requireSignature: true }, { signingKeys: await exportSPKI(signer.publicKey) });
      await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }), 401);
      assert.equal((await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: await sign() })).status, 200);
      await receivedCount(1);
    });

    it('without requireSignature an unsigned delivery passes (signatures are optional)', async () => {
      await deploy({ keySource: 'keys' }, { signingKeys: await exportSPKI(signer.publicKey) });
      assert.equal((await post(URL_PATH, { event: makeEvent('auth.success') })).status, 200);
      await receivedCount(1);
    });

    it('the signature header name is configurable', async () => {
      await deploy({ keySource: 'keys', requireSignature: true, signatureHeader: 'X-Q2-Signature' }, { signingKeys: await exportSPKI(signer.publicKey) });
      assert.equal((await post(URL_PATH, { event: makeEvent('auth.success') }, { 'x-q2-signature': await sign() })).status, 200);
      await receivedCount(1);
      received = [];
      await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: await sign() }), 401); // the default header is not read
      const forged = await sign({ key: other.privateKey });
      await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, { 'X-Q2-Signature': forged }), 401, forged);
    });

    it('with no key source (the default) a signature header is not checked: the simulator’s signed delivery passes', async () => {
      // signatures are "all optional and off by default": a signed delivery must not be refused for want of keys
      const sim = await deploy({ url: '/q2/plain' });
      sim.webhooks.configure({ url: `${base}/q2/plain` }); // signing on by default (the older partner key)
      const clientId = await newClient(sim);
      await newAuth(sim, clientId, CO.regular1, { username: 'testfail' });
      await sim.webhooks.flush();
      deliveredWith(sim, 200);
      assert.deepEqual(
        (await receivedCount(1)).map((m) => m.topic),
        ['auth.invalid'],
      );
    });

    describe('keys from a q2-billerdirect-config connection (/partner/public-keys)', () => {
      it('end to end: the simulator’s emitter (older partner key) → verified → emitted; the keys fetched once', async () => {
        const sim = await deploy({ url: '/q2/sim', keySource: 'connection', requireSignature: true });
        sim.webhooks.configure({ url: `${base}/q2/sim` });
        const clientId = await newClient(sim);
        await newAuth(sim, clientId, CO.regular1, { username: 'test' }); // the legacy `test` credential
        await sim.webhooks.flush();
        const events = sim.billerDirect.events;
        assert.deepEqual(
          events.map((e) => e.type),
          ['auth.success', 'bill.created', 'bill.update'],
        );
        deliveredWith(sim, 200);
        const msgs = await receivedCount(3);
        assert.deepEqual(
          msgs.map((m) => m.topic),
          events.map((e) => e.type),
        );
        msgs.forEach((m, i) => assert.deepEqual(m.payload, events[i]));
        const fetched = sim.server.requests.filter((r) => r.path === '/v1/partner/public-keys');
        assert.equal(fetched.length, 1, 'the partner keys are fetched once and cached');
        assert.equal(fetched[0].method, 'GET');
        assert.equal(fetched[0].headers.authorization, `Bearer ${BILLER_DIRECT_CREDENTIALS.apiKey}`);
      });

      it('end to end: iss/aud set on both sides pass; the newer partner key also verifies (by kid)', async () => {
        const sim = await deploy({ url: '/q2/sim', keySource: 'connection', requireSignature: true, issuer: 'q2', audience: 'partner-app' });
        sim.webhooks.configure({ url: `${base}/q2/sim`, signing: { issuer: 'q2', audience: 'partner-app', kid: sim.billerDirect.partnerKeys[1].kid } });
        await newAuth(sim, await newClient(sim), CO.regular1, { username: 'testhold' });
        await sim.webhooks.flush();
        deliveredWith(sim, 200);
        assert.deepEqual(
          (await receivedCount(1)).map((m) => m.topic),
          ['auth.hold'],
        );
      });

      const simCases: Array<[string, (sim: RunningSimulator) => Json]> = [
        ['a wrong aud', () => ({ issuer: 'q2', audience: 'not-us' })],
        ['a wrong iss', () => ({ issuer: 'not-q2', audience: 'partner-app' })],
        ['no exp (exp is required)', () => ({ issuer: 'q2', audience: 'partner-app', expiresInSeconds: 0 })],
      ];
      for (const [what, signing] of simCases) {
        it(`end to end: the simulator signs with ${what} → 401, nothing emitted`, async () => {
          const sim = await deploy({ url: '/q2/sim', keySource: 'connection', issuer: 'q2', audience: 'partner-app' });
          sim.webhooks.configure({ url: `${base}/q2/sim`, signing: signing(sim) });
          await newAuth(sim, await newClient(sim), CO.regular1, { username: 'testfail' });
          await sim.webhooks.flush();
          deliveredWith(sim, 401);
          await nothingEmitted();
        });
      }

      it('a token from a key that is not a partner key (forged, or an unknown kid) → 401, the token not logged', async () => {
        const sim = await deploy({ keySource: 'connection' });
        const sameKid = await sign({ key: other.privateKey, kid: sim.billerDirect.partnerKeys[0].kid });
        await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: sameKid }), 401, sameKid);
        const unknownKid = await sign({ kid: 'not-a-partner-key' });
        await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: unknownKid }), 401, unknownKid);
      });
    });
  });

  describe('JWE payloads', () => {
    async function deployDecrypting(props: Json = {}): Promise<RunningSimulator> {
      return deploy({ url: '/q2/sim', keySource: 'connection', ...props }, { decryptionKey: await exportPKCS8(recipient.privateKey) });
    }

    it('end to end: the simulator’s JWE (RSA-OAEP + A256GCM, kid) decrypts with the private key in decryptionKey', async () => {
      const sim = await deployDecrypting({ requireSignature: true });
      sim.webhooks.configure({ url: `${base}/q2/sim`, encryption: { publicKey: await exportSPKI(recipient.publicKey), kid: 'recv-1' } });
      await newAuth(sim, await newClient(sim), CO.regular1, { username: 'test' });
      await sim.webhooks.flush();
      deliveredWith(sim, 200);
      const events = sim.billerDirect.events;
      const msgs = await receivedCount(events.length);
      assert.deepEqual(
        msgs.map((m) => m.payload),
        [...events],
      );
    });

    it('end to end: a JWE for another key (undecryptable) → 400, nothing emitted', async () => {
      const sim = await deployDecrypting();
      sim.webhooks.configure({ url: `${base}/q2/sim`, encryption: { publicKey: await exportSPKI(other.publicKey) } });
      await newAuth(sim, await newClient(sim), CO.regular1, { username: 'testfail' });
      await sim.webhooks.flush();
      deliveredWith(sim, 400);
      await nothingEmitted();
    });

    it('a tampered JWE (one character of the ciphertext flipped) → 400, nothing emitted; the intact one → 200', async () => {
      await deployDecrypting();
      const event = makeEvent('bill.payment.sent');
      const jwe = await encrypt({ event }, recipient.publicKey);
      await rejected(await post('/q2/sim', flip(jwe, 3), { 'content-type': 'application/jose+json' }), 400);
      await rejected(await post('/q2/sim', flip(jwe, 4), { 'content-type': 'application/jose+json' }), 400); // the tag
      assert.equal((await post('/q2/sim', jwe, { 'content-type': 'application/jose+json' })).status, 200);
      assert.deepEqual((await receivedCount(1))[0].payload, event);
    });

    it('a plain JSON body while a decryption key is set → 400', async () => {
      await deployDecrypting();
      await rejected(await post('/q2/sim', { event: makeEvent('auth.success') }), 400);
    });

    it('a disallowed algorithm → 400 (RSA1_5 and A128CBC-HS256 as in the B9 example, RSA-OAEP-256, A128GCM); allowed when configured', async () => {
      await deployDecrypting();
      const event = makeEvent('auth.success');
      // RSA1_5 (the B9 example's header) is refused outright: jose 6 no longer implements it, so it is hand-made here
      const rsa15Header = Buffer.from(JSON.stringify({ alg: 'RSA1_5', enc: 'A128CBC-HS256' })).toString('base64url');
      await rejected(await post('/q2/sim', `${rsa15Header}.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`), 400);
      for (const header of [
        { alg: 'RSA-OAEP', enc: 'A128CBC-HS256' },
        { alg: 'RSA-OAEP-256', enc: 'A256GCM' },
        { alg: 'RSA-OAEP', enc: 'A128GCM' },
      ]) {
        await rejected(await post('/q2/sim', await encrypt({ event }, recipient.publicKey, header)), 400);
      }
      await helper.unload();
      await deployDecrypting({ keyAlgorithms: 'RSA-OAEP-256', contentAlgorithms: 'A128GCM' });
      assert.equal((await post('/q2/sim', await encrypt({ event }, recipient.publicKey, { alg: 'RSA-OAEP-256', enc: 'A128GCM' }))).status, 200);
      await receivedCount(1);
      received = [];
      await rejected(await post('/q2/sim', await encrypt({ event }, recipient.publicKey)), 400); // the default is no longer allowed
    });
  });

  describe('fail closed: a node meant to check signatures that cannot', () => {
    /** The last status node n1 showed. */
    function lastStatusOfN1(): { fill?: string; shape?: string; text?: string } | undefined {
      const n1 = helper.getNode('n1');
      const spy = n1.status as unknown as SinonSpy;
      const calls = spy.getCalls().filter((call) => call.thisValue === n1);
      return calls.at(-1)?.args[0] as { fill?: string; shape?: string; text?: string } | undefined;
    }

    async function refusesEverything(): Promise<void> {
      const forged = await sign({ key: other.privateKey });
      for (const headers of [{ signature: forged }, {}] as Array<Record<string, string>>) {
        await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, headers), 401);
      }
    }

    it('keys chosen as the source but none entered: a red ring at deploy, and 401 to every event, signed or not', async () => {
      await deploy({ keySource: 'keys' });
      await waitFor(() => lastStatusOfN1()?.fill === 'red', 'a red status at deploy');
      assert.equal(lastStatusOfN1()?.text, 'no keys');
      await refusesEverything();
    });

    it('a setting still ${NAME} (the variable not set): a red ring naming it at deploy, and 401 to every event', async () => {
      delete process.env.Q2_TEST_UNSET_WINDOW;
      await deploy({ keySource: 'keys', dedupeWindow: '${Q2_TEST_UNSET_WINDOW}' });
      await waitFor(() => lastStatusOfN1()?.fill === 'red', 'a red status at deploy');
      assert.equal(lastStatusOfN1()?.text, '${Q2_TEST_UNSET_WINDOW} not set');
      await refusesEverything();
    });

    it("the connection's partner keys chosen but no connection: a red ring at deploy, and 401 to every event", async () => {
      await deploy({ keySource: 'connection', connection: '' });
      await waitFor(() => lastStatusOfN1()?.fill === 'red', 'a red status at deploy');
      assert.equal(lastStatusOfN1()?.text, 'no connection');
      await refusesEverything();
    });

    it('keys that do not parse: a red ring, and 401 (not 200, not 503)', async () => {
      await deploy({ keySource: 'keys' }, { signingKeys: 'not a key' });
      await waitFor(() => lastStatusOfN1()?.fill === 'red', 'a red status at deploy');
      await refusesEverything();
    });

    it('keys entered with the source left at "none" are used: a forged signature is refused, a valid one passes', async () => {
      await deploy({ keySource: 'none' }, { signingKeys: await exportSPKI(signer.publicKey) });
      await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, { signature: await sign({ key: other.privateKey }) }), 401);
      const event = makeEvent('bill.created');
      assert.equal((await post(URL_PATH, { event }, { signature: await sign() })).status, 200);
      assert.deepEqual((await receivedCount(1))[0].payload, event);
    });
  });

  describe('bearer token, body limit, malformed bodies', () => {
    it('with bearerToken set: missing or wrong Authorization → 401; the right one → 200', async () => {
      await deploy({}, { bearerToken: 'hook-secret-123' });
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer hook-secret-1234', 'Basic hook-secret-123', 'hook-secret-123']) {
        await rejected(await post(URL_PATH, { event: makeEvent('auth.success') }, authorization ? { authorization } : {}), 401, 'hook-secret-123');
      }
      assert.equal((await post(URL_PATH, { event: makeEvent('auth.success') }, { authorization: 'Bearer hook-secret-123' })).status, 200);
      await receivedCount(1);
    });

    it('end to end: the simulator’s bearer token is accepted, a different one refused', async () => {
      const sim = await deploy({ url: '/q2/sim', keySource: 'connection' }, { bearerToken: 'oauth-token-1' });
      sim.webhooks.configure({ url: `${base}/q2/sim`, bearerToken: 'oauth-token-1' });
      await newAuth(sim, await newClient(sim), CO.regular1, { username: 'testfail' });
      await sim.webhooks.flush();
      deliveredWith(sim, 200);
      await receivedCount(1);
      sim.webhooks.configure({ url: `${base}/q2/sim`, bearerToken: 'oauth-token-2' });
      sim.webhooks.clearDeliveries();
      await newAuth(sim, await newClient(sim), CO.regular2, { username: 'testfail' });
      await sim.webhooks.flush();
      deliveredWith(sim, 401);
    });

    it('a body over the limit → 413, nothing emitted; one under it → 200', async () => {
      await deploy({ maxBodyKb: 1 });
      const big = makeEvent('auth.success', { padding: 'x'.repeat(2048) });
      await rejected(await post(URL_PATH, { event: big }), 413);
      const small = makeEvent('auth.success', { padding: 'x'.repeat(200) });
      assert.equal((await post(URL_PATH, { event: small })).status, 200);
      await receivedCount(1);
    });

    it('malformed JSON → 400', async () => {
      await deploy();
      for (const body of ['{"event": {"type": "auth.success"', 'not json', '']) await rejected(await post(URL_PATH, body), 400);
    });

    it('a body that is not an event → 400', async () => {
      await deploy();
      for (const body of [
        { foo: 1 },
        { event: 'auth.success' },
        { event: { type: '' } },
        { event: { _id: 'x', type: 7 } },
        [makeEvent('auth.success')],
        'just a string',
        42,
      ]) {
        await rejected(await post(URL_PATH, JSON.stringify(body)), 400);
      }
    });
  });

  describe('duplicates', () => {
    it('the same _id twice → emitted once (msg.q2.dedupe "first"), both answered 200; the memory store writes no context', async () => {
      await deploy();
      const event = makeEvent('bill.payment.sent');
      assert.equal((await post(URL_PATH, { event })).status, 200);
      const [first] = await receivedCount(1);
      assert.deepEqual(first.q2, { dedupe: 'first' });
      assert.equal((await post(URL_PATH, { event: { ...event, payload: { resource: event.payload.resource, data: {} } } })).status, 200);
      assert.equal((await post(URL_PATH, event)).status, 200); // bare this time: the same event
      await settle(150);
      assert.equal(received.length, 1, 'a repeated _id is not emitted again');
      assert.deepEqual(helper.getNode('n1').context().keys(), [], 'memory: nothing in node context');
      const another = makeEvent('bill.payment.sent');
      assert.equal((await post(URL_PATH, { event: another })).status, 200);
      await receivedCount(2);
    });

    it('after the window (1 s) the same _id is emitted again', async () => {
      await deploy({ dedupeWindow: 1 });
      const event = makeEvent('auth.success');
      await post(URL_PATH, { event });
      await post(URL_PATH, { event });
      await receivedCount(1);
      await settle(1100);
      assert.equal((await post(URL_PATH, { event })).status, 200);
      await receivedCount(2);
    });

    it('dedupe off → emitted twice', async () => {
      await deploy({ dedupe: false });
      const event = makeEvent('auth.success');
      assert.equal((await post(URL_PATH, { event })).status, 200);
      assert.equal((await post(URL_PATH, { event })).status, 200);
      await receivedCount(2);
    });

    it('context store: one key per id in node context (not one map); memory is per run', async () => {
      await deploy({ dedupeStore: 'context' });
      const events = [makeEvent('auth.success'), makeEvent('auth.success'), makeEvent('bill.created')];
      for (const event of events) assert.equal((await post(URL_PATH, { event })).status, 200);
      await receivedCount(3);
      const context = helper.getNode('n1').context();
      const keys = context.keys();
      assert.equal(keys.length, 3, `one key per id: ${JSON.stringify(keys)}`);
      for (const key of keys) {
        assert.match(key, /^q2dedupe_/);
        assert.ok((context.get(key) as number) > Date.now(), 'its value is the expiry');
      }
      // (read back after a restart when the user has configured a context store: test/dedupe.test.ts; Node-RED
      // drops an unconfigured store's node context when the node closes)
      // the memory store starts empty with the node
      await helper.setFlows(
        bdFlowWith(ctx.sim.url, [hookNode({ dedupeStore: 'memory' })]).map((n) => (n.id === 'conn' ? { ...n, credentials: BILLER_DIRECT_CREDENTIALS } : n)),
        'full',
      );
      listen();
      assert.equal((await post(URL_PATH, { event: events[0] })).status, 200);
      await receivedCount(1);
    });

    it('an event the type filter drops is answered 200 and not claimed', async () => {
      await deploy({ types: 'bill.created' });
      const event = makeEvent('auth.success');
      assert.equal((await post(URL_PATH, { event })).status, 200);
      await nothingEmitted();
      await helper.setFlows(
        bdFlowWith(ctx.sim.url, [hookNode({ types: '', dedupeStore: 'context' })]).map((n) =>
          n.id === 'conn' ? { ...n, credentials: BILLER_DIRECT_CREDENTIALS } : n,
        ),
        'full',
      );
      listen();
      assert.equal((await post(URL_PATH, { event })).status, 200);
      await receivedCount(1);
    });

    it('redis without a usable URL: red status at deploy, and the failure policy (reject → 503, nothing emitted)', async () => {
      await deploy({ dedupeStore: 'redis', redisUrl: 'http://not-redis' });
      const node = helper.getNode('n1') as unknown as Record<'status' | 'error', SinonSpy>;
      await waitFor(() => node.status.getCalls().some((c) => (c.args[0] as { text?: string }).text === 'no Redis URL'), 'the red status');
      assert.equal((await post(URL_PATH, { event: makeEvent('auth.success') })).status, 503);
      await nothingEmitted();
    });

    it('redis unreachable with dedupeFailure accept: emitted with msg.q2.dedupe "unchecked", one warning for the outage', async () => {
      await deploy({ dedupeStore: 'redis', redisUrl: 'redis://127.0.0.1:9', dedupeFailure: 'accept', dedupeTimeout: 0.2 });
      for (let i = 0; i < 3; i++) assert.equal((await post(URL_PATH, { event: makeEvent('auth.success') })).status, 200);
      const messages = await receivedCount(3);
      assert.deepEqual(
        messages.map((m) => m.q2),
        [{ dedupe: 'unchecked' }, { dedupe: 'unchecked' }, { dedupe: 'unchecked' }],
      );
      const node = helper.getNode('n1') as unknown as Record<'warn', SinonSpy>;
      const outages = node.warn.getCalls().filter((c) => /dedupe store is unavailable/.test(String(c.args[0])));
      assert.equal(outages.length, 1, 'one warning per outage, not per event');
      assert.match(String(outages[0].args[0]), /unchecked/);
    });
  });

  describe('redeploy and close', () => {
    function flowWithHook(props: Json | undefined): FlowNode[] {
      const nodes = props ? [hookNode(props)] : [];
      return bdFlowWith(ctx.sim.url, nodes).map((n) => (n.id === 'conn' ? { ...n, credentials: BILLER_DIRECT_CREDENTIALS } : n));
    }

    it('a full redeploy without the node: the old URL answers 404', async () => {
      await deploy({ url: '/q2/old' });
      assert.equal((await post('/q2/old', { event: makeEvent('auth.success') })).status, 200);
      await receivedCount(1);
      await helper.setFlows(flowWithHook(undefined), 'full');
      assert.equal((await post('/q2/old', { event: makeEvent('auth.success') })).status, 404);
    });

    for (const type of ['full', 'nodes'] as const) {
      it(`a "${type}" redeploy with the node on another URL: the old one 404, the new one works (once, not twice)`, async () => {
        await deploy({ url: '/q2/old' });
        assert.equal((await post('/q2/old', { event: makeEvent('auth.success') })).status, 200);
        await helper.setFlows(flowWithHook({ url: '/q2/new' }), type);
        listen();
        assert.equal((await post('/q2/old', { event: makeEvent('auth.success') })).status, 404);
        const event = makeEvent('bill.created');
        assert.equal((await post('/q2/new', { event })).status, 200);
        assert.deepEqual((await receivedCount(1))[0].payload, event);
      });
    }

    it('a redeploy on the same URL leaves exactly one route (each event emitted once)', async () => {
      await deploy({ dedupe: false });
      await helper.setFlows(flowWithHook({ dedupe: false, name: 'changed' }), 'nodes');
      await helper.setFlows(flowWithHook({ dedupe: false, name: 'changed again' }), 'full');
      listen();
      assert.equal((await post(URL_PATH, { event: makeEvent('auth.success') })).status, 200);
      await receivedCount(1);
    });

    it('stopping the flows (unload) removes the route from the runtime’s HTTP app; a new load serves the new flow only', async () => {
      await deploy({ url: '/q2/old' });
      const first = apps.at(-1);
      assert.equal((await post('/q2/old', { event: makeEvent('auth.success') })).status, 200);
      await helper.unload();
      pinned = first;
      assert.equal((await post('/q2/old', { event: makeEvent('auth.success') })).status, 404, 'the closed node’s route is gone');
      pinned = undefined;
      await deploy({ url: '/q2/new' });
      assert.equal((await post('/q2/old', { event: makeEvent('auth.success') })).status, 404);
      assert.equal((await post('/q2/new', { event: makeEvent('auth.success') })).status, 200);
      await receivedCount(1);
    });
  });

  describe('examples/Biller Direct events against the simulator (its emitter posting to them)', () => {
    const CORE = CORE_NODES;
    const CONNECTION_ID = 'billerdirect-simulator-connection';
    let seen = new Map<string, Msg[]>();

    /** Loads an example unchanged but for its connection's base URL (the simulator's port); listens to every debug node. */
    async function loadExample(file: string): Promise<{ sim: RunningSimulator; flow: FlowNode[] }> {
      const { sim } = ctx;
      const { nodes } = readExample(`Biller Direct events/${file}`);
      const connections = nodes.filter((n) => n.type === 'q2-billerdirect-config');
      assert.deepEqual(
        connections.map((n) => [n.id, n.baseUrl]),
        [[CONNECTION_ID, 'http://127.0.0.1:8870/v1']],
        'the shared Biller Direct connection',
      );
      const zs = new Set(nodes.map((n) => n.z).filter((z): z is string => typeof z === 'string'));
      assert.equal(zs.size, 1);
      const [z] = [...zs];
      const flow: FlowNode[] = [
        { id: z, type: 'tab', label: file },
        ...nodes.map((n) => (n.type === 'q2-billerdirect-config' ? { ...n, baseUrl: `${sim.url}/v1` } : n)),
      ];
      const types = new Set(flow.map((n) => n.type));
      const core = Object.entries(CORE)
        .filter(([t]) => types.has(t))
        .map(([, m]) => m);
      await helper.load([...NODES, probe, ...core], flow, { [CONNECTION_ID]: BILLER_DIRECT_CREDENTIALS });
      seen = new Map();
      for (const debug of flow.filter((n) => n.type === 'debug')) {
        const list: Msg[] = [];
        seen.set(debug.id, list);
        helper.getNode(debug.id).on('input', (msg: Msg) => list.push(msg));
      }
      return { sim, flow };
    }

    const at = (id: string): Msg[] => seen.get(id) ?? [];
    const total = (): number => [...seen.values()].reduce((n, l) => n + l.length, 0);

    it('01 Event router: each of the 14 documented types reaches its own debug node, any other type "otherwise"', async () => {
      const { sim, flow } = await loadExample('01 Event router.json');
      const hook = flow.find((n) => n.type === 'q2-billerdirect-webhook');
      assert.equal(hook?.url, '/q2/events');
      const rules = (flow.find((n) => n.type === 'switch')?.rules ?? []) as Array<{ t: string; v?: string }>;
      assert.deepEqual(rules.map((r) => r.v ?? r.t).sort(), [...DOCUMENTED, 'else'].sort(), 'a rule per documented type and otherwise');
      sim.webhooks.configure({ url: `${base}/q2/events` });
      await driveEverything(sim);
      sim.webhooks.emit({ ...makeEvent('bill.something-new'), _id: 'unknown-type-1' });
      await sim.webhooks.flush();
      deliveredWith(sim, 200);
      const events = [...sim.billerDirect.events, { _id: 'unknown-type-1', type: 'bill.something-new' }];
      await waitFor(() => total() >= events.length, `${events.length} debug messages (got ${total()})`);
      await settle(100);
      for (const type of DOCUMENTED) {
        const ids = at(`bde1-${type.replace(/\./g, '-')}`).map((m) => (m.payload as BdEvent)._id);
        assert.ok(ids.length > 0, `${type} reached its debug node`);
        assert.deepEqual(
          ids,
          events.filter((e) => e.type === type).map((e) => e._id),
          type,
        );
      }
      assert.deepEqual(
        at('bde1-other').map((m) => m.topic),
        events.filter((e) => !(DOCUMENTED as readonly string[]).includes(e.type)).map((e) => e.type),
      );
      assert.equal(total(), events.length);
      assert.deepEqual(at('bde1-errors'), []);
    });

    for (const [username, steps] of [
      ['testmfaquestion', 1],
      ['testmfacode', 2],
      ['testmfaprompt', 1],
    ] as const) {
      it(`02 MFA step: the MFA event (${username}) is answered by BD Auth step; the auth becomes verified`, async () => {
        const { sim } = await loadExample('02 MFA step.json');
        sim.webhooks.configure({ url: `${base}/q2/mfa` });
        let clientId: string;
        if (username === 'testmfaquestion') {
          helper.getNode('bde2-start').receive({}); // the example's own start: create client, create auth
          await waitFor(() => at('bde2-queued').length > 0 || at('bde2-errors').length > 0, 'the auth to be created');
          assert.deepEqual(
            at('bde2-errors').map((m) => m.error?.message),
            [],
          );
          const [auth] = sim.billerDirect.state.auths;
          clientId = auth.clientId;
        } else {
          clientId = await newClient(sim);
          await newAuth(sim, clientId, CO.regular1, { username });
        }
        await waitFor(
          () => sim.billerDirect.state.auths.some((a) => a.clientId === clientId && a.status === 'verified') || at('bde2-errors').length > 0,
          'the auth to be verified',
        );
        await sim.webhooks.flush();
        await settle(100);
        assert.deepEqual(
          at('bde2-errors').map((m) => m.error?.message),
          [],
        );
        deliveredWith(sim, 200);
        const stepCalls = sim.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/auth/step');
        assert.equal(stepCalls.length, steps);
        assert.equal(at('bde2-stepped').length, steps);
        for (const m of at('bde2-stepped')) assert.equal(m.statusCode, 200);
        assert.deepEqual(
          at('bde2-event').map((m) => m.topic),
          Array(steps).fill('auth.mfa-required'),
          'only the MFA events pass the types filter',
        );
        // each step body is built from its event: token, method, and the answers / the first code destination / nothing
        stepCalls.forEach((call, k) => {
          // posted as Q2 prints it (B21): {resource: "client", data}, no type; the node names it auth.mfa-required
          const event = at('bde2-event')[k].payload as { resource: string; data: { token: string; method: string; input: Array<{ identifier: string }> } };
          assert.deepEqual([Object.keys(event), event.resource], [['resource', 'data'], 'client']);
          const data = event.data;
          const expected: Json = { token: data.token, method: data.method };
          if (data.method === 'questions') expected.security = data.input.map((q) => ({ identifier: q.identifier, answer: 'Austin' }));
          if (data.method === 'code') expected.security = { identifier: data.input[0].identifier };
          assert.deepEqual(call.body, expected, `step ${k + 1}`);
        });
      });
    }

    it('03 SSO link: the link opens sandbox Connect with the token create-token issued and the parameters given', async () => {
      const { sim } = await loadExample('03 SSO link.json');
      helper.getNode('bde3-inject').receive({});
      await waitFor(() => at('bde3-link').length > 0 || at('bde3-errors').length > 0, 'the link');
      assert.deepEqual(
        at('bde3-errors').map((m) => m.error?.message),
        [],
      );
      const calls = sim.server.requests.filter((r) => r.path.startsWith('/v1/'));
      assert.deepEqual(
        calls.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`),
        ['POST /v1/client/create-token {"identifier":"demo-user","nonce":true}'],
      );
      const url = new URL(String(at('bde3-link')[0].payload));
      assert.equal(url.origin, 'https://sb-connect.q2open.io');
      const [token] = sim.billerDirect.state.tokens;
      assert.deepEqual(Object.fromEntries(url.searchParams), { token: token.token, companyId: CO.regular1, items: 'bill,payment', sessionId: 'session-1' });
    });
  });
});
