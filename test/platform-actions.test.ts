/**
 * Every Q2 Platform node against the simulator: method, path, query, body and Authorization as docs/api-notes.md §1,
 * and the output of a success (msg.payload = envelope, msg.statusCode, msg.q2).
 */
import assert from 'node:assert/strict';
import { flowWith, load, send, simulatorContext, useSimulator, type FlowNode } from './harness';

const ctx = simulatorContext();

interface Case {
  node: FlowNode;
  credentials?: Record<string, string>;
  msg: Record<string, unknown>;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  check?: (payload: Record<string, unknown>) => void;
}

const account = { ABA: '022222222', Account: '99887766', AccountType: 'Checking', LogonName: 'retail0', AllowDeposit: true, AllowWithdrawal: false };
const enrollment = {
  Customer: {
    Name: 'Jane Doe',
    Address1: '13785 Research Blvd',
    City: 'Austin',
    State: 'TX',
    Zip: '78750',
    Phones: [{ Phone: '5121234567', PhoneType: 'Mobile' }],
  },
  User: { LogonName: 'jdoe01', FirstName: 'Jane', LastName: 'Doe', GroupID: 4 },
};

const cases: Case[] = [
  {
    node: { id: 'n1', type: 'q2-add-external-account' },
    msg: { payload: { Account: account } },
    method: 'POST',
    path: '/v2/AddExternalAccount',
    body: [{ Account: account }],
    check: (p) => assert.deepEqual(p.data, [{ ABA: '022222222', Account: '99887766', Success: true }]),
  },
  {
    node: { id: 'n1', type: 'q2-delete-customer', customerID: '3' },
    msg: {},
    method: 'DELETE',
    path: '/v2/DeleteCustomer/3',
    check: (p) => assert.deepEqual(p.data, {}),
  },
  {
    node: { id: 'n1', type: 'q2-delete-user', userID: '1' },
    msg: {},
    method: 'DELETE',
    path: '/v2/DeleteUser/1',
    check: (p) => assert.equal(p.data, 'User 1 deleted successfully'),
  },
  {
    node: { id: 'n1', type: 'q2-enrollment' },
    msg: { payload: enrollment },
    method: 'POST',
    path: '/v2/Enrollment',
    body: enrollment,
  },
  {
    node: { id: 'n1', type: 'q2-get-account-list', username: 'retail0', accessLevel: '', accountTypes: 'Deposit,Loan' },
    msg: {},
    method: 'GET',
    path: '/v2/GetAccountList',
    query: { username: 'retail0', account_types: 'Deposit,Loan' },
    check: (p) => assert.ok(Array.isArray(p.data) && p.data.length > 0),
  },
  {
    node: { id: 'n1', type: 'q2-lookup-customer', includePhone: true, includeCustomerData: false, includeAddress: true },
    credentials: { taxID: '012345678' },
    msg: {},
    method: 'POST',
    path: '/v2/LookupCustomer',
    body: { TaxID: '012345678', IncludePhone: true, IncludeAddress: true },
    check: (p) => {
      const [customer] = p.data as Array<Record<string, unknown>>;
      assert.equal(customer.CustomerName, 'Gorczany Inc Inc');
      assert.ok(customer.Phones && customer.Address && !customer.Data);
    },
  },
  {
    node: { id: 'n1', type: 'q2-lookup-user', includeAuthToken: true },
    credentials: { ssn: '123456789' },
    msg: {},
    method: 'POST',
    path: '/v2/LookupUser',
    body: { SSN: '123456789', IncludeAuthToken: true },
    check: (p) => {
      const [user] = p.data as Array<Record<string, unknown>>;
      assert.equal(user.FirstName, 'Ryan');
      assert.equal(user.AuthToken, 'AuthTokenSerial');
    },
  },
];

describe('Q2 Platform action nodes', () => {
  useSimulator(ctx);
  for (const c of cases) {
    it(`${c.node.type}: ${c.method} ${c.path} with the connection's bearer token`, async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [c.node]), c.credentials ? { n1: c.credentials } : {});
      const { out, caught } = await send(c.msg);
      assert.equal(caught, undefined, caught?.error?.message);
      assert.ok(out);

      const calls = sim.server.requests.filter((r) => !r.path.endsWith('/oauth2/token'));
      assert.equal(calls.length, 1);
      const [call] = calls;
      assert.equal(call.method, c.method);
      assert.equal(call.path, c.path);
      assert.deepEqual(call.query, c.query ?? {});
      if (c.body === undefined) assert.equal(call.rawBody, '');
      else {
        assert.deepEqual(call.body, c.body);
        assert.equal(call.headers['content-type'], 'application/json');
      }
      assert.equal(call.headers.accept, 'application/json');
      const tokenCall = sim.server.requests.find((r) => r.path === '/v2/oauth2/token');
      assert.ok(tokenCall, 'the connection fetched a token');
      assert.deepEqual(tokenCall.body, { client_id: 'demo-client', client_secret: 'demo-secret', grant_type: 'client_credentials', scope: 'CaliperAPI:All' });
      assert.match(call.headers.authorization ?? '', /^Bearer \S{32,}$/);

      const payload = out.payload as Record<string, unknown>;
      assert.equal(payload.success, true);
      assert.equal(out.statusCode, 200);
      assert.equal(out.q2?.requestId, payload.requestid);
      assert.equal(out.q2?.logRefId, payload.log_ref_id);
      assert.equal(typeof out.q2?.durationMs, 'number');
      c.check?.(payload);
    });
  }

  it('q2-get-token: POSTs the form to {baseUrl}/v2/oauth2/token and outputs the token response', async () => {
    const { sim } = ctx;
    await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-token', scope: 'CaliperAPI:LookupUser' }]));
    const { out, caught } = await send({ config: { keep: 'me' } });
    assert.equal(caught, undefined, caught?.error?.message);
    assert.ok(out);
    const [call] = sim.server.requests;
    assert.equal(sim.server.requests.length, 1);
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/v2/oauth2/token');
    assert.equal(call.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(call.body, { client_id: 'demo-client', client_secret: 'demo-secret', grant_type: 'client_credentials', scope: 'CaliperAPI:LookupUser' });
    assert.equal(call.headers.authorization, undefined);
    const payload = out.payload as Record<string, unknown>;
    assert.equal(payload.token_type, 'Bearer');
    assert.equal(payload.expires_in, 3600);
    assert.equal(out.statusCode, 200);
    assert.deepEqual(out.config, { keep: 'me', accessToken: payload.access_token });
  });

  it('q2-get-token without overrides returns the connection-managed token, fetched once', async () => {
    const { sim } = ctx;
    await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-token' }]));
    const first = await send({});
    const second = await send({});
    assert.equal(sim.platform.tokensIssued, 1);
    assert.equal((first.out?.payload as { access_token: string }).access_token, (second.out?.payload as { access_token: string }).access_token);
  });

  it('an action node wired after Get Token uses msg.config.accessToken as its bearer', async () => {
    const { sim } = ctx;
    await load(
      flowWith(sim.url, [
        { id: 'n1', type: 'q2-get-token', scope: 'CaliperAPI:DeleteUser', wires: [['n2']] },
        { id: 'n2', type: 'q2-delete-user', userID: '3' },
      ]),
    );
    const { out, caught } = await send({});
    assert.equal(caught, undefined, caught?.error?.message);
    const token = (out?.config as { accessToken: string }).accessToken;
    const del = sim.server.requests.find((r) => r.method === 'DELETE');
    assert.equal(del?.headers.authorization, `Bearer ${token}`);
    assert.equal(sim.platform.tokensIssued, 1);
  });

  it('apiVersion v1 from the connection is used in the path', async () => {
    const { sim } = ctx;
    await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-delete-user', userID: '3' }], { apiVersion: 'v1' }));
    const { out } = await send({});
    assert.ok(out);
    assert.equal(sim.server.requests.at(-1)?.path, '/v1/DeleteUser/3');
  });
});
