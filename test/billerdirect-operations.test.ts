/**
 * The seven Biller Direct resource nodes (issue 3) through the real Node-RED runtime against the simulator's Biller
 * Direct module (docs/api-notes.md §2.4, B1, B4):
 *  all 30 operations: method, path (under /v1), body and headers (`Authorization: Bearer <API key>`, `Accept`,
 *  `Content-Type` only with a body, no signature without a signing key); msg.payload = the response body,
 *  msg.statusCode, msg.q2.requestId from the `request-id` response header. msg.config and the other outputs are in
 *  billerdirect-overrides.test.ts.
 */
import assert from 'node:assert/strict';
import {
  BD_CATEGORIES,
  BILLER_DIRECT_COMPANY_IDS as CO,
  BILLER_DIRECT_PARTNER_ID,
  BILLER_DIRECT_SEED_IDS as SEED,
  type BdAuthRecord,
  type BdBillRecord,
  type RunningSimulator,
} from '../lib/simulator';
import { billerDirectResources } from '../lib/billerdirect/operations';
import {
  BD_LABELS as LABELS,
  bdApi,
  bdAssertRequest as assertRequest,
  bdFlowWith,
  bdOnlyCall as onlyCall,
  bdSuccess,
  loadBillerDirect,
  send,
  simulatorContext,
  useSimulator,
  type FlowNode,
} from './harness';

const ctx = simulatorContext();

const CARD_FIELDS = { cardNumber: '4111111111111111', cardCode: '123', expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };
const CARD = { paymentType: 'card', ...CARD_FIELDS };
const QUEUED = 'Auth has been queued and will respond via webhooks.';
const STEP_QUEUED = 'Auth security response has been queued and will respond via webhooks.';
/** an inject node's default payload: not an object, so an optional body is only the node's / msg.config's ids */
const TIMESTAMP = 1717000000000;

type Json = Record<string, unknown>;
type Ids = Record<string, string>;

async function deploy(type: string, props: Json): Promise<RunningSimulator> {
  const { sim } = ctx;
  const node: FlowNode = { id: 'n1', type, name: '', ...props };
  await loadBillerDirect(bdFlowWith(sim.url, [node]));
  return sim;
}

// ---- set-up through the simulator's API ------------------------------------------------------------------------

async function newClient(sim: RunningSimulator, identifier = `ops-${Math.random().toString(36).slice(2)}`): Promise<string> {
  return (await bdApi<{ clientId: string }>(sim, 'POST', '/client', { identifier })).clientId;
}

async function newCard(sim: RunningSimulator, clientId: string, extra: Json = {}): Promise<string> {
  return (await bdApi<{ paymentMethodId: string }>(sim, 'POST', '/payment', { clientId, ...CARD, ...extra })).paymentMethodId;
}

async function newAuth(sim: RunningSimulator, clientId: string, companyId: string, form: Json, items: string[] = ['bill']): Promise<string> {
  return (await bdApi<{ authId: string }>(sim, 'POST', '/auth', { clientId, companyId, items, form: { password: 'pw', ...form } })).authId;
}

function authRecord(sim: RunningSimulator, authId: string): BdAuthRecord {
  const a = sim.billerDirect.state.auths.find((x) => x._id === authId);
  assert.ok(a, `auth ${authId} exists`);
  return a;
}

function billRecord(sim: RunningSimulator, billId: string): BdBillRecord | undefined {
  return sim.billerDirect.state.bills.find((b) => b._id === billId);
}

/** An auth waiting for MFA questions (legacy credential testmfaquestion): its id, token and answers. */
async function mfaAuth(
  sim: RunningSimulator,
): Promise<{ clientId: string; authId: string; token: string; answers: Array<{ identifier: string; answer: string }> }> {
  const clientId = await newClient(sim);
  const authId = await newAuth(sim, clientId, CO.regular1, { username: 'testmfaquestion' });
  const a = authRecord(sim, authId);
  assert.equal(a.status, 'mfa-required');
  const token = sim.billerDirect.mfaToken(authId);
  assert.ok(token && a.pending);
  return { clientId, authId, token, answers: a.pending.questions.map((q) => ({ identifier: q.identifier, answer: 'Austin' })) };
}

const future = (days: number): string => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString();

// ---- the 30 operations -----------------------------------------------------------------------------------------

interface OpCase {
  type: string;
  operation: string;
  /** set-up through the simulator's API; the ids it returns feed the other fields */
  prepare?: (sim: RunningSimulator) => Promise<Ids>;
  node?: (ids: Ids) => Json;
  msg?: (ids: Ids) => Json;
  method: 'GET' | 'POST' | 'DELETE';
  path: (ids: Ids) => string;
  /** the body sent; undefined: no body */
  body?: (ids: Ids) => Json;
  /** checks msg.payload (the response body) and the simulator's state */
  check: (payload: Json, ids: Ids, sim: RunningSimulator) => void;
}

const OPS: OpCase[] = [
  // auth
  {
    type: 'q2-billerdirect-auth',
    operation: 'create',
    prepare: async (sim) => ({ clientId: await newClient(sim) }),
    node: () => ({ companyId: CO.regular1 }),
    msg: (ids) => ({ payload: { clientId: ids.clientId, items: ['bill'], form: { username: 'jdoe', password: 'secret' } } }),
    method: 'POST',
    path: () => '/v1/auth',
    body: (ids) => ({ clientId: ids.clientId, companyId: CO.regular1, items: ['bill'], form: { username: 'jdoe', password: 'secret' } }),
    check: (payload, ids, sim) => {
      assert.deepEqual(Object.keys(payload).sort(), ['authId', 'message', 'success']);
      assert.equal(payload.success, true);
      assert.equal(payload.message, QUEUED);
      const a = authRecord(sim, String(payload.authId));
      assert.deepEqual([a.clientId, a.companyId, a.status], [ids.clientId, CO.regular1, 'verified']);
    },
  },
  {
    type: 'q2-billerdirect-auth',
    operation: 'step',
    prepare: async (sim) => {
      const m = await mfaAuth(sim);
      return { authId: m.authId, token: m.token, answers: JSON.stringify(m.answers) };
    },
    msg: (ids) => ({ payload: { token: ids.token, method: 'questions', security: JSON.parse(ids.answers) as unknown } }),
    method: 'POST',
    path: () => '/v1/auth/step',
    body: (ids) => ({ token: ids.token, method: 'questions', security: JSON.parse(ids.answers) as unknown }),
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: 'true', message: STEP_QUEUED }, 'success as the string "true" is a success (B4)');
      assert.equal(authRecord(sim, ids.authId).status, 'verified');
    },
  },
  {
    type: 'q2-billerdirect-auth',
    operation: 'list',
    node: () => ({ clientId: SEED.clientId }),
    method: 'GET',
    path: () => `/v1/auth/list/${SEED.clientId}`,
    check: (payload) => {
      const data = payload.data as Array<{ _id: string; status: { type: string }; company: { _id: string; name: string }; items: string[] }>;
      assert.deepEqual(
        data.map((a) => [a._id, a.status.type, a.company._id, a.company.name, a.items]),
        [[SEED.authId, 'verified', CO.regular1, 'Regular Company 1', ['bill']]],
      );
    },
  },
  {
    type: 'q2-billerdirect-auth',
    operation: 'fixHold',
    prepare: async (sim) => {
      const clientId = await newClient(sim);
      const authId = await newAuth(sim, clientId, CO.regular2, { email: 'testhold@test.test' });
      assert.equal(authRecord(sim, authId).status, 'hold');
      return { authId };
    },
    node: (ids) => ({ authId: ids.authId }),
    method: 'POST',
    path: (ids) => `/v1/auth/${ids.authId}/fix-hold`,
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.equal(authRecord(sim, ids.authId).status, 'verified');
    },
  },
  {
    type: 'q2-billerdirect-auth',
    operation: 'answerQuestions',
    prepare: async (sim) => {
      const m = await mfaAuth(sim);
      return { authId: m.authId, answers: JSON.stringify(m.answers) };
    },
    // msg.config.authId; a bare array is the answers list
    msg: (ids) => ({ config: { authId: ids.authId }, payload: JSON.parse(ids.answers) as unknown }),
    method: 'POST',
    path: (ids) => `/v1/auth/${ids.authId}/answer-questions`,
    body: (ids) => ({ answers: JSON.parse(ids.answers) as unknown }),
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.equal(authRecord(sim, ids.authId).status, 'verified');
    },
  },
  {
    type: 'q2-billerdirect-auth',
    operation: 'delete',
    node: () => ({ authId: SEED.authId }),
    msg: () => ({ payload: { ignored: true } }),
    method: 'DELETE',
    path: () => `/v1/auth/${SEED.authId}`,
    check: (payload, _ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.equal(
        sim.billerDirect.state.auths.some((a) => a._id === SEED.authId),
        false,
      );
      assert.equal(billRecord(sim, SEED.billId), undefined, 'its bill went with it');
    },
  },
  // bill
  {
    type: 'q2-billerdirect-bill',
    operation: 'get',
    node: () => ({ billId: SEED.billId }),
    method: 'GET',
    path: () => `/v1/bill/${SEED.billId}`,
    check: (payload) => {
      const bill = payload.bill as Json & { status: { type: string }; auth: { _id: string } };
      assert.deepEqual(Object.keys(payload).sort(), ['bill', 'payments']);
      assert.deepEqual([bill._id, bill.balance, bill.status.type, bill.auth._id], [SEED.billId, '100.00', 'upcoming', SEED.authId]);
      assert.deepEqual(payload.payments, []);
    },
  },
  {
    type: 'q2-billerdirect-bill',
    operation: 'list',
    msg: () => ({ config: { clientId: SEED.clientId } }),
    method: 'GET',
    path: () => `/v1/bill/list/${SEED.clientId}`,
    check: (payload) => {
      const data = payload.data as Array<{ bill: { _id: string }; payments: unknown[] }>;
      assert.deepEqual(
        data.map((d) => [d.bill._id, d.payments]),
        [[SEED.billId, []]],
      );
    },
  },
  {
    type: 'q2-billerdirect-bill',
    operation: 'listByPartner',
    node: () => ({ partnerId: BILLER_DIRECT_PARTNER_ID }),
    method: 'GET',
    path: () => `/v1/bill/listByPartner/${BILLER_DIRECT_PARTNER_ID}`,
    check: (payload) => {
      const data = payload.data as Array<{ bill: { _id: string }; partnerUserId: string; partnerId: string }>;
      assert.deepEqual(
        data.map((d) => [d.bill._id, d.partnerUserId, d.partnerId]),
        [[SEED.billId, SEED.clientId, BILLER_DIRECT_PARTNER_ID]],
      );
    },
  },
  // company
  {
    type: 'q2-billerdirect-company',
    operation: 'categories',
    method: 'GET',
    path: () => '/v1/company/categories',
    check: (payload) => assert.deepEqual(payload, { data: BD_CATEGORIES }),
  },
  {
    type: 'q2-billerdirect-company',
    operation: 'get',
    node: () => ({ companyId: CO.mfa1 }),
    method: 'GET',
    path: () => `/v1/company/${CO.mfa1}`,
    check: (payload, _ids, sim) => {
      assert.deepEqual([payload._id, payload.name, payload.userPresenceRequired], [CO.mfa1, 'MFA Company 1', true]);
      assert.deepEqual(payload, sim.billerDirect.state.companies.find((c) => c.company._id === CO.mfa1)?.company);
    },
  },
  {
    type: 'q2-billerdirect-company',
    operation: 'search',
    msg: () => ({ payload: { query: 'regular company', products: ['biller-direct', 'cardswap'], paginateResults: true, pageSize: 2, pageNumber: 2 } }),
    method: 'POST',
    path: () => '/v1/company/search',
    body: () => ({ query: 'regular company', products: ['biller-direct', 'cardswap'], paginateResults: true, pageSize: 2, pageNumber: 2 }),
    check: (payload) => {
      assert.deepEqual(
        (payload.data as Array<{ name: string }>).map((c) => c.name),
        ['Regular Company 3', 'Regular Company 4'],
      );
      assert.equal(payload.resultCount, 5);
    },
  },
  // payment
  {
    type: 'q2-billerdirect-payment',
    operation: 'add',
    prepare: async (sim) => ({ clientId: await newClient(sim) }),
    node: (ids) => ({ clientId: ids.clientId }),
    msg: () => ({ payload: { ...CARD, identifier: 'card-1', setAsDefault: true } }),
    method: 'POST',
    path: () => '/v1/payment',
    body: (ids) => ({ ...CARD, identifier: 'card-1', setAsDefault: true, clientId: ids.clientId }),
    check: (payload, ids, sim) => {
      assert.deepEqual(Object.keys(payload), ['paymentMethodId']);
      const m = sim.billerDirect.state.paymentMethods.find((x) => x.method._id === payload.paymentMethodId);
      assert.deepEqual([m?.clientId, m?.method.status, m?.method.card?.number, m?.method.default], [ids.clientId, 'verified', 'XXXX1111', true]);
    },
  },
  {
    type: 'q2-billerdirect-payment',
    operation: 'list',
    node: () => ({ clientId: SEED.clientId }),
    method: 'GET',
    path: () => `/v1/payment/list/${SEED.clientId}`,
    check: (payload) => {
      const data = payload.data as Array<{ _id: string; type: string; card: { number: string } }>;
      assert.deepEqual(
        data.map((m) => [m._id, m.type, m.card.number]),
        [[SEED.paymentMethodId, 'card', 'XXXX1111']],
      );
    },
  },
  {
    type: 'q2-billerdirect-payment',
    operation: 'delete',
    prepare: async (sim) => ({ paymentMethodId: await newCard(sim, SEED.clientId) }),
    node: (ids) => ({ paymentMethodId: ids.paymentMethodId }),
    method: 'DELETE',
    path: (ids) => `/v1/payment/${ids.paymentMethodId}`,
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.equal(
        sim.billerDirect.state.paymentMethods.some((m) => m.method._id === ids.paymentMethodId),
        false,
      );
    },
  },
  {
    type: 'q2-billerdirect-payment',
    operation: 'retry',
    prepare: async (sim) => ({ paymentMethodId: await newCard(sim, await newClient(sim), { cardNumber: '5500005555555559' }) }),
    msg: (ids) => ({ config: { paymentMethodId: ids.paymentMethodId } }),
    method: 'POST',
    path: (ids) => `/v1/payment/${ids.paymentMethodId}/retry`,
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: true });
      const m = sim.billerDirect.state.paymentMethods.find((x) => x.method._id === ids.paymentMethodId);
      assert.equal(m?.declines, 2, 'retried (and declined again: only 4111111111111111 pays in the sandbox)');
    },
  },
  {
    type: 'q2-billerdirect-payment',
    operation: 'assign',
    prepare: async (sim) => ({ paymentMethodId: await newCard(sim, SEED.clientId, { name: 'Second card' }) }),
    node: (ids) => ({ paymentMethodId: ids.paymentMethodId, billId: SEED.billId }),
    msg: () => ({ payload: TIMESTAMP }),
    method: 'POST',
    path: (ids) => `/v1/payment/${ids.paymentMethodId}/assign`,
    body: () => ({ billId: SEED.billId }),
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.deepEqual(sim.billerDirect.state.paymentMethods.find((x) => x.method._id === ids.paymentMethodId)?.method.assignedBills, [SEED.billId]);
    },
  },
  {
    type: 'q2-billerdirect-payment',
    operation: 'settings',
    node: () => ({ billId: SEED.billId, recurring: 'disabled', schedule: 'day-before' }),
    msg: () => ({ payload: TIMESTAMP }),
    method: 'POST',
    path: () => '/v1/payment/settings',
    body: () => ({ billId: SEED.billId, recurring: 'disabled', schedule: 'day-before' }),
    check: (payload, _ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.deepEqual(billRecord(sim, SEED.billId)?.settings, { recurring: 'disabled', schedule: 'day-before', notifications: 'enabled' });
    },
  },
  {
    type: 'q2-billerdirect-payment',
    operation: 'schedule',
    prepare: async () => ({ when: future(3) }),
    msg: (ids) => ({ config: { billId: SEED.billId }, payload: { date: ids.when } }),
    method: 'POST',
    path: () => '/v1/payment/schedule',
    body: (ids) => ({ billId: SEED.billId, payDate: ids.when }),
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.equal(billRecord(sim, SEED.billId)?.scheduled?.payDate, ids.when);
    },
  },
  {
    type: 'q2-billerdirect-payment',
    operation: 'cancel',
    prepare: async (sim) => {
      await bdApi(sim, 'POST', '/payment/schedule', { billId: SEED.billId, payDate: future(2) });
      assert.ok(billRecord(sim, SEED.billId)?.scheduled);
      return {};
    },
    node: () => ({ billId: SEED.billId }),
    method: 'POST',
    path: () => '/v1/payment/cancel',
    body: () => ({ billId: SEED.billId }),
    check: (payload, _ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.equal(billRecord(sim, SEED.billId)?.scheduled, undefined);
      assert.equal(sim.billerDirect.events.filter((e) => e.type === 'bill.payment.cancelled').length, 1);
    },
  },
  // client
  {
    type: 'q2-billerdirect-client',
    operation: 'create',
    msg: () => ({ payload: { identifier: 'ops-ada', meta: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' } } }),
    method: 'POST',
    path: () => '/v1/client',
    body: () => ({ identifier: 'ops-ada', meta: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' } }),
    check: (payload, _ids, sim) => {
      const c = sim.billerDirect.state.clients.find((x) => x.identifier === 'ops-ada');
      assert.deepEqual(payload, { clientId: c?._id });
      assert.equal(c?.meta.lastName, 'Lovelace');
    },
  },
  {
    type: 'q2-billerdirect-client',
    operation: 'createToken',
    node: () => ({ identifier: SEED.clientIdentifier }),
    msg: () => ({ payload: { nonce: true, accessTokenExpiresIn: 600 } }),
    method: 'POST',
    path: () => '/v1/client/create-token',
    body: () => ({ nonce: true, accessTokenExpiresIn: 600, identifier: SEED.clientIdentifier }),
    check: (payload, _ids, sim) => {
      const [t] = sim.billerDirect.state.tokens;
      assert.deepEqual(payload, { token: t.token });
      assert.deepEqual([t.clientId, t.nonce, t.accessTokenExpiresIn], [SEED.clientId, true, 600]);
    },
  },
  {
    type: 'q2-billerdirect-client',
    operation: 'revokeTokens',
    prepare: async (sim) => ({ token: (await bdApi<{ token: string }>(sim, 'POST', '/client/create-token', { identifier: SEED.clientIdentifier })).token }),
    msg: () => ({ config: { identifier: SEED.clientIdentifier } }),
    method: 'POST',
    path: () => '/v1/client/revoke-tokens',
    body: () => ({ identifier: SEED.clientIdentifier }),
    check: (payload, ids, sim) => {
      assert.deepEqual(payload, { success: true });
      assert.equal(sim.billerDirect.state.tokens.find((t) => t.token === ids.token)?.revoked, true);
    },
  },
  {
    type: 'q2-billerdirect-client',
    operation: 'sync',
    msg: () => ({
      payload: {
        client: { identifier: 'ops-sync', meta: { firstName: 'Sy' } },
        token: { identifier: 'ops-sync', accessTokenExpiresIn: 900 },
        cards: [{ ...CARD_FIELDS, identifier: 'sync-card', cardType: 'credit', cardBrand: 'visa' }],
      },
    }),
    method: 'POST',
    path: () => '/v1/client/sync',
    body: () => ({
      client: { identifier: 'ops-sync', meta: { firstName: 'Sy' } },
      token: { identifier: 'ops-sync', accessTokenExpiresIn: 900 },
      cards: [{ ...CARD_FIELDS, identifier: 'sync-card', cardType: 'credit', cardBrand: 'visa' }],
    }),
    check: (payload, _ids, sim) => {
      const c = sim.billerDirect.state.clients.find((x) => x.identifier === 'ops-sync');
      const m = sim.billerDirect.state.paymentMethods.find((x) => x.clientId === c?._id);
      assert.deepEqual(payload, {
        clientId: c?._id,
        ssoToken: sim.billerDirect.state.tokens[0].token,
        cards: [{ paymentMethodId: m?.method._id, identifier: 'sync-card' }],
      });
    },
  },
  // swap
  {
    type: 'q2-billerdirect-swap',
    operation: 'create',
    prepare: async (sim) => {
      const clientId = await newClient(sim);
      const paymentMethodId = await newCard(sim, clientId);
      const authId = await newAuth(sim, clientId, CO.regular5, { username: 'jdoe' }, ['swap']);
      return { clientId, paymentMethodId, authId };
    },
    node: (ids) => ({ authId: ids.authId, paymentMethodId: ids.paymentMethodId }),
    msg: () => ({ payload: TIMESTAMP }),
    method: 'POST',
    path: () => '/v1/swap/create',
    body: (ids) => ({ authId: ids.authId, paymentMethodId: ids.paymentMethodId }),
    check: (payload, ids, sim) => {
      const [s] = sim.billerDirect.state.swaps;
      assert.deepEqual(payload, { success: true, swapId: s._id });
      assert.deepEqual([s.clientId, s.authId, s.paymentMethodId, s.status], [ids.clientId, ids.authId, ids.paymentMethodId, 'completed']);
    },
  },
  {
    type: 'q2-billerdirect-swap',
    operation: 'companies',
    method: 'GET',
    path: () => '/v1/swap/companies',
    check: (payload, _ids, sim) => {
      const names = (payload.data as Array<{ name: string }>).map((c) => c.name);
      assert.deepEqual(
        names,
        sim.billerDirect.state.companies.filter((c) => c.company.supportedItems.includes('swap')).map((c) => c.company.name),
      );
      assert.ok(names.includes('Shopwise') && !names.includes('Riverbend Water'));
    },
  },
  {
    type: 'q2-billerdirect-swap',
    operation: 'list',
    prepare: async (sim) => {
      const clientId = await newClient(sim);
      const paymentMethodId = await newCard(sim, clientId);
      const authId = await newAuth(sim, clientId, CO.regular5, { username: 'jdoe', status: 'card-on-file' }, ['swap']);
      const { swapId } = await bdApi<{ swapId: string }>(sim, 'POST', '/swap/create', { authId, paymentMethodId });
      return { clientId, swapId };
    },
    node: (ids) => ({ clientId: ids.clientId }),
    method: 'GET',
    path: (ids) => `/v1/swap/list/${ids.clientId}`,
    check: (payload, ids) => {
      const data = payload.data as Array<{ _id: string; status: { type: string }; paymentMethod: { card: { number: string } } }>;
      assert.deepEqual(
        data.map((s) => [s._id, s.status.type, s.paymentMethod.card.number]),
        [[ids.swapId, 'card-on-file', 'XXXX1111']],
      );
    },
  },
  // partner
  {
    type: 'q2-billerdirect-partner',
    operation: 'publicKeys',
    method: 'GET',
    path: () => '/v1/partner/public-keys',
    check: (payload, _ids, sim) => {
      const keys = payload.keys as Array<{ kid: string; kty: string; e: string; use: string }>;
      assert.deepEqual(
        keys.map((k) => [k.kid, k.kty, k.e, k.use]),
        sim.billerDirect.partnerKeys.map((k) => [k.kid, 'RSA', 'AQAB', 'enc']),
      );
    },
  },
  {
    type: 'q2-billerdirect-partner',
    operation: 'publicKey',
    prepare: async (sim) => ({ keyId: sim.billerDirect.partnerKeys[0].kid }),
    node: (ids) => ({ keyId: ids.keyId }),
    method: 'GET',
    path: (ids) => `/v1/partner/public-keys/${ids.keyId}`,
    check: (payload, ids) => {
      assert.equal(payload.kid, ids.keyId);
      assert.equal(typeof payload.n, 'string');
    },
  },
  {
    type: 'q2-billerdirect-partner',
    operation: 'latestPublicKey',
    method: 'GET',
    path: () => '/v1/partner/public-keys/latest',
    check: (payload, _ids, sim) => assert.equal(payload.kid, sim.billerDirect.partnerKeys[1].kid),
  },
];

describe('Biller Direct nodes against the simulator: operations', () => {
  useSimulator(ctx);

  it('the table below covers each of the 30 operations of the seven nodes exactly once', () => {
    const described = billerDirectResources.flatMap((r) => r.operations.map((o) => `${r.type} ${o.name}`)).sort();
    assert.equal(described.length, 30);
    assert.deepEqual(OPS.map((c) => `${c.type} ${c.operation}`).sort(), described);
    for (const r of billerDirectResources) assert.ok(LABELS[r.type], r.type);
  });

  describe('every operation: request as docs/api-notes.md §2.4, response in msg.payload', () => {
    for (const c of OPS) {
      it(`${LABELS[c.type]} ${c.operation}: ${c.method} ${c.path({ clientId: '{clientId}', authId: '{authId}', paymentMethodId: '{paymentMethodId}', keyId: '{keyId}' })}`, async () => {
        const sim = ctx.sim;
        const ids = (await c.prepare?.(sim)) ?? {};
        await deploy(c.type, { operation: c.operation, ...c.node?.(ids) });
        sim.server.clearRequests();
        const { out, payload } = bdSuccess(await send(c.msg?.(ids) ?? {}));
        assertRequest(onlyCall(sim), c.method, c.path(ids), c.body?.(ids));
        assert.equal(typeof out.q2?.durationMs, 'number');
        c.check(payload, ids, sim);
      });
    }
  });
});
