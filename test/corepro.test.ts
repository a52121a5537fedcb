/**
 * The CorePro/Helix external-account node (issue 5) through the real Node-RED runtime against the simulator's
 * Helix module (docs/api-notes.md §3, C1–C5):
 *  - the eight operations: method, path (the docs' casing, path values URL-encoded), HTTP Basic with the
 *    connection's key and secret, the body as sent; msg.payload = the envelope, msg.statusCode, msg.q2.requestId;
 *    msg.config.operation and the customerId / externalAccountId / tag parameters (node or msg.config) merged over
 *    the body;
 *  - every validation rule rejects a bad body before anything is sent, naming the field;
 *  - the limit, uniqueness, verification-lock and daily-archive rules reach Catch with their Helix error code, the
 *    message and the requestId, and no unmasked account or routing number;
 *  - the micro-deposit journey; throttle in msg.q2.throttle; 429 retried once; a connection without a key.
 */
import assert from 'node:assert/strict';
import type { RecordedRequest, RunningSimulator } from '../lib/simulator';
import { COREPRO_CREDENTIALS, coreproFlowWith, loadCorePro, send, simulatorContext, useSimulator, type FlowNode, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();

const TYPE = 'q2-corepro-external-account';
const LABEL = 'External Account';
const BASIC = `Basic ${Buffer.from('example1:example1', 'utf8').toString('base64')}`;

interface HelixErrorItem {
  code: number;
  message: string;
}

interface Envelope {
  data?: unknown;
  errors: HelixErrorItem[];
  requestId: string;
  status: number;
  throttle?: { limit: number; remaining: number; reset: number };
}

type Account = Record<string, unknown> & { externalAccountId: number; status: string };

/** A valid create/initiate body for customer 1002 (no accounts in the seed). */
const ACCOUNT_NUMBER = '000111222333';
const ROUTING_NUMBER = '021000021';
function newAccount(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { customerId: 1002, type: 'Checking', routingNumber: '123456789', accountNumber: ACCOUNT_NUMBER, firstName: 'Bob', lastName: 'Example', ...extra };
}

function node(props: Record<string, unknown>): FlowNode {
  return { id: 'n1', type: TYPE, name: '', ...props };
}

async function deploy(props: Record<string, unknown>, credentials?: Record<string, Record<string, string>>): Promise<RunningSimulator> {
  const { sim } = ctx;
  await loadCorePro(coreproFlowWith(sim.url, [node(props)]), credentials);
  return sim;
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The message reached the output: returns it and its envelope. */
function success(outcome: Outcome): { out: Msg; env: Envelope } {
  assert.equal(outcome.caught, undefined, outcome.caught?.error?.message);
  const { out } = outcome;
  assert.ok(out, 'the message reached the output');
  const env = out.payload as Envelope;
  assert.equal(out.statusCode, 200);
  assert.equal(env.status, 200);
  assert.deepEqual(env.errors, []);
  assert.equal(typeof env.requestId, 'string');
  assert.ok(env.requestId.length > 0);
  assert.equal(out.q2?.requestId, env.requestId, 'msg.q2.requestId is the envelope requestId');
  for (const key of Object.keys(env)) assert.ok(['data', 'errors', 'requestId', 'status', 'throttle'].includes(key), `msg.payload is the envelope (${key})`);
  return { out, env };
}

/** The message reached Catch: returns it and its error text. */
function failure(outcome: Outcome): { caught: Msg; text: string } {
  assert.equal(outcome.out, undefined, 'the message must not reach the output');
  const { caught } = outcome;
  assert.ok(caught?.error, 'the message reached Catch with an error');
  const text = caught.error.message;
  assert.ok(text.startsWith(`${LABEL}: `), `the error starts with the node's label: "${text}"`);
  return { caught, text };
}

/** The one request the simulator saw, with the connection's Basic credentials and JSON headers. */
function onlyCall(sim: RunningSimulator): RecordedRequest {
  assert.equal(sim.server.requests.length, 1, sim.server.requests.map((r) => `${r.method} ${r.path}`).join(', '));
  const [call] = sim.server.requests;
  assert.equal(call.headers.authorization, BASIC, 'Authorization: Basic base64(apiKey:apiSecret)');
  assert.equal(call.headers.accept, 'application/json');
  return call;
}

function assertPost(call: RecordedRequest, path: string, body: Record<string, unknown>): void {
  assert.equal(call.method, 'POST');
  assert.equal(call.path, path);
  assert.deepEqual(call.query, {});
  assert.equal(call.headers['content-type'], 'application/json');
  assert.deepEqual(call.body, body, 'the body as sent');
}

function assertGet(call: RecordedRequest, path: string): void {
  assert.equal(call.method, 'GET');
  assert.equal(call.path, path);
  assert.deepEqual(call.query, {});
  assert.equal(call.rawBody, '', 'a GET sends no body');
}

/** Initiates an Unverified account for customer 1002 through the node (msg.config.operation) and forgets the request. */
async function initiateThroughNode(sim: RunningSimulator, extra: Record<string, unknown> = {}): Promise<number> {
  const { env } = success(await send({ config: { operation: 'initiate' }, payload: newAccount(extra) }));
  const id = (env.data as { externalAccountId: number }).externalAccountId;
  assert.equal(sim.helix.account(id)?.status, 'Unverified');
  sim.server.clearRequests();
  return id;
}

describe('CorePro/Helix external account node (q2-corepro-external-account) against the simulator', () => {
  useSimulator(ctx);

  describe('CorePro external account: the eight operations', () => {
    it('create: POST /externalAccount/create with the body; data.externalAccountId; the account is Verified', async () => {
      const sim = await deploy({ operation: 'create' });
      const body = newAccount({ nickName: 'Bob Checking', tag: 'bob-checking', customField1: 'crm-17' });
      const { out, env } = success(await send({ payload: body }));
      const call = onlyCall(sim);
      assertPost(call, '/externalAccount/create', body);
      assert.deepEqual(env.data, { externalAccountId: 3004 });
      assert.equal(sim.helix.account(3004)?.status, 'Verified');
      assert.equal(typeof out.q2?.durationMs, 'number');
    });

    it('initiate: POST /externalAccount/initiate, customerId from the node merged into the body; Unverified', async () => {
      const sim = await deploy({ operation: 'initiate', customerId: '1002' });
      const { customerId: _omitted, ...withoutCustomer } = newAccount();
      const { env } = success(await send({ payload: withoutCustomer }));
      assertPost(onlyCall(sim), '/externalAccount/initiate', { ...withoutCustomer, customerId: 1002 });
      assert.deepEqual(env.data, { externalAccountId: 3004 });
      assert.equal(sim.helix.account(3004)?.status, 'Unverified');
      assert.deepEqual(sim.helix.microDepositsFor(3004), [0.18, 0.28]);
    });

    it('verify: POST /externalAccount/verify with the amounts, externalAccountId from msg.config; Verified', async () => {
      const sim = await deploy({ operation: 'verify', customerId: '1002' });
      const id = await initiateThroughNode(sim);
      const { env } = success(await send({ config: { externalAccountId: id }, payload: { amount1: 0.28, amount2: 0.18 } }));
      assertPost(onlyCall(sim), '/externalAccount/verify', { amount1: 0.28, amount2: 0.18, customerId: 1002, externalAccountId: id });
      assert.equal('data' in env, false, 'no data: Helix leaves it out when null');
      assert.equal(sim.helix.account(id)?.status, 'Verified');
    });

    it('update: POST /externalAccount/update with the fields to change', async () => {
      const sim = await deploy({ operation: 'update' });
      const body = { customerId: 1001, externalAccountId: 3001, nickName: 'Main Checking', customField2: 'ref-2' };
      success(await send({ payload: body }));
      assertPost(onlyCall(sim), '/externalAccount/update', body);
      assert.equal(sim.helix.account(3001)?.nickName, 'Main Checking');
      assert.equal(sim.helix.account(3001)?.customField2, 'ref-2');
    });

    it('archive: POST /externalAccount/archive with only the ids when msg.payload is not an object (an inject timestamp)', async () => {
      const sim = await deploy({ operation: 'archive', customerId: '1001', externalAccountId: '3001' });
      success(await send({ payload: 1717000000000 }));
      assertPost(onlyCall(sim), '/externalAccount/archive', { customerId: 1001, externalAccountId: 3001 });
      assert.equal(sim.helix.account(3001)?.status, 'Archived');
    });

    it('get: GET /externalAccount/get/{customerId}/{externalAccountId}; data is the account', async () => {
      const sim = await deploy({ operation: 'get', customerId: '1001', externalAccountId: '3001' });
      const { env } = success(await send({ payload: 'ignored' }));
      assertGet(onlyCall(sim), '/externalAccount/get/1001/3001');
      const data = env.data as Account;
      assert.equal(data.accountNumberMasked, '******6789');
      assert.deepEqual(data, sim.helix.account(3001));
    });

    it('getByTag: GET /externalAccount/getByTag/{customerId}/{tag} with the node’s tag', async () => {
      const sim = await deploy({ operation: 'getByTag', customerId: '1001', tag: 'alice-checking' });
      const { env } = success(await send({}));
      assertGet(onlyCall(sim), '/externalAccount/getByTag/1001/alice-checking');
      assert.equal((env.data as Account).externalAccountId, 3001);
    });

    it('getByTag: the tag is URL-encoded inside its segment (/, space, #, ?, . and non-ASCII)', async () => {
      const sim = await deploy({ operation: 'getByTag', customerId: '1002' });
      const tag = 'bob/savings #1?v.2 é';
      success(await send({ config: { operation: 'create' }, payload: newAccount({ tag }) }));
      sim.server.clearRequests();
      const { env } = success(await send({ config: { tag } }));
      assertGet(onlyCall(sim), '/externalAccount/getByTag/1002/bob%2Fsavings%20%231%3Fv%2E2%20%C3%A9');
      assert.equal((env.data as Account).tag, tag);
      assert.equal((env.data as Account).externalAccountId, 3004);
    });

    it('list: GET /externalAccount/list/{customerId}; data is the list', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' });
      const { env } = success(await send({}));
      assertGet(onlyCall(sim), '/externalAccount/list/1001');
      assert.deepEqual(
        (env.data as Account[]).map((a) => [a.externalAccountId, a.status]),
        [
          [3001, 'Verified'],
          [3002, 'Archived'],
        ],
      );
    });
  });

  describe('CorePro external account: msg.config and the node’s properties', () => {
    it('msg.config.operation overrides the node’s operation for that message only', async () => {
      const sim = await deploy({ operation: 'get', customerId: '1001', externalAccountId: '3001' });
      const listed = success(await send({ config: { operation: 'list' } }));
      assert.ok(Array.isArray(listed.env.data));
      const got = success(await send({ config: {} }));
      assert.equal((got.env.data as Account).externalAccountId, 3001);
      assert.deepEqual(
        sim.server.requests.map((r) => `${r.method} ${r.path}`),
        ['GET /externalAccount/list/1001', 'GET /externalAccount/get/1001/3001'],
      );
    });

    it('msg.config.customerId and externalAccountId override the node’s; both are merged over the payload’s', async () => {
      const sim = await deploy({ operation: 'update', customerId: '1001', externalAccountId: '3002' });
      success(await send({ config: { externalAccountId: '3001' }, payload: { customerId: 1003, externalAccountId: 3003, nickName: 'Renamed' } }));
      assertPost(onlyCall(sim), '/externalAccount/update', { customerId: 1001, externalAccountId: 3001, nickName: 'Renamed' });
      assert.equal(sim.helix.account(3001)?.nickName, 'Renamed');
      assert.equal(sim.helix.account(3003)?.nickName, 'Operating', 'the payload’s ids lost');
    });

    it('msg.config.customerId (a digit string) wins over the node’s and is sent as a number', async () => {
      const sim = await deploy({ operation: 'initiate', customerId: '1001' });
      success(await send({ config: { customerId: '1002' }, payload: newAccount({ customerId: 1003 }) }));
      assertPost(onlyCall(sim), '/externalAccount/initiate', newAccount({ customerId: 1002 }));
    });

    it('the node’s tag, then msg.config.tag, replace the payload’s tag in a create body', async () => {
      const sim = await deploy({ operation: 'create', tag: 'from-node' });
      success(await send({ payload: newAccount({ tag: 'from-payload' }) }));
      success(await send({ config: { tag: 'from-config' }, payload: newAccount({ tag: 'from-payload', accountNumber: '000111222444' }) }));
      assert.deepEqual(
        sim.server.requests.map((r) => (r.body as Record<string, unknown>).tag),
        ['from-node', 'from-config'],
      );
      assert.equal(sim.helix.account(3004)?.tag, 'from-node');
      assert.equal(sim.helix.account(3005)?.tag, 'from-config');
    });

    it('msg.config.tag overrides the node’s tag in getByTag; msg.config.customerId its customer', async () => {
      const sim = await deploy({ operation: 'getByTag', customerId: '1001', tag: 'no-such-tag' });
      const { env } = success(await send({ config: { customerId: 1003, tag: 'acme-operating' } }));
      assertGet(onlyCall(sim), '/externalAccount/getByTag/1003/acme-operating');
      assert.equal((env.data as Account).externalAccountId, 3003);
    });

    it('a body in another data property (dataProperty "account")', async () => {
      const sim = await deploy({ operation: 'create', dataProperty: 'account' });
      success(await send({ payload: { ignored: true }, account: newAccount() }));
      assertPost(onlyCall(sim), '/externalAccount/create', newAccount());
    });

    it('a business type the server accepts (BusinessChecking, with businessName) is not refused locally (C5)', async () => {
      const sim = await deploy({ operation: 'create' });
      const body = { customerId: 1003, type: 'BusinessChecking', routingNumber: '123456789', accountNumber: '7788990011', businessName: 'Acme Widgets LLC' };
      success(await send({ payload: body }));
      assertPost(onlyCall(sim), '/externalAccount/create', body);
      assert.equal(sim.helix.account(3004)?.type, 'BusinessChecking');
    });

    it('a type word the simulator does not know is left to the server, which answers 62002 at Catch', async () => {
      const sim = await deploy({ operation: 'create' });
      const { text } = failure(await send({ payload: newAccount({ type: 'Brokerage' }) }));
      assert.equal(sim.server.requests.length, 1, 'sent');
      assert.match(text, /62002 Invalid external account type/);
    });
  });

  // ---- validation: nothing is sent ---------------------------------------------------------------------------

  interface Invalid {
    title: string;
    node: Record<string, unknown>;
    msg: () => Record<string, unknown>;
    /** every one of these appears in the error text */
    names: string[];
    /** the error text matches this too */
    match?: RegExp;
    /** values that must not appear in the error text (account and routing numbers) */
    secret?: string[];
  }

  const LONG51 = 'x'.repeat(51);
  const READ_ONLY = ['status', 'statusDate', 'accountNumberMasked', 'routingNumberMasked', 'isActive', 'isLocked', 'lockedDate', 'lastModifiedDate', 'nocCode'];
  const READ_ONLY_VALUES: Record<string, unknown> = {
    status: 'Verified',
    isActive: true,
    isLocked: false,
    accountNumberMasked: '******2333',
    routingNumberMasked: '******6789',
  };
  const EXISTING = { customerId: 1001, externalAccountId: 3001 };
  const AMOUNTS = { customerId: 1002, externalAccountId: 3001, amount1: 0.18, amount2: 0.28 };

  const invalid: Invalid[] = [
    // accountNumber
    ...['create', 'initiate'].map((operation): Invalid => ({
      title: `${operation}: accountNumber of 18 characters`,
      node: { operation },
      msg: () => ({ payload: newAccount({ accountNumber: '123456789012345678' }) }),
      names: ['msg.payload.accountNumber', '17'],
      secret: ['123456789012345678', '12345678901234'],
    })),
    {
      title: 'create: accountNumber as a number',
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ accountNumber: 123456789012 }) }),
      names: ['msg.payload.accountNumber'],
      secret: ['123456789012'],
    },
    {
      title: 'create: no accountNumber',
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ accountNumber: undefined }) }),
      names: ['msg.payload.accountNumber'],
    },
    // routingNumber
    ...['12345678', '1234567890', '12345678a', ''].map((routingNumber): Invalid => ({
      title: `create: routingNumber ${JSON.stringify(routingNumber)}`,
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ routingNumber }) }),
      names: ['msg.payload.routingNumber', 'nine-digit'],
      secret: routingNumber.length > 5 ? [routingNumber, ACCOUNT_NUMBER] : [ACCOUNT_NUMBER],
    })),
    {
      title: 'initiate: routingNumber as a number',
      node: { operation: 'initiate' },
      msg: () => ({ payload: newAccount({ routingNumber: 21000021 }) }),
      names: ['msg.payload.routingNumber'],
      secret: ['21000021'],
    },
    // owner names
    ...['create', 'initiate'].map((operation): Invalid => ({
      title: `${operation}: neither firstName/lastName nor businessName`,
      node: { operation },
      msg: () => ({ payload: newAccount({ firstName: undefined, lastName: undefined }) }),
      names: ['msg.payload', 'firstName', 'lastName', 'businessName'],
      secret: [ACCOUNT_NUMBER],
    })),
    {
      title: 'create: businessName of 101 characters',
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ businessName: 'b'.repeat(101) }) }),
      names: ['msg.payload.businessName', '100'],
    },
    // 50-character fields, in create, initiate and update bodies
    ...['nickName', 'name', 'tag', 'customField1', 'customField2', 'customField3', 'customField4', 'customField5'].flatMap((field): Invalid[] => [
      {
        title: `create: ${field} of 51 characters`,
        node: { operation: 'create' },
        msg: () => ({ payload: newAccount({ [field]: LONG51 }) }),
        names: [`msg.payload.${field}`, '50'],
      },
      {
        title: `update: ${field} of 51 characters`,
        node: { operation: 'update' },
        msg: () => ({ payload: { ...EXISTING, [field]: LONG51 } }),
        names: [`msg.payload.${field}`, '50'],
      },
    ]),
    {
      title: 'initiate: nickName of 51 characters',
      node: { operation: 'initiate' },
      msg: () => ({ payload: newAccount({ nickName: LONG51 }) }),
      names: ['msg.payload.nickName', '50'],
    },
    {
      title: 'create: nickName as a number',
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ nickName: 7 }) }),
      names: ['msg.payload.nickName'],
    },
    // tag as a parameter (node or msg.config)
    {
      title: 'create: msg.config.tag of 51 characters',
      node: { operation: 'create' },
      msg: () => ({ config: { tag: LONG51 }, payload: newAccount() }),
      names: ['msg.config.tag', '50'],
    },
    {
      title: 'getByTag: the node’s tag of 51 characters',
      node: { operation: 'getByTag', customerId: '1001', tag: LONG51 },
      msg: () => ({}),
      names: ['tag', '50'],
    },
    { title: 'getByTag: no tag', node: { operation: 'getByTag', customerId: '1001' }, msg: () => ({}), names: ['tag', 'msg.config.tag'] },
    // lockedReason
    {
      title: 'create: lockedReason of 256 characters',
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ lockedReason: 'r'.repeat(256) }) }),
      names: ['msg.payload.lockedReason', '255'],
    },
    {
      title: 'update: lockedReason of 256 characters',
      node: { operation: 'update' },
      msg: () => ({ payload: { ...EXISTING, lockedReason: 'r'.repeat(256) } }),
      names: ['msg.payload.lockedReason', '255'],
    },
    // type
    ...['Checking!', '123', 'Checking; DROP', '', 'C'.repeat(51)].map((type): Invalid => ({
      title: `create: type ${JSON.stringify(type.length > 20 ? `${type.slice(0, 8)}…` : type)}`,
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ type }) }),
      names: ['msg.payload.type'],
    })),
    { title: 'initiate: type as a number', node: { operation: 'initiate' }, msg: () => ({ payload: newAccount({ type: 2 }) }), names: ['msg.payload.type'] },
    { title: 'create: no type', node: { operation: 'create' }, msg: () => ({ payload: newAccount({ type: undefined }) }), names: ['msg.payload.type'] },
    // verify amounts
    {
      title: 'verify: amount1 0.185 (three decimals)',
      node: { operation: 'verify' },
      msg: () => ({ payload: { ...AMOUNTS, amount1: 0.185 } }),
      names: ['msg.payload.amount1'],
    },
    {
      title: 'verify: amount2 "0.18" (a string)',
      node: { operation: 'verify' },
      msg: () => ({ payload: { ...AMOUNTS, amount2: '0.18' } }),
      names: ['msg.payload.amount2'],
    },
    {
      title: 'verify: no amount2',
      node: { operation: 'verify' },
      msg: () => ({ payload: { ...AMOUNTS, amount2: undefined } }),
      names: ['msg.payload.amount2'],
    },
    {
      title: 'verify: no amounts at all',
      node: { operation: 'verify', customerId: '1002', externalAccountId: '3001' },
      msg: () => ({ payload: {} }),
      names: ['msg.payload.amount1'],
    },
    { title: 'verify: amount1 0', node: { operation: 'verify' }, msg: () => ({ payload: { ...AMOUNTS, amount1: 0 } }), names: ['msg.payload.amount1'] },
    { title: 'verify: amount2 1.5', node: { operation: 'verify' }, msg: () => ({ payload: { ...AMOUNTS, amount2: 1.5 } }), names: ['msg.payload.amount2'] },
    {
      title: 'verify: no externalAccountId anywhere',
      node: { operation: 'verify', customerId: '1002' },
      msg: () => ({ payload: { amount1: 0.18, amount2: 0.28 } }),
      names: ['msg.payload.externalAccountId'],
    },
    // read-only fields
    ...READ_ONLY.flatMap((field): Invalid[] => [
      {
        title: `create: read-only ${field}`,
        node: { operation: 'create' },
        msg: () => ({ payload: newAccount({ [field]: READ_ONLY_VALUES[field] ?? '2024-01-01T00:00:00.000+00:00' }) }),
        names: [`msg.payload.${field}`],
        match: /set by the API and cannot be sent/,
      },
      {
        title: `update: read-only ${field}`,
        node: { operation: 'update' },
        msg: () => ({ payload: { ...EXISTING, nickName: 'X', [field]: READ_ONLY_VALUES[field] ?? '2024-01-01T00:00:00.000+00:00' } }),
        names: [`msg.payload.${field}`],
        match: /set by the API and cannot be sent/,
      },
    ]),
    {
      title: 'initiate: read-only status',
      node: { operation: 'initiate' },
      msg: () => ({ payload: newAccount({ status: 'Verified' }) }),
      names: ['msg.payload.status'],
      match: /set by the API/,
    },
    {
      title: 'create: externalAccountId (assigned by the API)',
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ externalAccountId: 3001 }) }),
      names: ['msg.payload.externalAccountId'],
      match: /assigned by the API/,
    },
    ...['accountNumber', 'routingNumber', 'type'].map((field): Invalid => ({
      title: `update: ${field} cannot be changed`,
      node: { operation: 'update' },
      msg: () => ({ payload: { ...EXISTING, [field]: field === 'type' ? 'Savings' : '123456789' } }),
      names: [`msg.payload.${field}`],
      match: /cannot be changed/,
      secret: ['123456789'],
    })),
    // operation
    {
      title: 'msg.config.operation "delete"',
      node: { operation: 'list', customerId: '1001' },
      msg: () => ({ config: { operation: 'delete' } }),
      names: ['msg.config.operation', 'create', 'getByTag', 'list'],
    },
    {
      title: 'msg.config.operation "List" (operation names are exact)',
      node: { operation: 'get', customerId: '1001', externalAccountId: '3001' },
      msg: () => ({ config: { operation: 'List' } }),
      names: ['msg.config.operation'],
    },
    {
      title: 'msg.config.operation as a number',
      node: { operation: 'list', customerId: '1001' },
      msg: () => ({ config: { operation: 3 } }),
      names: ['msg.config.operation'],
    },
    { title: 'the node’s operation "remove"', node: { operation: 'remove', customerId: '1001' }, msg: () => ({}), names: ['operation'] },
    // ids and bodies
    {
      title: 'list: msg.config.customerId "abc"',
      node: { operation: 'list', customerId: '1001' },
      msg: () => ({ config: { customerId: 'abc' } }),
      names: ['msg.config.customerId'],
    },
    {
      title: 'get: msg.config.externalAccountId "../3002"',
      node: { operation: 'get', customerId: '1001', externalAccountId: '3001' },
      msg: () => ({ config: { externalAccountId: '../3002' } }),
      names: ['msg.config.externalAccountId'],
    },
    {
      title: 'get: no externalAccountId',
      node: { operation: 'get', customerId: '1001' },
      msg: () => ({}),
      names: ['externalAccountId', 'msg.config.externalAccountId'],
    },
    { title: 'list: no customerId', node: { operation: 'list' }, msg: () => ({}), names: ['customerId', 'msg.config.customerId'] },
    {
      title: 'create: customerId "1002" (a string) in the body',
      node: { operation: 'create' },
      msg: () => ({ payload: newAccount({ customerId: '1002' }) }),
      names: ['msg.payload.customerId'],
    },
    {
      title: 'create: msg.payload a string',
      node: { operation: 'create' },
      msg: () => ({ payload: `${ACCOUNT_NUMBER},${ROUTING_NUMBER}` }),
      names: ['msg.payload'],
      secret: [ACCOUNT_NUMBER, ROUTING_NUMBER],
    },
    { title: 'update: msg.payload missing', node: { operation: 'update' }, msg: () => ({}), names: ['msg.payload'] },
    {
      title: 'create in msg.account (dataProperty "account"): routingNumber of 8 digits',
      node: { operation: 'create', dataProperty: 'account' },
      msg: () => ({ payload: newAccount(), account: newAccount({ routingNumber: '02100002' }) }),
      names: ['msg.account.routingNumber'],
      secret: ['02100002'],
    },
    { title: 'msg.config as a string', node: { operation: 'list', customerId: '1001' }, msg: () => ({ config: 'list' }), names: ['msg.config'] },
  ];

  describe('CorePro external account: invalid input reaches Catch, naming the field, and nothing is sent', () => {
    for (const c of invalid) {
      it(c.title, async () => {
        const sim = await deploy(c.node);
        const { caught, text } = failure(await send(c.msg()));
        for (const name of c.names) assert.ok(text.includes(name), `the error names ${name}: "${text}"`);
        if (c.match) assert.match(text, c.match);
        for (const value of c.secret ?? []) assert.equal(text.includes(value), false, `the error does not contain ${value}: "${text}"`);
        assert.equal(caught.statusCode, undefined, 'no HTTP status: nothing was sent');
        await settle(50);
        assert.deepEqual(
          sim.server.requests.map((r) => `${r.method} ${r.path}`),
          [],
          'the simulator saw nothing',
        );
      });
    }
  });

  // ---- the documented rules: Helix error codes at Catch ---------------------------------------------------------

  /** The Catch text names the code(s), the message and the requestId; the same envelope is in msg.payload. */
  function helixFailure(outcome: Outcome, status: number, code: number, message: string | RegExp, secrets: string[] = [ACCOUNT_NUMBER]): string {
    const { caught, text } = failure(outcome);
    const env = caught.payload as Envelope;
    assert.equal(caught.statusCode, status);
    assert.equal(env.status, status);
    assert.deepEqual(
      env.errors.map((e) => e.code),
      [code],
    );
    if (typeof message === 'string') assert.equal(env.errors[0].message, message);
    else assert.match(env.errors[0].message, message);
    assert.ok(text.includes(String(code)), `the error names the code ${code}: "${text}"`);
    assert.ok(text.includes(`${code} ${env.errors[0].message}`), `the error names the code and the message: "${text}"`);
    assert.ok(env.requestId && text.includes(env.requestId), `the error names the requestId ${env.requestId}: "${text}"`);
    assert.equal(caught.q2?.requestId, env.requestId);
    for (const value of [...secrets, '123456789']) assert.equal(text.includes(value), false, `the error does not contain ${value}: "${text}"`);
    return text;
  }

  describe('CorePro external account: the documented rules reach Catch with their Helix code', () => {
    it('the per-customer limit on create: 62001', async () => {
      const sim = await deploy({ operation: 'create' });
      sim.helix.setPerUserExternalAccountCountMax(2); // 1001 has 3001 (Verified) and 3002 (Archived, settled within 90 days)
      helixFailure(await send({ payload: newAccount({ customerId: 1001 }) }), 400, 62001, 'At most 2 external account(s) may be added');
      assert.equal(sim.server.requests.length, 1);
      assert.equal(sim.helix.state.accounts.length, 3, 'nothing created');
    });

    it('the per-customer limit on initiate: 62609 (Unverified accounts count)', async () => {
      const sim = await deploy({ operation: 'initiate' });
      sim.helix.setPerUserExternalAccountCountMax(1);
      success(await send({ payload: newAccount() }));
      helixFailure(await send({ payload: newAccount({ accountNumber: '000111222444' }) }), 400, 62609, 'At most 1 external account(s) may be added', [
        '000111222444',
      ]);
    });

    it('a tag already used in the program: 62003 on create', async () => {
      await deploy({ operation: 'create' });
      helixFailure(await send({ payload: newAccount({ tag: 'alice-checking' }) }), 400, 62003, 'Tag is already in use');
    });

    it('a tag already used in the program: 62008 on initiate (C2: per endpoint)', async () => {
      await deploy({ operation: 'initiate', tag: 'acme-operating' });
      helixFailure(await send({ payload: newAccount() }), 400, 62008, 'Tag is already in use');
    });

    it('a nickname the customer already uses: 62602 on initiate', async () => {
      await deploy({ operation: 'initiate' });
      helixFailure(
        await send({ payload: newAccount({ customerId: 1001, nickName: 'Alice Checking' }) }),
        400,
        62602,
        'Nick name already exists for this customer',
      );
    });

    it('wrong micro-deposits: 62207 with the attempts left, then 62206 and VerifyLocked (C3: re-read shows it)', async () => {
      const sim = await deploy({ operation: 'verify', customerId: '1002' });
      const id = await initiateThroughNode(sim);
      // a fresh message each time: the node writes the response envelope into msg.payload
      const wrong = (): Record<string, unknown> => ({ config: { externalAccountId: id }, payload: { amount1: 0.01, amount2: 0.02 } });
      helixFailure(await send(wrong()), 400, 62207, 'The amounts do not match; 2 attempt(s) remaining');
      helixFailure(await send(wrong()), 400, 62207, 'The amounts do not match; 1 attempt(s) remaining');
      helixFailure(await send(wrong()), 400, 62206, 'Too many failed attempts; verification is locked');
      helixFailure(
        await send({ config: { externalAccountId: id }, payload: { amount1: 0.18, amount2: 0.28 } }),
        400,
        62206,
        'Too many failed attempts; verification is locked',
      );
      assert.equal(sim.server.requests.length, 4, 'each attempt was sent');
      const { env } = success(await send({ config: { operation: 'get', externalAccountId: id } }));
      assert.equal((env.data as Account).status, 'VerifyLocked');
    });

    it('a fourth archive on the same day: 62004; the next day archiving works again', async () => {
      const sim = await deploy({ operation: 'create', customerId: '1002' });
      let now = new Date('2025-06-10T12:00:00.000Z');
      sim.helix.setClock(() => now);
      const ids: number[] = [];
      for (const accountNumber of ['100000000001', '100000000002', '100000000003', '100000000004']) {
        const { env } = success(await send({ payload: newAccount({ accountNumber }) }));
        ids.push((env.data as { externalAccountId: number }).externalAccountId);
      }
      for (const id of ids.slice(0, 3)) success(await send({ config: { operation: 'archive', externalAccountId: id } }));
      helixFailure(
        await send({ config: { operation: 'archive', externalAccountId: ids[3] } }),
        400,
        62004,
        'At most 3 external accounts may be archived per customer per day',
        ['100000000004'],
      );
      assert.equal(sim.helix.account(ids[3])?.status, 'Verified');
      now = new Date('2025-06-11T12:00:00.000Z');
      success(await send({ config: { operation: 'archive', externalAccountId: ids[3] } }));
      assert.equal(sim.helix.account(ids[3])?.status, 'Archived');
    });

    it('account and routing numbers in a Helix error message are masked in the Catch text (******1234 style)', async () => {
      const sim = await deploy({ operation: 'create' });
      sim.server.injectFault({
        path: '/externalAccount/create',
        status: 400,
        body: {
          errors: [{ code: 62008, message: `Account number ${ACCOUNT_NUMBER} at routing number ${ROUTING_NUMBER} contains invalid characters` }],
          requestId: 'req-mask-1',
          status: 400,
        },
      });
      const { caught, text } = failure(await send({ payload: newAccount({ routingNumber: ROUTING_NUMBER }) }));
      assert.equal(caught.statusCode, 400);
      assert.ok(text.includes('62008'), text);
      assert.ok(text.includes('req-mask-1'), text);
      assert.equal(text.includes(ACCOUNT_NUMBER), false, `the account number is masked: "${text}"`);
      assert.equal(text.includes(ROUTING_NUMBER), false, `the routing number is masked: "${text}"`);
      assert.match(text, /\*{6}2333/);
      assert.match(text, /\*{5}0021/);
    });

    it('several Helix errors are all named', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' });
      sim.server.injectFault({
        path: '/externalAccount/list/1001',
        status: 400,
        body: {
          errors: [
            { code: 62604, message: 'First name is required' },
            { code: 62605, message: 'Last name is required' },
          ],
          requestId: 'req-two',
          status: 400,
        },
      });
      const { text } = failure(await send({}));
      assert.match(text, /62604 First name is required/);
      assert.match(text, /62605 Last name is required/);
      assert.match(text, /req-two/);
    });

    it('an errors list in an HTTP 200 response is a failure too (Catch, not the output)', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' });
      sim.server.injectFault({
        path: '/externalAccount/list/1001',
        status: 200,
        body: { data: [], errors: [{ code: 50500, message: 'Internal error' }], requestId: 'req-200', status: 200 },
      });
      const { caught, text } = failure(await send({}));
      assert.equal(caught.statusCode, 200);
      assert.match(text, /50500 Internal error/);
      assert.match(text, /req-200/);
    });

    it('an unknown customer: HTTP 404 at Catch, with the code and requestId', async () => {
      await deploy({ operation: 'list', customerId: '4242' });
      helixFailure(await send({}), 404, 62000, 'Customer 4242 does not exist');
    });
  });

  describe('CorePro external account: the micro-deposit journey', () => {
    it('initiate → verify with the micro-deposits → get shows Verified', async () => {
      const sim = await deploy({ operation: 'initiate', customerId: '1002' });
      const started = success(await send({ payload: newAccount({ nickName: 'Bob Checking', tag: 'bob-journey' }) }));
      const id = (started.env.data as { externalAccountId: number }).externalAccountId;

      const before = success(await send({ config: { operation: 'get', externalAccountId: id } }));
      assert.equal((before.env.data as Account).status, 'Unverified');

      const deposits = sim.helix.microDepositsFor(id);
      assert.ok(deposits, 'the simulator sent two micro-deposits');
      const [amount1, amount2] = deposits;
      success(await send({ config: { operation: 'verify', externalAccountId: id }, payload: { amount1, amount2 } }));

      const after = success(await send({ config: { operation: 'getByTag', tag: 'bob-journey' } }));
      const account = after.env.data as Account;
      assert.equal(account.externalAccountId, id);
      assert.equal(account.status, 'Verified');
      assert.equal(account.accountNumberMasked, '******2333');
      assert.equal(account.name, 'COREPRO SANDBOX BANK');

      assert.deepEqual(
        sim.server.requests.map((r) => `${r.method} ${r.path}`),
        [
          'POST /externalAccount/initiate',
          `GET /externalAccount/get/1002/${id}`,
          'POST /externalAccount/verify',
          'GET /externalAccount/getByTag/1002/bob-journey',
        ],
      );
      for (const r of sim.server.requests) assert.equal(r.headers.authorization, BASIC);
    });
  });

  describe('CorePro external account: throttle and 429', () => {
    const LIST = '/externalAccount/list/1001';
    const tooMany = { errors: [{ code: 50429, message: 'Rate limit exceeded; retry after 1 second(s)' }], requestId: 'req-429', status: 429 };

    it('a throttle object in the response is passed on in msg.q2.throttle', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' });
      sim.helix.setThrottle(true);
      const { out, env } = success(await send({}));
      assert.ok(env.throttle, 'the simulator sent a throttle object');
      assert.deepEqual(out.q2?.throttle, env.throttle);
      assert.equal(env.throttle.limit, 1000);
    });

    it('no throttle in the response: none in msg.q2', async () => {
      await deploy({ operation: 'list', customerId: '1001' });
      const { out } = success(await send({}));
      assert.equal(out.q2 && 'throttle' in out.q2, false);
    });

    it('a 429 with retry-after: 1 is retried once, after the wait, and succeeds', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' });
      sim.server.injectFault({ path: LIST, status: 429, headers: { 'retry-after': '1' }, body: tooMany });
      const { env } = success(await send({}));
      assert.ok(Array.isArray(env.data));
      const calls = sim.server.requestsTo(LIST);
      assert.equal(calls.length, 2);
      assert.ok(calls[1].at - calls[0].at >= 950, `waited ${calls[1].at - calls[0].at} ms`);
      assert.equal(calls[1].headers.authorization, BASIC);
    });

    it('a 429 on every try goes to Catch with 50429 after the connection’s three tries (no loop)', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' });
      sim.server.injectFault({ path: LIST, status: 429, headers: { 'retry-after': '1' }, body: tooMany, times: 3 });
      const { caught, text } = failure(await send({}));
      assert.equal(caught.statusCode, 429);
      assert.match(text, /HTTP 429/);
      assert.match(text, /50429 Rate limit exceeded/);
      assert.match(text, /req-429/);
      assert.equal(caught.q2?.attempts, 3);
      await settle(1500);
      assert.equal(sim.server.requestsTo(LIST).length, 3, 'three tries, then no more');
    });

    it('the simulator’s own rate limit: the 429 it answers is retried after its retry-after and succeeds', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' });
      // windows of 60 s; the first two requests fall 1 s before a window ends, the third in the next window
      const windowEnd = Date.parse('2025-06-10T12:01:00.000Z');
      let calls = 0;
      sim.helix.setClock(() => new Date(calls++ < 2 ? windowEnd - 1000 : windowEnd + 1000));
      sim.helix.setRateLimit({ limit: 1, windowSeconds: 60 });
      success(await send({}));
      const { env } = success(await send({}));
      assert.ok(Array.isArray(env.data));
      assert.equal(sim.server.requestsTo(LIST).length, 3, 'one 429, retried once');
    });
  });

  describe('CorePro external account: the connection', () => {
    it('no API key: Catch names the missing key and nothing is sent', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' }, { conn: {} });
      const { caught, text } = failure(await send({}));
      assert.match(text, /API key/);
      assert.equal(caught.statusCode, undefined);
      await settle(50);
      assert.equal(sim.server.requests.length, 0, 'nothing sent');
    });

    it('an API key without its secret: Catch, nothing sent', async () => {
      const sim = await deploy({ operation: 'get', customerId: '1001', externalAccountId: '3001' }, { conn: { apiKey: COREPRO_CREDENTIALS.apiKey } });
      const { text } = failure(await send({}));
      assert.match(text, /API key or secret/);
      await settle(50);
      assert.equal(sim.server.requests.length, 0, 'nothing sent');
    });

    it('a wrong secret: the server’s 401 50401 at Catch, without the secret', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' }, { conn: { apiKey: 'example1', apiSecret: 'wrong-secret-123' } });
      const { caught, text } = failure(await send({}));
      assert.equal(caught.statusCode, 401);
      assert.match(text, /50401/);
      assert.equal(text.includes('wrong-secret-123'), false);
      assert.equal(sim.server.requests.length, 1, 'a 401 is not retried with the same Basic credentials');
      assert.equal(sim.server.requests[0].headers.authorization, `Basic ${Buffer.from('example1:wrong-secret-123').toString('base64')}`);
    });

    it('msg.config.apiKey / apiSecret are not honoured and are removed from the message that reaches Catch', async () => {
      const sim = await deploy({ operation: 'list', customerId: '1001' }, { conn: {} });
      const { caught } = failure(await send({ config: { apiKey: 'example1', apiSecret: 'example1', keep: 1 } }));
      assert.deepEqual(caught.config, { keep: 1 });
      assert.equal(sim.server.requests.length, 0);
    });
  });
});
