/** Tests for the simulator's CorePro/Helix external-account module (docs/api-notes.md §3). */
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../lib/simulator';

interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON of varying shape; `any` keeps deep assertions readable. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const basic = (key: string, secret: string): string => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
const DEMO_AUTH = basic('example1', 'example1');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const START = '2025-06-10T12:00:00.000Z';

/** A valid personal initiate/create body for customer 1002 (no accounts in the seed). */
const PERSON = { customerId: 1002, type: 'Checking', routingNumber: '123456789', accountNumber: '9876543210', firstName: 'Bob', lastName: 'Example' };

const OBJECT_FIELDS = [
  'accountNumber',
  'accountNumberMasked',
  'businessName',
  'customField1',
  'customField2',
  'customField3',
  'customField4',
  'customField5',
  'customerId',
  'externalAccountId',
  'firstName',
  'isActive',
  'isLocked',
  'lastModifiedDate',
  'lastName',
  'lastVerifyExpiredDate',
  'lastVerifySentDate',
  'lockedDate',
  'lockedReason',
  'name',
  'nickName',
  'nocCode',
  'routingNumber',
  'routingNumberMasked',
  'status',
  'statusDate',
  'tag',
  'type',
].sort();

describe('simulator: CorePro/Helix external accounts', () => {
  let sim: RunningSimulator;
  let clock: Date;
  const extra: RunningSimulator[] = [];

  async function call(method: string, path: string, json?: unknown, opts: { auth?: string | null; raw?: string; base?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const auth = opts.auth === undefined ? DEMO_AUTH : opts.auth;
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

  const post = (op: string, json: unknown, opts?: { auth?: string | null; raw?: string; base?: string }): Promise<Reply> =>
    call('POST', `/externalAccount/${op}`, json, opts);

  function assertEnvelope(r: Reply, status: number): void {
    assert.equal(r.status, status);
    assert.equal(r.body.status, status);
    assert.match(r.body.requestId, UUID);
    assert.equal(r.headers.get('x-request-id'), r.body.requestId);
    assert.equal('requestid' in r.body, false);
  }

  function assertOk(r: Reply): void {
    assertEnvelope(r, 200);
    assert.deepEqual(r.body.errors, []);
  }

  function assertFail(r: Reply, status: number, code: number, message?: RegExp): void {
    assertEnvelope(r, status);
    assert.equal('data' in r.body, false, 'data is absent on failure');
    assert.equal(r.body.errors.length, 1);
    assert.equal(r.body.errors[0].code, code, `expected code ${code}, got ${JSON.stringify(r.body.errors)}`);
    assert.equal(typeof r.body.errors[0].message, 'string');
    if (message) assert.match(r.body.errors[0].message, message);
  }

  async function added(op: 'create' | 'initiate', overrides: Record<string, unknown> = {}): Promise<number> {
    const r = await post(op, { ...PERSON, ...overrides });
    assertOk(r);
    assert.equal(typeof r.body.data.externalAccountId, 'number');
    return r.body.data.externalAccountId as number;
  }

  const getAccount = async (customerId: number, id: number): Promise<Reply> => call('GET', `/externalAccount/get/${customerId}/${id}`);
  const statusOf = async (customerId: number, id: number): Promise<string> => (await getAccount(customerId, id)).body.data.status;
  const advance = (ms: number): void => {
    clock = new Date(clock.getTime() + ms);
  };

  before(async () => {
    sim = await startSimulator({ port: 0 });
  });
  after(async () => {
    await sim.stop();
    for (const s of extra) await s.stop();
  });
  beforeEach(() => {
    sim.server.reset();
    clock = new Date(START);
    sim.helix.setClock(() => clock);
  });

  describe('auth and envelope', () => {
    it('answers 401 50401 without, with wrong and with malformed Basic credentials, and changes nothing', async () => {
      const before = sim.helix.state.accounts.length;
      for (const auth of [null, basic('example1', 'wrong'), basic('other', 'example1'), 'Basic !!!', 'Bearer example1']) {
        const r = await post('create', PERSON, { auth });
        assertFail(r, 401, 50401);
        assert.match(r.headers.get('www-authenticate') ?? '', /^Basic /);
      }
      assertFail(await call('GET', '/externalAccount/list/1001', undefined, { auth: null }), 401, 50401);
      assert.equal(sim.helix.state.accounts.length, before);
      assertOk(await call('GET', '/externalAccount/list/1001'));
    });

    it('accepts only the configured credentials when `credentials` is given', async () => {
      const other = await startSimulator({ port: 0, helix: { credentials: [{ apiKey: 'key-a', apiSecret: 's:e:c' }] } });
      extra.push(other);
      assertFail(await call('GET', '/externalAccount/list/1001', undefined, { base: other.url }), 401, 50401);
      assertOk(await call('GET', '/externalAccount/list/1001', undefined, { base: other.url, auth: basic('key-a', 's:e:c') }));
    });

    it('uses {data, errors, requestId, status} with a fresh requestId per response and no throttle by default', async () => {
      const a = await call('GET', '/externalAccount/list/1001');
      const b = await call('GET', '/externalAccount/list/1001');
      assertOk(a);
      assert.deepEqual(Object.keys(a.body), ['data', 'errors', 'requestId', 'status']);
      assert.notEqual(a.body.requestId, b.body.requestId);
      const v = await post('verify', { customerId: 1002, externalAccountId: await added('initiate'), amount1: 0.18, amount2: 0.28 });
      assertOk(v);
      assert.deepEqual(Object.keys(v.body), ['errors', 'requestId', 'status']);
    });

    it('answers 400 50400 for a non-JSON or non-object body', async () => {
      assertFail(await post('create', undefined, { raw: '{"customerId":' }), 400, 50400, /JSON/);
      assertFail(await post('create', [PERSON]), 400, 50400, /object/);
      assertFail(await post('verify', undefined), 400, 50400);
    });
  });

  describe('routes', () => {
    it('create returns {externalAccountId}; get returns every object field for a Verified account', async () => {
      const id = await added('create', { type: 'checking', nickName: 'Main', tag: 'bob-main', customField3: 'c3', accountNumber: '12-34567890' });
      assert.equal(id, 3004);
      const r = await getAccount(1002, id);
      assertOk(r);
      const a = r.body.data;
      assert.deepEqual(Object.keys(a).sort(), OBJECT_FIELDS);
      assert.deepEqual(
        [a.externalAccountId, a.customerId, a.type, a.status, a.isActive, a.isLocked, a.name, a.nickName, a.tag, a.customField3],
        [3004, 1002, 'Checking', 'Verified', true, false, 'COREPRO SANDBOX BANK', 'Main', 'bob-main', 'c3'],
      );
      assert.deepEqual(
        [a.accountNumber, a.accountNumberMasked, a.routingNumber, a.routingNumberMasked],
        ['12-34567890', '******7890', '123456789', '******6789'],
      );
      assert.deepEqual([a.statusDate, a.lastModifiedDate], ['2025-06-10T12:00:00.000+00:00', '2025-06-10T12:00:00.000+00:00']);
      assert.deepEqual([a.firstName, a.lastName, a.businessName, a.lockedDate, a.lastVerifySentDate], ['Bob', 'Example', null, null, null]);
    });

    it('initiate creates an Unverified account with sandbox micro-deposits 0.18 and 0.28; verify makes it Verified', async () => {
      const id = await added('initiate');
      const a = (await getAccount(1002, id)).body.data;
      assert.deepEqual([a.status, a.isActive, a.lastVerifySentDate], ['Unverified', false, '2025-06-10T12:00:00.000+00:00']);
      assert.deepEqual(sim.helix.microDepositsFor(id), [0.18, 0.28]);
      advance(60_000);
      const v = await post('verify', { customerId: 1002, externalAccountId: id, amount1: '0.28', amount2: 0.18 });
      assertOk(v);
      assert.equal('data' in v.body, false);
      const after = (await getAccount(1002, id)).body.data;
      assert.deepEqual([after.status, after.isActive, after.statusDate], ['Verified', true, '2025-06-10T12:01:00.000+00:00']);
    });

    it('names the bank from the routing number when known, else keeps the given name; business types need businessName only', async () => {
      const chase = await added('create', { routingNumber: '021000021', name: 'Ignored' });
      assert.equal((await getAccount(1002, chase)).body.data.name, 'JPMORGAN CHASE BANK, NA');
      const other = await added('create', { routingNumber: '011000015', name: 'My Credit Union' });
      assert.equal((await getAccount(1002, other)).body.data.name, 'My Credit Union');
      const biz = await added('initiate', {
        customerId: 1003,
        type: 'BusinessSavings',
        firstName: undefined,
        lastName: undefined,
        businessName: 'Acme Widgets LLC',
      });
      const b = (await getAccount(1003, biz)).body.data;
      assert.deepEqual([b.type, b.businessName, b.firstName, b.status], ['BusinessSavings', 'Acme Widgets LLC', null, 'Unverified']);
    });

    it('update changes nickName and custom fields, sets a tag once, and touches lastModifiedDate', async () => {
      const id = await added('create', { customField1: 'one' });
      advance(1000);
      const r = await post('update', {
        customerId: 1002,
        externalAccountId: id,
        nickName: 'Renamed',
        tag: 'set later',
        customField1: null,
        customField2: 'two',
      });
      assertOk(r);
      assert.equal('data' in r.body, false);
      const a = (await getAccount(1002, id)).body.data;
      assert.deepEqual([a.nickName, a.tag, a.customField1, a.customField2], ['Renamed', 'set later', null, 'two']);
      assert.deepEqual([a.lastModifiedDate, a.statusDate], ['2025-06-10T12:00:01.000+00:00', '2025-06-10T12:00:00.000+00:00']);
      assertOk(await post('update', { customerId: 1002, externalAccountId: id, tag: 'set later', nickName: 'renamed' }));
    });

    it('archive moves a Verified account to Archived', async () => {
      advance(5000);
      assertOk(await post('archive', { customerId: 1001, externalAccountId: 3001 }));
      const a = (await getAccount(1001, 3001)).body.data;
      assert.deepEqual([a.status, a.isActive, a.statusDate], ['Archived', false, '2025-06-10T12:00:05.000+00:00']);
    });

    it("getByTag URL-decodes the tag and only finds the customer's own accounts", async () => {
      const tag = 'trip/2025 ü?&';
      const id = await added('create', { tag });
      const r = await call('GET', `/externalAccount/getByTag/1002/${encodeURIComponent(tag)}`);
      assertOk(r);
      assert.deepEqual([r.body.data.externalAccountId, r.body.data.tag], [id, tag]);
      assert.equal((await call('GET', '/externalAccount/getByTag/1001/alice-checking')).body.data.externalAccountId, 3001);
      assertFail(await call('GET', '/externalAccount/getByTag/1002/alice-checking'), 404, 62100);
      assertFail(await call('GET', `/externalAccount/getByTag/1002/${encodeURIComponent('TRIP/2025 ü?&')}`), 404, 62100);
    });

    it("list returns the customer's accounts in id order, including Archived; [] when none", async () => {
      const r = await call('GET', '/externalAccount/list/1001');
      assertOk(r);
      assert.deepEqual(
        r.body.data.map((a: { externalAccountId: number; status: string }) => [a.externalAccountId, a.status]),
        [
          [3001, 'Verified'],
          [3002, 'Archived'],
        ],
      );
      assert.deepEqual(Object.keys(r.body.data[0]).sort(), OBJECT_FIELDS);
      assert.deepEqual((await call('GET', '/externalAccount/list/1002')).body.data, []);
    });

    it('get/getByTag/list: unknown customer 404 62000, unknown account 404 62100, non-integer id 400 50400', async () => {
      assertFail(await call('GET', '/externalAccount/list/4242'), 404, 62000);
      assertFail(await call('GET', '/externalAccount/get/4242/3001'), 404, 62000);
      assertFail(await call('GET', '/externalAccount/getByTag/4242/x'), 404, 62000);
      assertFail(await call('GET', '/externalAccount/get/1001/9999'), 404, 62100);
      assertFail(await call('GET', '/externalAccount/get/1002/3001'), 404, 62100);
      assertFail(await call('GET', '/externalAccount/get/1001/abc'), 400, 50400);
      assertFail(await call('GET', '/externalAccount/list/x1'), 400, 50400);
    });

    it("accepts the SDKs' lower-case paths and any casing of the fixed parts", async () => {
      const r = await call('POST', '/externalaccount/initiate', { ...PERSON, tag: 'Lower Case' });
      assertOk(r);
      const id = r.body.data.externalAccountId as number;
      assert.equal((await call('GET', `/externalaccount/get/1002/${id}`)).body.data.status, 'Unverified');
      assert.equal((await call('GET', `/externalaccount/getbytag/1002/${encodeURIComponent('Lower Case')}`)).body.data.externalAccountId, id);
      assert.equal((await call('GET', `/EXTERNALACCOUNT/GetByTag/1002/${encodeURIComponent('Lower Case')}`)).body.data.externalAccountId, id);
      assert.equal((await call('GET', '/ExternalAccount/LIST/1002')).body.data.length, 1);
      assertOk(await call('POST', '/externalaccount/verify', { customerId: 1002, externalAccountId: id, amount1: 0.18, amount2: 0.28 }));
      assertOk(await call('POST', '/EXTERNALACCOUNT/Archive', { customerId: 1002, externalAccountId: id }));
      assert.equal(await statusOf(1002, id), 'Archived');
      assert.equal(sim.server.requestsTo('/EXTERNALACCOUNT/Archive').length, 1);
    });

    it('answers 404 50404 / 405 50405 under /externalAccount/ without taking Platform paths', async () => {
      assertFail(await call('POST', '/externalAccount/delete', {}), 404, 50404);
      assertFail(await call('GET', '/externalAccount/LookupUser'), 404, 50404);
      // Platform's own `/:version/LookupUser` route still matches this one (with its E1 404).
      assert.equal((await call('POST', '/externalAccount/LookupUser', {})).status, 404);
      assertFail(await call('GET', '/externalAccount/get/1001'), 404, 50404);
      assertFail(await call('GET', '/externalAccount/list/1001/3001'), 404, 50404);
      assertFail(await call('GET', '/ExternalAccount/GetByTag/1001/%E0%A4%A'), 400, 50400);
      assert.equal((await call('GET', '/externalAccount/getByTag/1001/%E0%A4%A')).status, 400); // server core answers exact routes
      const wrong = await call('GET', '/externalAccount/create');
      assertFail(wrong, 405, 50405);
      assert.equal(wrong.headers.get('allow'), 'POST');
      assertFail(await call('POST', '/externalaccount/list/1001', {}), 405, 50405);
      const platform = await call('GET', '/v2/LookupUser');
      assert.deepEqual([platform.status, platform.body.success, platform.body.errors], [405, false, [{ code: 405, message: 'Method Not Allowed' }]]);
      const none = await call('GET', '/nowhere/externalAccount');
      assert.deepEqual([none.status, none.body.error], [404, 'not_found']);
    });
  });

  describe('create rules', () => {
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ['bad type', { type: 'Brokerage' }, 62002],
      ['missing type', { type: undefined }, 62002],
      ['no first or last name', { firstName: undefined, lastName: ' ' }, 62005],
      ['business type without businessName', { type: 'BusinessChecking' }, 62013],
      ['routing missing', { routingNumber: '' }, 62006],
      ['routing not numeric', { routingNumber: '12345678X' }, 69206],
      ['routing bad checksum', { routingNumber: '123456781' }, 69208],
      ['routing too short', { routingNumber: '12345678' }, 69208],
      ['account number missing', { accountNumber: undefined }, 62007],
      ['account number bad chars', { accountNumber: '1234#5678' }, 62008],
      ['account number > 17', { accountNumber: '123456789012345678' }, 62009],
      ['tag in use', { tag: 'alice-checking' }, 62003],
      ['nickName > 50', { nickName: 'n'.repeat(51) }, 50400],
      ['customField1 not a string', { customField1: 7 }, 50400],
      ['customerId missing', { customerId: undefined }, 50400],
      ['unknown customer', { customerId: 4242 }, 62000],
    ];
    for (const [label, overrides, code] of cases) {
      it(`answers ${code} for ${label} and stores nothing`, async () => {
        const before = sim.helix.state.accounts.length;
        const r = await post('create', { ...PERSON, ...overrides });
        assertFail(r, 400, code);
        assert.equal(sim.helix.state.accounts.length, before);
        assert.doesNotMatch(JSON.stringify(r.body), /1234#5678|123456789012345678|12345678X|123456781|9876543210/);
      });
    }

    it('accepts first or last name alone, and a business type with businessName only', async () => {
      await added('create', { firstName: undefined });
      await added('create', { lastName: undefined });
      await added('create', { type: 'BusinessChecking', firstName: undefined, lastName: undefined, businessName: 'Bob Co' });
    });

    it('answers 62014 when create is not enabled for the program (option and method)', async () => {
      sim.helix.setCreateEnabled(false);
      assertFail(await post('create', PERSON), 400, 62014);
      await added('initiate');
      const other = await startSimulator({ port: 0, helix: { createEnabled: false } });
      extra.push(other);
      assertFail(await post('create', PERSON, { base: other.url }), 400, 62014);
    });

    it('does not check nickName uniqueness (no code in the create table)', async () => {
      await added('create', { customerId: 1001, nickName: 'alice checking' });
    });
  });

  describe('initiate rules', () => {
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ['bad type', { type: 'Brokerage' }, 62601],
      ['missing firstName', { firstName: undefined }, 62604],
      ['missing lastName', { lastName: '' }, 62605],
      ['business type without businessName', { type: 'BusinessSavings' }, 62616],
      ['routing missing', { routingNumber: undefined }, 69203],
      ['routing not numeric', { routingNumber: '12-456789' }, 69206],
      ['routing invalid', { routingNumber: '987654321' }, 69208],
      ['account number missing', { accountNumber: ' ' }, 62607],
      ['account number bad chars', { accountNumber: '1234 5678' }, 62612],
      ['account number > 17', { accountNumber: '123456789012345678' }, 62613],
      ['tag in use', { tag: 'acme-operating' }, 62008],
      ['nickName exists for the customer', { customerId: 1001, nickName: 'ALICE CHECKING' }, 62602],
    ];
    for (const [label, overrides, code] of cases) {
      it(`answers ${code} for ${label} and stores nothing`, async () => {
        const before = sim.helix.state.accounts.length;
        const r = await post('initiate', { ...PERSON, ...overrides });
        assertFail(r, 400, code);
        assert.equal(sim.helix.state.accounts.length, before);
        assert.doesNotMatch(JSON.stringify(r.body), /1234 5678|123456789012345678|987654321|9876543210/);
      });
    }

    it('lets a nickName of an Archived account or of another customer be reused', async () => {
      await added('initiate', { customerId: 1001, nickName: 'Old Savings' });
      await added('initiate', { nickName: 'Alice Checking' });
    });

    it('answers 62617 when initiate is not enabled', async () => {
      sim.helix.setInitiateEnabled(false);
      assertFail(await post('initiate', PERSON), 400, 62617);
    });
  });

  describe('per-customer limit', () => {
    it('counts Verified and recently-used Archived accounts: 62001 on create, 62609 on initiate', async () => {
      // Customer 1001 starts with 3001 (Verified) and 3002 (Archived, settled within 90 days): 2 of 5.
      for (let i = 0; i < 3; i++) await added('create', { customerId: 1001 });
      assertFail(await post('create', { ...PERSON, customerId: 1001 }), 400, 62001, /^At most 5 external account\(s\) may be added$/);
      assertFail(await post('initiate', { ...PERSON, customerId: 1001 }), 400, 62609);
      sim.helix.setSettledWithin90Days(3002, false);
      await added('initiate', { customerId: 1001 });
      assertFail(await post('initiate', { ...PERSON, customerId: 1001 }), 400, 62609);
    });

    it('counts Unverified and VerifyLocked, not Expired or Denied', async () => {
      sim.helix.setPerUserExternalAccountCountMax(2);
      const a = await added('initiate');
      for (let i = 0; i < 3; i++) await post('verify', { customerId: 1002, externalAccountId: a, amount1: 0.01, amount2: 0.02 });
      assert.equal(await statusOf(1002, a), 'VerifyLocked');
      const b = await added('initiate');
      assertFail(await post('initiate', PERSON), 400, 62609, /At most 2 /);
      sim.helix.expireVerification(b);
      const c = await added('create');
      assertFail(await post('create', PERSON), 400, 62001);
      sim.helix.setStatus(c, 'Denied');
      await added('create');
    });

    it('an archived account stops counting unless it has a recently settled transaction', async () => {
      sim.helix.setPerUserExternalAccountCountMax(1);
      const a = await added('create');
      assertOk(await post('archive', { customerId: 1002, externalAccountId: a }));
      const b = await added('create');
      assertOk(await post('archive', { customerId: 1002, externalAccountId: b }));
      sim.helix.setSettledWithin90Days(b, true);
      assertFail(await post('create', PERSON), 400, 62001);
    });

    it('honours the perUserExternalAccountCountMax option', async () => {
      const other = await startSimulator({ port: 0, helix: { perUserExternalAccountCountMax: 2 } });
      extra.push(other);
      assertFail(await post('create', { ...PERSON, customerId: 1001 }, { base: other.url }), 400, 62001, /At most 2 /);
    });
  });

  describe('verify rules', () => {
    it('counts down wrong attempts (62207), then locks with 62206 and VerifyLocked on the third', async () => {
      const id = await added('initiate');
      const wrong = { customerId: 1002, externalAccountId: id, amount1: 0.18, amount2: 0.29 };
      assertFail(await post('verify', wrong), 400, 62207, /2 attempt\(s\) remaining/);
      assertFail(await post('verify', { ...wrong, amount2: undefined }), 400, 50400);
      assertFail(await post('verify', { ...wrong, amount1: '0.181' }), 400, 50400);
      assertFail(await post('verify', wrong), 400, 62207, /1 attempt\(s\) remaining/);
      assert.equal(await statusOf(1002, id), 'Unverified');
      assertFail(await post('verify', wrong), 400, 62206);
      assert.equal(await statusOf(1002, id), 'VerifyLocked');
      assertFail(await post('verify', { ...wrong, amount2: 0.28 }), 400, 62206);
    });

    it("answers 62201 for an unknown id, another customer's account or an Archived one", async () => {
      const id = await added('initiate');
      const ok = { customerId: 1002, externalAccountId: id, amount1: 0.18, amount2: 0.28 };
      assertFail(await post('verify', { ...ok, externalAccountId: 9999 }), 400, 62201);
      assertFail(await post('verify', { ...ok, externalAccountId: undefined }), 400, 62201);
      assertFail(await post('verify', { ...ok, customerId: 1001 }), 400, 62201);
      assertFail(await post('verify', { ...ok, customerId: 4242 }), 400, 62201);
      assertFail(await post('verify', { ...ok, customerId: 'abc' }), 400, 50400);
      sim.helix.setStatus(id, 'Archived');
      assertFail(await post('verify', ok), 400, 62201);
    });

    it('answers 62202 locked, 62203 denied, 62204 already verified', async () => {
      const id = await added('initiate');
      const ok = { customerId: 1002, externalAccountId: id, amount1: 0.18, amount2: 0.28 };
      sim.helix.setLocked(id);
      assertFail(await post('verify', ok), 400, 62202);
      const locked = (await getAccount(1002, id)).body.data;
      assert.deepEqual([locked.isLocked, locked.lockedDate, locked.lockedReason], [true, '2025-06-10T12:00:00.000+00:00', 'Locked by the simulator']);
      sim.helix.setLocked(id, false);
      sim.helix.setStatus(id, 'Denied');
      assertFail(await post('verify', ok), 400, 62203);
      assertFail(await post('verify', { ...ok, externalAccountId: 3001, customerId: 1001 }), 400, 62204);
    });

    it('answers 62205 after expireVerification() and once the verification window (14 days) has passed', async () => {
      const a = await added('initiate');
      const b = await added('initiate');
      sim.helix.expireVerification(a);
      assertFail(await post('verify', { customerId: 1002, externalAccountId: a, amount1: 0.18, amount2: 0.28 }), 400, 62205);
      advance(14 * 24 * 3600 * 1000 - 1000);
      assertFail(await post('verify', { customerId: 1002, externalAccountId: b, amount1: 0.18, amount2: 0.5 }), 400, 62207);
      advance(2000);
      assertFail(await post('verify', { customerId: 1002, externalAccountId: b, amount1: 0.18, amount2: 0.28 }), 400, 62205);
      const expired = (await getAccount(1002, b)).body.data;
      assert.deepEqual([expired.status, expired.lastVerifyExpiredDate], ['Expired', '2025-06-24T12:00:01.000+00:00']);
    });

    it('answers 62301 when a nickName clash appeared after initiate', async () => {
      const id = await added('initiate', { nickName: 'Travel' });
      await added('create', { nickName: 'travel' });
      assertFail(await post('verify', { customerId: 1002, externalAccountId: id, amount1: 0.18, amount2: 0.28 }), 400, 62301);
      assert.equal(await statusOf(1002, id), 'Unverified');
    });
  });

  describe('update rules', () => {
    it('answers 62402 invalid id, 62514 locked, 62401 nickname exists', async () => {
      const id = await added('create', { nickName: 'Mine' });
      await added('create', { nickName: 'Taken' });
      assertFail(await post('update', { customerId: 1002, externalAccountId: 3001, nickName: 'x' }), 400, 62402);
      assertFail(await post('update', { customerId: 1002, externalAccountId: 9999, nickName: 'x' }), 400, 62402);
      assertFail(await post('update', { customerId: 1002, externalAccountId: id, nickName: 'TAKEN' }), 400, 62401);
      assert.equal((await getAccount(1002, id)).body.data.nickName, 'Mine');
      assertOk(await post('update', { customerId: 1002, externalAccountId: id, nickName: 'MINE' }));
      sim.helix.setLocked(id, true, 'fraud review');
      assertFail(await post('update', { customerId: 1002, externalAccountId: id, nickName: 'Other' }), 400, 62514);
    });

    it('answers 62403 for a tag in use and for changing an existing (immutable) tag', async () => {
      const untagged = await added('create');
      const tagged = await added('create', { tag: 'first-tag' });
      assertFail(await post('update', { customerId: 1002, externalAccountId: untagged, tag: 'first-tag' }), 400, 62403, /in use/);
      assertFail(await post('update', { customerId: 1002, externalAccountId: tagged, tag: 'second-tag' }), 400, 62403, /immutable/);
      assert.equal((await getAccount(1002, tagged)).body.data.tag, 'first-tag');
      assertFail(await post('update', { customerId: 1002, externalAccountId: untagged, customField4: 'x'.repeat(51) }), 400, 50400);
    });
  });

  describe('archive rules', () => {
    it('answers 62501 invalid id, 62502 not Verified, 62506 status not archivable', async () => {
      assertFail(await post('archive', { customerId: 1002, externalAccountId: 3001 }), 400, 62501);
      const id = await added('initiate');
      assertFail(await post('archive', { customerId: 1002, externalAccountId: id }), 400, 62502);
      assertFail(await post('archive', { customerId: 1001, externalAccountId: 3002 }), 400, 62506, /Archived/);
      sim.helix.expireVerification(id);
      assertFail(await post('archive', { customerId: 1002, externalAccountId: id }), 400, 62506, /Expired/);
    });

    it('answers 62503 while the customer has pending transactions and 62505 while the account has outstanding ones', async () => {
      sim.helix.setCustomerPendingTransactions(1001);
      assertFail(await post('archive', { customerId: 1001, externalAccountId: 3001 }), 400, 62503);
      sim.helix.setCustomerPendingTransactions(1001, false);
      sim.helix.setOutstandingTransactions(3001);
      assertFail(await post('archive', { customerId: 1001, externalAccountId: 3001 }), 400, 62505);
      sim.helix.setOutstandingTransactions(3001, false);
      assertOk(await post('archive', { customerId: 1001, externalAccountId: 3001 }));
    });

    it('allows 3 archives per customer per UTC day (62004), per customer, resetting at midnight', async () => {
      clock = new Date('2025-06-10T23:58:00.000Z');
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push(await added('create'));
      for (const id of ids.slice(0, 3)) assertOk(await post('archive', { customerId: 1002, externalAccountId: id }));
      assertFail(await post('archive', { customerId: 1002, externalAccountId: ids[3] }), 400, 62004, /At most 3 /);
      assert.equal(await statusOf(1002, ids[3]), 'Verified');
      assertOk(await post('archive', { customerId: 1001, externalAccountId: 3001 }));
      advance(3 * 60_000);
      assertOk(await post('archive', { customerId: 1002, externalAccountId: ids[3] }));
    });
  });

  describe('throttle and rate limit', () => {
    it('adds throttle {limit, remaining, reset} to every response when enabled (method and option)', async () => {
      sim.helix.setThrottle(true);
      const a = await call('GET', '/externalAccount/list/1001');
      const b = await post('create', { ...PERSON, type: 'nope' });
      assert.deepEqual(a.body.throttle, { limit: 1000, remaining: 999, reset: 60 });
      assert.deepEqual(Object.keys(a.body), ['data', 'errors', 'requestId', 'status', 'throttle']);
      assert.deepEqual(b.body.throttle, { limit: 1000, remaining: 998, reset: 60 });
      assertFail(b, 400, 62002);
      const other = await startSimulator({ port: 0, helix: { throttle: true } });
      extra.push(other);
      assert.equal((await call('GET', '/externalAccount/list/1001', undefined, { base: other.url })).body.throttle.limit, 1000);
    });

    it('reports throttle past 80 % of the limit and answers 429 50429 with retry-after beyond it', async () => {
      sim.helix.setRateLimit({ limit: 5, windowSeconds: 60 });
      clock = new Date('2025-06-10T12:00:15.000Z');
      for (let i = 0; i < 4; i++) assert.equal('throttle' in (await call('GET', '/externalAccount/list/1001')).body, false);
      await call('GET', '/externalAccount/list/1001', undefined, { auth: null });
      const fifth = await call('GET', '/externalAccount/list/1001');
      assertOk(fifth);
      assert.deepEqual(fifth.body.throttle, { limit: 5, remaining: 0, reset: 45 });
      const before = sim.helix.state.accounts.length;
      const limited = await post('create', PERSON);
      assertFail(limited, 429, 50429);
      assert.deepEqual(limited.body.throttle, { limit: 5, remaining: 0, reset: 45 });
      assert.equal(limited.headers.get('retry-after'), '45');
      assert.equal(sim.helix.state.accounts.length, before);
      advance(45_000);
      assertOk(await post('create', PERSON));
    });

    it('still lets fault injection answer a raw 429', async () => {
      sim.server.injectFault({
        path: '/externalAccount/list/*',
        status: 429,
        body: { errors: [{ code: 50429, message: 'slow down' }] },
        headers: { 'retry-after': '2' },
      });
      const r = await call('GET', '/externalAccount/list/1001');
      assert.deepEqual([r.status, r.body.errors[0].code, r.headers.get('retry-after')], [429, 50429, '2']);
    });
  });

  describe('reset', () => {
    it('restores the seed state and the settings changed by methods', async () => {
      await added('create', { tag: 'temp' });
      assertOk(await post('archive', { customerId: 1001, externalAccountId: 3001 }));
      sim.helix.setCreateEnabled(false);
      sim.helix.setThrottle(true);
      sim.helix.setPerUserExternalAccountCountMax(1);
      sim.helix.setRateLimit({ limit: 1 });
      sim.helix.addCustomer(2001, 'business');
      assert.equal((await call('POST', '/__sim/reset')).status, 200);
      const list = await call('GET', '/externalAccount/list/1001');
      assert.deepEqual(
        list.body.data.map((a: { status: string }) => a.status),
        ['Verified', 'Archived'],
      );
      assert.equal('throttle' in list.body, false);
      assertFail(await call('GET', '/externalAccount/getByTag/1002/temp'), 404, 62100);
      assertFail(await call('GET', '/externalAccount/list/2001'), 404, 62000);
      assert.equal(await added('create', { customerId: 1001 }), 3004);
      await added('create', { customerId: 1001 });
    });

    it('addCustomer makes a customer usable', async () => {
      sim.helix.addCustomer(2001);
      assert.throws(() => sim.helix.addCustomer(2001), RangeError);
      await added('initiate', { customerId: 2001 });
      assert.throws(() => sim.helix.setLocked(424242), RangeError);
    });
  });
});
