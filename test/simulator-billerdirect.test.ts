/** Tests for the simulator's Biller Direct module (docs/api-notes.md §2), over HTTP. */
import assert from 'node:assert/strict';
import { constants, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  BILLER_DIRECT_COMPANY_IDS as CO,
  BILLER_DIRECT_PARTNER_ID,
  BILLER_DIRECT_SEED_IDS as SEED,
  startSimulator,
  type BdEvent,
  type RunningSimulator,
} from '../lib/simulator';

/** The simulator's JSON answers, read loosely by these tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON of varying shape; `any` keeps deep assertions readable. */
  body: Json;
}

interface CallOptions {
  auth?: string | null;
  headers?: Record<string, string>;
  raw?: string;
  base?: string;
}

const KEY = 'sandbox-api-key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const START = '2025-06-10T12:00:00.000Z';
const CARD = { paymentType: 'card', cardNumber: '4111111111111111', cardCode: '123', expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };
const BANK = { paymentType: 'bank', routingNumber: '021000021', accountNumber: '9900000002', accountType: 'checking', name: 'Test User' };
const HOUR = 60 * 60 * 1000;

describe('simulator: Biller Direct', () => {
  let sim: RunningSimulator;
  let clock = new Date(START);
  const extra: RunningSimulator[] = [];

  async function call(method: string, path: string, json?: unknown, opts: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const auth = opts.auth === undefined ? `Bearer ${KEY}` : opts.auth;
    if (auth !== null) headers.authorization = auth;
    let body: string | undefined;
    if (json !== undefined || opts.raw !== undefined) {
      headers['content-type'] = 'application/json';
      body = opts.raw ?? JSON.stringify(json);
    }
    const res = await fetch((opts.base ?? sim.url) + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  const api = (method: string, path: string, json?: unknown, opts?: CallOptions): Promise<Reply> => call(method, `/v1${path}`, json, opts);

  function assertOk(r: Reply): void {
    assert.equal(r.status, 200, `expected 200, got ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.headers.get('request-id') ?? '', UUID);
  }

  function assertError(r: Reply, status: number, code: string, message?: RegExp): void {
    assert.equal(r.status, status, `expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.headers.get('request-id') ?? '', UUID);
    assert.deepEqual(Object.keys(r.body).sort(), ['code', 'message', 'success']);
    assert.equal(r.body.success, false);
    assert.equal(r.body.code, code);
    assert.equal(typeof r.body.message, 'string');
    if (message) assert.match(r.body.message, message);
  }

  const advance = (ms: number): void => {
    clock = new Date(clock.getTime() + ms);
  };

  async function newClient(identifier = `user-${Math.random().toString(36).slice(2)}`): Promise<string> {
    const r = await api('POST', '/client', { identifier, meta: { firstName: 'Test' } });
    assertOk(r);
    return r.body.clientId as string;
  }

  async function addMethod(clientId: string, fields: Record<string, unknown> = CARD): Promise<string> {
    const r = await api('POST', '/payment', { clientId, ...fields });
    assertOk(r);
    return r.body.paymentMethodId as string;
  }

  async function newAuth(
    clientId: string,
    companyId: string,
    form: Record<string, unknown>,
    items: string[] = ['bill'],
    meta?: Record<string, unknown>,
  ): Promise<string> {
    const r = await api('POST', '/auth', { clientId, companyId, items, form: { password: 'any', ...form }, ...(meta ? { meta } : {}) });
    assertOk(r);
    assert.deepEqual([r.body.success, r.body.message], [true, 'Auth has been queued and will respond via webhooks.']);
    return r.body.authId as string;
  }

  async function authOf(clientId: string, authId: string): Promise<Json> {
    const r = await api('GET', `/auth/list/${clientId}`);
    assertOk(r);
    return r.body.data.find((a: { _id: string }) => a._id === authId);
  }

  async function billsOf(clientId: string): Promise<Json[]> {
    const r = await api('GET', `/bill/list/${clientId}`);
    assertOk(r);
    return r.body.data;
  }

  async function billFor(clientId: string, authId: string): Promise<Json> {
    return (await billsOf(clientId)).find((d: { bill: { auth: { _id: string } } }) => d.bill.auth._id === authId);
  }

  async function methodsOf(clientId: string): Promise<Json[]> {
    const r = await api('GET', `/payment/list/${clientId}`);
    assertOk(r);
    return r.body.data;
  }

  const eventsOf = (type: string): BdEvent[] => sim.billerDirect.events.filter((e) => e.type === type);
  const mmddyyyy = (daysFromStart: number): string => {
    const d = new Date(Date.parse(START) + daysFromStart * 24 * HOUR);
    return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
  };
  const isoDay = (daysFromStart: number): string => `${new Date(Date.parse(START) + daysFromStart * 24 * HOUR).toISOString().slice(0, 10)}T00:00:00.000Z`;

  before(async () => {
    sim = await startSimulator({ port: 0, billerDirect: { now: () => clock } });
  });
  after(async () => {
    await sim.stop();
    for (const s of extra) await s.stop();
  });
  beforeEach(() => {
    clock = new Date(START);
    sim.server.reset();
  });

  describe('auth, request ids and routing', () => {
    it('answers 401 without, with a wrong or a non-Bearer credential, and changes nothing', async () => {
      const before = sim.billerDirect.state.clients.length;
      for (const auth of [null, 'Bearer wrong-key', `Basic ${Buffer.from(`${KEY}:x`).toString('base64')}`, KEY, 'Bearer']) {
        const r = await api('POST', '/client', { identifier: 'nobody' }, { auth });
        assertError(r, 401, 'unauthorized');
        assert.equal(r.headers.get('www-authenticate'), 'Bearer');
      }
      assertError(await api('GET', '/company/categories', undefined, { auth: null }), 401, 'unauthorized');
      assert.equal(sim.billerDirect.state.clients.length, before);
      assertOk(await api('GET', '/company/categories', undefined, { auth: `bearer ${KEY}` }));
    });

    it('accepts only the configured keys when `apiKeys` is given', async () => {
      const other = await startSimulator({ port: 0, billerDirect: { apiKeys: ['key-a', 'key-b'] } });
      extra.push(other);
      assertError(await api('GET', '/company/categories', undefined, { base: other.url }), 401, 'unauthorized');
      assertOk(await api('GET', '/company/categories', undefined, { base: other.url, auth: 'Bearer key-b' }));
    });

    it('puts a fresh uuid request-id header on every response, success or error', async () => {
      const a = await api('GET', '/company/categories');
      const b = await api('GET', '/company/categories');
      assertOk(a);
      assertOk(b);
      assert.notEqual(a.headers.get('request-id'), b.headers.get('request-id'));
      assertError(await api('GET', '/bill/000000000000000000000000'), 404, 'not_found', /Bill/);
    });

    it('answers 404/405 under /v1/{resource} and 400 for a non-JSON or non-object body', async () => {
      assertError(await api('GET', '/bill/a/b/c'), 404, 'not_found');
      const wrong = await api('GET', '/auth');
      assertError(wrong, 405, 'method_not_allowed');
      assert.equal(wrong.headers.get('allow'), 'POST');
      assertError(await api('PUT', '/payment/abc'), 405, 'method_not_allowed');
      assertError(await api('POST', '/client', undefined, { raw: '{"identifier":' }), 400, 'bad_request', /JSON/);
      assertError(await api('POST', '/client', ['x']), 400, 'bad_request', /object/);
    });

    it('leaves Platform (/v1/{Operation}, /v2/oauth2/token) and Helix (/externalAccount) paths to their modules', async () => {
      const platform = await call('GET', '/v1/LookupUser');
      assert.deepEqual([platform.status, platform.body.errors], [405, [{ code: 405, message: 'Method Not Allowed' }]]);
      const token = await call('POST', '/v2/oauth2/token', undefined, { auth: null });
      assert.deepEqual([token.status, token.body.error], [400, 'invalid_request']);
      const helix = await call('GET', '/externalAccount/list/1001', undefined, { auth: `Basic ${Buffer.from('example1:example1').toString('base64')}` });
      assert.deepEqual([helix.status, helix.body.data.length], [200, 2]);
      const elsewhere = await call('GET', '/v1/nowhere');
      assert.deepEqual([elsewhere.status, elsewhere.body.error, elsewhere.headers.get('request-id')], [404, 'not_found', null]);
      const health = await call('GET', '/__sim/health');
      assert.ok(health.body.modules.includes('biller-direct'));
    });
  });

  describe('request signing', () => {
    let privateKey: KeyObject;
    let publicPem: string;
    let otherKey: KeyObject;

    before(() => {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      privateKey = pair.privateKey;
      publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    });

    function signed(method: string, pathAndQuery: string, key: KeyObject = privateKey, date = clock.toISOString(), apiKey = KEY): Record<string, string> {
      const text = `${method}:${pathAndQuery}:${apiKey}:${date}`;
      const signature = sign('sha256', Buffer.from(text), { key, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
      return { Signature: signature, Date: date };
    }

    it('accepts correctly signed requests (path with /v1, query included) once a public key is set', async () => {
      sim.billerDirect.setSigningPublicKey(publicPem);
      assertOk(await api('GET', '/company/categories', undefined, { headers: signed('GET', '/v1/company/categories') }));
      assertOk(await api('GET', '/company/categories?lang=en&x=a%20b', undefined, { headers: signed('GET', '/v1/company/categories?lang=en&x=a%20b') }));
      const r = await api('POST', '/client/create-token', { identifier: 'signed-user' }, { headers: signed('POST', '/v1/client/create-token') });
      assertOk(r);
      assert.equal(typeof r.body.token, 'string');
    });

    it('answers 401 to unsigned, wrongly signed, tampered, stale and non-ISO-dated requests', async () => {
      sim.billerDirect.setSigningPublicKey(publicPem);
      const before = sim.billerDirect.state.clients.length;
      assertError(await api('POST', '/client', { identifier: 'x' }), 401, 'signature_required');
      assertError(
        await api('POST', '/client', { identifier: 'x' }, { headers: { Signature: signed('POST', '/v1/client').Signature } }),
        401,
        'signature_required',
      );
      assertError(await api('POST', '/client', { identifier: 'x' }, { headers: signed('POST', '/v1/client', otherKey) }), 401, 'invalid_signature');
      assertError(await api('POST', '/client', { identifier: 'x' }, { headers: signed('POST', '/v1/client/sync') }), 401, 'invalid_signature');
      assertError(await api('GET', '/company/categories?x=2', undefined, { headers: signed('GET', '/v1/company/categories?x=1') }), 401, 'invalid_signature');
      assertError(await api('DELETE', '/payment/abc', undefined, { headers: signed('POST', '/v1/payment/abc') }), 401, 'invalid_signature');
      assertError(
        await api('POST', '/client', { identifier: 'x' }, { headers: signed('POST', '/v1/client', privateKey, clock.toISOString(), 'other-key') }),
        401,
        'invalid_signature',
      );
      const good = signed('POST', '/v1/client');
      assertError(
        await api('POST', '/client', { identifier: 'x' }, { headers: { ...good, Date: new Date(clock.getTime() + 1).toISOString() } }),
        401,
        'invalid_signature',
      );
      const stale = new Date(clock.getTime() - 6 * 60 * 1000).toISOString();
      assertError(
        await api('POST', '/client', { identifier: 'x' }, { headers: signed('POST', '/v1/client', privateKey, stale) }),
        401,
        'invalid_signature',
        /time/,
      );
      const http = clock.toUTCString();
      assertError(
        await api('POST', '/client', { identifier: 'x' }, { headers: signed('POST', '/v1/client', privateKey, http) }),
        401,
        'invalid_signature',
        /ISO/,
      );
      assert.equal(sim.billerDirect.state.clients.length, before);
    });

    it('is off again after setSigningPublicKey(undefined) and after reset(); the option turns it on; bad keys throw', async () => {
      sim.billerDirect.setSigningPublicKey(publicPem);
      assertError(await api('GET', '/company/categories'), 401, 'signature_required');
      sim.billerDirect.setSigningPublicKey(undefined);
      assertOk(await api('GET', '/company/categories'));
      sim.billerDirect.setSigningPublicKey(publicPem);
      sim.server.reset();
      assertOk(await api('GET', '/company/categories'));
      const other = await startSimulator({ port: 0, billerDirect: { signingPublicKey: publicPem, now: () => clock } });
      extra.push(other);
      assertError(await api('GET', '/company/categories', undefined, { base: other.url }), 401, 'signature_required');
      assertOk(await api('GET', '/company/categories', undefined, { base: other.url, headers: signed('GET', '/v1/company/categories') }));
      other.billerDirect.reset();
      assertError(await api('GET', '/company/categories', undefined, { base: other.url }), 401, 'signature_required');
      assert.throws(() => sim.billerDirect.setSigningPublicKey('not a pem'));
    });
  });

  describe('clients and tokens', () => {
    it('create client returns a clientId, the same one for a known identifier; validates identifier and meta', async () => {
      const a = await newClient('alice');
      assert.match(a, /^[0-9a-f]{24}$/);
      assert.equal(await newClient('alice'), a);
      assert.notEqual(await newClient('bob'), a);
      assertError(await api('POST', '/client', { meta: {} }), 400, 'bad_request', /identifier/);
      assertError(await api('POST', '/client', { identifier: 'carol', meta: 'x' }), 400, 'bad_request', /meta/);
    });

    it('create-token issues an SSO token that works as Bearer for its own client only until revoked', async () => {
      const mine = await newClient('token-user');
      const other = await newClient('someone-else');
      const r = await api('POST', '/client/create-token', { identifier: 'token-user', accessTokenExpiresIn: 600 });
      assertOk(r);
      const token = r.body.token as string;
      assert.match(token, /^[0-9a-f]{34}$/);
      const asClient = { auth: `Bearer ${token}` };
      assertOk(await api('GET', `/payment/list/${mine}`, undefined, asClient));
      assertError(await api('GET', `/payment/list/${other}`, undefined, asClient), 403, 'forbidden');
      assertError(await api('GET', '/partner/public-keys', undefined, asClient), 403, 'forbidden');
      assertOk(await api('POST', '/client/revoke-tokens', { clientToken: token }));
      assertError(await api('GET', `/payment/list/${mine}`, undefined, asClient), 401, 'unauthorized');
    });

    it("revoke-tokens by identifier revokes all of the client's tokens (identifier wins); needs one of the two", async () => {
      await newClient('multi');
      const t1 = (await api('POST', '/client/create-token', { identifier: 'multi' })).body.token as string;
      const t2 = (await api('POST', '/client/create-token', { identifier: 'multi' })).body.token as string;
      assertOk(await api('POST', '/client/revoke-tokens', { identifier: 'multi', clientToken: 'ignored' }));
      for (const t of [t1, t2]) assertError(await api('GET', '/company/categories', undefined, { auth: `Bearer ${t}` }), 401, 'unauthorized');
      assertError(await api('POST', '/client/revoke-tokens', {}), 400, 'bad_request', /identifier or clientToken/);
      assertError(await api('POST', '/client/revoke-tokens', { identifier: 'unknown-user' }), 404, 'not_found');
      assertError(await api('POST', '/client/revoke-tokens', { clientToken: 'nope' }), 404, 'not_found');
    });

    it('honours nonce (one use), expiration (default 24 h) and rejects a past expiration', async () => {
      const nonce = (await api('POST', '/client/create-token', { identifier: 'n-user', nonce: true })).body.token as string;
      assertOk(await api('GET', '/company/categories', undefined, { auth: `Bearer ${nonce}` }));
      assertError(await api('GET', '/company/categories', undefined, { auth: `Bearer ${nonce}` }), 401, 'unauthorized');
      const day = (await api('POST', '/client/create-token', { identifier: 'n-user' })).body.token as string;
      const short = (await api('POST', '/client/create-token', { identifier: 'n-user', expiration: new Date(clock.getTime() + HOUR).toISOString() })).body
        .token as string;
      advance(2 * HOUR);
      assertError(await api('GET', '/company/categories', undefined, { auth: `Bearer ${short}` }), 401, 'unauthorized');
      assertOk(await api('GET', '/company/categories', undefined, { auth: `Bearer ${day}` }));
      advance(23 * HOUR);
      assertError(await api('GET', '/company/categories', undefined, { auth: `Bearer ${day}` }), 401, 'unauthorized');
      assertError(await api('POST', '/client/create-token', { identifier: 'n-user', expiration: '2020-01-01T00:00:00Z' }), 400, 'bad_request', /expiration/);
      assertError(await api('POST', '/client/create-token', {}), 400, 'bad_request', /identifier/);
    });

    it('sync creates/returns the client, a token and the cards; a bad card rejects the whole call', async () => {
      const body = {
        client: { identifier: 'sync-user', meta: { firstName: 'Demo' } },
        token: { expiration: new Date(clock.getTime() + 48 * HOUR).toISOString() },
        cards: [{ ...CARD, paymentType: undefined, identifier: 'fiId123', cardType: 'debit', cardBrand: 'visa', setAsDefault: 'true' }],
      };
      const r = await api('POST', '/client/sync', body);
      assertOk(r);
      assert.deepEqual(Object.keys(r.body).sort(), ['cards', 'clientId', 'ssoToken']);
      assert.equal(r.body.cards.length, 1);
      assert.equal(r.body.cards[0].identifier, 'fiId123');
      const methods = await methodsOf(r.body.clientId);
      assert.deepEqual(
        [methods[0]._id, methods[0].card.type, methods[0].card.number, methods[0].default],
        [r.body.cards[0].paymentMethodId, 'debit', 'XXXX1111', true],
      );
      assertOk(await api('GET', `/bill/list/${r.body.clientId}`, undefined, { auth: `Bearer ${r.body.ssoToken}` }));
      const again = await api('POST', '/client/sync', { client: { identifier: 'sync-user' } });
      assert.deepEqual([again.body.clientId, again.body.cards], [r.body.clientId, []]);

      const clients = sim.billerDirect.state.clients.length;
      const bad = await api('POST', '/client/sync', { client: { identifier: 'sync-bad' }, cards: [CARD, { ...CARD, cardNumber: '4111-abc' }] });
      assertError(bad, 400, 'bad_request', /cards\[1\]\.cardNumber/);
      assert.doesNotMatch(bad.body.message, /4111/);
      assertError(
        await api('POST', '/client/sync', { client: { identifier: 'sync-bad' }, cards: [{ ...CARD, cardBrand: 'diners' }] }),
        400,
        'bad_request',
        /cards\[0\]\.cardBrand/,
      );
      assertError(await api('POST', '/client/sync', { token: {} }), 400, 'bad_request', /client/);
      assert.equal(sim.billerDirect.state.clients.length, clients);
    });
  });

  describe('payment methods', () => {
    it('card 4111111111111111 is verified; only masked numbers are listed or stored', async () => {
      const clientId = await newClient();
      const id = await addMethod(clientId, { ...CARD, identifier: 'ext-1', customLabel: 'Rewards' });
      const [m] = await methodsOf(clientId);
      assert.deepEqual(
        [m._id, m.type, m.identifier, m.status, m.default, m.name, m.customLabel, m.assignedBills],
        [id, 'card', 'ext-1', 'verified', true, 'Test User', 'Rewards', []],
      );
      assert.deepEqual(m.card, { number: 'XXXX1111', brand: 'visa', type: 'credit', expDate: '2040-02-01T12:00:00.000Z' });
      const stored = JSON.stringify(sim.billerDirect.state) + JSON.stringify(sim.billerDirect.events);
      assert.equal(stored.includes('4111111111111111'), false);
      assert.equal(stored.includes('"123"'), false);
    });

    it('other card numbers are stored as declined (with their brand); banks are verified and masked', async () => {
      const clientId = await newClient();
      await addMethod(clientId, { ...CARD, cardNumber: '5555 5555 5555 4444' });
      await addMethod(clientId, { ...CARD, cardNumber: '378282246310005', cardCode: '1234' });
      await addMethod(clientId, BANK);
      const [mc, amex, bank] = await methodsOf(clientId);
      assert.deepEqual([mc.status, mc.card.brand, mc.card.number], ['declined', 'mastercard', 'XXXX4444']);
      assert.deepEqual([amex.status, amex.card.brand], ['declined', 'american express']);
      assert.deepEqual([bank.status, bank.type, bank.bank], ['verified', 'bank', { routingNumber: 'XXXX0021', accountNumber: 'XXXX0002', type: 'checking' }]);
      assert.equal(JSON.stringify(sim.billerDirect.state).includes('9900000002'), false);
    });

    it('validates the add-payment body, naming the field and never echoing numbers', async () => {
      const clientId = await newClient();
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ ...CARD, paymentType: 'cash' }, /paymentType/],
        [{ ...CARD, paymentType: undefined }, /paymentType/],
        [{ ...CARD, cardNumber: '41111' }, /cardNumber/],
        [{ ...CARD, cardCode: '12' }, /cardCode/],
        [{ ...CARD, expMonth: '13' }, /expMonth/],
        [{ ...CARD, expYear: '40' }, /expYear/],
        [{ ...CARD, expMonth: '05', expYear: '2025' }, /expired/],
        [{ ...CARD, zipcode: 'abc' }, /zipcode/],
        [{ ...BANK, routingNumber: '12' }, /routingNumber/],
        [{ ...BANK, accountNumber: 'x' }, /accountNumber/],
        [{ ...BANK, accountType: 'brokerage' }, /accountType/],
      ];
      for (const [body, field] of cases) {
        const r = await api('POST', '/payment', { clientId, ...body });
        assertError(r, 400, 'bad_request', field);
        assert.doesNotMatch(r.body.message, /4111|9900000002|021000021/);
      }
      assertError(await api('POST', '/payment', { clientId: '000000000000000000000000', ...CARD }), 404, 'not_found', /Client/);
      assert.deepEqual(await methodsOf(clientId), []);
    });

    it('the first method is the default; setAsDefault moves it', async () => {
      const clientId = await newClient();
      const a = await addMethod(clientId);
      const b = await addMethod(clientId, { ...BANK, setAsDefault: true });
      const c = await addMethod(clientId, CARD);
      const defaults = (await methodsOf(clientId)).map((m) => [m._id, m.default]);
      assert.deepEqual(defaults, [
        [a, false],
        [b, true],
        [c, false],
      ]);
    });

    it('delete removes a method; unknown ids answer 404', async () => {
      const clientId = await newClient();
      const id = await addMethod(clientId);
      const r = await api('DELETE', `/payment/${id}`);
      assertOk(r);
      assert.deepEqual(r.body, { success: true });
      assert.deepEqual(await methodsOf(clientId), []);
      assertError(await api('DELETE', `/payment/${id}`), 404, 'not_found');
    });

    it('refuses to delete a method that paid something in the last 24 hours', async () => {
      const clientId = await newClient();
      const pm = await addMethod(clientId);
      const auth = await newAuth(clientId, CO.regular1, { username: 'me', balance: '42.00', dueDate: mmddyyyy(5) });
      const { bill } = await billFor(clientId, auth);
      assertOk(await api('POST', '/payment/schedule', { billId: bill._id }));
      advance(HOUR);
      assertError(await api('DELETE', `/payment/${pm}`), 409, 'payment_method_recently_used', /24 hours/);
      advance(22 * HOUR);
      assertError(await api('DELETE', `/payment/${pm}`), 409, 'payment_method_recently_used');
      advance(HOUR + 1000);
      assertOk(await api('DELETE', `/payment/${pm}`));
    });

    it('retry: a declined test card stays declined and is removed at the third decline; verified methods answer 409', async () => {
      const clientId = await newClient();
      const good = await addMethod(clientId);
      const bad = await addMethod(clientId, { ...CARD, cardNumber: '4000000000000002' });
      assertError(await api('POST', `/payment/${good}/retry`), 409, 'not_declined');
      assert.deepEqual(await api('POST', `/payment/${bad}/retry`).then((r) => r.body), { success: true });
      assert.equal((await methodsOf(clientId)).length, 2);
      assertOk(await api('POST', `/payment/${bad}/retry`));
      assert.deepEqual(
        (await methodsOf(clientId)).map((m) => m._id),
        [good],
      );
      assertError(await api('POST', `/payment/${bad}/retry`), 404, 'not_found');
    });

    it("assign ties a method to a bill; checks client, status and the company's requiredPayment", async () => {
      const clientId = await newClient();
      const card = await addMethod(clientId);
      const bank = await addMethod(clientId, BANK);
      const declined = await addMethod(clientId, { ...CARD, cardNumber: '4000000000000002' });
      const auth = await newAuth(clientId, CO.tunebox, { email: 'me@example.com' });
      const { bill } = await billFor(clientId, auth);
      assertError(await api('POST', `/payment/${bank}/assign`, { billId: bill._id }), 409, 'payment_type_required', /card/);
      assertError(await api('POST', `/payment/${declined}/assign`, { billId: bill._id }), 409, 'payment_method_declined');
      assertOk(await api('POST', `/payment/${card}/assign`, { billId: bill._id }));
      assert.deepEqual((await methodsOf(clientId)).find((m) => m._id === card).assignedBills, [bill._id]);
      const stranger = await addMethod(await newClient());
      assertError(await api('POST', `/payment/${stranger}/assign`, { billId: bill._id }), 400, 'bad_request', /another client/);
      assertError(await api('POST', `/payment/${card}/assign`, {}), 400, 'bad_request', /billId/);
      assertError(await api('POST', `/payment/${card}/assign`, { billId: 'nope' }), 404, 'not_found');
    });
  });

  describe('legacy test credentials (any company, any password)', () => {
    const cases: Array<[string, string, (clientId: string, authId: string) => Promise<void>]> = [
      [
        'test',
        'a verified auth with an upcoming bill',
        async (clientId, authId) => {
          assert.equal((await authOf(clientId, authId)).status.type, 'verified');
          const { bill } = await billFor(clientId, authId);
          assert.deepEqual([bill.status.type, bill.balance], ['upcoming', '100.00']);
        },
      ],
      [
        'testfail',
        'auth status authenticate and auth.invalid',
        async (clientId, authId) => {
          assert.equal((await authOf(clientId, authId)).status.type, 'authenticate');
          assert.equal(await billFor(clientId, authId), undefined);
          assert.equal(eventsOf('auth.invalid').at(-1)?.payload.resource.id, authId);
        },
      ],
      [
        'testhold',
        'auth status hold with a reason and auth.hold',
        async (clientId, authId) => {
          const a = await authOf(clientId, authId);
          assert.equal(a.status.type, 'hold');
          assert.equal(a.reason.code, 'account_issue_verify_identity');
          assert.match(a.reason.userMessage, /verify your personal information/);
          assert.equal(
            eventsOf('auth.hold').at(-1)?.payload.data.hold && (eventsOf('auth.hold').at(-1)?.payload.data.hold as { code: string }).code,
            'account_issue_verify_identity',
          );
        },
      ],
      [
        'testmfaquestion',
        'question-based MFA',
        async (clientId, authId) => {
          const a = await authOf(clientId, authId);
          assert.deepEqual([a.status.type, a.mfa.method, a.mfa.mfa.length], ['mfa-required', 'questions', 2]);
          assert.equal(typeof a.mfa.mfa[0].question, 'string');
        },
      ],
      [
        'testmfacode',
        'code-based MFA',
        async (clientId, authId) => {
          const a = await authOf(clientId, authId);
          assert.deepEqual([a.status.type, a.mfa.method, a.mfa.input.map((i: { type: string }) => i.type)], ['mfa-required', 'code', ['text', 'email']]);
        },
      ],
      [
        'testmfaprompt',
        'prompt-based MFA',
        async (clientId, authId) => {
          const a = await authOf(clientId, authId);
          assert.deepEqual([a.status.type, a.mfa.method, a.mfa.input], ['mfa-required', 'prompt', [{ request: 'Verify your login with your mobile device' }]]);
        },
      ],
      [
        'testpaymentfail',
        'a verified auth whose payments fail',
        async (clientId, authId) => {
          assert.equal((await authOf(clientId, authId)).status.type, 'verified');
          const { bill } = await billFor(clientId, authId);
          assertOk(await api('POST', '/payment/schedule', { billId: bill._id }));
          const after = (await api('GET', `/bill/${bill._id}`)).body;
          assert.deepEqual([after.bill.status.type, after.bill.balance, after.payments], ['payment-declined', '100.00', []]);
          assert.equal(eventsOf('bill.payment.failed').length, 1);
          assert.equal((await methodsOf(clientId))[0].status, 'declined');
        },
      ],
      [
        'testswap',
        'a verified auth followed by a swap with the default card',
        async (clientId, authId) => {
          assert.equal((await authOf(clientId, authId)).status.type, 'verified');
          const swaps = (await api('GET', `/swap/list/${clientId}`)).body.data;
          assert.deepEqual([swaps.length, swaps[0].auth._id, swaps[0].status.type], [1, authId, 'completed']);
          assert.equal(eventsOf('swap.success').length, 1);
        },
      ],
    ];
    for (const [credential, outcome, check] of cases) {
      for (const login of [{ username: credential }, { email: `${credential.toUpperCase()}@test.test` }]) {
        it(`${Object.values(login)[0]} gives ${outcome} (test-company inputs ignored)`, async () => {
          const clientId = await newClient();
          await addMethod(clientId);
          const authId = await newAuth(clientId, CO.fiberNet, { ...login, status: 'zero-balance', balance: '0', dueDate: '01/01/2030' });
          await check(clientId, authId);
        });
      }
    }
  });

  describe('test-company inputs (balance, dueDate, status)', () => {
    async function linked(
      status: string | undefined,
      extraForm: Record<string, unknown> = {},
      company: string = CO.regular3,
    ): Promise<{ clientId: string; authId: string }> {
      const clientId = await newClient();
      await addMethod(clientId);
      const authId = await newAuth(clientId, company, { username: 'jane', ...(status ? { status } : {}), ...extraForm });
      return { clientId, authId };
    }

    it('auth statuses: authenticate, hold (account_issue_accept_toc), mfa-required-questions|code|prompt, default verified', async () => {
      const expected: Array<[string | undefined, string, string | undefined]> = [
        ['authenticate', 'authenticate', undefined],
        ['hold', 'hold', undefined],
        ['mfa-required-questions', 'mfa-required', 'questions'],
        ['mfa-required-code', 'mfa-required', 'code'],
        ['mfa-required-prompt', 'mfa-required', 'prompt'],
        [undefined, 'verified', undefined],
        ['no-such-status', 'verified', undefined],
      ];
      for (const [input, status, method] of expected) {
        const { clientId, authId } = await linked(input, { balance: '10', dueDate: mmddyyyy(3) });
        const a = await authOf(clientId, authId);
        assert.equal(a.status.type, status, `status=${input}`);
        assert.equal(a.mfa?.method, method);
        if (status === 'hold')
          assert.deepEqual(a.reason, { code: 'account_issue_accept_toc', userMessage: 'Please log in to your account and accept the Terms and Conditions.' });
        assert.equal((await billFor(clientId, authId)) !== undefined, status === 'verified');
      }
    });

    it('MFA Company 1 asks for code MFA and MFA Company 2 for prompt MFA by default', async () => {
      const one = await linked(undefined, {}, CO.mfa1);
      assert.equal((await authOf(one.clientId, one.authId)).mfa.method, 'code');
      const two = await linked(undefined, {}, CO.mfa2);
      assert.equal((await authOf(two.clientId, two.authId)).mfa.method, 'prompt');
      const q = await linked('mfa-required-questions', {}, CO.mfa2);
      assert.equal((await authOf(q.clientId, q.authId)).mfa.method, 'questions');
    });

    it('bill statuses syncing, zero-balance, overdue and upcoming use balance and dueDate as documented', async () => {
      const syncing = await linked('syncing', { balance: '50', dueDate: mmddyyyy(5) });
      const s = (await billFor(syncing.clientId, syncing.authId)).bill;
      assert.deepEqual([s.status.type, 'balance' in s, 'dueDate' in s], ['syncing', false, false]);
      const zero = await linked('zero-balance', { balance: '0', dueDate: mmddyyyy(5) });
      const z = (await billFor(zero.clientId, zero.authId)).bill;
      assert.deepEqual([z.status.type, z.balance, z.dueDate, 'payDate' in z], ['zero-balance', '0.00', isoDay(5), false]);
      const overdue = await linked('overdue', { balance: '75.5', dueDate: mmddyyyy(-3) });
      const o = (await billFor(overdue.clientId, overdue.authId)).bill;
      assert.deepEqual([o.status.type, o.balance, o.dueDate, o.payDate], ['overdue', '75.50', isoDay(-3), isoDay(-3)]);
      const upcoming = await linked('upcoming', { balance: '20.25', dueDate: mmddyyyy(9) });
      const u = (await billFor(upcoming.clientId, upcoming.authId)).bill;
      assert.deepEqual([u.status.type, u.balance, u.dueDate, u.payDate, u.autopay], ['upcoming', '20.25', isoDay(9), isoDay(9), 'unknown']);
      const derived = await linked(undefined, { balance: '20', dueDate: mmddyyyy(-1) });
      assert.equal((await billFor(derived.clientId, derived.authId)).bill.status.type, 'overdue');
    });

    it('paid: balance 0, lastPaidOn = dueDate, lastPaidAmount = the given balance', async () => {
      const { clientId, authId } = await linked('paid', { balance: '88.10', dueDate: mmddyyyy(-10) });
      const { bill, payments } = await billFor(clientId, authId);
      assert.deepEqual(
        [bill.status.type, bill.balance, bill.lastPaidOn, bill.lastPaidAmount, bill.dueDate],
        ['paid', '0.00', isoDay(-10), '88.10', isoDay(-10)],
      );
      assert.deepEqual(payments, [{ amount: '88.10', paidOn: isoDay(-10) }]);
    });

    it('payment-declined: a payment scheduled with no date is declined; retry pays it', async () => {
      const { clientId, authId } = await linked('payment-declined', { balance: '30', dueDate: mmddyyyy(7) });
      const { bill } = await billFor(clientId, authId);
      assert.equal(bill.status.type, 'upcoming');
      assertOk(await api('POST', '/payment/schedule', { billId: bill._id }));
      assert.equal((await api('GET', `/bill/${bill._id}`)).body.bill.status.type, 'payment-declined');
      const [pm] = await methodsOf(clientId);
      assert.equal(pm.status, 'declined');
      assert.equal(eventsOf('bill.payment.failed').length, 1);
      assertOk(await api('POST', `/payment/${pm._id}/retry`));
      const after = (await api('GET', `/bill/${bill._id}`)).body;
      assert.deepEqual([after.bill.status.type, after.bill.balance, after.payments.length], ['paid', '0.00', 1]);
      assert.equal((await methodsOf(clientId))[0].status, 'verified');
    });

    it('swap statuses in-progress, completed, card-on-file and hold (balance/dueDate ignored)', async () => {
      for (const status of ['in-progress', 'completed', 'card-on-file', 'hold']) {
        const clientId = await newClient();
        const card = await addMethod(clientId);
        sim.billerDirect.clearEvents();
        const authId = await newAuth(clientId, CO.regular4, { username: 'sam', status, balance: '5', dueDate: mmddyyyy(1) }, ['swap'], {
          paymentMethodId: card,
        });
        const swaps = (await api('GET', `/swap/list/${clientId}`)).body.data;
        assert.deepEqual([swaps.length, swaps[0].status.type, swaps[0].paymentMethod._id], [1, status, card], status);
        assert.equal((await authOf(clientId, authId)).status.type, status === 'hold' ? 'hold' : 'verified');
        assert.equal(eventsOf('swap.success').length, status === 'completed' || status === 'card-on-file' ? 1 : 0, status);
        assert.deepEqual(await billsOf(clientId), []);
      }
    });

    it('rejects a malformed balance or dueDate', async () => {
      const clientId = await newClient();
      const base = { clientId, companyId: CO.regular1, items: ['bill'] };
      assertError(await api('POST', '/auth', { ...base, form: { username: 'x', balance: '-5' } }), 400, 'bad_request', /form\.balance/);
      assertError(await api('POST', '/auth', { ...base, form: { username: 'x', dueDate: '2025-06-01' } }), 400, 'bad_request', /form\.dueDate/);
      assertError(await api('POST', '/auth', { ...base, form: { username: 'x', dueDate: '02/30/2025' } }), 400, 'bad_request', /form\.dueDate/);
    });
  });

  describe('auth endpoints', () => {
    it('validates items, meta, form and ids', async () => {
      const clientId = await newClient();
      const base = { clientId, companyId: CO.regular1, form: { username: 'x' } };
      assertError(await api('POST', '/auth', { ...base, items: ['swap', 'bill'] }), 400, 'bad_request', /swap cannot be combined/);
      assertError(await api('POST', '/auth', { ...base, items: [] }), 400, 'bad_request', /items/);
      assertError(await api('POST', '/auth', { ...base, items: ['bills'] }), 400, 'bad_request', /items/);
      assertError(
        await api('POST', '/auth', { ...base, items: ['bill'], meta: { billId: 'a', swapId: 'b' } }),
        400,
        'bad_request',
        /meta\.billId and meta\.swapId/,
      );
      assertError(await api('POST', '/auth', { ...base, items: ['bill'], form: undefined }), 400, 'bad_request', /form/);
      assertError(await api('POST', '/auth', { ...base, items: ['bill'], clientId: 'nope' }), 404, 'not_found', /Client/);
      assertError(await api('POST', '/auth', { ...base, items: ['bill'], companyId: 'nope' }), 404, 'not_found', /Company/);
      assertError(await api('POST', '/auth', { ...base, items: ['bill'], companyId: CO.shopwise }), 400, 'item_not_supported');
      assertError(await api('POST', '/auth', { ...base, items: ['swap'], companyId: CO.lumenPower }), 400, 'item_not_supported');
      assert.equal(sim.billerDirect.state.auths.filter((a) => a.clientId === clientId).length, 0);
    });

    it('list returns auth objects; a new auth for the same company re-uses the authId and updates the bill', async () => {
      const clientId = await newClient();
      const authId = await newAuth(clientId, CO.regular2, { email: 'me@example.com', balance: '10' }, ['bill'], undefined);
      const r = await api('GET', `/auth/list/${clientId}`);
      assertOk(r);
      assert.equal(r.body.data.length, 1);
      const a = r.body.data[0];
      assert.deepEqual(
        [a._id, a.status.type, a.company._id, a.company.name, a.items, a.created],
        [authId, 'verified', CO.regular2, 'Regular Company 2', ['bill'], START],
      );
      assert.equal(typeof a.company.logo.url, 'string');
      assert.equal(await newAuth(clientId, CO.regular2, { email: 'me@example.com', balance: '25' }), authId);
      const bills = await billsOf(clientId);
      assert.deepEqual([bills.length, bills[0].bill.balance], [1, '25.00']);
      const update = eventsOf('bill.update').at(-1);
      assert.deepEqual(update?.payload.data.bill, { balance: { previous: '10.00', current: '25.00' }, dueDate: { current: eventDate(isoDay(14)) } });
      assertError(await api('GET', '/auth/list/unknown'), 404, 'not_found');
    });

    it('auth/step for questions: right answers verify (success "true"), "wrong" puts the auth on hold', async () => {
      const clientId = await newClient();
      const authId = await newAuth(clientId, CO.regular1, { username: 'testmfaquestion' });
      const a = await authOf(clientId, authId);
      assert.equal(sim.billerDirect.mfaToken(authId), a.mfa.token);
      const event = eventsOf('auth.mfa-required').at(-1);
      assert.deepEqual(
        [event?.payload.resource, event?.payload.data.method, event?.payload.data.token],
        [{ id: clientId, type: 'client' }, 'questions', a.mfa.token],
      );
      const answers = a.mfa.mfa.map((q: { identifier: string }) => ({ identifier: q.identifier, answer: 'Seattle' }));
      assertError(await api('POST', '/auth/step', { token: a.mfa.token, method: 'code', security: answers }), 400, 'bad_request', /method must be "questions"/);
      assertError(await api('POST', '/auth/step', { token: a.mfa.token, method: 'questions', security: answers.slice(1) }), 400, 'bad_request', /no answer/);
      assertError(await api('POST', '/auth/step', { token: 'unknown', method: 'questions', security: answers }), 404, 'not_found');
      const r = await api('POST', '/auth/step', { token: a.mfa.token, method: 'questions', security: answers });
      assertOk(r);
      assert.deepEqual(r.body, { success: 'true', message: 'Auth security response has been queued and will respond via webhooks.' });
      assert.equal((await authOf(clientId, authId)).status.type, 'verified');
      assert.notEqual(await billFor(clientId, authId), undefined);
      assertError(await api('POST', '/auth/step', { token: a.mfa.token, method: 'questions', security: answers }), 404, 'not_found');

      const again = await newAuth(clientId, CO.regular5, { username: 'testmfaquestion' });
      const b = await authOf(clientId, again);
      const wrong = b.mfa.mfa.map((q: { identifier: string }, i: number) => ({ identifier: q.identifier, answer: i ? 'WRONG' : 'fine' }));
      assertOk(await api('POST', '/auth/step', { token: b.mfa.token, method: 'questions', security: wrong }));
      const held = await authOf(clientId, again);
      assert.deepEqual([held.status.type, held.reason.code], ['hold', 'authentication_not_completed']);
    });

    it('auth/step for code: destination, then the code question with showRetry; didNotReceiveCode sends a new token', async () => {
      const clientId = await newClient();
      const authId = await newAuth(clientId, CO.mfa1, { username: 'pat' });
      const a = await authOf(clientId, authId);
      assertError(await api('POST', '/auth/step', { token: a.mfa.token, method: 'code', security: { identifier: 'nope' } }), 400, 'bad_request', /destination/);
      assertError(await api('POST', '/auth/step', { token: a.mfa.token, method: 'code', didNotReceiveCode: true }), 409, 'retry_not_available');
      assertOk(await api('POST', '/auth/step', { token: a.mfa.token, method: 'code', security: { identifier: a.mfa.input[0].identifier } }));
      const b = await authOf(clientId, authId);
      assert.deepEqual(
        [b.status.type, b.mfa.method, b.mfa.showRetry, b.mfa.mfa[0].question],
        ['mfa-required', 'questions', true, 'What is the code sent to xxx-xxx-1234?'],
      );
      assert.equal(eventsOf('auth.mfa-required').at(-1)?.payload.data.showRetry, true);
      assertOk(await api('POST', '/auth/step', { token: b.mfa.token, method: 'questions', didNotReceiveCode: true }));
      const c = await authOf(clientId, authId);
      assert.notEqual(c.mfa.token, b.mfa.token);
      assertError(await api('POST', '/auth/step', { token: b.mfa.token, method: 'questions', security: [] }), 404, 'not_found');
      assertOk(
        await api('POST', '/auth/step', { token: c.mfa.token, method: 'questions', security: [{ identifier: c.mfa.mfa[0].identifier, answer: '44555' }] }),
      );
      assert.equal((await authOf(clientId, authId)).status.type, 'verified');
    });

    it('auth/step for prompt: {token, method} verifies; answer "wrong" holds', async () => {
      const clientId = await newClient();
      const authId = await newAuth(clientId, CO.mfa2, { username: 'pat', balance: '12', dueDate: mmddyyyy(4) });
      assertOk(await api('POST', '/auth/step', { token: sim.billerDirect.mfaToken(authId), method: 'prompt' }));
      assert.equal((await authOf(clientId, authId)).status.type, 'verified');
      assert.deepEqual([(await billFor(clientId, authId)).bill.balance, (await billFor(clientId, authId)).bill.dueDate], ['12.00', isoDay(4)]);
      const other = await newAuth(clientId, CO.regular1, { username: 'testmfaprompt' });
      assertOk(await api('POST', '/auth/step', { token: sim.billerDirect.mfaToken(other), method: 'prompt', security: { answer: 'wrong' } }));
      assert.equal((await authOf(clientId, other)).status.type, 'hold');
    });

    it('answer-questions answers a questions MFA; other auths answer 409, unknown ones 404', async () => {
      const clientId = await newClient();
      const authId = await newAuth(clientId, CO.regular1, { username: 'x', status: 'mfa-required-questions' });
      const a = await authOf(clientId, authId);
      assertError(await api('POST', `/auth/${authId}/answer-questions`, { answers: 'x' }), 400, 'bad_request', /answers/);
      const r = await api('POST', `/auth/${authId}/answer-questions`, {
        answers: a.mfa.mfa.map((q: { identifier: string }) => ({ answer: 'Pickles', identifier: q.identifier })),
      });
      assertOk(r);
      assert.deepEqual(r.body, { success: true });
      assert.equal((await authOf(clientId, authId)).status.type, 'verified');
      assertError(await api('POST', `/auth/${authId}/answer-questions`, { answers: [] }), 409, 'not_mfa_required');
      assertError(await api('POST', '/auth/nope/answer-questions', { answers: [] }), 404, 'not_found');
    });

    it('fix-hold verifies a held auth and then links its bill; other auths answer 409, unknown ones 404', async () => {
      const clientId = await newClient();
      const authId = await newAuth(clientId, CO.regular1, { username: 'x', status: 'hold', balance: '19.99' });
      assert.equal(await billFor(clientId, authId), undefined);
      const r = await api('POST', `/auth/${authId}/fix-hold`);
      assertOk(r);
      assert.deepEqual(r.body, { success: true });
      assert.equal((await authOf(clientId, authId)).status.type, 'verified');
      assert.equal((await billFor(clientId, authId)).bill.balance, '19.99');
      assertError(await api('POST', `/auth/${authId}/fix-hold`), 409, 'not_on_hold');
      assertError(await api('POST', '/auth/nope/fix-hold'), 404, 'not_found');
    });

    it('delete removes the auth with its bills and swaps and records auth.deleted', async () => {
      const clientId = await newClient();
      const card = await addMethod(clientId);
      const billAuth = await newAuth(clientId, CO.regular1, { username: 'test' });
      const swapAuth = await newAuth(clientId, CO.regular1, { username: 'test' }, ['swap'], { paymentMethodId: card });
      assert.notEqual(billAuth, swapAuth);
      const { bill } = await billFor(clientId, billAuth);
      assertOk(await api('POST', `/payment/${card}/assign`, { billId: bill._id }));
      assertOk(await api('DELETE', `/auth/${billAuth}`));
      assertOk(await api('DELETE', `/auth/${swapAuth}`));
      assert.deepEqual(
        [await billsOf(clientId), (await api('GET', `/swap/list/${clientId}`)).body.data, (await api('GET', `/auth/list/${clientId}`)).body.data],
        [[], [], []],
      );
      assertError(await api('GET', `/bill/${bill._id}`), 404, 'not_found');
      assert.deepEqual((await methodsOf(clientId))[0].assignedBills, []);
      assert.deepEqual(
        eventsOf('auth.deleted').map((e) => [e.payload.resource, e.payload.data.company]),
        [
          [
            { id: billAuth, type: 'auth' },
            { _id: CO.regular1, name: 'Regular Company 1' },
          ],
          [
            { id: swapAuth, type: 'auth' },
            { _id: CO.regular1, name: 'Regular Company 1' },
          ],
        ],
      );
      assertError(await api('DELETE', `/auth/${billAuth}`), 404, 'not_found');
    });

    it('items ["bill","payment"] pays the new bill at once; meta.paymentMethodId is assigned to it', async () => {
      const clientId = await newClient();
      await addMethod(clientId);
      const bank = await addMethod(clientId, BANK);
      const authId = await newAuth(clientId, CO.regular1, { username: 'x', balance: '61' }, ['bill', 'payment'], { paymentMethodId: bank, billId: undefined });
      const { bill, payments } = await billFor(clientId, authId);
      assert.deepEqual([bill.status.type, bill.balance, bill.lastPaidAmount, payments.length], ['paid', '0.00', '61.00', 1]);
      assert.deepEqual((await methodsOf(clientId)).find((m) => m._id === bank).assignedBills, [bill._id]);
      assert.equal((eventsOf('bill.payment.sent')[0].payload.data.paymentMethod as { _id: string })._id, bank);
    });

    it("meta.billId re-runs the bill's auth; a bill of another client is refused", async () => {
      const clientId = await newClient();
      const authId = await newAuth(clientId, CO.regular1, { username: 'x', balance: '5' });
      const { bill } = await billFor(clientId, authId);
      assert.equal(await newAuth(clientId, CO.regular1, { username: 'x', balance: '6' }, ['bill'], { billId: bill._id }), authId);
      const other = await newClient();
      assertError(
        await api('POST', '/auth', { clientId: other, companyId: CO.regular1, items: ['bill'], form: { username: 'x' }, meta: { billId: bill._id } }),
        400,
        'bad_request',
        /another client/,
      );
    });
  });

  describe('bills', () => {
    it('get returns {bill, payments} with the documented fields; list and listByPartner wrap them', async () => {
      const r = await api('GET', `/bill/${SEED.billId}`);
      assertOk(r);
      assert.deepEqual(Object.keys(r.body).sort(), ['bill', 'payments']);
      const b = r.body.bill;
      for (const field of ['_id', 'auth', 'autopay', 'autopaySource', 'balance', 'dueDate', 'payDate', 'status', 'settings', 'hidden', 'company', 'meta']) {
        assert.ok(field in b, field);
      }
      assert.deepEqual(
        [b._id, b.balance, b.status.type, b.hidden, b.settings, b.auth._id, b.auth.items],
        [SEED.billId, '100.00', 'upcoming', 'false', { recurring: 'enabled', schedule: 'on-due-date', notifications: 'enabled' }, SEED.authId, ['bill']],
      );
      assert.match(b.meta.accountNumber, /^XXXX\d{4}$/);
      const list = await api('GET', `/bill/list/${SEED.clientId}`);
      assert.deepEqual(list.body.data, [r.body]);
      const byPartner = await api('GET', `/bill/listByPartner/${BILLER_DIRECT_PARTNER_ID}`);
      assertOk(byPartner);
      assert.deepEqual(byPartner.body.data, [{ ...r.body, partnerUserId: SEED.clientId, partnerId: BILLER_DIRECT_PARTNER_ID }]);
      assertError(await api('GET', '/bill/listByPartner/other-partner'), 404, 'not_found');
      assertError(await api('GET', '/bill/list/nope'), 404, 'not_found');
      assertError(await api('GET', '/bill/nope'), 404, 'not_found');
    });
  });

  describe('companies', () => {
    it('categories, get by id (404 when unknown) and the test companies', async () => {
      const cats = await api('GET', '/company/categories');
      assertOk(cats);
      assert.ok(cats.body.data.some((c: { name: string; type: string }) => c.name === 'Electric' && c.type === 'electric'));
      const c = await api('GET', `/company/${CO.streamflix}`);
      assertOk(c);
      assert.deepEqual(
        [c.body._id, c.body.name, c.body.categories, c.body.status, c.body.schedule],
        [CO.streamflix, 'Streamflix', ['streaming'], 'operational', 'on-due-date'],
      );
      assert.deepEqual(
        c.body.auth.loginFields.map((f: { name: string }) => f.name),
        ['username', 'password'],
      );
      assert.equal((await api('GET', `/company/${CO.tunebox}`)).body.requiredPayment, 'card');
      assertError(await api('GET', '/company/nope'), 404, 'not_found');
      const names = (await api('POST', '/company/search', { query: 'company' })).body.data.map((x: { name: string }) => x.name);
      assert.deepEqual(names, [
        'MFA Company 1',
        'MFA Company 2',
        'Regular Company 1',
        'Regular Company 2',
        'Regular Company 3',
        'Regular Company 4',
        'Regular Company 5',
      ]);
    });

    it('search by query, category, products and geo', async () => {
      const names = async (body: unknown): Promise<string[]> => {
        const r = await api('POST', '/company/search', body);
        assertOk(r);
        assert.equal('resultCount' in r.body, false);
        return r.body.data.map((x: { name: string }) => x.name);
      };
      assert.deepEqual(await names({ query: 'STREAM' }), ['Streamflix']);
      assert.deepEqual(await names({ category: 'music' }), ['Tunebox Music']);
      assert.deepEqual(await names({ category: 'streaming' }), ['Streamflix', 'Tunebox Music']);
      assert.deepEqual(await names({ products: ['biller-direct'], category: 'water' }), ['Riverbend Water']);
      assert.equal((await names({ products: ['cardswap'] })).includes('Lumen Power & Light'), false);
      assert.deepEqual(await names({ geo: { lat: 40.233845, lng: -111.65852 } }), ['FiberNet Internet', 'Metro Gas Co.']);
      assert.deepEqual(await names({ geo: { lat: 30.3, lng: -97.7 }, category: 'electric' }), ['Lumen Power & Light']);
      assert.equal((await names({})).length, 14);
      assertError(await api('POST', '/company/search', { products: "['cardswap']" }), 400, 'bad_request', /products/);
      assertError(await api('POST', '/company/search', { products: ['bills'] }), 400, 'bad_request', /products/);
      assertError(await api('POST', '/company/search', { geo: { lat: 'north' } }), 400, 'bad_request', /geo/);
    });

    it('paginates with pageSize (max 100) and pageNumber, adding resultCount', async () => {
      const page = async (n: number | string, size: number | string = 5): Promise<Reply> =>
        api('POST', '/company/search', { paginateResults: true, pageSize: size, pageNumber: n });
      const pages = [await page(1), await page(2), await page(3), await page(4)];
      assert.deepEqual(
        pages.map((p) => [p.body.data.length, p.body.resultCount]),
        [
          [5, 14],
          [5, 14],
          [4, 14],
          [0, 14],
        ],
      );
      const all = pages.flatMap((p) => p.body.data.map((x: { _id: string }) => x._id));
      assert.equal(new Set(all).size, 14);
      const strings = await api('POST', '/company/search', { query: 'Company', paginateResults: 'true', pageSize: '25', pageNumber: '1' });
      assert.deepEqual([strings.body.data.length, strings.body.resultCount], [7, 7]);
      assertOk(await page(1, 100));
      assertError(await page(1, 101), 400, 'bad_request', /pageSize/);
      assertError(await page(0), 400, 'bad_request', /pageNumber/);
    });
  });

  describe('payment settings, schedule and cancel', () => {
    async function billAt(company: string, form: Record<string, unknown> = {}): Promise<{ clientId: string; billId: string }> {
      const clientId = await newClient();
      await addMethod(clientId);
      const authId = await newAuth(clientId, company, { username: 'x', balance: '40', dueDate: mmddyyyy(10), ...form });
      return { clientId, billId: (await billFor(clientId, authId)).bill._id };
    }
    const bill = async (id: string): Promise<Json> => (await api('GET', `/bill/${id}`)).body;

    it('settings change recurring and schedule (payDate follows); validated', async () => {
      const { billId } = await billAt(CO.regular1);
      const r = await api('POST', '/payment/settings', { billId, recurring: 'enabled', schedule: 'five-days-before' });
      assertOk(r);
      assert.equal(r.body.success, true);
      let b = (await bill(billId)).bill;
      assert.deepEqual([b.settings.schedule, b.payDate], ['five-days-before', isoDay(5)]);
      assertOk(await api('POST', '/payment/settings', { billId, recurring: 'disabled' }));
      b = (await bill(billId)).bill;
      assert.deepEqual([b.settings.recurring, 'payDate' in b], ['disabled', false]);
      assertError(await api('POST', '/payment/settings', { billId, schedule: 'weekly' }), 400, 'bad_request', /schedule/);
      assertError(await api('POST', '/payment/settings', { billId, recurring: 'off' }), 400, 'bad_request', /recurring/);
      assertError(await api('POST', '/payment/settings', { billId }), 400, 'bad_request', /recurring or schedule/);
      assertError(await api('POST', '/payment/settings', { billId: 'nope', recurring: 'enabled' }), 404, 'not_found');
    });

    it('companies that force recurring payments refuse recurring: disabled; fixed schedules cannot change', async () => {
      const { billId } = await billAt(CO.streamflix);
      assertError(await api('POST', '/payment/settings', { billId, recurring: 'disabled' }), 409, 'recurring_required', /Streamflix/);
      assertError(await api('POST', '/payment/settings', { billId, schedule: 'day-before' }), 409, 'schedule_fixed');
      assertOk(await api('POST', '/payment/settings', { billId, recurring: 'enabled', schedule: 'on-due-date' }));
      assert.equal((await bill(billId)).bill.settings.recurring, 'enabled');
    });

    it('schedule without a date pays now with 4111… (events, payments, lastPaid*)', async () => {
      const { clientId, billId } = await billAt(CO.lumenPower);
      const r = await api('POST', '/payment/schedule', { billId });
      assertOk(r);
      assert.deepEqual(r.body, { success: true });
      const b = await bill(billId);
      assert.deepEqual(
        [b.bill.status.type, b.bill.balance, b.bill.lastPaidAmount, b.bill.lastPaidOn, b.payments],
        ['paid', '0.00', '40.00', START, [{ amount: '40.00', paidOn: START }]],
      );
      assert.deepEqual(
        sim.billerDirect.events.slice(-3).map((e) => e.type),
        ['bill.payment.scheduled', 'bill.payment.sent', 'bill.update'],
      );
      const sent = eventsOf('bill.payment.sent')[0];
      assert.deepEqual(
        [sent.clientId, sent.payload.resource, sent.payload.data.amount, sent.payload.data.surcharge],
        [clientId, { id: billId, type: 'bill' }, '40.00', { type: 'credit', rate: '1.00' }],
      );
      const card = (sent.payload.data.paymentMethod as { card: Record<string, unknown> }).card;
      assert.deepEqual([card.number, card.bin, card.cancelled], ['XXXX1111', '411111', false]);
      assertError(await api('POST', '/payment/schedule', { billId }), 409, 'nothing_to_pay');
    });

    it('schedule with a future payDate (or `date`) sets payDate, cancel removes it, due payments settle later', async () => {
      const { billId } = await billAt(CO.regular1);
      const when = new Date(clock.getTime() + 3 * 24 * HOUR).toISOString();
      assertOk(await api('POST', '/payment/schedule', { billId, payDate: when }));
      assert.deepEqual([(await bill(billId)).bill.payDate, (await bill(billId)).bill.status.type], [when, 'upcoming']);
      const scheduled = eventsOf('bill.payment.scheduled')[0];
      assert.deepEqual([scheduled.payload.data.amount, scheduled.payload.data.payDate], ['40.00', eventDate(when)]);
      const cancel = await api('POST', '/payment/cancel', { billId });
      assertOk(cancel);
      assert.deepEqual(cancel.body, { success: true });
      const cancelled = eventsOf('bill.payment.cancelled')[0];
      assert.deepEqual(
        [cancelled.payload.data.trigger, cancelled.payload.data.bill],
        ['client', { dueDate: { current: eventDate(isoDay(10)) }, amount: { current: '40.00' } }],
      );
      assert.equal((await bill(billId)).bill.payDate, isoDay(10));
      assertError(await api('POST', '/payment/cancel', { billId }), 409, 'no_scheduled_payment');

      assertOk(await api('POST', '/payment/schedule', { billId, date: '2025-06-12' }));
      assert.equal((await bill(billId)).bill.payDate, '2025-06-12T00:00:00.000Z');
      advance(24 * HOUR);
      assert.equal((await bill(billId)).bill.status.type, 'upcoming');
      advance(13 * HOUR);
      const paid = await bill(billId);
      assert.deepEqual([paid.bill.status.type, paid.payments.length], ['paid', 1]);
      assertError(await api('POST', '/payment/schedule', { billId, payDate: '2025-06-01T00:00:00Z' }), 409, 'nothing_to_pay');
    });

    it('schedule validates payDate, the payment method and the bill state', async () => {
      const { clientId, billId } = await billAt(CO.regular1);
      assertError(await api('POST', '/payment/schedule', { billId, payDate: 'tomorrow' }), 400, 'bad_request', /payDate/);
      assertError(await api('POST', '/payment/schedule', { billId, payDate: '2025-06-01T00:00:00Z' }), 400, 'bad_request', /past/);
      assertError(await api('POST', '/payment/schedule', {}), 400, 'bad_request', /billId/);
      const [pm] = await methodsOf(clientId);
      assertOk(await api('DELETE', `/payment/${pm._id}`));
      assertError(await api('POST', '/payment/schedule', { billId }), 409, 'no_payment_method');
      const water = await billAt(CO.riverbendWater);
      assertError(await api('POST', '/payment/schedule', { billId: water.billId }), 409, 'payment_type_required', /bank/);
      const syncing = await billAt(CO.regular1, { status: 'syncing' });
      assertError(await api('POST', '/payment/schedule', { billId: syncing.billId }), 409, 'bill_syncing');
    });
  });

  describe('swaps', () => {
    it('companies lists the swap-capable companies', async () => {
      const r = await api('GET', '/swap/companies');
      assertOk(r);
      const names = r.body.data.map((c: { name: string }) => c.name);
      assert.ok(names.includes('Streamflix') && names.includes('Shopwise') && names.includes('Regular Company 1'));
      assert.equal(names.includes('Lumen Power & Light'), false);
      assert.ok(r.body.data.every((c: { supportedItems: string[] }) => c.supportedItems.includes('swap')));
    });

    it('create swaps a card onto an auth with items ["swap"]; list returns the swap object', async () => {
      const clientId = await newClient();
      const card = await addMethod(clientId);
      const authId = await newAuth(clientId, CO.streamflix, { username: 'x' }, ['swap']);
      assert.deepEqual((await api('GET', `/swap/list/${clientId}`)).body.data, []);
      const r = await api('POST', '/swap/create', { authId, paymentMethodId: card });
      assertOk(r);
      assert.equal(r.body.success, true);
      const [s] = (await api('GET', `/swap/list/${clientId}`)).body.data;
      assert.deepEqual(
        [s._id, s.status.type, s.auth, s.company.name, s.paymentMethod._id, s.paymentMethod.card.number],
        [r.body.swapId, 'completed', { _id: authId, status: { type: 'verified' } }, 'Streamflix', card, 'XXXX1111'],
      );
      const event = eventsOf('swap.success')[0];
      assert.deepEqual(
        [event.payload.resource, event.payload.data.clientId, (event.payload.data.company as { name: string }).name],
        [{ id: s._id, type: 'swap' }, clientId, 'Streamflix'],
      );
      assertError(await api('GET', '/swap/list/nope'), 404, 'not_found');
    });

    it('create checks the auth items and status, the method type and owner, and the ids', async () => {
      const clientId = await newClient();
      const card = await addMethod(clientId);
      const bank = await addMethod(clientId, BANK);
      const billAuth = await newAuth(clientId, CO.streamflix, { username: 'x' });
      const swapAuth = await newAuth(clientId, CO.streamflix, { username: 'x' }, ['swap']);
      const failed = await newAuth(clientId, CO.fiberNet, { username: 'testfail' }, ['swap']);
      assertError(await api('POST', '/swap/create', { authId: billAuth, paymentMethodId: card }), 409, 'swap_not_requested');
      assertError(await api('POST', '/swap/create', { authId: failed, paymentMethodId: card }), 409, 'auth_not_verified');
      assertError(await api('POST', '/swap/create', { authId: swapAuth, paymentMethodId: bank }), 400, 'bad_request', /card/);
      assertError(
        await api('POST', '/swap/create', { authId: swapAuth, paymentMethodId: await addMethod(await newClient()) }),
        400,
        'bad_request',
        /another client/,
      );
      assertError(await api('POST', '/swap/create', { authId: 'nope', paymentMethodId: card }), 404, 'not_found');
      assertError(await api('POST', '/swap/create', { authId: swapAuth }), 400, 'bad_request', /paymentMethodId/);
      assert.deepEqual((await api('GET', `/swap/list/${clientId}`)).body.data, []);
    });
  });

  describe('partner public keys', () => {
    it('lists two RSA JWKs, the latest and each by kid (latest is not taken as a kid)', async () => {
      const r = await api('GET', '/partner/public-keys');
      assertOk(r);
      assert.equal(r.body.keys.length, 2);
      for (const [i, k] of r.body.keys.entries()) {
        assert.deepEqual([k.kty, k.e, k.use, typeof k.kid], ['RSA', 'AQAB', 'enc', 'string']);
        assert.match(k.n, /^[A-Za-z0-9_-]{300,}$/);
        const imported = createPublicKey({ key: { kty: k.kty, n: k.n, e: k.e }, format: 'jwk' });
        assert.ok(imported.equals(sim.billerDirect.partnerKeys[i].publicKey));
      }
      assert.notEqual(r.body.keys[0].kid, r.body.keys[1].kid);
      const latest = await api('GET', '/partner/public-keys/latest');
      assertOk(latest);
      assert.deepEqual(latest.body, r.body.keys[1]);
      const first = await api('GET', `/partner/public-keys/${r.body.keys[0].kid}`);
      assert.deepEqual(first.body, r.body.keys[0]);
      assertError(await api('GET', '/partner/public-keys/unknown-kid'), 404, 'not_found');
      sim.server.reset();
      assert.deepEqual((await api('GET', '/partner/public-keys')).body, r.body);
    });
  });

  describe('events and reset', () => {
    it('records state changes in the documented envelope and calls onEvent listeners until unsubscribed', async () => {
      const seen: string[] = [];
      const off = sim.billerDirect.onEvent((e) => seen.push(e.type));
      const clientId = await newClient('event-user');
      const authId = await newAuth(clientId, CO.regular1, { username: 'test' });
      off();
      await newAuth(clientId, CO.regular2, { username: 'test' });
      assert.deepEqual(seen, ['auth.success', 'bill.created', 'bill.update']);
      const success = eventsOf('auth.success')[0];
      assert.deepEqual(Object.keys(success).sort(), ['_id', 'clientId', 'created', 'identifier', 'partnerId', 'payload', 'type']);
      assert.match(success._id, /^[0-9a-f]{24}$/);
      assert.deepEqual([success.created, success.clientId, success.partnerId, success.identifier], [START, clientId, BILLER_DIRECT_PARTNER_ID, 'event-user']);
      assert.deepEqual(success.payload, {
        resource: { id: clientId, type: 'client' },
        data: { auth: { _id: authId, items: ['bill'], company: { _id: CO.regular1, name: 'Regular Company 1' }, status: { type: 'verified' } } },
      });
      const created = eventsOf('bill.created')[0];
      assert.equal(created.payload.resource.type, 'bill');
      assert.deepEqual((created.payload.data.auth as { _id: string })._id, authId);
    });

    it('records bill.upcoming when a bill is due within two days', async () => {
      const clientId = await newClient();
      await newAuth(clientId, CO.regular1, { username: 'x', balance: '9', dueDate: mmddyyyy(1), status: 'upcoming' });
      await newAuth(clientId, CO.regular2, { username: 'x', balance: '9', dueDate: mmddyyyy(9), status: 'upcoming' });
      const upcoming = eventsOf('bill.upcoming');
      assert.equal(upcoming.length, 1);
      assert.deepEqual(upcoming[0].payload.data, { company: { name: 'Regular Company 1' }, bill: { balance: '9.00', dueDate: eventDate(isoDay(1)) } });
    });

    it('serves the log on /__sim/billerdirect/events (filter by type) and clears it with DELETE', async () => {
      const clientId = await newClient();
      await newAuth(clientId, CO.regular1, { username: 'testhold' });
      const all = await call('GET', '/__sim/billerdirect/events', undefined, { auth: null });
      assert.deepEqual(
        all.body.map((e: { type: string }) => e.type),
        ['auth.hold'],
      );
      const none = await call('GET', '/__sim/billerdirect/events?type=auth.success', undefined, { auth: null });
      assert.deepEqual(none.body, []);
      assert.equal((await call('DELETE', '/__sim/billerdirect/events', undefined, { auth: null })).status, 200);
      assert.equal(sim.billerDirect.events.length, 0);
    });

    it('reset() restores the seed state and empties the log', async () => {
      const clientId = await newClient('temp');
      await newAuth(clientId, CO.regular1, { username: 'test' });
      assert.ok(sim.billerDirect.events.length > 0);
      sim.server.reset();
      assert.equal(sim.billerDirect.events.length, 0);
      assert.deepEqual(
        sim.billerDirect.state.clients.map((c) => c._id),
        [SEED.clientId],
      );
      assertError(await api('GET', `/auth/list/${clientId}`), 404, 'not_found');
      const seeded = await methodsOf(SEED.clientId);
      assert.deepEqual([seeded.length, seeded[0]._id, seeded[0].card.number], [1, SEED.paymentMethodId, 'XXXX1111']);
    });
  });
});

/** Event payload date format of docs/api-notes.md §2.8. */
function eventDate(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}
