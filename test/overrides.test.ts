/**
 * msg.config overrides (issue 2, Acceptance: "Every seed msg.config key overrides its property; the next message
 * without it behaves as if it had never been sent"), against the real Node-RED runtime and the simulator.
 *
 * Each case sends one message with the override and asserts what the simulator received (method, path, query,
 * body, Authorization), then a message without it and asserts the node's own property (or the connection's
 * setting) was used again. Also: the per-node "Accept msg.config overrides" checkbox, msg.config.accessToken as
 * the bearer, the data property of the body nodes, and the body shapes Add External Account accepts.
 *
 * Servers: the harness's simulator is the connection's origin; `mirror` is a second origin (another port)
 * serving the same simulated bank and accepting the same tokens; `tokenSim` is a simulator that knows more OAuth
 * clients, used as the connection's origin in the Get Token cases (the harness's simulator is then the other origin).
 */
import assert from 'node:assert/strict';
import { DEMO_CLIENT, SimServer, startSimulator, type PlatformClient, type RecordedRequest, type RunningSimulator } from '../lib/simulator';
import { collect, flowWith, helper, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();

const PARTNER: PlatformClient = { clientId: 'partner-client', clientSecret: 'partner-secret' };
/** a second client with the demo client's secret, so that overriding only client_id can succeed */
const TWIN: PlatformClient = { clientId: 'twin-client', clientSecret: DEMO_CLIENT.clientSecret };
const CONNECTION_SCOPE = 'CaliperAPI:All';
const TOKEN_PATH = '/v2/oauth2/token';

const servers: { mirror?: SimServer; tokenSim?: RunningSimulator } = {};

function mirror(): SimServer {
  if (!servers.mirror) throw new Error('mirror not started');
  return servers.mirror;
}

function tokenSim(): RunningSimulator {
  if (!servers.tokenSim) throw new Error('token simulator not started');
  return servers.tokenSim;
}

// ---- what the simulators saw --------------------------------------------------------------------------------

interface Wire {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

interface Exchange {
  outcome: Outcome;
  /** requests seen by the connection's origin (the harness's simulator) */
  primary: RecordedRequest[];
  /** requests seen by the second origin */
  mirror: RecordedRequest[];
  /** requests seen by the simulator with more OAuth clients */
  tokenSim: RecordedRequest[];
}

const isTokenCall = (r: RecordedRequest): boolean => /\/oauth2\/token$/.test(r.path);
const apiCalls = (requests: RecordedRequest[]): RecordedRequest[] => requests.filter((r) => !isTokenCall(r));
const tokenCalls = (requests: RecordedRequest[]): RecordedRequest[] => requests.filter(isTokenCall);
const describeCalls = (requests: RecordedRequest[]): string => requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none';

/** Sends one message with fresh request logs and the seed data restored (issued tokens stay valid). */
async function exchange(msg: Record<string, unknown>): Promise<Exchange> {
  ctx.sim.platform.reset();
  for (const server of [ctx.sim.server, mirror(), tokenSim().server]) server.clearRequests();
  const outcome = await send(msg);
  return { outcome, primary: [...ctx.sim.server.requests], mirror: [...mirror().requests], tokenSim: [...tokenSim().server.requests] };
}

function succeeded(outcome: Outcome): Msg {
  assert.equal(outcome.caught, undefined, outcome.caught?.error?.message);
  assert.ok(outcome.out, 'the message reached the output');
  return outcome.out;
}

function failed(outcome: Outcome): Msg & { error: { message: string } } {
  assert.equal(outcome.out, undefined, 'the message must not reach the output');
  assert.ok(outcome.caught?.error, 'the message reached Catch with an error');
  return outcome.caught as Msg & { error: { message: string } };
}

/**
 * The error text reaching Catch starts with the node's label ("Delete Customer: …"). Checked last in each test, so
 * that the other assertions of a test still run when only the prefix is wrong.
 */
function assertLabelled(messages: string[], label: string): void {
  for (const text of messages) assert.ok(text.startsWith(`${label}: `), `the error starts with "${label}: " (got "${text}")`);
}

/** Exactly one API request (token requests aside), and it is `expected`. */
function assertWire(requests: RecordedRequest[], expected: Wire, where: string): RecordedRequest {
  const calls = apiCalls(requests);
  assert.equal(calls.length, 1, `${where}: expected one API request, saw ${describeCalls(calls)}`);
  const [call] = calls;
  assert.equal(call.method, expected.method, `${where}: method`);
  assert.equal(call.path, expected.path, `${where}: path`);
  assert.deepEqual(call.query, expected.query ?? {}, `${where}: query`);
  if (expected.body === undefined) assert.equal(call.rawBody, '', `${where}: no body`);
  else assert.deepEqual(call.body, expected.body, `${where}: body`);
  return call;
}

function bearerOf(call: RecordedRequest): string {
  const match = /^Bearer (\S+)$/.exec(call.headers.authorization ?? '');
  assert.ok(match, `a bearer token was sent (got ${call.headers.authorization === undefined ? 'no Authorization' : 'another scheme'})`);
  return match[1];
}

// ---- the seven action nodes ------------------------------------------------------------------------------------

const ACCOUNT = { ABA: '022222222', Account: '99887766', AccountType: 'Checking', LogonName: 'retail0', AllowDeposit: true, AllowWithdrawal: false };
const SECOND_ACCOUNT = { ABA: '011000015', Account: '55443322', AccountType: 'Savings', UserID: 2 };
const ENROLLMENT = {
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

interface Action {
  type: string;
  label: string;
  /** node properties besides id/type */
  node?: Record<string, unknown>;
  credentials?: Record<string, string>;
  /** a valid body for the nodes that send one (a fresh copy each time) */
  payload?: () => unknown;
  method: string;
  /** the path after /{version}/ */
  op: string;
  query?: Record<string, string>;
  body?: unknown;
}

const actions: Action[] = [
  {
    type: 'q2-add-external-account',
    label: 'Add External Account',
    payload: () => [{ Account: { ...ACCOUNT } }],
    method: 'POST',
    op: 'AddExternalAccount',
    body: [{ Account: ACCOUNT }],
  },
  { type: 'q2-delete-customer', label: 'Delete Customer', node: { customerID: '3' }, method: 'DELETE', op: 'DeleteCustomer/3' },
  { type: 'q2-delete-user', label: 'Delete User', node: { userID: '3' }, method: 'DELETE', op: 'DeleteUser/3' },
  { type: 'q2-enrollment', label: 'Enrollment', payload: () => structuredClone(ENROLLMENT), method: 'POST', op: 'Enrollment', body: ENROLLMENT },
  {
    type: 'q2-get-account-list',
    label: 'Get Account List',
    node: { username: 'retail0' },
    method: 'GET',
    op: 'GetAccountList',
    query: { username: 'retail0' },
  },
  {
    type: 'q2-lookup-customer',
    label: 'Lookup Customer',
    credentials: { taxID: '012345678' },
    method: 'POST',
    op: 'LookupCustomer',
    body: { TaxID: '012345678' },
  },
  { type: 'q2-lookup-user', label: 'Lookup User', credentials: { ssn: '123456789' }, method: 'POST', op: 'LookupUser', body: { SSN: '123456789' } },
];

function message(action: Action, config?: Record<string, unknown>): Record<string, unknown> {
  const msg: Record<string, unknown> = {};
  if (action.payload) msg.payload = action.payload();
  if (config !== undefined) msg.config = config;
  return msg;
}

function wire(action: Action, version = 'v2'): Wire {
  return { method: action.method, path: `/${version}/${action.op}`, query: action.query, body: action.body };
}

async function loadAction(action: Action, nodeExtra: Record<string, unknown> = {}, connectionExtra: Record<string, unknown> = {}): Promise<void> {
  await load(
    flowWith(ctx.sim.url, [{ id: 'n1', type: action.type, ...action.node, ...nodeExtra }], connectionExtra),
    action.credentials ? { n1: action.credentials } : {},
  );
}

/** The harness's simulator written with another host name: the same server, another origin. */
function localhostForm(url: string): string {
  const other = url.replace('//127.0.0.1:', '//localhost:');
  assert.notEqual(other, url, 'the simulator listens on 127.0.0.1');
  return other;
}

describe('msg.config overrides', () => {
  useSimulator(ctx);
  before(async () => {
    const second = new SimServer();
    second.use(ctx.sim.platform);
    await second.start();
    servers.mirror = second;
    servers.tokenSim = await startSimulator({ platform: { clients: [DEMO_CLIENT, PARTNER, TWIN] } });
  });

  after(async () => {
    await servers.mirror?.stop();
    await servers.tokenSim?.stop();
  });

  beforeEach(() => {
    mirror().clearRequests();
    tokenSim().server.reset();
  });

  describe('baseUrl and apiVersion, on every action node', () => {
    for (const action of actions) {
      it(`${action.type}: msg.config.apiVersion replaces the node's apiVersion for one message`, async () => {
        await loadAction(action, { apiVersion: 'v1' }); // the connection says v2
        const first = await exchange(message(action, { apiVersion: 'v2' }));
        succeeded(first.outcome);
        assertWire(first.primary, wire(action, 'v2'), 'with msg.config.apiVersion');

        const second = await exchange(message(action));
        succeeded(second.outcome);
        assertWire(second.primary, wire(action, 'v1'), 'without it: the node property');
      });

      it(`${action.type}: msg.config.baseUrl to an origin in the connection's allowedOrigins, then back to the connection's`, async () => {
        await loadAction(action, {}, { allowedOrigins: mirror().url });
        const first = await exchange(message(action, { baseUrl: mirror().url }));
        succeeded(first.outcome);
        const there = assertWire(first.mirror, wire(action), 'the allowed origin');
        assert.equal(tokenCalls(first.mirror).length, 0, 'the token still comes from the connection token URL');
        assert.equal(apiCalls(first.primary).length, 0, `the connection origin got no API call (saw ${describeCalls(first.primary)})`);
        assert.equal(tokenCalls(first.primary).length, 1, 'one token request to the connection token URL');

        const second = await exchange(message(action));
        succeeded(second.outcome);
        const back = assertWire(second.primary, wire(action), 'without msg.config.baseUrl');
        assert.equal(second.mirror.length, 0, `the other origin got nothing (saw ${describeCalls(second.mirror)})`);
        assert.equal(bearerOf(back), bearerOf(there), 'the same managed token on both origins');
      });

      it(`${action.type}: msg.config.baseUrl to another origin with msg.config.accessToken, then back`, async () => {
        await loadAction(action);
        const token = ctx.sim.platform.issueToken().access_token;
        const first = await exchange(message(action, { baseUrl: mirror().url, accessToken: token }));
        succeeded(first.outcome);
        const there = assertWire(first.mirror, wire(action), 'the message origin');
        assert.equal(bearerOf(there), token);
        assert.equal(first.primary.length, 0, `nothing went to the connection origin, not even a token request (saw ${describeCalls(first.primary)})`);
        assert.equal(tokenCalls(first.mirror).length, 0);

        const second = await exchange(message(action));
        succeeded(second.outcome);
        const back = assertWire(second.primary, wire(action), 'without msg.config.baseUrl');
        assert.equal(tokenCalls(second.primary).length, 1, 'now the connection fetches its own token');
        assert.notEqual(bearerOf(back), token);
        assert.equal(second.mirror.length, 0);
      });

      it(`${action.type}: msg.config.baseUrl to another origin without a token is refused, sends nothing, and the next message works`, async () => {
        await loadAction(action);
        const errors: string[] = [];
        for (const other of [mirror().url, localhostForm(ctx.sim.url)]) {
          const first = await exchange(message(action, { baseUrl: other }));
          const caught = failed(first.outcome);
          errors.push(caught.error.message);
          assert.match(caught.error.message, /origin/);
          assert.equal(first.primary.length, 0, `no request at all to the connection origin (saw ${describeCalls(first.primary)})`);
          assert.equal(first.mirror.length, 0, `no request to the other origin (saw ${describeCalls(first.mirror)})`);
        }
        const second = await exchange(message(action));
        succeeded(second.outcome);
        assertWire(second.primary, wire(action), 'without msg.config.baseUrl');
        assertLabelled(errors, action.label);
      });
    }

    it('the same simulator written as http://localhost:PORT is reached with msg.config.accessToken, and 127.0.0.1 again next', async () => {
      const action = actions.find((a) => a.type === 'q2-lookup-user') as Action;
      await loadAction(action);
      const port = new URL(ctx.sim.url).port;
      const token = ctx.sim.platform.issueToken().access_token;
      const first = await exchange(message(action, { baseUrl: localhostForm(ctx.sim.url), accessToken: token }));
      succeeded(first.outcome);
      const call = assertWire(first.primary, wire(action), 'localhost');
      assert.equal(call.headers.host, `localhost:${port}`);
      assert.equal(bearerOf(call), token);

      const second = await exchange(message(action));
      succeeded(second.outcome);
      const back = assertWire(second.primary, wire(action), '127.0.0.1');
      assert.equal(back.headers.host, `127.0.0.1:${port}`);
    });
  });

  // ---- the node-specific keys ----------------------------------------------------------------------------------

  interface KeyCase {
    title: string;
    action: Action;
    /** node properties replacing the fixture's */
    node?: Record<string, unknown>;
    credentials?: Record<string, string>;
    config: Record<string, unknown>;
    overridden: Wire;
    plain: Wire;
  }

  const byType = (type: string): Action => actions.find((a) => a.type === type) as Action;
  const deleteCustomer = byType('q2-delete-customer');
  const deleteUser = byType('q2-delete-user');
  const accountList = byType('q2-get-account-list');
  const lookupCustomer = byType('q2-lookup-customer');
  const lookupUser = byType('q2-lookup-user');
  const list = (query: Record<string, string>): Wire => ({ method: 'GET', path: '/v2/GetAccountList', query });
  const post = (op: string, body: unknown): Wire => ({ method: 'POST', path: `/v2/${op}`, body });

  const keyCases: KeyCase[] = [
    {
      title: 'customerID (a number)',
      action: deleteCustomer,
      config: { customerID: 1 },
      overridden: { method: 'DELETE', path: '/v2/DeleteCustomer/1' },
      plain: { method: 'DELETE', path: '/v2/DeleteCustomer/3' },
    },
    {
      title: 'customerID (a string)',
      action: deleteCustomer,
      config: { customerID: '2' },
      overridden: { method: 'DELETE', path: '/v2/DeleteCustomer/2' },
      plain: { method: 'DELETE', path: '/v2/DeleteCustomer/3' },
    },
    {
      title: 'userID',
      action: deleteUser,
      config: { userID: 4 },
      overridden: { method: 'DELETE', path: '/v2/DeleteUser/4' },
      plain: { method: 'DELETE', path: '/v2/DeleteUser/3' },
    },
    {
      title: 'taxID',
      action: lookupCustomer,
      config: { taxID: '741852963' },
      overridden: post('LookupCustomer', { TaxID: '741852963' }),
      plain: post('LookupCustomer', { TaxID: '012345678' }),
    },
    {
      title: 'ssn',
      action: lookupUser,
      config: { ssn: '333445555' },
      overridden: post('LookupUser', { SSN: '333445555' }),
      plain: post('LookupUser', { SSN: '123456789' }),
    },
    {
      title: 'username',
      action: accountList,
      config: { username: 'aavery' },
      overridden: list({ username: 'aavery' }),
      plain: list({ username: 'retail0' }),
    },
    {
      title: 'customerID',
      action: accountList,
      node: { customerID: '1' },
      config: { customerID: 2 },
      overridden: list({ customer_id: '2' }),
      plain: list({ customer_id: '1' }),
    },
    {
      title: 'userID',
      action: accountList,
      node: { userID: '1' },
      config: { userID: '4' },
      overridden: list({ user_id: '4' }),
      plain: list({ user_id: '1' }),
    },
    {
      title: 'accessLevel (a number)',
      action: accountList,
      node: { username: 'retail0', accessLevel: '2' },
      config: { accessLevel: 7 },
      overridden: list({ username: 'retail0', access_level: '7' }),
      plain: list({ username: 'retail0', access_level: '2' }),
    },
    {
      title: 'accessLevel, where the node has none',
      action: accountList,
      node: { username: 'retail0', accessLevel: '' },
      config: { accessLevel: '3' },
      overridden: list({ username: 'retail0', access_level: '3' }),
      plain: list({ username: 'retail0' }),
    },
    {
      title: 'accountTypes (an array)',
      action: accountList,
      node: { username: 'retail0', accountTypes: 'Deposit' },
      config: { accountTypes: ['Loan', 'Deposit'] },
      overridden: list({ username: 'retail0', account_types: 'Loan,Deposit' }),
      plain: list({ username: 'retail0', account_types: 'Deposit' }),
    },
    {
      title: 'accountTypes (a string)',
      action: accountList,
      node: { username: 'retail0', accountTypes: 'Deposit,Loan' },
      config: { accountTypes: 'Loan' },
      overridden: list({ username: 'retail0', account_types: 'Loan' }),
      plain: list({ username: 'retail0', account_types: 'Deposit,Loan' }),
    },
  ];

  /** Include flags both ways: off in the node and on in msg.config, and on in the node and off in msg.config. */
  const flagCases: Array<{ action: Action; key: string; wireKey: string; baseBody: Record<string, unknown> }> = [
    { action: lookupCustomer, key: 'includePhone', wireKey: 'IncludePhone', baseBody: { TaxID: '012345678' } },
    { action: lookupCustomer, key: 'includeCustomerData', wireKey: 'IncludeCustomerData', baseBody: { TaxID: '012345678' } },
    { action: lookupCustomer, key: 'includeAddress', wireKey: 'IncludeAddress', baseBody: { TaxID: '012345678' } },
    { action: lookupUser, key: 'includeAuthToken', wireKey: 'IncludeAuthToken', baseBody: { SSN: '123456789' } },
  ];
  for (const f of flagCases) {
    const on = post(f.action.op, { ...f.baseBody, [f.wireKey]: true });
    const off = post(f.action.op, f.baseBody);
    keyCases.push(
      { title: `${f.key} true over a node with it off`, action: f.action, node: { [f.key]: false }, config: { [f.key]: true }, overridden: on, plain: off },
      { title: `${f.key} false over a node with it on`, action: f.action, node: { [f.key]: true }, config: { [f.key]: false }, overridden: off, plain: on },
      {
        title: `${f.key} "true" (a string) over a node with it off`,
        action: f.action,
        node: { [f.key]: false },
        config: { [f.key]: 'true' },
        overridden: on,
        plain: off,
      },
    );
  }

  describe('the keys of each action node', () => {
    for (const c of keyCases) {
      it(`${c.action.type}: msg.config.${c.title}`, async () => {
        await load(
          flowWith(ctx.sim.url, [{ id: 'n1', type: c.action.type, ...(c.node ?? c.action.node) }]),
          (c.credentials ?? c.action.credentials) ? { n1: c.credentials ?? c.action.credentials ?? {} } : {},
        );
        const first = await exchange(message(c.action, c.config));
        succeeded(first.outcome);
        assertWire(first.primary, c.overridden, `with msg.config ${JSON.stringify(c.config)}`);

        const second = await exchange(message(c.action));
        succeeded(second.outcome);
        assertWire(second.primary, c.plain, 'the next message without it');
      });
    }

    it('q2-lookup-customer: the override changes the answer too (msg.config.taxID finds another customer)', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-lookup-customer' }]), { n1: { taxID: '012345678' } });
      const names = async (config?: Record<string, unknown>): Promise<unknown[]> => {
        const out = succeeded((await exchange(config ? { config } : {})).outcome);
        return ((out.payload as { data: Array<{ CustomerName: unknown }> }).data ?? []).map((c) => c.CustomerName);
      };
      assert.deepEqual(await names({ taxID: '741852963' }), ['Blue Bonnet Bakery LLC']);
      assert.deepEqual(await names(), ['Gorczany Inc Inc']);
    });

    it('empty and null msg.config values leave the node properties in force', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-delete-user', userID: '3', apiVersion: 'v1' }]));
      const first = await exchange({ config: { userID: '', apiVersion: null, baseUrl: '' } });
      succeeded(first.outcome);
      assertWire(first.primary, { method: 'DELETE', path: '/v1/DeleteUser/3' }, 'blank overrides');
    });

    it('messages with and without an override, in flight together, each get their own value', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-get-account-list', userID: '1' }]));
      ctx.sim.server.clearRequests();
      const arrived = collect(10);
      const node = helper.getNode('n1');
      for (let i = 0; i < 10; i++) node.receive((i % 2 === 0 ? { config: { userID: 4 }, n: i } : { n: i }) as Parameters<typeof node.receive>[0]);
      const outcomes = await arrived;
      for (const o of outcomes) succeeded(o);
      const calls = apiCalls(ctx.sim.server.requests);
      assert.equal(calls.length, 10);
      assert.equal(calls.filter((r) => r.query.user_id === '4').length, 5);
      assert.equal(calls.filter((r) => r.query.user_id === '1').length, 5);
      for (const o of outcomes) {
        const out = o.out as Msg;
        const owners = new Set(((out.payload as { data: Array<{ CustomerID: number }> }).data ?? []).map((a) => a.CustomerID));
        // user 4 belongs to customer 2, user 1 to customer 1
        assert.deepEqual([...owners], [out.config === undefined ? 1 : 2], `message ${String(out.n)}`);
      }
    });
  });

  // ---- Get Token ------------------------------------------------------------------------------------------------

  interface TokenCase {
    title: string;
    node?: Record<string, unknown>;
    credentials?: Record<string, string>;
    config: Record<string, unknown>;
    overridden: { form: Record<string, string>; ok: boolean };
    plain: { form: Record<string, string>; ok: boolean };
  }

  const form = (client: PlatformClient, scope = CONNECTION_SCOPE, secret = client.clientSecret): Record<string, string> => ({
    client_id: client.clientId,
    client_secret: secret,
    grant_type: 'client_credentials',
    scope,
  });

  const tokenCases: TokenCase[] = [
    {
      title: 'client_id (the node has its own client_id)',
      node: { client_id: TWIN.clientId },
      config: { client_id: DEMO_CLIENT.clientId },
      overridden: { form: form(DEMO_CLIENT), ok: true },
      plain: { form: form(TWIN), ok: true },
    },
    {
      title: 'client_id (the node has none: the connection’s)',
      config: { client_id: TWIN.clientId },
      overridden: { form: form(TWIN), ok: true },
      plain: { form: form(DEMO_CLIENT), ok: true },
    },
    {
      title: 'client_secret (a wrong one is sent, and refused; the node’s own comes back)',
      node: { client_id: PARTNER.clientId },
      credentials: { client_secret: PARTNER.clientSecret },
      config: { client_secret: 'not-the-partner-secret' },
      overridden: { form: form(PARTNER, CONNECTION_SCOPE, 'not-the-partner-secret'), ok: false },
      plain: { form: form(PARTNER), ok: true },
    },
    {
      title: 'client_id and client_secret together',
      config: { client_id: PARTNER.clientId, client_secret: PARTNER.clientSecret },
      overridden: { form: form(PARTNER), ok: true },
      plain: { form: form(DEMO_CLIENT), ok: true },
    },
    {
      title: 'scope (the node has its own scope)',
      node: { scope: 'CaliperAPI:LookupUser' },
      config: { scope: 'CaliperAPI:DeleteUser' },
      overridden: { form: form(DEMO_CLIENT, 'CaliperAPI:DeleteUser'), ok: true },
      plain: { form: form(DEMO_CLIENT, 'CaliperAPI:LookupUser'), ok: true },
    },
    {
      title: 'scope (the node has none: the connection’s)',
      config: { scope: 'CaliperAPI:LookupCustomer' },
      overridden: { form: form(DEMO_CLIENT, 'CaliperAPI:LookupCustomer'), ok: true },
      plain: { form: form(DEMO_CLIENT), ok: true },
    },
  ];

  async function loadGetToken(
    node: Record<string, unknown> = {},
    credentials?: Record<string, string>,
    connectionExtra: Record<string, unknown> = {},
  ): Promise<void> {
    await load(flowWith(tokenSim().url, [{ id: 'n1', type: 'q2-get-token', ...node }], connectionExtra), credentials ? { n1: credentials } : {});
  }

  function assertTokenRequest(requests: RecordedRequest[], expectedForm: Record<string, string>, where: string): void {
    assert.equal(requests.length, 1, `${where}: expected one token request, saw ${describeCalls(requests)}`);
    const [call] = requests;
    assert.equal(call.method, 'POST');
    assert.equal(call.path, TOKEN_PATH);
    assert.equal(call.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(call.body, expectedForm, `${where}: form`);
  }

  /** Checks the output (or the Catch message); returns the error text, if any, for assertLabelled. */
  function assertTokenOutput(outcome: Outcome, ok: boolean, secret: string): string[] {
    if (ok) {
      const out = succeeded(outcome);
      const token = (out.payload as { access_token?: unknown }).access_token;
      assert.equal(typeof token, 'string');
      assert.equal((out.config as Record<string, unknown> | undefined)?.accessToken, token, 'msg.config.accessToken is the new token');
      return [];
    }
    const caught = failed(outcome);
    assert.match(caught.error.message, /HTTP 401/);
    assert.equal(caught.error.message.includes(secret), false, 'the secret is not in the error');
    return [caught.error.message];
  }

  describe('Get Token keys', () => {
    for (const c of tokenCases) {
      it(`q2-get-token: msg.config.${c.title}`, async () => {
        await loadGetToken(c.node, c.credentials);
        const first = await exchange({ config: { ...c.config } });
        const errors = assertTokenOutput(first.outcome, c.overridden.ok, c.overridden.form.client_secret);
        assertTokenRequest(first.tokenSim, c.overridden.form, 'with the override');

        const second = await exchange({});
        errors.push(...assertTokenOutput(second.outcome, c.plain.ok, c.plain.form.client_secret));
        assertTokenRequest(second.tokenSim, c.plain.form, 'the next message without it');
        assert.equal(first.primary.length + second.primary.length, 0, 'nothing went to another origin');
        assertLabelled(errors, 'Get Token');
      });
    }

    it('q2-get-token: msg.config.grant_type asks the token endpoint directly; the next message gets the managed token again', async () => {
      await loadGetToken();
      const tokenOf = (outcome: Outcome): string => String((succeeded(outcome).payload as { access_token: unknown }).access_token);

      const managed = await exchange({});
      assertTokenRequest(managed.tokenSim, form(DEMO_CLIENT), 'the managed token');
      const direct = await exchange({ config: { grant_type: 'client_credentials' } });
      assertTokenRequest(direct.tokenSim, form(DEMO_CLIENT), 'msg.config.grant_type');
      assert.notEqual(tokenOf(direct.outcome), tokenOf(managed.outcome), 'a token of its own');

      const again = await exchange({});
      assert.equal(again.tokenSim.length, 0, `the managed token is cached (saw ${describeCalls(again.tokenSim)})`);
      assert.equal(tokenOf(again.outcome), tokenOf(managed.outcome));
    });

    it('q2-get-token: msg.config.baseUrl to an origin in allowedOrigins gets the token there with the connection’s credentials, then back', async () => {
      await loadGetToken({}, undefined, { allowedOrigins: ctx.sim.url });
      const first = await exchange({ config: { baseUrl: ctx.sim.url } });
      assertTokenOutput(first.outcome, true, DEMO_CLIENT.clientSecret);
      assertTokenRequest(first.primary, form(DEMO_CLIENT), 'the allowed origin');
      assert.equal(first.tokenSim.length, 0);

      const second = await exchange({});
      assertTokenOutput(second.outcome, true, DEMO_CLIENT.clientSecret);
      assertTokenRequest(second.tokenSim, form(DEMO_CLIENT), 'the connection origin');
      assert.equal(second.primary.length, 0);
    });

    it('q2-get-token: msg.config.baseUrl to another origin with msg.config.client_id and client_secret, then back', async () => {
      await loadGetToken();
      const first = await exchange({ config: { baseUrl: ctx.sim.url, client_id: DEMO_CLIENT.clientId, client_secret: DEMO_CLIENT.clientSecret } });
      assertTokenOutput(first.outcome, true, DEMO_CLIENT.clientSecret);
      assertTokenRequest(first.primary, form(DEMO_CLIENT), 'the message origin');
      assert.equal(first.tokenSim.length, 0);

      const second = await exchange({});
      assertTokenOutput(second.outcome, true, DEMO_CLIENT.clientSecret);
      assertTokenRequest(second.tokenSim, form(DEMO_CLIENT), 'the connection origin');
      assert.equal(second.primary.length, 0);
    });

    it('q2-get-token: msg.config.baseUrl to another origin without the message’s own client_id and client_secret is refused and sends nothing', async () => {
      await loadGetToken();
      const errors: string[] = [];
      for (const config of [{ baseUrl: ctx.sim.url }, { baseUrl: ctx.sim.url, client_id: DEMO_CLIENT.clientId }, { baseUrl: localhostForm(tokenSim().url) }]) {
        const first = await exchange({ config });
        const caught = failed(first.outcome);
        errors.push(caught.error.message);
        assert.match(caught.error.message, /origin/);
        assert.equal(first.primary.length + first.tokenSim.length + first.mirror.length, 0, `nothing was sent for ${JSON.stringify(config)}`);
      }
      const second = await exchange({});
      assertTokenOutput(second.outcome, true, DEMO_CLIENT.clientSecret);
      assertTokenRequest(second.tokenSim, form(DEMO_CLIENT), 'the connection origin');
      assertLabelled(errors, 'Get Token');
    });
  });

  // ---- msg.config.accessToken ----------------------------------------------------------------------------------

  describe('msg.config.accessToken', () => {
    for (const action of actions) {
      it(`${action.type}: is the bearer, and no token request is made; the next message uses the connection's token`, async () => {
        await loadAction(action);
        const token = ctx.sim.platform.issueToken().access_token;
        const first = await exchange(message(action, { accessToken: token }));
        succeeded(first.outcome);
        assert.equal(tokenCalls(first.primary).length, 0, 'no token request');
        assert.equal(bearerOf(assertWire(first.primary, wire(action), 'with msg.config.accessToken')), token);

        const second = await exchange(message(action));
        succeeded(second.outcome);
        assert.equal(tokenCalls(second.primary).length, 1, 'the connection fetches its own token');
        assert.notEqual(bearerOf(assertWire(second.primary, wire(action), 'without it')), token);
      });
    }

    it('a token the API refuses reaches Catch as a 401, and is not retried with the connection’s token', async () => {
      const action = byType('q2-lookup-user');
      await loadAction(action);
      const first = await exchange(message(action, { accessToken: 'not-a-valid-token' }));
      const caught = failed(first.outcome);
      assert.equal(caught.statusCode, 401);
      assert.equal(caught.error.message.includes('not-a-valid-token'), false);
      assert.equal(tokenCalls(first.primary).length, 0, 'the connection’s token is not used instead');
      assert.deepEqual(apiCalls(first.primary).map(bearerOf), ['not-a-valid-token']);
      assertLabelled([caught.error.message], 'Lookup User');
    });
  });

  // ---- allowOverrides: false -----------------------------------------------------------------------------------

  describe('"Accept msg.config overrides" unticked (allowOverrides: false)', () => {
    for (const c of keyCases) {
      it(`${c.action.type}: msg.config.${c.title} is ignored`, async () => {
        await load(
          flowWith(ctx.sim.url, [{ id: 'n1', type: c.action.type, ...(c.node ?? c.action.node), allowOverrides: false }]),
          (c.credentials ?? c.action.credentials) ? { n1: c.credentials ?? c.action.credentials ?? {} } : {},
        );
        const first = await exchange(message(c.action, c.config));
        succeeded(first.outcome);
        assertWire(first.primary, c.plain, 'msg.config ignored');
      });
    }

    for (const action of actions) {
      it(`${action.type}: baseUrl, apiVersion and accessToken in msg.config are ignored, and a msg.config that is not an object is no error`, async () => {
        await loadAction(action, { allowOverrides: false });
        const first = await exchange(message(action, { baseUrl: mirror().url, apiVersion: 'v1', accessToken: 'ignored-token' }));
        succeeded(first.outcome);
        const call = assertWire(first.primary, wire(action), 'msg.config ignored');
        assert.notEqual(bearerOf(call), 'ignored-token');
        assert.equal(tokenCalls(first.primary).length, 1, 'the connection’s token is used');
        assert.equal(first.mirror.length, 0);

        const second = await exchange({ ...message(action), config: 'not an object' });
        succeeded(second.outcome);
        assertWire(second.primary, wire(action), 'a string msg.config');
      });
    }

    for (const c of tokenCases) {
      it(`q2-get-token: msg.config.${c.title} is ignored`, async () => {
        await loadGetToken({ ...c.node, allowOverrides: false }, c.credentials);
        const first = await exchange({ config: { ...c.config, baseUrl: ctx.sim.url } });
        const errors = assertTokenOutput(first.outcome, c.plain.ok, c.plain.form.client_secret);
        assertTokenRequest(first.tokenSim, c.plain.form, 'msg.config ignored');
        assert.equal(first.primary.length, 0);
        assertLabelled(errors, 'Get Token');
      });
    }
  });

  // ---- the body: data property and Add External Account shapes ------------------------------------------------

  describe('the data property of the body nodes', () => {
    it('q2-add-external-account reads the accounts from msg.accounts when dataProperty is "accounts"', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-add-external-account', dataProperty: 'accounts' }]));
      const first = await exchange({ payload: [{ Account: { ...SECOND_ACCOUNT } }], accounts: [{ Account: { ...ACCOUNT } }] });
      succeeded(first.outcome);
      assertWire(first.primary, post('AddExternalAccount', [{ Account: ACCOUNT }]), 'from msg.accounts');
    });

    it('q2-add-external-account reads a nested property (request.accounts) and normalises it there too', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-add-external-account', dataProperty: 'request.accounts' }]));
      const first = await exchange({ payload: 'not the body', request: { accounts: { Account: { ...SECOND_ACCOUNT } } } });
      succeeded(first.outcome);
      assertWire(first.primary, post('AddExternalAccount', [{ Account: SECOND_ACCOUNT }]), 'from msg.request.accounts');
    });

    it('q2-enrollment reads the enrollment from msg.data.enrollment when dataProperty is "data.enrollment"', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-enrollment', dataProperty: 'data.enrollment' }]));
      const first = await exchange({ payload: { Customer: 'not the body' }, data: { enrollment: structuredClone(ENROLLMENT) } });
      succeeded(first.outcome);
      assertWire(first.primary, post('Enrollment', ENROLLMENT), 'from msg.data.enrollment');
    });

    it('q2-enrollment with a blank dataProperty reads msg.payload', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-enrollment', dataProperty: '' }]));
      const first = await exchange({ payload: structuredClone(ENROLLMENT), enrollment: { other: true } });
      succeeded(first.outcome);
      assertWire(first.primary, post('Enrollment', ENROLLMENT), 'from msg.payload');
    });
  });

  describe('q2-add-external-account normalises the accepted shapes to the array form', () => {
    const shapes: Array<{ title: string; payload: () => unknown; sent: unknown }> = [
      { title: 'an array of {Account}', payload: () => [{ Account: { ...ACCOUNT } }], sent: [{ Account: ACCOUNT }] },
      { title: 'a single {Account: {…}}', payload: () => ({ Account: { ...ACCOUNT } }), sent: [{ Account: ACCOUNT }] },
      { title: 'a bare account object (LogonName)', payload: () => ({ ...ACCOUNT }), sent: [{ Account: ACCOUNT }] },
      { title: 'a bare account object (UserID)', payload: () => ({ ...SECOND_ACCOUNT }), sent: [{ Account: SECOND_ACCOUNT }] },
      {
        title: '{AddExternalAccountRequest: [two accounts]}',
        payload: () => ({ AddExternalAccountRequest: [{ Account: { ...ACCOUNT } }, { Account: { ...SECOND_ACCOUNT } }] }),
        sent: [{ Account: ACCOUNT }, { Account: SECOND_ACCOUNT }],
      },
    ];
    for (const shape of shapes) {
      it(`${shape.title} is sent as ${(shape.sent as unknown[]).length === 1 ? '[{Account: {…}}]' : 'the array of both'}`, async () => {
        await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-add-external-account' }]));
        const first = await exchange({ payload: shape.payload() });
        succeeded(first.outcome);
        assertWire(first.primary, post('AddExternalAccount', shape.sent), shape.title);
      });
    }
  });
});
