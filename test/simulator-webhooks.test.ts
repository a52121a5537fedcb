/** Tests for the simulator's Biller Direct webhook emitter (docs/api-notes.md §2.8, §2.11, §4 B9, B10, B15), over HTTP. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { compactDecrypt, createLocalJWKSet, decodeProtectedHeader, exportJWK, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import { BILLER_DIRECT_COMPANY_IDS as CO, startSimulator, type BdEvent, type RunningSimulator } from '../lib/simulator';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
}

interface Reply {
  status: number;
  body: unknown;
}

interface TokenCall extends Received {
  method: string;
}

const KEY = 'sandbox-api-key';
const CLIENT_ID = 'q2-webhooks';
/** Characters that must be form-encoded, and a value that must never show up in a summary, log or error. */
const SECRET = 'top/secret+&=value';
const START = '2025-06-10T12:00:00.000Z';
const DAY = 24 * 60 * 60 * 1000;
const CARD = { paymentType: 'card', cardNumber: '4111111111111111', cardCode: '123', expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };
const DOCUMENTED = [
  'auth.success',
  'auth.invalid',
  'auth.deleted',
  'auth.hold',
  'auth.needs-resync',
  'bill.created',
  'bill.update',
  'bill.upcoming',
  'bill.scheduled-payment-notice',
  'bill.payment.scheduled',
  'bill.payment.sent',
  'bill.payment.failed',
  'bill.payment.cancelled',
  'swap.success',
];

const str = (v: unknown, label: string): string => {
  assert.equal(typeof v, 'string', `${label} should be a string, got ${JSON.stringify(v)}`);
  return v as string;
};
const field = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), v);

function rsaPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

describe('simulator: Biller Direct webhooks', () => {
  let sim: RunningSimulator;
  let clock = new Date(START);
  let receiver: http.Server;
  let hookUrl: string;
  let received: Received[] = [];
  let answerStatus = 204;
  let hang = false;
  /** Partner OAuth token endpoint: what it received, what it answers next (a string body is sent as is). */
  let tokenServer: http.Server;
  let tokenUrl: string;
  let tokenCalls: TokenCall[] = [];
  let tokenAnswers: Reply[] = [];
  /** 'token' / 'event' in the order the two servers were called. */
  let order: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  const extra: RunningSimulator[] = [];

  async function call(method: string, path: string, json?: unknown, auth: string | null = `Bearer ${KEY}`): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth !== null) headers.authorization = auth;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(sim.url + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async function api(method: string, path: string, json?: unknown): Promise<unknown> {
    const r = await call(method, `/v1${path}`, json);
    assert.equal(r.status, 200, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  const control = (method: string, path: string, json?: unknown): Promise<Reply> => call(method, `/__sim/billerdirect/webhooks${path}`, json, null);

  const newClient = async (): Promise<string> =>
    str(field(await api('POST', '/client', { identifier: `u-${Math.random().toString(36).slice(2)}` }), 'clientId'), 'clientId');
  const addCard = async (clientId: string): Promise<string> =>
    str(field(await api('POST', '/payment', { clientId, ...CARD }), 'paymentMethodId'), 'paymentMethodId');
  const newAuth = async (clientId: string, companyId: string, form: Record<string, unknown>): Promise<string> =>
    str(field(await api('POST', '/auth', { clientId, companyId, items: ['bill'], form: { password: 'pw', ...form } }), 'authId'), 'authId');
  const billOf = (authId: string): string => {
    const bill = sim.billerDirect.state.bills.find((b) => b.authId === authId);
    assert.ok(bill, `no bill for auth ${authId}`);
    return bill._id;
  };
  const mmddyyyy = (days: number): string => {
    const d = new Date(Date.parse(START) + days * DAY);
    return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
  };

  /** Webhook OAuth settings for the local token endpoint. */
  const oauth = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ tokenUrl, clientId: CLIENT_ID, clientSecret: SECRET, ...extra });

  /** Emits hand-made events with these ids over the control endpoint, then waits for their deliveries. */
  async function emitAll(...ids: string[]): Promise<void> {
    for (const _id of ids) assert.equal((await control('POST', '/emit', { type: 'custom.oauth', _id })).status, 202);
    assert.equal((await control('POST', '/flush')).status, 200);
  }

  /** Everything the control endpoints show (summary, delivery log), to look for secrets in. */
  const summaryOf = async (): Promise<unknown> => (await control('GET', '')).body;

  async function shown(): Promise<string> {
    return JSON.stringify([(await control('GET', '')).body, (await control('GET', '/deliveries')).body, (await control('POST', '/flush')).body]);
  }

  /** The event carried by a plain JSON delivery, unwrapping {"event": …} when `wrapped`. */
  function eventOf(r: Received, wrapped = true): BdEvent {
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(r.raw) as Record<string, unknown>;
    if (wrapped) {
      assert.deepEqual(Object.keys(body), ['event']);
      return body.event as BdEvent;
    }
    assert.equal('event' in body, false);
    return body as unknown as BdEvent;
  }

  /** What the simulator posts for a recorded event: the event, or for an MFA event Q2's printed shape (B21: no type, no _id). */
  function posted(e: BdEvent): unknown {
    return e.type === 'auth.mfa-required' ? { resource: 'client', data: e.payload.data } : e;
  }

  /** The partner JWKS the simulator serves; `use:"enc"` dropped (B10: select by kid, ignore use — jose only takes `sig`). */
  async function partnerJwks(): Promise<JSONWebKeySet> {
    const keys = field(await api('GET', '/partner/public-keys'), 'keys') as JWK[];
    assert.equal(keys.length, 2);
    return { keys: keys.map(({ use: _use, ...k }) => k) };
  }

  /** Drives every state change that produces an event; returns the types the simulator recorded. */
  async function driveEverything(): Promise<string[]> {
    const clientId = await newClient();
    await addCard(clientId);
    const a = await newAuth(clientId, CO.regular1, { username: 'test' }); // auth.success, bill.created, bill.update
    const billA = billOf(a);
    await api('POST', '/payment/schedule', { billId: billA, payDate: new Date(clock.getTime() + 3 * DAY).toISOString() }); // bill.payment.scheduled
    await api('POST', '/payment/cancel', { billId: billA }); // bill.payment.cancelled
    await api('POST', '/payment/schedule', { billId: billA, payDate: new Date(clock.getTime() + 3 * DAY).toISOString() });
    const notice = await control('POST', '/trigger', { type: 'bill.scheduled-payment-notice', billId: billA });
    assert.equal(notice.status, 201, JSON.stringify(notice.body));
    await api('POST', '/payment/schedule', { billId: billA }); // scheduled, sent, update
    await newAuth(clientId, CO.regular2, { username: 'x', balance: '9', dueDate: mmddyyyy(1), status: 'upcoming' }); // … bill.upcoming
    const failing = await newAuth(clientId, CO.regular3, { username: 'testpaymentfail' });
    await api('POST', '/payment/schedule', { billId: billOf(failing) }); // bill.payment.failed
    await newAuth(clientId, CO.regular4, { username: 'testfail' }); // auth.invalid
    await newAuth(clientId, CO.regular5, { username: 'testhold' }); // auth.hold
    await newAuth(clientId, CO.mfa1, { username: 'testmfaquestion' }); // auth.mfa-required
    await newAuth(clientId, CO.fiberNet, { username: 'testswap' }); // swap.success
    const resync = await control('POST', '/trigger', { type: 'auth.needs-resync', authId: a });
    assert.equal(resync.status, 201, JSON.stringify(resync.body));
    await api('DELETE', `/auth/${a}`); // auth.deleted
    await sim.webhooks.flush();
    return sim.billerDirect.events.map((e) => e.type);
  }

  before(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
        order.push('event');
        if (hang) hanging.add(res);
        else res.writeHead(answerStatus).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    tokenServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        tokenCalls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
        order.push('token');
        const answer = tokenAnswers.shift() ?? {
          status: 200,
          body: { access_token: `access-token-${tokenCalls.length}`, token_type: 'Bearer', expires_in: 3600 },
        };
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
      });
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/oauth/token`;
    sim = await startSimulator({ billerDirect: { now: () => clock }, billerDirectWebhooks: { url: hookUrl } });
  });
  after(async () => {
    for (const res of hanging) res.destroy();
    await sim.stop();
    for (const s of extra) await s.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    tokenServer.closeAllConnections();
    await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
  });
  beforeEach(() => {
    clock = new Date(START);
    sim.server.reset();
    received = [];
    answerStatus = 204;
    hang = false;
    tokenCalls = [];
    tokenAnswers = [];
    order = [];
  });

  for (const wrap of [true, false]) {
    it(`posts every documented event type (and auth.mfa-required), ${wrap ? 'wrapped as {"event": …}' : 'bare'}, in order`, async () => {
      if (!wrap) sim.webhooks.configure({ url: hookUrl, wrap: false });
      const types = await driveEverything();
      for (const type of [...DOCUMENTED, 'auth.mfa-required']) assert.ok(types.includes(type), `the simulator did not produce ${type}`);
      assert.equal(received.length, sim.billerDirect.events.length);
      received.forEach((r, i) => {
        assert.equal(r.path, '/hook');
        assert.deepEqual(eventOf(r, wrap), posted(sim.billerDirect.events[i]));
      });
      assert.deepEqual(
        received.map((r) => (eventOf(r, wrap) as Partial<BdEvent>).type ?? 'auth.mfa-required'),
        types,
      );
      const mfa = received.map((r) => eventOf(r, wrap) as unknown as Record<string, unknown>).filter((b) => !('type' in b));
      assert.ok(mfa.length > 0, 'an MFA event was posted');
      for (const b of mfa) assert.deepEqual(Object.keys(b), ['resource', 'data'], 'the MFA event as Q2 prints it: no type, _id or envelope');
      assert.deepEqual(
        sim.webhooks.deliveries.map((d) => [d.eventId, d.type, d.status, d.error]),
        sim.billerDirect.events.map((e) => [e._id, e.type, 204, undefined]),
      );
    });
  }

  it('triggered events carry the documented payloads and move the due date', async () => {
    const clientId = await newClient();
    const authId = await newAuth(clientId, CO.regular1, { username: 'test' });
    const billId = billOf(authId);
    const due = sim.billerDirect.state.bills.find((b) => b._id === billId)?.dueDate;
    assert.ok(due);
    const moved = await control('POST', '/trigger', { type: 'bill.scheduled-payment-notice', billId, dueDate: '2025-07-01' });
    assert.equal(moved.status, 201);
    assert.deepEqual(field(moved.body, 'payload'), {
      resource: { id: billId, type: 'bill' },
      data: {
        company: { name: 'Regular Company 1' },
        bill: { dueDate: { previous: due.replace('T', ' ').replace('Z', ''), current: '2025-07-01 00:00:00.000' } },
      },
    });
    assert.equal(field(await api('GET', `/bill/${billId}`), 'bill', 'dueDate'), '2025-07-01T00:00:00.000Z');
    const resync = await control('POST', '/trigger', { type: 'auth.needs-resync', authId });
    assert.deepEqual(field(resync.body, 'payload'), {
      resource: { id: authId, type: 'auth' },
      data: { company: { _id: CO.regular1, name: 'Regular Company 1' } },
    });
    await sim.webhooks.flush();
    assert.deepEqual(
      received.slice(-2).map((r) => eventOf(r)),
      sim.billerDirect.events.slice(-2),
    );
    assert.equal((await control('POST', '/trigger', { type: 'auth.needs-resync', authId: 'nope' })).status, 404);
    assert.equal((await control('POST', '/trigger', { type: 'bill.scheduled-payment-notice', billId, dueDate: 'soon' })).status, 400);
    assert.equal((await control('POST', '/trigger', { type: 'bill.issued', billId })).status, 400);
  });

  it('sends the real-time MFA event with a token that /auth/step accepts', async () => {
    const clientId = await newClient();
    const authId = await newAuth(clientId, CO.regular1, { username: 'testmfaquestion' });
    await sim.webhooks.flush();
    // posted as Q2 prints it (B21): {resource: "client", data}, no type; the event log and delivery log call it auth.mfa-required
    const mfa = eventOf(received[0]) as unknown as { resource: string; data: Record<string, unknown> };
    assert.deepEqual(Object.keys(mfa), ['resource', 'data']);
    assert.equal(mfa.resource, 'client');
    const recorded = sim.billerDirect.events.filter((e) => e.type === 'auth.mfa-required').at(-1);
    assert.deepEqual([recorded?.type, recorded?.payload.resource], ['auth.mfa-required', { id: clientId, type: 'client' }]);
    assert.deepEqual(mfa.data, recorded?.payload.data);
    const delivery = sim.webhooks.deliveries.find((d) => d.eventId === recorded?._id);
    assert.deepEqual([delivery?.type, delivery?.status], ['auth.mfa-required', 204]);
    const data = mfa.data as { method: string; token: string; input: Array<{ identifier: string }>; auth: { _id: string } };
    assert.equal(data.method, 'questions');
    assert.equal(data.auth._id, authId);
    await api('POST', '/auth/step', {
      token: data.token,
      method: 'questions',
      security: data.input.map((q) => ({ identifier: q.identifier, answer: 'Austin' })),
    });
    await sim.webhooks.flush();
    const success = eventOf(received[1]);
    assert.deepEqual([success.type, field(success.payload.data, 'auth', '_id')], ['auth.success', authId]);
  });

  it('signs with the older partner key by default: the JWT verifies against /v1/partner/public-keys', async () => {
    await newAuth(await newClient(), CO.regular1, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.equal(received.length, 1);
    const token = str(received[0].headers.signature, 'signature header');
    const jwks = await partnerJwks();
    const older = sim.billerDirect.partnerKeys[0].kid;
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    assert.deepEqual(protectedHeader, { typ: 'JWT', alg: 'RS256', kid: older });
    assert.deepEqual(Object.keys(payload).sort(), ['exp', 'iat']);
    assert.equal(payload.exp, (payload.iat ?? 0) + 300);
    assert.ok(Math.abs((payload.iat ?? 0) - Date.now() / 1000) < 60);
    const newerOnly = { keys: jwks.keys.filter((k) => k.kid !== older) };
    await assert.rejects(jwtVerify(token, createLocalJWKSet(newerOnly)), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('signing options: header name, iss, aud, exp, the newer partner key, an own key, or off', async () => {
    const clientId = await newClient();
    const jwks = createLocalJWKSet(await partnerJwks());
    sim.webhooks.configure({ url: hookUrl, signing: { issuer: 'q2-sim', audience: 'partner-app', expiresInSeconds: 60, header: 'X-Q2-Signature' } });
    await newAuth(clientId, CO.regular1, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.equal(received[0].headers.signature, undefined);
    const custom = str(received[0].headers['x-q2-signature'], 'x-q2-signature');
    const { payload } = await jwtVerify(custom, jwks, { issuer: 'q2-sim', audience: 'partner-app', algorithms: ['RS256'] });
    assert.equal(payload.exp, (payload.iat ?? 0) + 60);
    await assert.rejects(jwtVerify(custom, jwks, { audience: 'someone-else' }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });

    const newer = sim.billerDirect.partnerKeys[1].kid;
    sim.webhooks.configure({ url: hookUrl, signing: { kid: newer, expiresInSeconds: 0 } });
    await newAuth(clientId, CO.regular2, { username: 'testfail' });
    const own = rsaPair();
    sim.webhooks.configure({ url: hookUrl, signing: { privateKey: own.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), kid: 'own-1' } });
    await newAuth(clientId, CO.regular3, { username: 'testfail' });
    sim.webhooks.configure({ url: hookUrl, signing: false });
    await newAuth(clientId, CO.regular4, { username: 'testfail' });
    await sim.webhooks.flush();
    const second = await jwtVerify(str(received[1].headers.signature, 'signature'), jwks);
    assert.equal(second.protectedHeader.kid, newer);
    assert.equal(second.payload.exp, undefined);
    const ownJwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(own.publicKey)), kid: 'own-1' }] });
    const third = await jwtVerify(str(received[2].headers.signature, 'signature'), ownJwks);
    assert.equal(third.protectedHeader.kid, 'own-1');
    await assert.rejects(jwtVerify(str(received[2].headers.signature, 'signature'), jwks));
    assert.equal(received[3].headers.signature, undefined);
    assert.throws(() => sim.webhooks.configure({ url: hookUrl, signing: { kid: 'not-a-partner-kid' } }), /partner keys/);
    assert.throws(() => sim.webhooks.configure({ url: hookUrl, signing: { privateKey: own.privateKey } }), /kid is required/);
    assert.throws(() => sim.webhooks.configure({ url: hookUrl, signing: { privateKey: own.publicKey, kid: 'x' } }), /private key/);
  });

  it('encrypts the body as a JWE (RSA-OAEP + A256GCM by default, kid in the header) that decrypts with the private key', async () => {
    const recipient = rsaPair();
    sim.webhooks.configure({ url: hookUrl, encryption: { publicKey: recipient.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid: 'recv-1' } });
    await newAuth(await newClient(), CO.regular1, { username: 'testhold' });
    await sim.webhooks.flush();
    assert.equal(received.length, 1);
    const r = received[0];
    assert.equal(r.headers['content-type'], 'application/jose+json');
    assert.match(r.raw, /^[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const { plaintext, protectedHeader } = await compactDecrypt(r.raw, recipient.privateKey);
    assert.deepEqual(protectedHeader, { alg: 'RSA-OAEP', enc: 'A256GCM', kid: 'recv-1' });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(plaintext)), { event: sim.billerDirect.events[0] });
    assert.equal(sim.billerDirect.events[0].type, 'auth.hold');
    await assert.rejects(compactDecrypt(r.raw, rsaPair().privateKey));
    await jwtVerify(str(r.headers.signature, 'signature'), createLocalJWKSet(await partnerJwks())); // signing stays on
  });

  it('encryption options: a JWK key (its kid), other alg/enc, bare body', async () => {
    const recipient = rsaPair();
    const jwk = { ...(await exportJWK(recipient.publicKey)), kid: 'jwk-kid' };
    sim.webhooks.configure({ url: hookUrl, wrap: false, encryption: { publicKey: jwk, alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' } });
    await newAuth(await newClient(), CO.regular1, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.deepEqual(decodeProtectedHeader(received[0].raw), { alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', kid: 'jwk-kid' });
    const { plaintext } = await compactDecrypt(received[0].raw, recipient.privateKey, { keyManagementAlgorithms: ['RSA-OAEP-256'] });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(plaintext)), sim.billerDirect.events[0]);
    assert.throws(() => sim.webhooks.configure({ url: hookUrl, encryption: { publicKey: 'not a key' } }), /public key/);
    assert.throws(() => sim.webhooks.configure({ url: hookUrl, encryption: { publicKey: jwk, enc: 'A999GCM' as 'A256GCM' } }), /encryption\.enc/);
  });

  it('sends Authorization: Bearer <token> only when a bearer token is configured', async () => {
    const clientId = await newClient();
    await newAuth(clientId, CO.regular1, { username: 'testfail' });
    sim.webhooks.configure({ url: hookUrl, bearerToken: 'oauth-token-123' });
    await newAuth(clientId, CO.regular2, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.equal(received.length, 2);
    assert.equal(received[0].headers.authorization, undefined);
    assert.equal(received[1].headers.authorization, 'Bearer oauth-token-123');
  });

  it('oauth: fetches a client-credentials token with the form fields Q2 sends, then posts the event with that bearer', async () => {
    const set = await control('POST', '', { url: hookUrl, oauth: oauth({ scope: 'events webhooks' }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(
      [field(set.body, 'oauth'), field(set.body, 'bearerToken'), field(set.body, 'tokenRequests')],
      [{ tokenUrl, clientId: CLIENT_ID, scope: 'events webhooks' }, false, 0],
    );
    assert.equal(tokenCalls.length, 0, 'no token is fetched before a delivery');
    await emitAll('e-1');
    assert.deepEqual(order, ['token', 'event']);
    const call = tokenCalls[0];
    assert.deepEqual([call.method, call.path, call.headers['content-type']], ['POST', '/oauth/token', 'application/x-www-form-urlencoded']);
    assert.equal(call.raw, `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=top%2Fsecret%2B%26%3Dvalue&scope=events+webhooks`);
    assert.deepEqual(
      [...new URLSearchParams(call.raw)],
      [
        ['grant_type', 'client_credentials'],
        ['client_id', CLIENT_ID],
        ['client_secret', SECRET],
        ['scope', 'events webhooks'],
      ],
    );
    assert.equal(received.length, 1);
    assert.equal(received[0].headers.authorization, 'Bearer access-token-1');
    assert.deepEqual(JSON.parse(received[0].raw), { event: { type: 'custom.oauth', _id: 'e-1' } });
    assert.deepEqual(
      sim.webhooks.deliveries.map((d) => [d.eventId, d.status, d.error]),
      [['e-1', 204, undefined]],
    );
    const text = await shown();
    assert.equal(field((await control('GET', '')).body, 'tokenRequests'), 1);
    for (const secret of [SECRET, encodeURIComponent(SECRET), 'access-token-1']) assert.equal(text.includes(secret), false, `${secret} is shown`);
  });

  it('oauth: several deliveries share one token (no expires_in: 300 s; token_type in any case), also across a PATCH of other fields', async () => {
    tokenAnswers = [{ status: 200, body: { access_token: 'shared-token', token_type: 'bearer' } }];
    assert.equal((await control('POST', '', { url: hookUrl, oauth: oauth() })).status, 200);
    await emitAll('e-1', 'e-2', 'e-3');
    assert.equal(tokenCalls.length, 1);
    assert.equal(tokenCalls[0].raw, `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=${encodeURIComponent(SECRET)}`);
    const patched = await control('PATCH', '', { wrap: false });
    assert.deepEqual([field(patched.body, 'oauth'), field(patched.body, 'wrap')], [{ tokenUrl, clientId: CLIENT_ID }, false]);
    await emitAll('e-4');
    assert.deepEqual(JSON.parse(received[3].raw), { type: 'custom.oauth', _id: 'e-4' });
    assert.deepEqual(
      received.map((r) => r.headers.authorization),
      Array(4).fill('Bearer shared-token'),
    );
    assert.equal(tokenCalls.length, 1, 'one token request for four deliveries');
    assert.equal(field((await control('GET', '')).body, 'tokenRequests'), 1);
    assert.deepEqual(order, ['token', 'event', 'event', 'event', 'event']);
  });

  it('oauth: a token about to expire (within 30 s) is fetched again before the next delivery', async () => {
    tokenAnswers = [
      { status: 200, body: { access_token: 'short-lived', token_type: 'Bearer', expires_in: 1 } },
      { status: 200, body: { access_token: 'long-lived', token_type: 'Bearer', expires_in: 3600 } },
    ];
    sim.webhooks.configure({ url: hookUrl, oauth: { tokenUrl, clientId: CLIENT_ID, clientSecret: SECRET } });
    await emitAll('e-1');
    await emitAll('e-2', 'e-3');
    assert.deepEqual(
      received.map((r) => r.headers.authorization),
      ['Bearer short-lived', 'Bearer long-lived', 'Bearer long-lived'],
    );
    assert.equal(tokenCalls.length, 2);
    assert.equal(sim.webhooks.summary().tokenRequests, 2);
  });

  it('oauth: a failed token request records the delivery as failed and posts nothing; the secret is shown nowhere', async () => {
    tokenAnswers = [{ status: 401, body: { error: 'invalid_client', error_description: 'bad client secret' } }];
    assert.equal((await control('POST', '', { url: hookUrl, oauth: oauth() })).status, 200);
    await emitAll('e-1');
    assert.equal(tokenCalls.length, 1);
    assert.equal(received.length, 0, 'the event is not posted without a token');
    assert.deepEqual(sim.webhooks.deliveries, [
      { ...sim.webhooks.deliveries[0], eventId: 'e-1', type: 'custom.oauth', url: hookUrl, status: 0, error: 'token: HTTP 401' },
    ]);
    const text = await shown();
    assert.match(text, /token: HTTP 401/);
    for (const secret of [SECRET, encodeURIComponent(SECRET)]) assert.equal(text.includes(secret), false, `${secret} is shown`);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/oauth/token`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    tokenAnswers = [
      { status: 200, body: 'not json' },
      { status: 200, body: { token_type: 'Bearer', expires_in: 3600 } },
      { status: 200, body: { access_token: 'mac-token', token_type: 'mac' } },
      { status: 201, body: { access_token: 'created-token', token_type: 'Bearer' } },
    ];
    await emitAll('e-2', 'e-3', 'e-4', 'e-5');
    sim.webhooks.update({ oauth: { tokenUrl: deadUrl, clientId: CLIENT_ID, clientSecret: SECRET } });
    await emitAll('e-6');
    sim.webhooks.update({ oauth: { tokenUrl, clientId: CLIENT_ID, clientSecret: SECRET } });
    await emitAll('e-7');
    const log = sim.webhooks.deliveries.map((d) => [d.eventId, d.status, d.error]);
    assert.deepEqual(log.slice(1, 5), [
      ['e-2', 0, 'token: the answer is not JSON'],
      ['e-3', 0, 'token: no access_token in the answer'],
      ['e-4', 0, 'token: token_type is not Bearer'],
      ['e-5', 0, 'token: HTTP 201'],
    ]);
    assert.deepEqual([log[5][0], log[5][1]], ['e-6', 0]);
    assert.match(String(log[5][2]), /^token: .*ECONNREFUSED/);
    assert.deepEqual(log[6], ['e-7', 204, undefined], 'a working token endpoint is used again');
    assert.deepEqual(
      received.map((r) => [JSON.parse(r.raw), r.headers.authorization]),
      [[{ event: { type: 'custom.oauth', _id: 'e-7' } }, 'Bearer access-token-6']],
    );
    assert.equal(tokenCalls.length, 6, 'a failed token request is not cached: every delivery asks again');
    assert.equal(sim.webhooks.summary().tokenRequests, 7);
    const after = await shown();
    for (const secret of [SECRET, encodeURIComponent(SECRET), 'access-token-6', 'mac-token', 'created-token']) {
      assert.equal(after.includes(secret), false, `${secret} is shown`);
    }
  });

  it('oauth: an event answered 401 drops the token (no re-post); the next delivery fetches a new one', async () => {
    assert.equal((await control('POST', '', { url: hookUrl, oauth: oauth() })).status, 200);
    answerStatus = 401;
    await emitAll('e-1');
    answerStatus = 204;
    await emitAll('e-2');
    answerStatus = 500;
    await emitAll('e-3');
    answerStatus = 204;
    await emitAll('e-4');
    assert.deepEqual(
      received.map((r) => [field(JSON.parse(r.raw), 'event', '_id'), r.headers.authorization]),
      [
        ['e-1', 'Bearer access-token-1'],
        ['e-2', 'Bearer access-token-2'],
        ['e-3', 'Bearer access-token-2'],
        ['e-4', 'Bearer access-token-2'],
      ],
      'each event posted once; only the 401 drops the token',
    );
    assert.deepEqual(
      sim.webhooks.deliveries.map((d) => [d.eventId, d.status, d.error]),
      [
        ['e-1', 401, 'HTTP 401'],
        ['e-2', 204, undefined],
        ['e-3', 500, 'HTTP 500'],
        ['e-4', 204, undefined],
      ],
    );
    assert.equal(tokenCalls.length, 2);
    assert.equal(sim.webhooks.summary().tokenRequests, 2);
  });

  it('oauth: configuration with bearerToken too, or without tokenUrl, clientId or clientSecret, is refused with 400', async () => {
    const rejected: unknown[] = [
      { url: hookUrl, bearerToken: 'static', oauth: oauth() },
      { url: hookUrl, oauth: { clientId: CLIENT_ID, clientSecret: SECRET } },
      { url: hookUrl, oauth: { tokenUrl, clientSecret: SECRET } },
      { url: hookUrl, oauth: { tokenUrl, clientId: CLIENT_ID } },
      { url: hookUrl, oauth: oauth({ clientSecret: '' }) },
      { url: hookUrl, oauth: oauth({ tokenUrl: 'ftp://127.0.0.1/token' }) },
      { url: hookUrl, oauth: oauth({ tokenUrl: 'token' }) },
      { url: hookUrl, oauth: oauth({ tokenUrl: tokenUrl.replace('http://', 'http://user:pw@') }) },
      { url: hookUrl, oauth: oauth({ scope: 7 }) },
      { url: hookUrl, oauth: oauth({ audience: 'x' }) },
      { url: hookUrl, oauth: 'yes' },
    ];
    for (const body of rejected) {
      const r = await control('POST', '', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(field(r.body, 'error'), 'bad_request');
      assert.equal(JSON.stringify(r.body).includes(SECRET), false, 'the secret is not echoed');
    }
    assert.deepEqual([field(await summaryOf(), 'oauth'), field(await summaryOf(), 'bearerToken')], [false, false], 'a rejected configuration changes nothing');

    assert.equal((await control('POST', '', { url: hookUrl, bearerToken: 'static' })).status, 200);
    assert.equal((await control('PATCH', '', { oauth: oauth() })).status, 400, 'oauth added to a bearer token');
    const swapped = await control('PATCH', '', { oauth: oauth(), bearerToken: null });
    assert.equal(swapped.status, 200, JSON.stringify(swapped.body));
    assert.deepEqual([field(swapped.body, 'oauth'), field(swapped.body, 'bearerToken')], [{ tokenUrl, clientId: CLIENT_ID }, false]);
    assert.equal((await control('PATCH', '', { bearerToken: 'static' })).status, 400, 'a bearer token added to oauth');
    assert.throws(
      () => sim.webhooks.configure({ url: hookUrl, bearerToken: 'static', oauth: { tokenUrl, clientId: CLIENT_ID, clientSecret: SECRET } }),
      /oauth and bearerToken/,
    );
    assert.throws(() => sim.webhooks.configure({ url: hookUrl, oauth: { tokenUrl, clientId: CLIENT_ID, clientSecret: '' } }), /oauth\.clientSecret/);
    assert.equal(tokenCalls.length, 0);
  });

  it('records a 500, a refused connection and a timeout in deliveries without breaking the simulator', async () => {
    const clientId = await newClient();
    answerStatus = 500;
    await newAuth(clientId, CO.regular1, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.deepEqual(
      sim.webhooks.deliveries.map((d) => [d.type, d.status, d.error, d.url]),
      [['auth.invalid', 500, 'HTTP 500', hookUrl]],
    );

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    sim.webhooks.configure({ url: deadUrl });
    const authId = await newAuth(clientId, CO.regular2, { username: 'test' });
    assert.equal(field(await api('GET', `/auth/list/${clientId}`), 'data', '1', '_id'), authId);
    await sim.webhooks.flush();
    const refused = sim.webhooks.deliveries.slice(1);
    assert.deepEqual(
      refused.map((d) => d.type),
      ['auth.success', 'bill.created', 'bill.update'],
    );
    for (const d of refused) assert.deepEqual([d.status, d.url, /ECONNREFUSED/.test(d.error ?? '')], [0, deadUrl, true]);

    hang = true;
    sim.webhooks.configure({ url: hookUrl, timeoutMs: 200 });
    const started = Date.now();
    await newAuth(clientId, CO.regular3, { username: 'testhold' });
    await sim.webhooks.flush();
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(
      sim.webhooks.deliveries.slice(4).map((d) => [d.type, d.status, d.error]),
      [['auth.hold', 0, 'no answer within 200 ms']],
    );

    hang = false;
    answerStatus = 200;
    await newAuth(clientId, CO.regular4, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.deepEqual(sim.webhooks.deliveries.at(-1), { ...sim.webhooks.deliveries.at(-1), type: 'auth.invalid', status: 200 });
    assert.equal(sim.webhooks.deliveries.at(-1)?.error, undefined);
  });

  it('control endpoints configure, report, emit, flush and switch off over HTTP', async () => {
    const recipient = rsaPair();
    const set = await control('POST', '', {
      url: hookUrl,
      bearerToken: 'tok',
      signing: { issuer: 'q2' },
      encryption: { publicKey: recipient.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid: 'k1' },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body, {
      url: hookUrl,
      wrap: true,
      timeoutMs: 3000,
      bearerToken: true,
      oauth: false,
      signing: { kid: sim.billerDirect.partnerKeys[0].kid, header: 'signature', partnerKey: true, expiresInSeconds: 300, issuer: 'q2' },
      encryption: { kid: 'k1', alg: 'RSA-OAEP', enc: 'A256GCM' },
      deliveries: 0,
      inFlight: 0,
      tokenRequests: 0,
    });
    const emitted = await control('POST', '/emit', { event: { type: 'bill.something-new', payload: { resource: { id: 'b1', type: 'bill' }, data: {} } } });
    assert.equal(emitted.status, 202);
    const flushed = await control('POST', '/flush');
    assert.deepEqual(field(flushed.body, '0', 'type'), 'bill.something-new');
    assert.equal(field(flushed.body, '0', 'eventId'), field(emitted.body, 'eventId'));
    const { plaintext } = await compactDecrypt(received[0].raw, recipient.privateKey);
    assert.deepEqual(field(JSON.parse(new TextDecoder().decode(plaintext)), 'event', 'type'), 'bill.something-new');
    assert.equal(received[0].headers.authorization, 'Bearer tok');
    await jwtVerify(str(received[0].headers.signature, 'signature'), createLocalJWKSet(await partnerJwks()), { issuer: 'q2' });

    const patched = await control('PATCH', '', { encryption: null, wrap: false, signing: false });
    assert.deepEqual(
      [field(patched.body, 'encryption'), field(patched.body, 'wrap'), field(patched.body, 'signing'), field(patched.body, 'bearerToken')],
      [false, false, false, true],
    );
    await control('POST', '/emit', { type: 'custom.bare', _id: 'e-1' });
    await control('POST', '/flush');
    assert.deepEqual(JSON.parse(received[1].raw), { type: 'custom.bare', _id: 'e-1' });
    assert.equal(received[1].headers.signature, undefined);
    assert.equal(field((await control('GET', '/deliveries')).body, 'length'), 2);
    assert.equal((await control('DELETE', '/deliveries')).status, 200);
    assert.deepEqual(sim.webhooks.deliveries, []);

    const off = await control('DELETE', '');
    assert.equal(field(off.body, 'url'), null);
    await newAuth(await newClient(), CO.regular1, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.equal(received.length, 2);
    assert.deepEqual(sim.webhooks.deliveries, []);

    for (const bad of [
      { url: 'ftp://example.com/x' },
      { url: hookUrl, encryption: { publicKey: 'x', alg: 'dir' } },
      { signing: { kid: 'nope' } },
      { signing: { privateKey: recipient.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } },
      { nonsense: true },
      [1],
    ]) {
      const r = await control('POST', '', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(field(r.body, 'error'), 'bad_request');
    }
    assert.equal(field((await control('GET', '')).body, 'url'), null, 'a rejected configuration changes nothing');
    assert.equal((await control('POST', '/emit', { payload: {} })).status, 400);
  });

  it('reset() restores the startup options and empties deliveries; without a URL nothing is sent', async () => {
    sim.webhooks.configure({ url: hookUrl + '/other', wrap: false });
    await newAuth(await newClient(), CO.regular1, { username: 'testfail' });
    await sim.webhooks.flush();
    assert.equal(sim.webhooks.deliveries.length, 1);
    sim.server.reset();
    assert.deepEqual(sim.webhooks.deliveries, []);
    assert.equal(sim.webhooks.summary().url, hookUrl);
    assert.equal(sim.webhooks.summary().wrap, true);

    const quiet = await startSimulator();
    extra.push(quiet);
    const r = await fetch(`${quiet.url}/v1/client`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'q' }),
    });
    const clientId = str(field(await r.json(), 'clientId'), 'clientId');
    await fetch(`${quiet.url}/v1/auth`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, companyId: CO.regular1, items: ['bill'], form: { username: 'test' } }),
    });
    await quiet.webhooks.flush();
    assert.equal(quiet.billerDirect.events.length, 3);
    assert.deepEqual(quiet.webhooks.deliveries, []);
    assert.equal(received.length, 1);
  });

  it('stop() aborts a hanging delivery instead of waiting for it', async () => {
    const other = await startSimulator({ billerDirectWebhooks: { url: hookUrl, timeoutMs: 10_000 } });
    hang = true;
    const r = await fetch(`${other.url}/v1/client`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'h' }),
    });
    const clientId = str(field(await r.json(), 'clientId'), 'clientId');
    await fetch(`${other.url}/v1/auth`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, companyId: CO.regular1, items: ['bill'], form: { username: 'testfail' } }),
    });
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await other.stop();
    assert.ok(Date.now() - started < 2000, 'stop() waited for the receiver');
    assert.deepEqual(
      other.webhooks.deliveries.map((d) => [d.type, d.status, d.error]),
      [['auth.invalid', 0, 'simulator stopped']],
    );
  });
});
