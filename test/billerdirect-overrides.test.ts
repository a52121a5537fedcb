/**
 * The Biller Direct resource nodes (issue 3) through the real Node-RED runtime against the simulator: what the
 * operations table (billerdirect-operations.test.ts) does not cover —
 *  - outputs: msg.q2.requestId from the `request-id` header, an empty body, `success: false` in an HTTP 200;
 *  - msg.config.operation on every node, for one message only;
 *  - the path ids (clientId, authId, billId, companyId, paymentMethodId, partnerId, keyId) from the node or
 *    msg.config, URL-encoded; body ids merged over the payload (msg.config > node > payload); the data property;
 *  - Schedule Payment sends `payDate` for an input `date` (B1); several messages at once.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import {
  BD_CATEGORIES,
  BILLER_DIRECT_COMPANY_IDS as CO,
  BILLER_DIRECT_PARTNER_ID,
  BILLER_DIRECT_SEED_IDS as SEED,
  type BdBillRecord,
  type RunningSimulator,
} from '../lib/simulator';
import {
  BD_LABELS as LABELS,
  BD_REQUEST_ID,
  bdAssertRequest as assertRequest,
  bdFailure,
  bdFlowWith,
  bdOnlyCall as onlyCall,
  bdSuccess,
  collect,
  helper,
  loadBillerDirect,
  send,
  simulatorContext,
  useSimulator,
  type FlowNode,
} from './harness';

const ctx = simulatorContext();

const CARD = { paymentType: 'card', cardNumber: '4111111111111111', cardCode: '123', expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };
/** an inject node's default payload: not an object, so an optional body is only the node's / msg.config's ids */
const TIMESTAMP = 1717000000000;

type Json = Record<string, unknown>;

async function deploy(type: string, props: Json): Promise<RunningSimulator> {
  const { sim } = ctx;
  const node: FlowNode = { id: 'n1', type, name: '', ...props };
  await loadBillerDirect(bdFlowWith(sim.url, [node]));
  return sim;
}

function billRecord(sim: RunningSimulator, billId: string): BdBillRecord | undefined {
  return sim.billerDirect.state.bills.find((b) => b._id === billId);
}

describe('Biller Direct nodes against the simulator: outputs, msg.config and ids', () => {
  useSimulator(ctx);

  describe('outputs', () => {
    it('msg.q2.requestId is the response’s request-id header; each response has its own', async () => {
      const sim = await deploy('q2-billerdirect-company', { operation: 'categories' });
      sim.server.injectFault({ path: '/v1/company/categories', headers: { 'request-id': 'req-from-the-header-1' } });
      const first = await send({});
      assert.equal(first.out?.q2?.requestId, 'req-from-the-header-1');
      assert.deepEqual(first.out?.payload, { data: BD_CATEGORIES }, 'the normal response, only the header replaced');
      const a = bdSuccess(await send({})).out.q2?.requestId;
      const b = bdSuccess(await send({})).out.q2?.requestId;
      assert.match(String(a), BD_REQUEST_ID);
      assert.notEqual(a, b);
    });

    it('an empty response body becomes {} on the output', async () => {
      const sim = await deploy('q2-billerdirect-payment', { operation: 'cancel', billId: SEED.billId });
      sim.server.injectFault({ path: '/v1/payment/cancel', status: 200, body: '', headers: { 'request-id': 'req-empty' } });
      const { out } = await send({});
      assert.deepEqual(out?.payload, {});
      assert.equal(out?.q2?.requestId, 'req-empty');
    });

    it('success: false (boolean or "false") in an HTTP 200 response goes to Catch, not the output', async () => {
      const sim = await deploy('q2-billerdirect-auth', { operation: 'fixHold', authId: SEED.authId });
      for (const success of [false, 'false']) {
        sim.server.injectFault({
          path: `/v1/auth/${SEED.authId}/fix-hold`,
          status: 200,
          body: { success, message: 'Auth is not on hold' },
          headers: { 'request-id': 'req-200-false' },
        });
        const { caught, text } = bdFailure(await send({}), 'BD Auth');
        assert.equal(caught.statusCode, 200);
        assert.deepEqual(caught.payload, { success, message: 'Auth is not on hold' });
        assert.match(text, /HTTP 200: Auth is not on hold \(requestid req-200-false\)/);
        assert.equal(caught.q2?.requestId, 'req-200-false');
      }
    });
  });

  describe('msg.config.operation', () => {
    it('overrides the node’s operation for that message only', async () => {
      const sim = await deploy('q2-billerdirect-bill', { operation: 'get', billId: SEED.billId });
      const listed = bdSuccess(await send({ config: { operation: 'list', clientId: SEED.clientId } }));
      assert.ok(Array.isArray(listed.payload.data));
      const got = bdSuccess(await send({ config: {} }));
      assert.deepEqual((got.payload.bill as Json)._id, SEED.billId);
      assert.deepEqual(
        sim.server.requests.map((r) => `${r.method} ${r.path}`),
        [`GET /v1/bill/list/${SEED.clientId}`, `GET /v1/bill/${SEED.billId}`],
      );
    });

    const switches: Array<{ type: string; node: Json; config: Json; request: string }> = [
      {
        type: 'q2-billerdirect-auth',
        node: { operation: 'delete', authId: SEED.authId },
        config: { operation: 'list', clientId: SEED.clientId },
        request: `GET /v1/auth/list/${SEED.clientId}`,
      },
      { type: 'q2-billerdirect-company', node: { operation: 'search' }, config: { operation: 'categories' }, request: 'GET /v1/company/categories' },
      {
        type: 'q2-billerdirect-payment',
        node: { operation: 'add' },
        config: { operation: 'list', clientId: SEED.clientId },
        request: `GET /v1/payment/list/${SEED.clientId}`,
      },
      {
        type: 'q2-billerdirect-client',
        node: { operation: 'sync' },
        config: { operation: 'createToken', identifier: SEED.clientIdentifier },
        request: 'POST /v1/client/create-token',
      },
      { type: 'q2-billerdirect-swap', node: { operation: 'create' }, config: { operation: 'companies' }, request: 'GET /v1/swap/companies' },
      {
        type: 'q2-billerdirect-partner',
        node: { operation: 'publicKey', keyId: 'unknown' },
        config: { operation: 'latestPublicKey' },
        request: 'GET /v1/partner/public-keys/latest',
      },
    ];
    for (const s of switches) {
      it(`${LABELS[s.type]}: node ${String(s.node.operation)}, msg.config.operation ${String(s.config.operation)}`, async () => {
        const sim = await deploy(s.type, s.node);
        bdSuccess(await send({ config: s.config, payload: TIMESTAMP }));
        const [call] = sim.server.requests;
        assert.equal(`${call.method} ${call.path}`, s.request);
        assert.equal(sim.server.requests.length, 1);
      });
    }
  });

  describe('path ids: msg.config wins over the node; without msg.config the node’s value is used', () => {
    const paths: Array<{
      key: string;
      type: string;
      operation: string;
      real: (sim: RunningSimulator) => string;
      path: (id: string) => string;
      method: string;
    }> = [
      { key: 'clientId', type: 'q2-billerdirect-auth', operation: 'list', real: () => SEED.clientId, path: (id) => `/v1/auth/list/${id}`, method: 'GET' },
      { key: 'authId', type: 'q2-billerdirect-auth', operation: 'delete', real: () => SEED.authId, path: (id) => `/v1/auth/${id}`, method: 'DELETE' },
      { key: 'billId', type: 'q2-billerdirect-bill', operation: 'get', real: () => SEED.billId, path: (id) => `/v1/bill/${id}`, method: 'GET' },
      { key: 'companyId', type: 'q2-billerdirect-company', operation: 'get', real: () => CO.shopwise, path: (id) => `/v1/company/${id}`, method: 'GET' },
      {
        key: 'paymentMethodId',
        type: 'q2-billerdirect-payment',
        operation: 'delete',
        real: () => SEED.paymentMethodId,
        path: (id) => `/v1/payment/${id}`,
        method: 'DELETE',
      },
      {
        key: 'partnerId',
        type: 'q2-billerdirect-bill',
        operation: 'listByPartner',
        real: () => BILLER_DIRECT_PARTNER_ID,
        path: (id) => `/v1/bill/listByPartner/${id}`,
        method: 'GET',
      },
      {
        key: 'keyId',
        type: 'q2-billerdirect-partner',
        operation: 'publicKey',
        real: (sim) => sim.billerDirect.partnerKeys[1].kid,
        path: (id) => `/v1/partner/public-keys/${id}`,
        method: 'GET',
      },
    ];
    for (const p of paths) {
      it(`${p.key} (${LABELS[p.type]} ${p.operation})`, async () => {
        const sim = await deploy(p.type, { operation: p.operation, [p.key]: 'from-the-node' });
        const real = p.real(sim);
        bdSuccess(await send({ config: { [p.key]: real } }));
        const { caught, text } = bdFailure(await send({ config: { other: 1 } }), LABELS[p.type]);
        assert.equal(caught.statusCode, 404, 'the node’s unknown id: 404 at Catch');
        assert.match(text, /HTTP 404: not_found .* not found \(requestid [0-9a-f-]{36}\)/);
        assert.deepEqual(
          sim.server.requests.map((r) => `${r.method} ${r.path}`),
          [`${p.method} ${p.path(real)}`, `${p.method} ${p.path('from-the-node')}`],
        );
      });
    }

    it('a path id is URL-encoded inside its segment', async () => {
      const sim = await deploy('q2-billerdirect-auth', { operation: 'list' });
      bdFailure(await send({ config: { clientId: 'a/b c?.d#é' } }), 'BD Auth');
      assert.equal(sim.server.requests[0].path, '/v1/auth/list/a%2Fb%20c%3F%2Ed%23%C3%A9');
    });
  });

  describe('body ids: msg.config, then the node, are merged over the payload’s', () => {
    const merges: Array<{ type: string; operation: string; key: string; node?: Json; payload: Json }> = [
      {
        type: 'q2-billerdirect-auth',
        operation: 'create',
        key: 'clientId',
        payload: { clientId: 'p', companyId: CO.regular1, items: ['bill'], form: { username: 'u' } },
      },
      {
        type: 'q2-billerdirect-auth',
        operation: 'create',
        key: 'companyId',
        payload: { clientId: SEED.clientId, companyId: 'p', items: ['bill'], form: { username: 'u' } },
      },
      { type: 'q2-billerdirect-payment', operation: 'add', key: 'clientId', payload: { ...CARD, clientId: 'p' } },
      { type: 'q2-billerdirect-payment', operation: 'assign', key: 'billId', node: { paymentMethodId: SEED.paymentMethodId }, payload: { billId: 'p' } },
      { type: 'q2-billerdirect-payment', operation: 'settings', key: 'billId', payload: { billId: 'p', recurring: 'enabled' } },
      { type: 'q2-billerdirect-payment', operation: 'schedule', key: 'billId', payload: { billId: 'p', payDate: '2099-01-01' } },
      { type: 'q2-billerdirect-payment', operation: 'cancel', key: 'billId', payload: { billId: 'p' } },
      { type: 'q2-billerdirect-client', operation: 'create', key: 'identifier', payload: { identifier: 'p' } },
      { type: 'q2-billerdirect-client', operation: 'createToken', key: 'identifier', payload: { identifier: 'p' } },
      { type: 'q2-billerdirect-client', operation: 'revokeTokens', key: 'identifier', payload: { identifier: 'p' } },
      { type: 'q2-billerdirect-swap', operation: 'create', key: 'authId', payload: { authId: 'p', paymentMethodId: SEED.paymentMethodId } },
      { type: 'q2-billerdirect-swap', operation: 'create', key: 'paymentMethodId', payload: { authId: SEED.authId, paymentMethodId: 'p' } },
    ];
    for (const m of merges) {
      it(`${LABELS[m.type]} ${m.operation}: ${m.key}`, async () => {
        const sim = await deploy(m.type, { operation: m.operation, ...m.node, [m.key]: 'from-node' });
        await send({ config: { [m.key]: 'from-config' }, payload: { ...m.payload } });
        await send({ payload: { ...m.payload } });
        const bodies = sim.server.requests.map((r) => r.body as Json);
        assert.equal(bodies.length, 2, 'both sent');
        assert.deepEqual(
          bodies.map((b) => b[m.key]),
          ['from-config', 'from-node'],
        );
        assert.deepEqual(bodies[1], { ...m.payload, [m.key]: 'from-node' }, 'the rest of the payload is sent as it is');
      });
    }

    it('payment add: a bank account, clientId from msg.config', async () => {
      const sim = await deploy('q2-billerdirect-payment', { operation: 'add' });
      const bank = {
        paymentType: 'bank',
        routingNumber: '021000021',
        accountNumber: '9900000002',
        accountType: 'savings',
        name: 'Savings',
        customLabel: 'Rainy day',
      };
      const { payload } = bdSuccess(await send({ config: { clientId: SEED.clientId }, payload: bank }));
      assertRequest(onlyCall(sim), 'POST', '/v1/payment', { ...bank, clientId: SEED.clientId });
      const m = sim.billerDirect.state.paymentMethods.find((x) => x.method._id === payload.paymentMethodId);
      assert.deepEqual(m?.method.bank, { routingNumber: 'XXXX0021', accountNumber: 'XXXX0002', type: 'savings' });
    });

    it('the body from another data property (dataProperty "bd")', async () => {
      const sim = await deploy('q2-billerdirect-client', { operation: 'create', dataProperty: 'bd' });
      bdSuccess(await send({ payload: { identifier: 'not-this-one' }, bd: { identifier: 'from-msg-bd' } }));
      assertRequest(onlyCall(sim), 'POST', '/v1/client', { identifier: 'from-msg-bd' });
    });
  });

  describe('schedule payment: payDate (B1)', () => {
    it('`date` is sent as `payDate`; a Date object as its ISO string; `payDate` as given', async () => {
      const sim = await deploy('q2-billerdirect-payment', { operation: 'schedule', billId: SEED.billId });
      const when = new Date(Date.now() + 5 * 24 * 60 * 60 * 1000);
      bdSuccess(await send({ payload: { date: when } }));
      bdSuccess(await send({ payload: { date: '2099-12-31' } }));
      bdSuccess(await send({ payload: { payDate: '2099-06-30T10:00:00.000Z' } }));
      assert.deepEqual(
        sim.server.requests.map((r) => r.body),
        [
          { billId: SEED.billId, payDate: when.toISOString() },
          { billId: SEED.billId, payDate: '2099-12-31' },
          { billId: SEED.billId, payDate: '2099-06-30T10:00:00.000Z' },
        ],
      );
      for (const r of sim.server.requests) assert.equal(r.rawBody.includes('"date"'), false, 'no `date` on the wire');
      assert.equal(billRecord(sim, SEED.billId)?.scheduled?.payDate, '2099-06-30T10:00:00.000Z');
    });

    it('without a date the bill is paid at once (body {billId})', async () => {
      const sim = await deploy('q2-billerdirect-payment', { operation: 'schedule' });
      bdSuccess(await send({ config: { billId: SEED.billId } }));
      assertRequest(onlyCall(sim), 'POST', '/v1/payment/schedule', { billId: SEED.billId });
      const bill = billRecord(sim, SEED.billId);
      assert.deepEqual([bill?.status, bill?.balanceCents, bill?.lastPaidAmountCents], ['paid', 0, 10000]);
    });
  });

  it('several messages at once: each gets its own response', async () => {
    const sim = await deploy('q2-billerdirect-company', { operation: 'get' });
    const ids = [CO.regular1, CO.regular2, CO.mfa2, CO.tunebox];
    const arrived = collect(ids.length);
    ids.forEach((companyId, i) => helper.getNode('n1').receive({ config: { companyId }, tag: i } as unknown as NodeMessage));
    const outcomes = await arrived;
    assert.equal(sim.server.requests.length, 4);
    const pairs = outcomes.map((o) => {
      assert.ok(o.out, o.caught?.error?.message);
      return [(o.out.config as Json).companyId, (o.out.payload as Json)._id];
    });
    for (const [asked, got] of pairs) assert.equal(got, asked, 'the response that belongs to the message');
    assert.deepEqual(pairs.map(([asked]) => asked).sort(), [...ids].sort());
  });
});
