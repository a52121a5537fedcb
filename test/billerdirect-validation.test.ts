/**
 * Biller Direct input rules through the real Node-RED runtime against the simulator (issue 3, docs/api-notes.md §2.4, B1, B6):
 *  - every invalid body or setting is rejected before anything is sent (the simulator saw no request at all), with an
 *    error at Catch that names the field and never its value;
 *  - the documented values are accepted (each schedule, recurring, paymentType, accountType, products);
 *  - card numbers, CVVs and account numbers never appear in a log line, a node status, an error message or a message
 *    that reaches Catch (everything is recorded the way test/secrecy.test.ts does).
 */
import assert from 'node:assert/strict';
import { BILLER_DIRECT_SEED_IDS as SEED, type RunningSimulator } from '../lib/simulator';
import {
  BD_LABELS as LABELS,
  bdApi,
  bdFailure,
  bdFlowWith,
  bdSuccess,
  caughtTexts,
  helper,
  loadBillerDirect,
  send,
  show,
  simulatorContext,
  spiedTexts,
  useSimulator,
  type Evidence,
  type FlowNode,
  type Msg,
} from './harness';

const ctx = simulatorContext();

const CARD_NUMBER = '4111111111111111';
const DECLINED_CARD = '5500005555555559';
const CVV = '8642';
const ACCOUNT_NUMBER = '7766554433';
const API_KEY = 'sandbox-api-key';
const CARD = { paymentType: 'card', cardNumber: CARD_NUMBER, cardCode: CVV, expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };
const BANK = { paymentType: 'bank', routingNumber: '021000021', accountNumber: ACCOUNT_NUMBER, accountType: 'checking', name: 'Test User' };
const AUTH = { clientId: SEED.clientId, companyId: '64a000000000000000000001', items: ['bill'], form: { username: 'jdoe', password: 'pw' } };
const SYNC_CARD = { cardNumber: CARD_NUMBER, cardCode: CVV, expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function without<T extends Record<string, unknown>>(obj: T, ...keys: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...obj };
  for (const k of keys) delete copy[k];
  return copy;
}

interface Invalid {
  title: string;
  type: string;
  node: Record<string, unknown>;
  msg: () => Record<string, unknown>;
  /** every one of these appears in the error text */
  names: string[];
  match?: RegExp;
}

const add = { type: 'q2-billerdirect-payment', node: { operation: 'add', clientId: SEED.clientId } };
const settings = { type: 'q2-billerdirect-payment', node: { operation: 'settings', billId: SEED.billId } };
const schedule = { type: 'q2-billerdirect-payment', node: { operation: 'schedule', billId: SEED.billId } };
const search = { type: 'q2-billerdirect-company', node: { operation: 'search' } };
const authCreate = { type: 'q2-billerdirect-auth', node: { operation: 'create' } };

const INVALID: Invalid[] = [
  // paymentType and the fields each needs
  {
    title: 'add: paymentType missing',
    ...add,
    msg: () => ({ payload: without(CARD, 'paymentType') }),
    names: ['msg.payload.paymentType'],
    match: /is required/,
  },
  {
    title: 'add: paymentType "crypto"',
    ...add,
    msg: () => ({ payload: { ...CARD, paymentType: 'crypto' } }),
    names: ['msg.payload.paymentType', 'card or bank'],
  },
  {
    title: 'add: paymentType "Card" (values are exact)',
    ...add,
    msg: () => ({ payload: { ...CARD, paymentType: 'Card' } }),
    names: ['msg.payload.paymentType'],
  },
  { title: 'add: card without cardNumber', ...add, msg: () => ({ payload: without(CARD, 'cardNumber') }), names: ['msg.payload', 'cardNumber'] },
  { title: 'add: card without cardCode', ...add, msg: () => ({ payload: without(CARD, 'cardCode') }), names: ['msg.payload', 'cardCode'] },
  { title: 'add: card without zipcode', ...add, msg: () => ({ payload: without(CARD, 'zipcode') }), names: ['msg.payload', 'zipcode'] },
  { title: 'add: expMonth "13"', ...add, msg: () => ({ payload: { ...CARD, expMonth: '13' } }), names: ['msg.payload.expMonth', 'month'] },
  { title: 'add: expMonth "2" (one digit)', ...add, msg: () => ({ payload: { ...CARD, expMonth: '2' } }), names: ['msg.payload.expMonth'] },
  { title: 'add: expMonth 2 (a number)', ...add, msg: () => ({ payload: { ...CARD, expMonth: 2 } }), names: ['msg.payload.expMonth'], match: /got number/ },
  { title: 'add: expYear "40"', ...add, msg: () => ({ payload: { ...CARD, expYear: '40' } }), names: ['msg.payload.expYear'] },
  { title: 'add: cardNumber with spaces', ...add, msg: () => ({ payload: { ...CARD, cardNumber: '4111 1111 1111 1111' } }), names: ['msg.payload.cardNumber'] },
  { title: 'add: cardCode "12"', ...add, msg: () => ({ payload: { ...CARD, cardCode: '12' } }), names: ['msg.payload.cardCode'] },
  { title: 'add: bank without routingNumber', ...add, msg: () => ({ payload: without(BANK, 'routingNumber') }), names: ['msg.payload', 'routingNumber'] },
  { title: 'add: bank without accountNumber', ...add, msg: () => ({ payload: without(BANK, 'accountNumber') }), names: ['msg.payload', 'accountNumber'] },
  {
    title: 'add: bank accountType "brokerage"',
    ...add,
    msg: () => ({ payload: { ...BANK, accountType: 'brokerage' } }),
    names: ['msg.payload.accountType', 'checking or savings'],
  },
  {
    title: 'add: bank routingNumber of 8 digits',
    ...add,
    msg: () => ({ payload: { ...BANK, routingNumber: '02100002' } }),
    names: ['msg.payload.routingNumber'],
  },
  {
    title: 'add: bank accountNumber of 18 characters',
    ...add,
    msg: () => ({ payload: { ...BANK, accountNumber: `${ACCOUNT_NUMBER}12345678` } }),
    names: ['msg.payload.accountNumber'],
  },
  { title: 'add: no name', ...add, msg: () => ({ payload: without(CARD, 'name') }), names: ['msg.payload.name'] },
  {
    title: 'add: no clientId anywhere',
    type: 'q2-billerdirect-payment',
    node: { operation: 'add' },
    msg: () => ({ payload: CARD }),
    names: ['msg.payload.clientId'],
  },
  // payment settings
  {
    title: 'settings: recurring "sometimes"',
    ...settings,
    msg: () => ({ payload: { recurring: 'sometimes' } }),
    names: ['msg.payload.recurring', 'enabled or disabled'],
  },
  { title: 'settings: recurring true (a boolean)', ...settings, msg: () => ({ payload: { recurring: true } }), names: ['msg.payload.recurring'] },
  {
    title: 'settings: msg.config.recurring "on"',
    ...settings,
    msg: () => ({ config: { recurring: 'on' } }),
    names: ['msg.config.recurring', 'enabled, disabled'],
  },
  {
    title: 'settings: schedule "weekly"',
    ...settings,
    msg: () => ({ payload: { schedule: 'weekly' } }),
    names: ['msg.payload.schedule', 'ten-days-before', 'immediately'],
  },
  {
    title: 'settings: the node’s schedule "two-days-before"',
    type: 'q2-billerdirect-payment',
    node: { operation: 'settings', billId: SEED.billId, schedule: 'two-days-before' },
    msg: () => ({}),
    names: ['schedule', 'on-due-date'],
  },
  { title: 'settings: neither recurring nor schedule', ...settings, msg: () => ({ payload: {} }), names: ['msg.payload', 'recurring or schedule'] },
  // company search
  { title: 'search: pageSize 101', ...search, msg: () => ({ payload: { paginateResults: true, pageSize: 101 } }), names: ['msg.payload.pageSize', '100'] },
  { title: 'search: pageSize 0', ...search, msg: () => ({ payload: { pageSize: 0 } }), names: ['msg.payload.pageSize'] },
  { title: 'search: pageSize "101" (a string)', ...search, msg: () => ({ payload: { pageSize: '101' } }), names: ['msg.payload.pageSize', '100'] },
  { title: 'search: pageSize "0" (a string)', ...search, msg: () => ({ payload: { pageSize: '0' } }), names: ['msg.payload.pageSize'] },
  { title: 'search: pageSize "2.5"', ...search, msg: () => ({ payload: { pageSize: '2.5' } }), names: ['msg.payload.pageSize'] },
  { title: 'search: pageNumber "0"', ...search, msg: () => ({ payload: { pageNumber: '0' } }), names: ['msg.payload.pageNumber'] },
  { title: 'search: pageNumber "one"', ...search, msg: () => ({ payload: { pageNumber: 'one' } }), names: ['msg.payload.pageNumber'] },
  {
    title: 'search: paginateResults "yes"',
    ...search,
    msg: () => ({ payload: { paginateResults: 'yes' } }),
    names: ['msg.payload.paginateResults', 'true or false'],
  },
  { title: 'search: products as a string "cardswap"', ...search, msg: () => ({ payload: { products: 'cardswap' } }), names: ['msg.payload.products', 'array'] },
  {
    title: 'search: products as the string "[\'cardswap\']" (the doc’s example, B6)',
    ...search,
    msg: () => ({ payload: { products: "['cardswap']" } }),
    names: ['msg.payload.products'],
  },
  { title: 'search: products ["music"]', ...search, msg: () => ({ payload: { products: ['music'] } }), names: ['msg.payload.products[0]', 'biller-direct'] },
  { title: 'search: geo without lng', ...search, msg: () => ({ payload: { geo: { lat: 30 } } }), names: ['msg.payload.geo.lng'] },
  // auth create
  {
    title: 'auth create: items ["swap", "bill"] (swap combined)',
    ...authCreate,
    msg: () => ({ payload: { ...AUTH, items: ['swap', 'bill'] } }),
    names: ['msg.payload.items', 'swap only on its own'],
  },
  {
    title: 'auth create: items ["bill", "swap", "payment"]',
    ...authCreate,
    msg: () => ({ payload: { ...AUTH, items: ['bill', 'swap', 'payment'] } }),
    names: ['msg.payload.items'],
  },
  { title: 'auth create: items []', ...authCreate, msg: () => ({ payload: { ...AUTH, items: [] } }), names: ['msg.payload.items'] },
  {
    title: 'auth create: meta.billId with meta.swapId',
    ...authCreate,
    msg: () => ({ payload: { ...AUTH, meta: { billId: SEED.billId, swapId: 'swap-1' } } }),
    names: ['msg.payload.meta', 'billId and swapId'],
  },
  { title: 'auth create: no form', ...authCreate, msg: () => ({ payload: without(AUTH, 'form') }), names: ['msg.payload.form'] },
  { title: 'auth create: msg.payload a string', ...authCreate, msg: () => ({ payload: 'jdoe:pw' }), names: ['msg.payload'], match: /got string/ },
  // auth step and answers
  {
    title: 'auth step: method "sms"',
    type: 'q2-billerdirect-auth',
    node: { operation: 'step' },
    msg: () => ({ payload: { token: 't', method: 'sms', security: { identifier: 'x' } } }),
    names: ['msg.payload.method'],
  },
  {
    title: 'auth step: questions without security',
    type: 'q2-billerdirect-auth',
    node: { operation: 'step' },
    msg: () => ({ payload: { token: 't', method: 'questions' } }),
    names: ['msg.payload', 'security'],
  },
  {
    title: 'auth answerQuestions: answers []',
    type: 'q2-billerdirect-auth',
    node: { operation: 'answerQuestions', authId: SEED.authId },
    msg: () => ({ payload: { answers: [] } }),
    names: ['msg.payload.answers'],
  },
  // client
  {
    title: 'revokeTokens: neither identifier nor clientToken',
    type: 'q2-billerdirect-client',
    node: { operation: 'revokeTokens' },
    msg: () => ({ payload: {} }),
    names: ['msg.payload', 'identifier or clientToken'],
  },
  {
    title: 'revokeTokens: an inject timestamp and no identifier',
    type: 'q2-billerdirect-client',
    node: { operation: 'revokeTokens' },
    msg: () => ({ payload: 1717000000000 }),
    names: ['identifier or clientToken'],
  },
  {
    title: 'createToken: expiration "tomorrow"',
    type: 'q2-billerdirect-client',
    node: { operation: 'createToken', identifier: 'x' },
    msg: () => ({ payload: { expiration: 'tomorrow' } }),
    names: ['msg.payload.expiration', 'ISO 8601'],
  },
  {
    title: 'sync: no client',
    type: 'q2-billerdirect-client',
    node: { operation: 'sync' },
    msg: () => ({ payload: { cards: [SYNC_CARD] } }),
    names: ['msg.payload.client'],
  },
  {
    title: 'sync: cards[0].expMonth "00"',
    type: 'q2-billerdirect-client',
    node: { operation: 'sync' },
    msg: () => ({ payload: { client: { identifier: 'x' }, cards: [{ ...SYNC_CARD, expMonth: '00' }] } }),
    names: ['msg.payload.cards[0].expMonth'],
  },
  {
    title: 'sync: cards[0].cardBrand "diners"',
    type: 'q2-billerdirect-client',
    node: { operation: 'sync' },
    msg: () => ({ payload: { client: { identifier: 'x' }, cards: [{ ...SYNC_CARD, cardBrand: 'diners' }] } }),
    names: ['msg.payload.cards[0].cardBrand'],
  },
  // schedule payment (B1)
  {
    title: 'schedule: both date and payDate',
    ...schedule,
    msg: () => ({ payload: { date: '2099-01-01', payDate: '2099-01-02' } }),
    names: ['msg.payload.date', 'payDate'],
  },
  { title: 'schedule: payDate "next Friday"', ...schedule, msg: () => ({ payload: { payDate: 'next Friday' } }), names: ['msg.payload.payDate', 'ISO 8601'] },
  { title: 'schedule: date "2099-13-01" (sent as payDate)', ...schedule, msg: () => ({ payload: { date: '2099-13-01' } }), names: ['msg.payload.payDate'] },
  // the API key never in a body (B1)
  {
    title: 'schedule: apiKey in the body (the doc’s second example)',
    ...schedule,
    msg: () => ({ payload: { payDate: '2099-01-01', apiKey: `Authorization: Bearer ${API_KEY}` } }),
    names: ['msg.payload.apiKey', 'Authorization header'],
  },
  {
    title: 'client create: apiKey in the body',
    type: 'q2-billerdirect-client',
    node: { operation: 'create' },
    msg: () => ({ payload: { identifier: 'x', apiKey: API_KEY } }),
    names: ['msg.payload.apiKey'],
  },
  { title: 'payment add: apiKey in the body', ...add, msg: () => ({ payload: { ...CARD, apiKey: API_KEY } }), names: ['msg.payload.apiKey'] },
  { title: 'auth create: apiKey in the body', ...authCreate, msg: () => ({ payload: { ...AUTH, apiKey: API_KEY } }), names: ['msg.payload.apiKey'] },
  {
    title: 'swap create: apiKey in the body',
    type: 'q2-billerdirect-swap',
    node: { operation: 'create', authId: SEED.authId, paymentMethodId: SEED.paymentMethodId },
    msg: () => ({ payload: { apiKey: API_KEY } }),
    names: ['msg.payload.apiKey'],
  },
  // operation and path ids
  {
    title: 'msg.config.operation "remove"',
    type: 'q2-billerdirect-payment',
    node: { operation: 'list', clientId: SEED.clientId },
    msg: () => ({ config: { operation: 'remove' } }),
    names: ['msg.config.operation', 'add', 'cancel'],
  },
  { title: 'bill get: no billId', type: 'q2-billerdirect-bill', node: { operation: 'get' }, msg: () => ({}), names: ['billId', 'msg.config.billId'] },
  {
    title: 'partner publicKey: no keyId',
    type: 'q2-billerdirect-partner',
    node: { operation: 'publicKey' },
    msg: () => ({}),
    names: ['keyId', 'msg.config.keyId'],
  },
  {
    title: 'auth delete: msg.config.authId ".."',
    type: 'q2-billerdirect-auth',
    node: { operation: 'delete', authId: SEED.authId },
    msg: () => ({ config: { authId: '..' } }),
    names: ['authId'],
  },
  {
    title: 'auth list: msg.config.clientId a number',
    type: 'q2-billerdirect-auth',
    node: { operation: 'list' },
    msg: () => ({ config: { clientId: 42 } }),
    names: ['msg.config.clientId'],
  },
];

/** Values that must not appear in any error text. */
const SECRET_VALUES = [CARD_NUMBER, CVV, ACCOUNT_NUMBER, `${ACCOUNT_NUMBER}12345678`, '4111 1111 1111 1111', API_KEY];

describe('Biller Direct input rules against the simulator', () => {
  useSimulator(ctx);

  async function deploy(type: string, props: Record<string, unknown>, connection: Record<string, unknown> = {}): Promise<RunningSimulator> {
    const { sim } = ctx;
    await loadBillerDirect(bdFlowWith(sim.url, [{ id: 'n1', type, name: '', ...props }], connection));
    return sim;
  }

  describe('an invalid body or setting reaches Catch naming the field, and nothing is sent', () => {
    for (const c of INVALID) {
      it(c.title, async () => {
        const sim = await deploy(c.type, c.node);
        const { caught, text } = bdFailure(await send(c.msg()), LABELS[c.type]);
        for (const name of c.names) assert.ok(text.includes(name), `the error names ${name}: "${text}"`);
        if (c.match) assert.match(text, c.match);
        for (const value of SECRET_VALUES) assert.equal(text.includes(value), false, `the error does not contain ${value}: "${text}"`);
        assert.equal(caught.statusCode, undefined, 'no HTTP status: nothing was sent');
        await settle(30);
        assert.deepEqual(
          sim.server.requests.map((r) => `${r.method} ${r.path}`),
          [],
          'the simulator saw no request at all',
        );
      });
    }
  });

  describe('the documented values are accepted and sent as they are', () => {
    it('settings: each of the five schedules, recurring enabled and disabled', async () => {
      const sim = await deploy('q2-billerdirect-payment', { operation: 'settings', billId: SEED.billId });
      const bodies = [
        ...['ten-days-before', 'five-days-before', 'day-before', 'on-due-date', 'immediately'].map((s) => ({ schedule: s })),
        { recurring: 'disabled' },
        { recurring: 'enabled', schedule: 'day-before' },
      ];
      for (const body of bodies) bdSuccess(await send({ payload: { ...body } }));
      assert.deepEqual(
        sim.server.requests.map((r) => r.body),
        bodies.map((b) => ({ ...b, billId: SEED.billId })),
      );
    });

    it('add: a card and a bank account of each type; setAsDefault as the word "true" (the docs’ sync example)', async () => {
      const sim = await deploy('q2-billerdirect-payment', { operation: 'add', clientId: SEED.clientId });
      const bodies = [{ ...CARD, setAsDefault: 'true' }, { ...BANK }, { ...BANK, accountType: 'savings' }];
      for (const body of bodies) bdSuccess(await send({ payload: { ...body } }));
      assert.equal(sim.server.requests.length, 3);
    });

    it('search: products ["cardswap"], ["biller-direct"], both; pageSize 100; geo', async () => {
      const sim = await deploy('q2-billerdirect-company', { operation: 'search' });
      for (const payload of [
        { products: ['cardswap'] },
        { products: ['biller-direct'] },
        { products: ['biller-direct', 'cardswap'] },
        { paginateResults: true, pageSize: 100 },
        { geo: { lat: 30.27, lng: -97.74 } },
      ]) {
        bdSuccess(await send({ payload }));
      }
      assert.equal(sim.server.requests.length, 5);
    });

    it('search: Q2’s own example with paginateResults, pageSize, pageNumber as strings (B6a) is sent as given and paginates', async () => {
      const sim = await deploy('q2-billerdirect-company', { operation: 'search' });
      const example = { query: 'regular company', paginateResults: 'true', pageSize: '2', pageNumber: '2', products: ['biller-direct'] };
      const { payload } = bdSuccess<{ data: Array<{ name: string }>; resultCount: number }>(await send({ payload: { ...example } }));
      assert.deepEqual(
        sim.server.requests.map((r) => r.body),
        [example],
        'the strings reach the simulator unchanged',
      );
      assert.deepEqual(
        payload.data.map((c) => c.name),
        ['Regular Company 3', 'Regular Company 4'],
      );
      assert.equal(payload.resultCount, 5);
      // the bounds hold for strings as for numbers, and "false" turns pagination off
      for (const body of [{ pageSize: '100', pageNumber: '1', paginateResults: 'false' }, { pageSize: '25' }]) bdSuccess(await send({ payload: { ...body } }));
      assert.deepEqual(
        sim.server.requests.slice(1).map((r) => r.body),
        [{ pageSize: '100', pageNumber: '1', paginateResults: 'false' }, { pageSize: '25' }],
      );
    });

    it('auth step: method prompt with security (as in Q2’s example) is sent as given and verifies the auth', async () => {
      const sim = await deploy('q2-billerdirect-auth', { operation: 'step' });
      const { clientId } = await bdApi<{ clientId: string }>(sim, 'POST', '/client', { identifier: `prompt-${Math.random().toString(36).slice(2)}` });
      const { authId } = await bdApi<{ authId: string }>(sim, 'POST', '/auth', {
        clientId,
        companyId: '64a000000000000000000001',
        items: ['bill'],
        form: { username: 'testmfaprompt', password: 'pw' },
      });
      const token = sim.billerDirect.mfaToken(authId);
      assert.ok(token, 'the auth waits for prompt MFA');
      sim.server.clearRequests();
      const body = { token, method: 'prompt', security: { identifier: 'device', answer: 'approved' } };
      const { payload } = bdSuccess(await send({ payload: { ...body } }));
      assert.deepEqual(payload.success, 'true');
      assert.deepEqual(
        sim.server.requests.map((r) => [`${r.method} ${r.path}`, r.body]),
        [['POST /v1/auth/step', body]],
      );
      assert.equal(sim.billerDirect.state.auths.find((a) => a._id === authId)?.status, 'verified');
    });

    it('auth create: items ["swap"] alone, and meta.billId alone', async () => {
      const sim = await deploy('q2-billerdirect-auth', { operation: 'create' });
      bdSuccess(await send({ payload: { ...AUTH, companyId: '64a000000000000000000005', items: ['swap'], meta: { paymentMethodId: SEED.paymentMethodId } } }));
      bdSuccess(await send({ payload: { ...AUTH, items: ['bill', 'payment'], meta: { billId: SEED.billId } } }));
      assert.equal(sim.server.requests.length, 2);
    });

    it('revokeTokens: clientToken alone', async () => {
      const sim = await deploy('q2-billerdirect-client', { operation: 'revokeTokens' });
      const token = (bdSuccess(await send({ config: { operation: 'createToken', identifier: SEED.clientIdentifier } })).payload as { token: string }).token;
      bdSuccess(await send({ payload: { clientToken: token } }));
      assert.deepEqual(sim.server.requests[1].body, { clientToken: token });
    });
  });

  // ---- secrecy ------------------------------------------------------------------------------------------------

  describe('card numbers, CVVs and account numbers', () => {
    const SECRETS: Array<[string, RegExp]> = [
      ['the card number', new RegExp(CARD_NUMBER)],
      ['the declined card number', new RegExp(DECLINED_CARD)],
      ['the CVV', new RegExp(`(?<![0-9A-Za-z])${CVV}(?![0-9A-Za-z])`)],
      ['the account number', new RegExp(ACCOUNT_NUMBER)],
      ['the API key', new RegExp(API_KEY)],
    ];

    let caught: Msg[] = [];
    let consoleLines: string[] = [];
    const saved = { ...console };
    beforeEach(() => {
      caught = [];
      consoleLines = [];
      for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        console[method] = (...args: unknown[]) => {
          consoleLines.push(args.map(show).join(' '));
        };
      }
    });
    afterEach(() => {
      Object.assign(console, saved);
    });

    /** The flow of the scenarios: add (n1), sync (n2), add on a connection with a 1 s timeout (n3), add from msg.wallet.card (n4). */
    async function deployAll(): Promise<RunningSimulator> {
      const { sim } = ctx;
      const nodes: FlowNode[] = [
        { id: 'n1', type: 'q2-billerdirect-payment', name: '', operation: 'add', clientId: SEED.clientId },
        { id: 'n2', type: 'q2-billerdirect-client', name: '', operation: 'sync' },
        { id: 'n3', type: 'q2-billerdirect-payment', name: '', operation: 'add', clientId: SEED.clientId, connection: 'bd-slow-conn' },
        { id: 'n4', type: 'q2-billerdirect-payment', name: '', operation: 'add', clientId: SEED.clientId, dataProperty: 'wallet.card' },
      ];
      const slow: FlowNode = {
        id: 'bd-slow-conn',
        type: 'q2-billerdirect-config',
        name: 'Slow connection',
        environment: 'custom',
        baseUrl: `${sim.url}/v1`,
        timeout: 1,
      };
      await loadBillerDirect([...bdFlowWith(sim.url, nodes), slow], { 'bd-slow-conn': { apiKey: API_KEY } });
      helper.getNode('caught').on('input', (msg: Msg) => caught.push(msg));
      return sim;
    }

    function texts(): Evidence[] {
      return [
        ...spiedTexts({ firstArgOnly: true }),
        ...caught.map((msg, i) => ({ where: `Catch message #${i} error`, text: msg.error?.message ?? '' })),
        ...consoleLines.map((line, i) => ({ where: `console #${i}`, text: line })),
      ];
    }

    function catchMessages(): Evidence[] {
      return caughtTexts(caught);
    }

    function leaks(evidence: Evidence[]): string[] {
      const found: string[] = [];
      for (const [label, pattern] of SECRETS) for (const e of evidence) if (pattern.test(e.text)) found.push(`${label} in ${e.where}`);
      return found;
    }

    /** Runs every scenario: successes, validation failures, server failures, a server echo, a timeout. */
    async function scenarios(sim: RunningSimulator): Promise<void> {
      bdSuccess(await send({ payload: { ...CARD } }, 'n1'));
      bdSuccess(await send({ payload: { ...CARD, cardNumber: DECLINED_CARD } }, 'n1'));
      bdSuccess(await send({ payload: { ...BANK } }, 'n1'));
      bdSuccess(await send({ payload: { client: { identifier: 'secret-sync' }, cards: [{ ...SYNC_CARD }] } }, 'n2'));
      // refused before sending
      bdFailure(await send({ payload: { ...CARD, expMonth: '13' } }, 'n1'), 'BD Payment');
      bdFailure(await send({ payload: { ...CARD, cardNumber: `${CARD_NUMBER}x` } }, 'n1'), 'BD Payment');
      bdFailure(await send({ payload: { ...BANK, accountType: 'brokerage' } }, 'n1'), 'BD Payment');
      bdFailure(await send({ payload: { client: { identifier: 'secret-sync' }, cards: [{ ...SYNC_CARD, expYear: '30' }] } }, 'n2'), 'BD Client');
      bdFailure(await send({ payload: 'pay', wallet: { card: { ...CARD, zipcode: '1' } } }, 'n4'), 'BD Payment');
      // refused by the server (an expired card, a bank account number the simulator does not take)
      const expired = bdFailure(await send({ payload: { ...CARD, expYear: '2020' } }, 'n1'), 'BD Payment');
      assert.equal(expired.caught.statusCode, 400);
      bdFailure(await send({ payload: { ...BANK, routingNumber: '021000021', accountNumber: `${ACCOUNT_NUMBER}x`.slice(0, 11) } }, 'n1'), 'BD Payment');
      // a server that echoes the card number in its message: masked in the error text
      sim.server.injectFault({
        path: '/v1/payment',
        status: 400,
        body: { success: false, code: 'bad_request', message: `card ${CARD_NUMBER} and account ${ACCOUNT_NUMBER} refused` },
      });
      const echoed = bdFailure(await send({ payload: { ...CARD } }, 'n1'), 'BD Payment');
      assert.match(echoed.text, /\*{6}1111/);
      // no answer within the connection's timeout
      sim.server.injectFault({ path: '/v1/payment', delayMs: 1500, status: 504 });
      const late = bdFailure(await send({ payload: { ...CARD } }, 'n3'), 'BD Payment');
      assert.match(late.text, /timeout/);
      assert.ok(
        sim.server.requests.some((r) => (r.body as { cardNumber?: string } | undefined)?.cardNumber === CARD_NUMBER),
        'the scenario really sent the card number',
      );
    }

    it('never in a log line, a node status or an error message', async () => {
      const sim = await deployAll();
      await scenarios(sim);
      const evidence = texts();
      const all = evidence.map((e) => e.text).join('\n');
      for (const seen of [
        'HTTP 200',
        'msg.payload.expMonth',
        'msg.payload.accountType',
        'msg.payload.cards[0].expYear',
        'msg.wallet.card.zipcode',
        'invalid input',
        'timeout',
        'HTTP 400',
      ]) {
        assert.ok(all.includes(seen), `the evidence is real: ${seen}`);
      }
      assert.deepEqual(leaks(evidence), []);
    });

    it('never in a message that reaches Catch (the body refused before sending, or lost in a timeout, is masked)', async () => {
      const sim = await deployAll();
      await scenarios(sim);
      assert.equal(caught.length, 9);
      // the server's own answer is passed on as msg.payload by design: the echo scenario is left out here
      const evidence = catchMessages().filter((e) => !e.text.includes('refused"') && !e.text.includes("refused'"));
      assert.equal(evidence.length, 16);
      assert.deepEqual(leaks(evidence), []);
      const [refused] = caught;
      assert.equal((refused.payload as { expMonth: string }).expMonth, '13', 'the rest of the refused body is kept, to see what was wrong');
    });
  });
});
