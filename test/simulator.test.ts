/** Tests for the Q2 simulator: generic server (faults, recording, control) and the Platform module. */
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator, type RecordedRequest } from '../lib/simulator';

let sim: RunningSimulator;

interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON of varying shape; `any` keeps deep assertions readable. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(method: string, path: string, opts: { json?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sim.url + path, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(sim.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const demo = { client_id: 'demo-client', client_secret: 'demo-secret', grant_type: 'client_credentials', scope: 'CaliperAPI:LookupUser' };
const token = (): string => sim.platform.issueToken().access_token;

function assertE1(r: Reply, status: number, message: string): void {
  assert.equal(r.status, status);
  assert.deepEqual(r.body.errors, [{ code: status, message }]);
  assert.deepEqual(r.body.data, {});
  assert.equal(r.body.success, false);
  assert.equal(r.body.status, status);
  assert.match(r.body.requestid, /^[0-9a-f-]{36}$/);
  assert.equal(r.headers.get('x-request-id'), r.body.requestid);
  assert.equal(typeof r.body.log_ref_id, 'string');
}

describe('simulator', () => {
  before(async () => {
    sim = await startSimulator({ port: 0 });
    sim.server.use({
      name: 'echo',
      reset: () => undefined,
      routes: [{ method: 'GET', pattern: '/echo/:a/:b', handler: (_r, params) => ({ status: 200, body: params }) }],
    });
  });
  after(() => sim.stop());
  beforeEach(() => sim.server.reset());

  describe('simulator: token endpoint', () => {
    it('issues a random Bearer token for form credentials and for HTTP Basic', async () => {
      const a = await postForm('/v2/oauth2/token', demo);
      assert.equal(a.status, 200);
      assert.deepEqual(Object.keys(a.body).sort(), ['access_token', 'expires_in', 'token_type']);
      assert.equal(a.body.token_type, 'Bearer');
      assert.equal(a.body.expires_in, 3600);
      assert.ok(a.body.access_token.length >= 32);
      const basic = `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`;
      const b = await postForm('/oauth2/token', { grant_type: 'client_credentials' }, { authorization: basic });
      assert.equal(b.status, 200);
      assert.notEqual(b.body.access_token, a.body.access_token);
      assert.equal(sim.platform.tokensIssued, 2);
      assert.equal((await call('POST', '/v2/LookupUser', { token: b.body.access_token, json: { UserID: 2 } })).status, 200);
    });

    it('rejects a bad client (401) and a wrong grant type (400) without echoing the secret', async () => {
      const bad = await postForm('/v2/oauth2/token', { ...demo, client_secret: 'nope-secret' });
      assert.equal(bad.status, 401);
      assert.equal(bad.body.error, 'invalid_client');
      assert.doesNotMatch(JSON.stringify(bad.body), /nope-secret/);
      const grant = await postForm('/v2/oauth2/token', { ...demo, grant_type: 'password' });
      assert.equal(grant.status, 400);
      assert.equal(grant.body.error, 'unsupported_grant_type');
      assert.equal(typeof grant.body.error_description, 'string');
      assert.equal(sim.platform.tokensIssued, 0);
    });

    it('answers 401 E1 without, with a bad and with an expired token', async () => {
      assertE1(await call('POST', '/v2/LookupUser', { json: { UserID: 2 } }), 401, 'Unauthorized');
      assertE1(await call('POST', '/v2/LookupUser', { json: { UserID: 2 }, token: 'x'.repeat(43) }), 401, 'Unauthorized');
      const t = token();
      sim.platform.expireAllTokens();
      assertE1(await call('POST', '/v2/LookupUser', { json: { UserID: 2 }, token: t }), 401, 'Unauthorized');
      sim.platform.setTokenTtl(1);
      const short = await postForm('/v2/oauth2/token', demo);
      assert.equal(short.body.expires_in, 1);
      assert.equal((await call('GET', '/v1/GetAccountList?user_id=2', { token: short.body.access_token })).status, 200);
      await new Promise((r) => setTimeout(r, 1100));
      assertE1(await call('GET', '/v1/GetAccountList?user_id=2', { token: short.body.access_token }), 401, 'Unauthorized');
    });

    it('answers 404 E1 for an unknown version', async () => {
      assertE1(await call('POST', '/v3/LookupUser', { json: { UserID: 2 }, token: token() }), 404, 'Not Found');
    });
  });

  describe('simulator: platform operations', () => {
    it('AddExternalAccount stores valid items and reports failures per item (E3)', async () => {
      const ok = await call('POST', '/v2/AddExternalAccount', {
        token: token(),
        json: [{ Account: { ABA: '022222222', Account: '123456', AccountType: 'Checking', LogonName: 'retail0', AllowDeposit: true, AllowWithdrawal: false } }],
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body.data, [{ ABA: '022222222', Account: '123456', Success: true }]);
      assert.deepEqual([ok.body.success, ok.body.errors], [true, []]);
      assert.equal(sim.platform.state.externalAccounts[0].UserID, 2);
      const mixed = await call('POST', '/v2/AddExternalAccount', {
        token: token(),
        json: [{ Account: { ABA: '088888888', Account: '12345678', UserID: 1 } }, { Account: { ABA: '12', Account: '999', LogonName: 'retail0' } }],
      });
      assert.equal(mixed.status, 200);
      assert.equal(mixed.body.success, false);
      assert.deepEqual(
        mixed.body.data.map((d: { Success: boolean }) => d.Success),
        [true, false],
      );
      assert.deepEqual(mixed.body.errors, [{ ABA: '12', Account: '999', Error: 'Unable to add external account' }]);
      assertE1(await call('POST', '/v2/AddExternalAccount', { token: token(), json: { Account: {} } }), 400, 'Invalid request body');
    });

    it('DeleteCustomer marks the customer and its users deleted; bad ids give 400 E1', async () => {
      const t = token();
      const r = await call('DELETE', '/v2/DeleteCustomer/2', { token: t });
      assert.deepEqual([r.status, r.body.success, r.body.data, r.body.errors], [200, true, {}, []]);
      assert.deepEqual((await call('POST', '/v2/LookupCustomer', { token: t, json: { CustomerID: 2 } })).body.data, []);
      assert.deepEqual((await call('POST', '/v2/LookupUser', { token: t, json: { CustomerID: '2' } })).body.data, []);
      assertE1(await call('DELETE', '/v2/DeleteCustomer/2', { token: t }), 400, 'Invalid CustomerID');
      assertE1(await call('DELETE', '/v2/DeleteCustomer/abc', { token: t }), 400, 'Invalid CustomerID');
    });

    it('DeleteUser returns a string on success, E2 (HTTP 200) for unknown users, 400 for non-integers', async () => {
      const t = token();
      const r = await call('DELETE', '/v1/DeleteUser/4', { token: t });
      assert.deepEqual([r.status, r.body.data, r.body.success, r.body.errors], [200, 'User 4 deleted successfully', true, {}]);
      const again = await call('DELETE', '/v1/DeleteUser/4', { token: t });
      assert.deepEqual([again.status, again.body.success, again.body.data], [200, false, 'Internal Platform Error']);
      assert.equal(again.body.errors.ErrorType, 'Failure');
      assert.deepEqual(Object.keys(again.body.errors).sort(), ['ErrorCode', 'ErrorDescription', 'ErrorType', 'HydraErrorReturnCode']);
      assertE1(await call('DELETE', '/v1/DeleteUser/-3', { token: t }), 400, 'Invalid UserID');
    });

    it('Enrollment creates customer, user and logon; validates without echoing values', async () => {
      const t = token();
      const body = {
        Customer: {
          Name: 'Jane Doe',
          Address1: '1 Main St',
          City: 'Austin',
          State: 'TX',
          Zip: '78750',
          Phones: [{ Phone: '5121234567', PhoneType: 'Mobile' }],
        },
        User: { LogonName: 'jdoe01', FirstName: 'Jane', LastName: 'Doe', GroupID: 4 },
      };
      const r = await call('POST', '/v2/Enrollment', { token: t, json: body });
      assert.deepEqual([r.status, r.body.success, r.body.data], [200, true, {}]);
      const user = (await call('POST', '/v2/LookupUser', { token: t, json: { LoginName: 'jdoe01' } })).body.data[0];
      assert.equal(user.FirstName, 'Jane');
      const cust = (await call('POST', '/v2/LookupCustomer', { token: t, json: { CustomerID: user.CustomerID, IncludePhone: true } })).body.data[0];
      assert.deepEqual([cust.CustomerName, cust.Phones[0].CityOrAreaCode, cust.Phones[0].PhoneTypeName], ['Jane Doe', '512', 'Mobile']);
      assertE1(await call('POST', '/v2/Enrollment', { token: t, json: body }), 400, 'LogonName already exists');
      const bad = { ...body, Customer: { ...body.Customer, Phones: [{ Phone: '5121234567', PhoneType: 'Pager' }] } };
      const r2 = await call('POST', '/v2/Enrollment', { token: t, json: bad });
      assertE1(r2, 400, 'Customer.Phones[0].PhoneType must be one of Home, Business, Mobile');
      assert.doesNotMatch(JSON.stringify(r2.body), /Pager|5121234567/);
      assertE1(
        await call('POST', '/v2/Enrollment', { token: t, json: { Customer: body.Customer, User: { ...body.User, LastName: '' } } }),
        400,
        'User.LastName is required',
      );
    });

    it('GetAccountList selects by username/customer_id/user_id and filters', async () => {
      const t = token();
      const ids = async (q: string): Promise<number[]> =>
        (await call('GET', `/v2/GetAccountList?${q}`, { token: t })).body.data.map((a: { AccountID: number }) => a.AccountID);
      assert.deepEqual(await ids('username=retail0'), [5002, 5003, 5004]);
      assert.deepEqual(await ids('user_id=4'), [5002, 5003, 5004, 5005]);
      assert.deepEqual(await ids('customer_id=2&account_types=Loan'), [5004]);
      assert.deepEqual(await ids('customer_id=2&account_types=Deposit,Loan&access_level=4'), [5002, 5005]);
      assert.deepEqual(await ids('username=nobody'), []);
      const acct = (await call('GET', '/v2/GetAccountList?username=aavery', { token: t })).body.data[0];
      assert.deepEqual([acct.AccountNumber, acct.AccountType, acct.Balance], ['1000000001', 'Deposit', 2450.17]);
      assertE1(await call('GET', '/v2/GetAccountList?access_level=1', { token: t }), 400, 'Provide exactly one of username, customer_id, user_id');
      assertE1(await call('GET', '/v2/GetAccountList?user_id=2&access_level=9', { token: t }), 400, 'Invalid access_level');
    });

    it('LookupCustomer returns Address/Phones/Data only when asked; needs exactly one key', async () => {
      const t = token();
      const plain = await call('POST', '/v2/LookupCustomer', { token: t, json: { TaxID: '012345678' } });
      assert.equal(plain.body.data[0].CustomerName, 'Gorczany Inc Inc');
      for (const k of ['Address', 'Phones', 'Data']) assert.equal(k in plain.body.data[0], false);
      const full = await call('POST', '/v2/LookupCustomer', {
        token: t,
        json: { PrimaryCIF: '012345678', IncludePhone: true, IncludeCustomerData: true, IncludeAddress: true },
      });
      const c = full.body.data[0];
      assert.deepEqual([c.Address.StreetAddress2, c.Phones.length, c.Data[1].ShortName], ['Suite 150', 2, 'SomeData2']);
      const since = await call('POST', '/v2/LookupCustomer', { token: t, json: { CreatedOnOrAfter: '2022-06-01' } });
      assert.deepEqual(
        since.body.data.map((x: { CustomerID: number }) => x.CustomerID),
        [3],
      );
      const two = await call('POST', '/v2/LookupCustomer', { token: t, json: { TaxID: '012345678', CustomerID: 2 } });
      assertE1(two, 400, 'Provide exactly one of TaxID, CustomerID, LoginName, PrimaryCIF, CreatedOnOrAfter');
      assert.doesNotMatch(JSON.stringify(two.body), /012345678/);
    });

    it('LookupUser returns AuthToken only with IncludeAuthToken', async () => {
      const t = token();
      const plain = (await call('POST', '/v2/LookupUser', { token: t, json: { SSN: '123456789' } })).body.data;
      assert.equal(plain.length, 1);
      assert.deepEqual([plain[0].UserID, plain[0].FirstName, 'AuthToken' in plain[0]], [2, 'Ryan', false]);
      assert.deepEqual(plain[0].LogonNames, [{ LogonIDMapping: { test2: '1', retail0: '2' } }]);
      const withToken = (await call('POST', '/v2/LookupUser', { token: t, json: { LoginName: 'retail0', IncludeAuthToken: true } })).body.data;
      assert.equal(withToken[0].AuthToken, 'AuthTokenSerial');
      assertE1(await call('POST', '/v2/LookupUser', { token: t, json: {} }), 400, 'Provide exactly one of SSN, UserID, LoginName, PrimaryCIF, CustomerID');
    });
  });

  describe('simulator: server core', () => {
    it('URL-decodes path params and records the raw path', async () => {
      assert.deepEqual((await call('GET', '/echo/..%2F..%3Fx/a%20b')).body, { a: '../..?x', b: 'a b' });
      assertE1(await call('DELETE', '/v2/DeleteCustomer/..%2F..%3Fx', { token: token() }), 400, 'Invalid CustomerID');
      assert.equal(sim.server.requestsTo('/v2/DeleteCustomer/*')[0].path, '/v2/DeleteCustomer/..%2F..%3Fx');
    });

    it('faults: status+body, times, method and prefix matching', async () => {
      sim.server.injectFault({ method: 'POST', path: '/v2/Lookup*', status: 503, body: { error: 'busy' }, times: 2 });
      const t = token();
      for (let i = 0; i < 2; i++)
        assert.deepEqual(await call('POST', '/v2/LookupUser', { token: t, json: { UserID: 2 } }).then((r) => [r.status, r.body]), [503, { error: 'busy' }]);
      assert.equal((await call('POST', '/v2/LookupUser', { token: t, json: { UserID: 2 } })).status, 200);
      sim.server.injectFault({ method: 'DELETE', path: /DeleteUser/, status: 500 });
      assert.equal((await call('GET', '/v2/GetAccountList?user_id=2', { token: t })).status, 200);
      assert.equal((await call('DELETE', '/v2/DeleteUser/2', { token: t })).status, 500);
      assert.equal(sim.platform.state.users.find((u) => u.UserID === 2)?.DeletedDate, null);
    });

    it('faults: delay, reset and malformed', async () => {
      sim.server.injectFault({ path: '/v2/GetAccountList', delayMs: 300 });
      const started = Date.now();
      const slow = await call('GET', '/v2/GetAccountList?user_id=2', { token: token() });
      assert.ok(Date.now() - started >= 290);
      assert.equal(slow.body.data.length, 3);
      sim.server.injectFault({ path: '/v2/oauth2/token', reset: true });
      await assert.rejects(postForm('/v2/oauth2/token', demo));
      sim.server.injectFault({ path: '/v2/oauth2/token', malformed: true });
      const res = await fetch(`${sim.url}/v2/oauth2/token`, { method: 'POST' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      await assert.rejects(res.json(), SyntaxError);
      assert.equal(sim.server.requestsTo('/v2/oauth2/token').length, 2);
    });

    it('records method, path, query, lower-cased headers and parsed bodies', async () => {
      await postForm('/v2/oauth2/token', demo, { 'X-Trace': 'abc' });
      await call('GET', '/v2/GetAccountList?username=retail0&account_types=Deposit,Loan', { token: token() });
      await fetch(`${sim.url}/v2/LookupUser`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"SSN":' });
      const [form, get, broken]: RecordedRequest[] = sim.server.requests;
      assert.deepEqual([form.method, form.path, form.headers['x-trace'], form.body], ['POST', '/v2/oauth2/token', 'abc', demo]);
      assert.deepEqual([get.method, get.query], ['GET', { username: 'retail0', account_types: 'Deposit,Loan' }]);
      assert.match(get.headers.authorization ?? '', /^Bearer /);
      assert.deepEqual([broken.rawBody, broken.body, typeof broken.bodyParseError], ['{"SSN":', undefined, 'string']);
      assertE1(
        await call('POST', '/v2/LookupUser', { token: token(), headers: { 'content-type': 'application/json' }, json: undefined }),
        400,
        'Invalid request body',
      );
    });

    it('rejects bodies over 1 MiB with 413 and answers unknown routes with 404', async () => {
      const big = await fetch(`${sim.url}/v2/LookupUser`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
      assert.equal(big.status, 413);
      const none = await call('GET', '/nowhere');
      assert.deepEqual([none.status, none.body.error], [404, 'not_found']);
    });

    it('control endpoints: faults, requests, reset', async () => {
      assert.equal((await call('POST', '/__sim/faults', { json: { path: '/v2/DeleteUser/*', status: 502, body: 'bad gateway' } })).status, 201);
      const res = await fetch(`${sim.url}/v2/DeleteUser/1`, { method: 'DELETE' });
      assert.deepEqual([res.status, await res.text()], [502, 'bad gateway']);
      await call('POST', '/__sim/faults', { json: { path: '/v2/DeleteUser/*', status: 502 } });
      await call('DELETE', '/__sim/faults');
      assert.equal((await call('DELETE', '/v2/DeleteUser/1', { token: token() })).status, 200);
      const listed = (await call('GET', '/__sim/requests')).body as RecordedRequest[];
      assert.deepEqual(
        listed.map((r) => `${r.method} ${r.path}`),
        ['DELETE /v2/DeleteUser/1', 'DELETE /v2/DeleteUser/1'],
      );
      const t = token();
      assert.equal((await call('POST', '/__sim/platform/expire-tokens')).status, 200);
      assert.equal((await call('GET', '/v2/GetAccountList?user_id=2', { token: t })).status, 401);
      assert.equal((await call('POST', '/__sim/faults', { json: { path: 5 } })).status, 400);
      assert.equal((await call('POST', '/__sim/reset')).status, 200);
      assert.equal(sim.server.requests.length, 0);
      assert.equal(sim.platform.state.users.find((u) => u.UserID === 1)?.DeletedDate, null);
    });
  });
});
