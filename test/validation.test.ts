/**
 * Invalid input (issue 2, Acceptance: "A missing or malformed required input (no customerID, customerID: "abc",
 * taxID as an object, msg.config as a string) reaches Catch with an error naming the field, and the simulator saw
 * no request"), against the real Node-RED runtime and the simulator.
 *
 * For each case: the error reaches Catch (not the output), its text starts with the node's label and names the
 * field, it does not contain the offending value when that is personal data or a secret, the node shows a red
 * ring, and the simulator recorded no request at all — not even a token request (the connection fetches its
 * token lazily, so validation must come before any HTTP).
 *
 * Also, at unit level, lib/request/build.ts's encodeSegment/buildUrl: a path value cannot change the route.
 */
import assert from 'node:assert/strict';
import type { NodeStatus } from 'node-red';
import type { SinonSpy } from 'sinon';
import { HttpClient } from '../lib/connection/http';
import type { Effective, OperationSpec } from '../lib/model/operation';
import { platformOperations } from '../lib/platform/operations';
import { buildUrl, encodeSegment } from '../lib/request/build';
import { flowWith, helper, load, paletteLabel, send, simulatorContext, useSimulator, type Msg } from './harness';

const ctx = simulatorContext();

const ACCOUNT = { ABA: '022222222', Account: '99887766', AccountType: 'Checking', LogonName: 'retail0', AllowDeposit: true, AllowWithdrawal: false };
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

type Enrollment = typeof ENROLLMENT;

/** A valid enrollment changed by `edit` (a fresh copy each time). */
function enrollment(edit: (e: Enrollment & Record<string, unknown>) => void): Enrollment {
  const copy = structuredClone(ENROLLMENT) as Enrollment & Record<string, unknown>;
  edit(copy);
  return copy;
}

interface Invalid {
  title: string;
  type: string;
  /** node properties besides id/type */
  node?: Record<string, unknown>;
  credentials?: Record<string, string>;
  msg: () => Record<string, unknown>;
  /** every one of these must appear in the error text */
  names: string[];
  /** personal data or secrets that must appear in no error text and no status */
  secret?: string[];
}

const TAX_ID = '012345678';
const SSN = '123456789';

const cases: Invalid[] = [
  // ---- the four of the Acceptance ----
  {
    title: 'no customerID (neither the node nor msg.config)',
    type: 'q2-delete-customer',
    node: { customerID: '' },
    msg: () => ({}),
    names: ['customerID', 'msg.config.customerID'],
  },
  {
    title: 'msg.config.customerID "abc"',
    type: 'q2-delete-customer',
    node: { customerID: '3' },
    msg: () => ({ config: { customerID: 'abc' } }),
    names: ['msg.config.customerID'],
  },
  {
    title: 'msg.config.taxID as an object',
    type: 'q2-lookup-customer',
    msg: () => ({ config: { taxID: { value: TAX_ID } } }),
    names: ['msg.config.taxID'],
    secret: [TAX_ID],
  },
  {
    title: 'msg.config as a string',
    type: 'q2-delete-customer',
    node: { customerID: '3' },
    msg: () => ({ config: 'customerID=3' }),
    names: ['msg.config'],
  },
  {
    title: 'msg.config as an array',
    type: 'q2-lookup-user',
    credentials: { ssn: SSN },
    msg: () => ({ config: [{ ssn: '222334444' }] }),
    names: ['msg.config'],
    secret: [SSN, '222334444'],
  },
  {
    title: 'msg.config as a number',
    type: 'q2-get-token',
    msg: () => ({ config: 42 }),
    names: ['msg.config'],
  },
  // ---- ids: a path value that is not a positive integer is refused, so it cannot change the route ----
  ...[0, -1, 1.5, '../1', '1/../2', '3?force=true', '3#x', '3.0', ' 3', '%2e%2e', '0x10', ''].map((userID): Invalid => ({
    title: `msg.config.userID ${JSON.stringify(userID)}`,
    type: 'q2-delete-user',
    node: { userID: userID === '' ? '' : '3' },
    msg: () => ({ config: { userID } }),
    names: [userID === '' ? 'userID' : 'msg.config.userID'],
  })),
  {
    title: 'the node’s own userID "../1"',
    type: 'q2-delete-user',
    node: { userID: '../1' },
    msg: () => ({}),
    names: ['userID'],
  },
  {
    title: 'msg.config.customerID "../DeleteUser/1"',
    type: 'q2-delete-customer',
    node: { customerID: '3' },
    msg: () => ({ config: { customerID: '../DeleteUser/1' } }),
    names: ['msg.config.customerID'],
  },
  // ---- settings ----
  {
    title: 'msg.config.apiVersion "v3"',
    type: 'q2-delete-user',
    node: { userID: '3' },
    msg: () => ({ config: { apiVersion: 'v3' } }),
    names: ['msg.config.apiVersion'],
  },
  {
    title: 'msg.config.baseUrl "ftp://x"',
    type: 'q2-delete-user',
    node: { userID: '3' },
    msg: () => ({ config: { baseUrl: 'ftp://x' } }),
    names: ['msg.config.baseUrl'],
  },
  {
    title: 'msg.config.baseUrl "ftp://x" on Get Token',
    type: 'q2-get-token',
    msg: () => ({ config: { baseUrl: 'ftp://x' } }),
    names: ['msg.config.baseUrl'],
  },
  {
    title: 'msg.config.grant_type "password"',
    type: 'q2-get-token',
    msg: () => ({ config: { grant_type: 'password' } }),
    names: ['msg.config.grant_type'],
  },
  {
    title: 'msg.config.client_id as a number, with a client_secret',
    type: 'q2-get-token',
    msg: () => ({ config: { client_id: 7, client_secret: 'a-very-private-secret' } }),
    names: ['msg.config.client_id'],
    secret: ['a-very-private-secret'],
  },
  {
    title: 'msg.config.client_secret as an object',
    type: 'q2-get-token',
    msg: () => ({ config: { client_secret: { value: 'a-very-private-secret' } } }),
    names: ['msg.config.client_secret'],
    secret: ['a-very-private-secret'],
  },
  // ---- Lookup Customer / Lookup User ----
  {
    title: 'msg.config.includePhone "maybe"',
    type: 'q2-lookup-customer',
    credentials: { taxID: TAX_ID },
    msg: () => ({ config: { includePhone: 'maybe' } }),
    names: ['msg.config.includePhone'],
    secret: [TAX_ID],
  },
  {
    title: 'no taxID (neither the node nor msg.config)',
    type: 'q2-lookup-customer',
    msg: () => ({ config: { includePhone: true } }),
    names: ['taxID', 'msg.config.taxID'],
  },
  {
    title: 'msg.config.ssn as a number',
    type: 'q2-lookup-user',
    msg: () => ({ config: { ssn: 123456789 } }),
    names: ['msg.config.ssn'],
    secret: [SSN],
  },
  {
    title: 'msg.config.includeAuthToken "yes"',
    type: 'q2-lookup-user',
    msg: () => ({ config: { ssn: '222334444', includeAuthToken: 'yes' } }),
    names: ['msg.config.includeAuthToken'],
    secret: ['222334444'],
  },
  // ---- Get Account List ----
  {
    title: 'none of username, customerID, userID',
    type: 'q2-get-account-list',
    node: { username: '', customerID: '', userID: '', accountTypes: 'Deposit' },
    msg: () => ({ config: { accessLevel: '2' } }),
    names: ['msg.config.username', 'msg.config.customerID', 'msg.config.userID'],
  },
  {
    title: 'msg.config.accountTypes with spaces',
    type: 'q2-get-account-list',
    node: { username: 'retail0' },
    msg: () => ({ config: { accountTypes: 'Deposit, Loan' } }),
    names: ['msg.config.accountTypes'],
  },
  {
    title: 'msg.config.accessLevel 9',
    type: 'q2-get-account-list',
    node: { username: 'retail0' },
    msg: () => ({ config: { accessLevel: 9 } }),
    names: ['msg.config.accessLevel'],
  },
  {
    title: 'msg.config.customerID "abc"',
    type: 'q2-get-account-list',
    msg: () => ({ config: { customerID: 'abc' } }),
    names: ['msg.config.customerID'],
  },
  // ---- the message's own token ----
  {
    title: 'msg.config.accessToken as a number',
    type: 'q2-delete-user',
    node: { userID: '3' },
    msg: () => ({ config: { accessToken: 987654321 } }),
    names: ['msg.config.accessToken'],
    secret: ['987654321'],
  },
  {
    title: 'msg.config.accessToken as an object',
    type: 'q2-lookup-user',
    credentials: { ssn: SSN },
    msg: () => ({ config: { accessToken: { token: 'tok-abcdef-123456' } } }),
    names: ['msg.config.accessToken'],
    secret: ['tok-abcdef-123456', SSN],
  },
  // ---- Enrollment ----
  {
    title: 'an Enrollment without Customer.City',
    type: 'q2-enrollment',
    msg: () => ({ payload: enrollment((e) => delete (e.Customer as Partial<Enrollment['Customer']>).City) }),
    names: ['msg.payload.Customer.City'],
    secret: ['5121234567', '13785 Research Blvd'],
  },
  {
    title: 'an Enrollment with PhoneType "Fax"',
    type: 'q2-enrollment',
    msg: () => ({ payload: enrollment((e) => (e.Customer.Phones[0].PhoneType = 'Fax')) }),
    names: ['msg.payload.Customer.Phones[0].PhoneType'],
    secret: ['5121234567'],
  },
  {
    title: 'an Enrollment with GroupID "x"',
    type: 'q2-enrollment',
    msg: () => ({ payload: enrollment((e) => ((e.User as Record<string, unknown>).GroupID = 'x')) }),
    names: ['msg.payload.User.GroupID'],
  },
  {
    title: 'an Enrollment without User',
    type: 'q2-enrollment',
    msg: () => ({ payload: enrollment((e) => delete (e as Record<string, unknown>).User) }),
    names: ['msg.payload.User'],
  },
  {
    title: 'an Enrollment in another data property (dataProperty "enrollment"), without Customer.City',
    type: 'q2-enrollment',
    node: { dataProperty: 'enrollment' },
    msg: () => ({ payload: structuredClone(ENROLLMENT), enrollment: enrollment((e) => delete (e.Customer as Partial<Enrollment['Customer']>).City) }),
    names: ['msg.enrollment.Customer.City'],
  },
  {
    title: 'an Enrollment where the data property (dataProperty "enrollment") is missing',
    type: 'q2-enrollment',
    node: { dataProperty: 'enrollment' },
    msg: () => ({ payload: structuredClone(ENROLLMENT) }),
    names: ['msg.enrollment'],
  },
  // ---- Add External Account ----
  {
    title: 'an Add External Account with an ABA of 8 digits',
    type: 'q2-add-external-account',
    msg: () => ({ payload: [{ Account: { ...ACCOUNT, ABA: '02222222' } }] }),
    names: ['msg.payload[0].Account.ABA'],
    secret: ['02222222', '99887766'],
  },
  {
    title: 'an Add External Account whose second account has an ABA of 8 digits',
    type: 'q2-add-external-account',
    msg: () => ({ payload: { AddExternalAccountRequest: [{ Account: { ...ACCOUNT } }, { Account: { ...ACCOUNT, ABA: '01100001', Account: '55443322' } }] } }),
    names: ['msg.payload[1].Account.ABA'],
    secret: ['01100001', '55443322'],
  },
  {
    title: 'an Add External Account without LogonName or UserID',
    type: 'q2-add-external-account',
    msg: () => {
      const { LogonName: _dropped, ...account } = ACCOUNT;
      return { payload: { Account: account } };
    },
    names: ['msg.payload[0].Account', 'LogonName', 'UserID'],
    secret: ['99887766', '022222222'],
  },
  {
    title: 'an Add External Account with an empty array',
    type: 'q2-add-external-account',
    msg: () => ({ payload: [] }),
    names: ['msg.payload'],
  },
  {
    title: 'an Add External Account with a string payload',
    type: 'q2-add-external-account',
    msg: () => ({ payload: '022222222,99887766' }),
    names: ['msg.payload'],
    secret: ['022222222', '99887766'],
  },
  {
    title: 'an Add External Account with a number payload',
    type: 'q2-add-external-account',
    msg: () => ({ payload: 99887766 }),
    names: ['msg.payload'],
    secret: ['99887766'],
  },
  {
    title: 'an Add External Account with no payload',
    type: 'q2-add-external-account',
    msg: () => ({}),
    names: ['msg.payload'],
  },
  {
    title: 'an Add External Account in msg.accounts (dataProperty "accounts") with an ABA of 8 digits',
    type: 'q2-add-external-account',
    node: { dataProperty: 'accounts' },
    msg: () => ({ payload: [{ Account: { ...ACCOUNT } }], accounts: [{ Account: { ...ACCOUNT, ABA: '02222222' } }] }),
    names: ['msg.accounts[0].Account.ABA'],
    secret: ['02222222'],
  },
];

type StatusSpy = SinonSpy<[string | NodeStatus], void>;

/** The last status the node under test set (the helper spies on Node.prototype.status, shared by all nodes). */
function lastStatusOf(id: string): NodeStatus | undefined {
  const node = helper.getNode(id);
  const spy = node.status as unknown as StatusSpy;
  const mine = spy.getCalls().filter((call) => call.thisValue === node);
  const last = mine.at(-1)?.args[0];
  return typeof last === 'string' ? { text: last } : last;
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('invalid input reaches Catch, naming the field, and nothing is sent', () => {
  useSimulator(ctx);
  for (const c of cases) {
    it(`${paletteLabel(c.type)}: ${c.title}`, async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ id: 'n1', type: c.type, ...c.node }]), c.credentials ? { n1: c.credentials } : {});
      assert.equal(sim.server.requests.length, 0, 'nothing was sent at deploy');

      const { out, caught } = await send(c.msg());
      assert.equal(out, undefined, 'the message must not reach the output');
      assert.ok(caught?.error, 'the message reached Catch with an error');
      const text = caught.error.message;

      for (const name of c.names) assert.ok(text.includes(name), `the error names ${name}: "${text}"`);
      for (const value of c.secret ?? []) assert.equal(text.includes(value), false, `the error does not contain a personal value: "${text}"`);

      await settle(50); // a request sent after the error would still be recorded
      assert.deepEqual(
        sim.server.requests.map((r) => `${r.method} ${r.path}`),
        [],
        'the simulator saw no request at all, not even a token request',
      );

      const status = lastStatusOf('n1');
      assert.ok(status, 'the node set a status');
      assert.equal(status.fill, 'red');
      assert.equal(status.shape, 'ring');
      assert.equal(typeof status.text, 'string');
      assert.match(String(status.text), /invalid/i);
      for (const value of c.secret ?? []) assert.equal(String(status.text).includes(value), false, 'the status does not contain a personal value');

      assert.ok(text.startsWith(`${paletteLabel(c.type)}: `), `the error starts with the node's label "${paletteLabel(c.type)}: " (got "${text}")`);
    });
  }

  it('a sensitive value in msg.config is removed from the message that reaches Catch', async () => {
    const { sim } = ctx;
    await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-lookup-user' }]));
    const { caught } = await send({ config: { ssn: 123456789, includeAuthToken: true, accessToken: 'tok-abcdef-123456' } });
    assert.ok(caught?.error);
    const config = caught.config as Record<string, unknown>;
    assert.equal(config.includeAuthToken, true, 'the other keys are kept');
    assert.equal('ssn' in config, false);
    assert.equal('accessToken' in config, false);
    assert.equal(sim.server.requests.length, 0);
  });

  it('after an invalid message the node works for the next valid one (the status turns green)', async () => {
    const { sim } = ctx;
    await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-delete-user', userID: '3' }]));
    const bad = await send({ config: { userID: '../1' } });
    assert.ok(bad.caught);
    assert.equal(sim.server.requests.length, 0);
    const good: { out?: Msg; caught?: Msg } = await send({});
    assert.equal(good.caught, undefined, good.caught?.error?.message);
    assert.ok(good.out);
    assert.deepEqual(
      sim.server.requests.filter((r) => !r.path.endsWith('/oauth2/token')).map((r) => `${r.method} ${r.path}`),
      ['DELETE /v2/DeleteUser/3'],
    );
    const status = lastStatusOf('n1');
    assert.equal(status?.fill, 'green');
  });
});

// ---- unit level: a path value stays inside its segment --------------------------------------------------------

describe('lib/request/build: a path value cannot change the route', () => {
  useSimulator(ctx);
  const deleteUser = platformOperations.find((op) => op.type === 'q2-delete-user') as OperationSpec;
  const effective = (baseUrl: string, userID: string): Effective => ({ baseUrl, apiVersion: 'v2', userID });

  it('encodeSegment percent-encodes / ? # and . (and decodes back to the value)', () => {
    const value = '../x?y#z';
    const encoded = encodeSegment(value);
    assert.doesNotMatch(encoded, /[/?#.]/, encoded);
    assert.match(encoded, /%2E%2E%2Fx%3Fy%23z/i);
    assert.equal(decodeURIComponent(encoded), value);
  });

  it('buildUrl keeps ../x?y#z inside the DeleteUser segment: same path depth, no query, no fragment', () => {
    const url = new URL(buildUrl(deleteUser, effective('https://stage.q2api.example/', '../x?y#z')));
    assert.equal(url.origin, 'https://stage.q2api.example');
    assert.equal(url.search, '');
    assert.equal(url.hash, '');
    const segments = url.pathname.split('/');
    assert.deepEqual(segments.slice(0, 3), ['', 'v2', 'DeleteUser']);
    assert.equal(segments.length, 4, url.pathname);
    assert.equal(decodeURIComponent(segments[3]), '../x?y#z');
  });

  it('buildUrl puts query values in the query string only (Get Account List)', () => {
    const list = platformOperations.find((op) => op.type === 'q2-get-account-list') as OperationSpec;
    const url = new URL(buildUrl(list, { baseUrl: 'https://h', apiVersion: 'v2', username: 'a&user_id=1#x' }));
    assert.equal(url.pathname, '/v2/GetAccountList');
    assert.equal(url.hash, '');
    assert.deepEqual([...url.searchParams.entries()], [['username', 'a&user_id=1#x']]);
  });

  // Over real HTTP (the pack's own HttpClient, i.e. axios, which parses the URL with WHATWG URL rules): the
  // simulator must see exactly one segment after /v2/DeleteUser/, holding the value. "." and ".." cannot be kept
  // in a segment by any percent-encoding (WHATWG URL treats "%2E%2E" as ".."), so for those buildUrl may instead
  // refuse the value by throwing; what it must not do is return a URL that leaves the route.
  const values: Array<{ value: string; mayRefuse?: boolean }> = [
    { value: '../x?y#z' },
    { value: 'a/b' },
    { value: '?' },
    { value: '#' },
    { value: '%2e%2e' },
    { value: '..', mayRefuse: true },
    { value: '.', mayRefuse: true },
  ];
  for (const { value, mayRefuse } of values) {
    it(`over HTTP, the value ${JSON.stringify(value)} arrives as one segment of DeleteUser${mayRefuse ? ', or is refused' : ''}`, async () => {
      const { sim } = ctx;
      let url: string;
      try {
        url = buildUrl(deleteUser, effective(sim.url, value));
      } catch (err) {
        assert.ok(mayRefuse, `buildUrl refused ${JSON.stringify(value)}: ${String(err)}`);
        assert.ok(err instanceof Error);
        return;
      }
      const client = new HttpClient({ timeoutMs: 5000 });
      try {
        await client.send({ method: 'DELETE', url, headers: {} });
      } finally {
        client.close();
      }
      assert.equal(sim.server.requests.length, 1);
      const [request] = sim.server.requests;
      const segments = request.path.split('/');
      assert.deepEqual(segments.slice(0, 3), ['', 'v2', 'DeleteUser'], `the route changed: ${url} arrived as ${request.path}`);
      assert.equal(segments.length, 4, `the route changed: ${url} arrived as ${request.path}`);
      assert.equal(decodeURIComponent(segments[3]), value);
      assert.deepEqual(request.query, {});
    });
  }
});
