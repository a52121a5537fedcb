/**
 * The white-label SSO link node `q2-billerdirect-sso-link` (issue 4) in the real Node-RED runtime (docs/api-notes.md §2.1 hosts, §2.8
 * "URL params", §2.4 client/create-token):
 *  - the host of each product (connect, cardswap, biller-direct) in each environment (sandbox, production);
 *  - exactly the URL parameters given (companyId, billId, swapId, paymentMethodId, items, cardPaymentsOnly,
 *    startView, sessionId, skipOnboarding), from node properties or msg.config, blanks left out, URL-encoded, plus
 *    `token` — compared as the complete set of search params of `new URL(msg.payload)`;
 *  - the token from msg.config.token (no request), or from POST /v1/client/create-token on the simulator through the
 *    q2-billerdirect-config connection, given an identifier; Catch without either, and for an invalid items/product/… value;
 *  - the token never in a status, a log line or a Catch message.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { SinonSpy } from 'sinon';
import type { RunningSimulator } from '../lib/simulator';
import {
  BD_REQUEST_ID,
  bdFailure,
  bdFlowWith,
  BILLER_DIRECT_CREDENTIALS,
  helper,
  loadBillerDirect,
  send,
  simulatorContext,
  useSimulator,
  type FlowNode,
  type Msg,
  type Outcome,
} from './harness';

const ctx = simulatorContext();

const TYPE = 'q2-billerdirect-sso-link';
const LABEL = 'BD SSO Link';
type Json = Record<string, unknown>;
type Params = Record<string, string>;

/** docs/api-notes.md §2.1, written out here (not imported from lib/) so that a wrong host in the node fails the test. */
const HOSTS: Record<string, Record<string, string>> = {
  connect: { sandbox: 'https://sb-connect.q2open.io', production: 'https://connect.q2open.io' },
  cardswap: { sandbox: 'https://sb-cardswap.q2open.io', production: 'https://cardswap.q2open.io' },
  'biller-direct': { sandbox: 'https://sb-biller-direct.q2open.io', production: 'https://biller-direct.q2open.io' },
};

/** Every URL parameter with a value, as given (node property or msg.config) and as it must appear in the URL. */
const ALL_GIVEN: Json = {
  companyId: '64a000000000000000000001',
  billId: 'bill-42',
  swapId: 'swap-7',
  paymentMethodId: 'pm-9',
  items: 'bill,payment',
  cardPaymentsOnly: true,
  startView: 'brands',
  sessionId: 'session-2025-06-10',
  skipOnboarding: true,
};
const ALL_IN_URL: Params = {
  companyId: '64a000000000000000000001',
  billId: 'bill-42',
  swapId: 'swap-7',
  paymentMethodId: 'pm-9',
  items: 'bill,payment',
  cardPaymentsOnly: 'true',
  startView: 'brands',
  sessionId: 'session-2025-06-10',
  skipOnboarding: 'true',
};
/** The node's properties as the editor saves them when nothing is set. */
const BLANK: Json = {
  product: 'connect',
  environment: 'sandbox',
  identifier: '',
  companyId: '',
  billId: '',
  swapId: '',
  paymentMethodId: '',
  items: '',
  cardPaymentsOnly: false,
  startView: '',
  sessionId: '',
  skipOnboarding: false,
  nonce: true,
  expiration: '',
  accessTokenExpiresIn: '',
  authId: '',
  allowOverrides: true,
};

async function deploy(props: Json = {}, credentials?: Record<string, Record<string, string>>): Promise<RunningSimulator> {
  const { sim } = ctx;
  const node: FlowNode = { id: 'n1', type: TYPE, name: '', ...BLANK, ...props };
  await loadBillerDirect(bdFlowWith(sim.url, [node]), credentials);
  return sim;
}

/** The message reached the output with msg.payload a URL string: returns the message and the parsed URL. */
function linkOf(outcome: Outcome): { out: Msg; url: URL; raw: string } {
  assert.equal(outcome.caught, undefined, `expected the output, got Catch: ${outcome.caught?.error?.message ?? ''}`);
  const { out } = outcome;
  assert.ok(out, 'the message reached the output');
  assert.equal(typeof out.payload, 'string', 'msg.payload is the URL');
  const raw = out.payload as string;
  return { out, url: new URL(raw), raw };
}

/** The complete search params of `url`: each key once, and nothing but the expected ones. */
function paramsOf(url: URL): Params {
  const keys = [...url.searchParams.keys()];
  assert.equal(new Set(keys).size, keys.length, `each parameter once: ${keys.join(', ')}`);
  return Object.fromEntries(url.searchParams.entries());
}

function assertLink(outcome: Outcome, product: string, environment: string, expected: Params): { out: Msg; url: URL; raw: string } {
  const link = linkOf(outcome);
  assert.equal(link.url.origin, HOSTS[product][environment], `${product} ${environment}: the host`);
  assert.equal(link.url.pathname, '/');
  assert.equal(link.url.hash, '');
  assert.equal(link.url.username + link.url.password, '');
  assert.deepEqual(sortKeys(paramsOf(link.url)), sortKeys(expected), 'exactly the parameters given');
  return link;
}

function sortKeys(p: Params): Params {
  return Object.fromEntries(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
}

/** The query string's own pairs, decoded by hand: checks the encoding itself, not only what URLSearchParams reads. */
function rawPairs(raw: string): Array<[string, string]> {
  const query = raw.slice(raw.indexOf('?') + 1);
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    assert.ok(eq > 0, `a key=value pair: ${pair}`);
    const [k, v] = [pair.slice(0, eq), pair.slice(eq + 1)];
    assert.match(v, /^[A-Za-z0-9\-._~%+]*$/, `the value of ${k} is percent-encoded: ${v}`);
    return [decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))];
  });
}

/** Every text shown or logged since the flow was loaded: the runtime log and each node's status/warn/error/log. */
function shownAndLogged(caught: readonly Msg[]): string[] {
  const texts = helper
    .log()
    .getCalls()
    .map((call) => inspect(call.args, { depth: 6 }));
  const anyNode = helper.getNode('out') as unknown as Record<'status' | 'error' | 'warn' | 'log', SinonSpy>;
  for (const method of ['status', 'error', 'warn', 'log'] as const) {
    for (const call of anyNode[method].getCalls()) texts.push(`${method}: ${inspect(call.args, { depth: 6 })}`);
  }
  for (const msg of caught) texts.push(`Catch: ${JSON.stringify(msg)}`);
  return texts;
}

describe('Biller Direct SSO link node (q2-billerdirect-sso-link)', () => {
  useSimulator(ctx);

  describe('hosts', () => {
    for (const product of Object.keys(HOSTS)) {
      for (const environment of ['sandbox', 'production']) {
        it(`${product} / ${environment}: node properties → ${HOSTS[product][environment]}/?token=…`, async () => {
          const sim = await deploy({ product, environment });
          assertLink(await send({ payload: 'x', config: { token: 'tok-1' } }), product, environment, { token: 'tok-1' });
          assert.deepEqual(sim.server.requests, [], 'no HTTP request with msg.config.token');
        });

        it(`${product} / ${environment}: from msg.config (over other node properties)`, async () => {
          const [otherProduct] = Object.keys(HOSTS).filter((p) => p !== product);
          await deploy({ product: otherProduct, environment: environment === 'sandbox' ? 'production' : 'sandbox' });
          assertLink(await send({ payload: 'x', config: { token: 'tok-2', product, environment } }), product, environment, { token: 'tok-2' });
        });
      }
    }
  });

  describe('URL parameters', () => {
    it('every parameter from node properties, exactly, with the token; msg.statusCode 200', async () => {
      await deploy({ ...ALL_GIVEN, product: 'biller-direct' });
      const { out } = assertLink(await send({ payload: 'x', config: { token: 'tok-3' } }), 'biller-direct', 'sandbox', { token: 'tok-3', ...ALL_IN_URL });
      assert.equal(out.statusCode, 200);
    });

    it('every parameter from msg.config, exactly, with the token', async () => {
      await deploy({ product: 'cardswap', environment: 'production' });
      assertLink(await send({ payload: 'x', config: { token: 'tok-4', ...ALL_GIVEN } }), 'cardswap', 'production', { token: 'tok-4', ...ALL_IN_URL });
    });

    for (const key of Object.keys(ALL_GIVEN)) {
      it(`${key} alone (node property, then msg.config over it)`, async () => {
        await deploy({ [key]: ALL_GIVEN[key] });
        assertLink(await send({ config: { token: 't' } }), 'connect', 'sandbox', { token: 't', [key]: ALL_IN_URL[key] });
        const other: Json = {
          companyId: 'c-2',
          billId: 'b-2',
          swapId: 's-2',
          paymentMethodId: 'p-2',
          items: 'swap',
          cardPaymentsOnly: 'true',
          startView: 'brands',
          sessionId: 's2',
          skipOnboarding: 1,
        };
        const expected: Params = {
          companyId: 'c-2',
          billId: 'b-2',
          swapId: 's-2',
          paymentMethodId: 'p-2',
          items: 'swap',
          cardPaymentsOnly: 'true',
          startView: 'brands',
          sessionId: 's2',
          skipOnboarding: 'true',
        };
        assertLink(await send({ config: { token: 't', [key]: other[key] } }), 'connect', 'sandbox', { token: 't', [key]: expected[key] });
      });
    }

    it('msg.config wins over node properties, parameter by parameter; the others keep the node’s value', async () => {
      await deploy({ companyId: 'node-company', billId: 'node-bill', sessionId: 'node-session' });
      assertLink(await send({ config: { token: 't', billId: 'msg-bill', swapId: 'msg-swap' } }), 'connect', 'sandbox', {
        token: 't',
        companyId: 'node-company',
        billId: 'msg-bill',
        swapId: 'msg-swap',
        sessionId: 'node-session',
      });
    });

    it('blanks are left out: empty strings, false, null; identifier, product and environment are never URL parameters', async () => {
      await deploy({ identifier: 'someone', product: 'connect', environment: 'production' });
      const config = {
        token: 'tok-5',
        companyId: '',
        billId: null,
        swapId: '',
        paymentMethodId: '',
        items: '',
        cardPaymentsOnly: false,
        startView: '',
        sessionId: '',
        skipOnboarding: false,
      };
      const { raw } = assertLink(await send({ config }), 'connect', 'production', { token: 'tok-5' });
      assert.equal(raw, 'https://connect.q2open.io/?token=tok-5');
    });

    it('false from msg.config turns off a flag set on the node', async () => {
      await deploy({ cardPaymentsOnly: true, skipOnboarding: true });
      assertLink(await send({ config: { token: 't', cardPaymentsOnly: false } }), 'connect', 'sandbox', { token: 't', skipOnboarding: 'true' });
    });

    it('special characters are URL-encoded (token and every text parameter) and read back unchanged', async () => {
      await deploy({ product: 'biller-direct' });
      const nasty = (name: string): string => `${name} a&b=c?d#e/f+g%h é😀`;
      const config = {
        token: nasty('tok'),
        companyId: nasty('co'),
        billId: nasty('bill'),
        swapId: nasty('swap'),
        paymentMethodId: nasty('pm'),
        sessionId: nasty('sess'),
      };
      const { raw, url } = assertLink(await send({ config }), 'biller-direct', 'sandbox', config);
      assert.ok(raw.startsWith('https://sb-biller-direct.q2open.io/?'), raw);
      assert.equal(url.hash, '', 'a # in a value does not start a fragment');
      const pairs = rawPairs(raw);
      assert.deepEqual(sortKeys(Object.fromEntries(pairs)), sortKeys(config));
      assert.equal(pairs.length, Object.keys(config).length);
    });
  });

  describe('the token', () => {
    it('from msg.config.token: no request is made, even with an identifier; msg.config stays as sent', async () => {
      const sim = await deploy({ identifier: 'node-user' });
      const { out } = assertLink(await send({ config: { token: 'given-token', identifier: 'msg-user' } }), 'connect', 'sandbox', { token: 'given-token' });
      assert.deepEqual(sim.server.requests, []);
      assert.deepEqual(out.config, { token: 'given-token', identifier: 'msg-user' });
    });

    for (const where of ['node', 'msg.config'] as const) {
      it(`from an identifier (${where}): POST /v1/client/create-token {identifier, nonce: true} through the connection; the issued token in the URL`, async () => {
        const identifier = `sso user/${where} ${Math.random().toString(36).slice(2, 8)}`;
        const sim = await deploy({ product: 'cardswap', sessionId: 'sess-1', ...(where === 'node' ? { identifier } : {}) });
        const outcome = await send({ payload: 'x', config: where === 'node' ? {} : { identifier } });
        assert.equal(sim.server.requests.length, 1, sim.server.requests.map((r) => `${r.method} ${r.path}`).join(', '));
        const [call] = sim.server.requests;
        assert.equal(`${call.method} ${call.path}`, 'POST /v1/client/create-token');
        assert.deepEqual(call.body, { identifier, nonce: true }, 'a one-time token by default');
        assert.equal(call.headers.authorization, `Bearer ${BILLER_DIRECT_CREDENTIALS.apiKey}`);
        assert.equal(call.headers['content-type'], 'application/json');
        const client = sim.billerDirect.state.clients.find((c) => c.identifier === identifier);
        assert.ok(client, 'the simulator created the client');
        const issued = sim.billerDirect.state.tokens.filter((t) => t.clientId === client._id);
        assert.equal(issued.length, 1, 'one token issued');
        assert.equal(issued[0].nonce, true, 'the simulator issued a one-time token');
        const { out } = assertLink(outcome, 'cardswap', 'sandbox', { token: issued[0].token, sessionId: 'sess-1' });
        assert.equal(out.statusCode, 200);
        assert.match(String(out.q2?.requestId), BD_REQUEST_ID, 'msg.q2.requestId from create-token');
        // the token is a live SSO token of that client
        const res = await fetch(`${sim.url}/v1/payment/list/${client._id}`, {
          headers: { authorization: `Bearer ${issued[0].token}`, accept: 'application/json' },
        });
        assert.equal(res.status, 200);
      });
    }

    it('the output property: the URL goes where the node says, msg.payload stays as it came', async () => {
      await deploy({ outputProperty: 'sso.url' });
      const outcome = await send({ payload: 'kept', config: { token: 'tok-out' } });
      assert.ok(outcome.out, 'reached the output');
      assert.equal(outcome.out.payload, 'kept');
      const url = (outcome.out as Msg & { sso?: { url?: string } }).sso?.url;
      assert.equal(url, `${HOSTS.connect.sandbox}/?token=tok-out`);
    });

    it('allowOverrides off: msg.config is ignored (no token, no parameters from it); the node’s identifier is used', async () => {
      const sim = await deploy({ identifier: 'fixed-user', allowOverrides: false });
      const outcome = await send({ config: { token: 'msg-token', companyId: 'msg-company', product: 'cardswap' } });
      const [token] = sim.billerDirect.state.tokens;
      assert.ok(token);
      assertLink(outcome, 'connect', 'sandbox', { token: token.token });
    });

    it('no token and no identifier → Catch naming the token and the identifier; nothing sent, nothing output', async () => {
      const sim = await deploy();
      const { text } = bdFailure(await send({ payload: 'x', config: { companyId: 'c1' } }), LABEL);
      assert.match(text, /token/);
      assert.match(text, /identifier/);
      assert.deepEqual(sim.server.requests, []);
    });

    it('an identifier without a connection → Catch; nothing sent', async () => {
      const sim = await deploy({ identifier: 'someone', connection: '' });
      bdFailure(await send({ payload: 'x' }), LABEL);
      assert.deepEqual(sim.server.requests, []);
    });

    it('create-token refused (a wrong API key) → Catch with HTTP 401', async () => {
      const sim = await deploy({ identifier: 'someone' }, { conn: { apiKey: 'wrong-key' } });
      const { caught, text } = bdFailure(await send({ payload: 'x' }), LABEL);
      assert.match(text, /401/);
      assert.equal(caught.statusCode, 401);
      assert.equal(sim.server.requests.length, 1);
    });
  });

  describe('create-token options (nonce, expiration, accessTokenExpiresIn) and authId', () => {
    const inDays = (days: number): string => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString();

    /** The one create-token request, its body, and the token the simulator issued for it. */
    function tokenRequest(sim: RunningSimulator): { body: Json; issued: RunningSimulator['billerDirect']['state']['tokens'][number] } {
      assert.equal(sim.server.requests.length, 1, sim.server.requests.map((r) => `${r.method} ${r.path}`).join(', '));
      const [call] = sim.server.requests;
      assert.equal(`${call.method} ${call.path}`, 'POST /v1/client/create-token');
      const tokens = sim.billerDirect.state.tokens;
      assert.equal(tokens.length, 1, 'one token issued');
      return { body: call.body as Json, issued: tokens[0] };
    }

    it('a node saved before these settings existed (no nonce property): nonce true', async () => {
      const { sim } = ctx;
      const node: FlowNode = { id: 'n1', type: TYPE, name: '', product: 'connect', environment: 'sandbox', identifier: 'old-flow-user' };
      await loadBillerDirect(bdFlowWith(sim.url, [node]));
      const outcome = await send({ payload: 'x' });
      const { body, issued } = tokenRequest(sim);
      assert.deepEqual(body, { identifier: 'old-flow-user', nonce: true });
      assert.equal(issued.nonce, true);
      assertLink(outcome, 'connect', 'sandbox', { token: issued.token });
    });

    it('nonce false on the node → {identifier, nonce: false}: a token that can be used more than once', async () => {
      const sim = await deploy({ identifier: 'reuse-user', nonce: false });
      const outcome = await send({ payload: 'x' });
      const { body, issued } = tokenRequest(sim);
      assert.deepEqual(body, { identifier: 'reuse-user', nonce: false });
      assert.equal(issued.nonce, false);
      assertLink(outcome, 'connect', 'sandbox', { token: issued.token });
      const client = sim.billerDirect.state.clients.find((c) => c.identifier === 'reuse-user');
      assert.ok(client);
      for (let i = 0; i < 2; i++) {
        const res: Response = await fetch(`${sim.url}/v1/payment/list/${client._id}`, {
          headers: { authorization: `Bearer ${issued.token}`, accept: 'application/json' },
        });
        assert.equal(res.status, 200, `use #${i + 1} of a reusable token`);
      }
    });

    it('the default (nonce true) token works once only at the simulator', async () => {
      const sim = await deploy({ identifier: 'once-user' });
      linkOf(await send({ payload: 'x' }));
      const { issued } = tokenRequest(sim);
      const client = sim.billerDirect.state.clients.find((c) => c.identifier === 'once-user');
      assert.ok(client);
      const statuses: number[] = [];
      for (let i = 0; i < 2; i++) {
        const res: Response = await fetch(`${sim.url}/v1/payment/list/${client._id}`, {
          headers: { authorization: `Bearer ${issued.token}`, accept: 'application/json' },
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      assert.equal(statuses[0], 200);
      assert.notEqual(statuses[1], 200, 'a one-time token is refused the second time');
    });

    const nonceCases: Array<[string, Json, unknown, boolean]> = [
      ['msg.config.nonce false over the node’s true', { nonce: true }, false, false],
      ['msg.config.nonce "false" (a word) over the node’s true', { nonce: true }, 'false', false],
      ['msg.config.nonce true over the node’s false', { nonce: false }, true, true],
    ];
    for (const [what, props, nonce, expected] of nonceCases) {
      it(what, async () => {
        const sim = await deploy({ identifier: 'n-user', ...props });
        linkOf(await send({ payload: 'x', config: { nonce } }));
        assert.deepEqual(tokenRequest(sim).body, { identifier: 'n-user', nonce: expected });
      });
    }

    it('expiration and accessTokenExpiresIn from node properties pass through to create-token (and into the issued token)', async () => {
      const expiration = inDays(2);
      const sim = await deploy({ identifier: 'exp-user', expiration, accessTokenExpiresIn: '900', product: 'cardswap' });
      const outcome = await send({ payload: 'x' });
      const { body, issued } = tokenRequest(sim);
      assert.deepEqual(body, { identifier: 'exp-user', nonce: true, expiration, accessTokenExpiresIn: 900 });
      assert.equal(Date.parse(issued.expiresAt), Date.parse(expiration));
      assert.equal(issued.accessTokenExpiresIn, 900);
      // never URL parameters
      assertLink(outcome, 'cardswap', 'sandbox', { token: issued.token });
    });

    it('msg.config.expiration / accessTokenExpiresIn / nonce win over the node’s; a numeric string is sent as a number', async () => {
      const expiration = '2031-06-30';
      const sim = await deploy({ identifier: 'exp-user-2', expiration: inDays(3), accessTokenExpiresIn: 900 });
      linkOf(await send({ payload: 'x', config: { expiration, accessTokenExpiresIn: '7200', nonce: false } }));
      assert.deepEqual(tokenRequest(sim).body, { identifier: 'exp-user-2', nonce: false, expiration, accessTokenExpiresIn: 7200 });
    });

    it('msg.config.expiration as a Date is sent as its ISO string', async () => {
      const date = new Date(Date.now() + 5 * 24 * 60 * 60 * 1000);
      const sim = await deploy({ identifier: 'date-user' });
      const config = { expiration: date, accessTokenExpiresIn: 60 };
      const outcome = await send({ payload: 'x', config });
      linkOf(outcome);
      assert.deepEqual(tokenRequest(sim).body, { identifier: 'date-user', nonce: true, expiration: date.toISOString(), accessTokenExpiresIn: 60 });
    });

    it('with msg.config.token no request is made and no option reaches the URL', async () => {
      const sim = await deploy({ identifier: 'u', nonce: false, expiration: inDays(1), accessTokenExpiresIn: 60 });
      assertLink(await send({ config: { token: 'given' } }), 'connect', 'sandbox', { token: 'given' });
      assert.deepEqual(sim.server.requests, []);
    });

    const invalid: Array<[string, Json, Json, RegExp]> = [
      ['expiration "next week" (node property)', { expiration: 'next week' }, {}, /node's expiration property.*ISO 8601/],
      ['expiration "2030-02-30T25:00" (msg.config)', {}, { expiration: '2030-02-30T25:00' }, /msg\.config\.expiration.*ISO 8601/],
      ['accessTokenExpiresIn 0 (node property)', { accessTokenExpiresIn: 0 }, {}, /node's accessTokenExpiresIn property.*positive whole number/],
      ['accessTokenExpiresIn "-1" (msg.config)', {}, { accessTokenExpiresIn: '-1' }, /msg\.config\.accessTokenExpiresIn.*positive whole number/],
      ['accessTokenExpiresIn 3.5 (msg.config)', {}, { accessTokenExpiresIn: 3.5 }, /msg\.config\.accessTokenExpiresIn/],
      ['nonce "maybe" (msg.config)', {}, { nonce: 'maybe' }, /msg\.config\.nonce.*true or false/],
    ];
    for (const [what, props, config, names] of invalid) {
      it(`invalid ${what} with an identifier → Catch naming the field; create-token not sent`, async () => {
        const sim = await deploy({ identifier: 'someone', ...props });
        const { text } = bdFailure(await send({ payload: 'x', config }), LABEL);
        assert.match(text, names);
        assert.deepEqual(sim.server.requests, []);
        assert.deepEqual(sim.billerDirect.state.tokens, []);
      });
    }

    it('authId (B22) in a Connect link: from the node, then msg.config over it; URL-encoded', async () => {
      await deploy({ authId: 'auth-node-1', companyId: 'co-1' });
      assertLink(await send({ config: { token: 't' } }), 'connect', 'sandbox', { token: 't', authId: 'auth-node-1', companyId: 'co-1' });
      const { raw } = assertLink(await send({ config: { token: 't', authId: 'a&b=c d' } }), 'connect', 'sandbox', {
        token: 't',
        authId: 'a&b=c d',
        companyId: 'co-1',
      });
      assert.deepEqual(
        rawPairs(raw).find(([k]) => k === 'authId'),
        ['authId', 'a&b=c d'],
      );
    });

    for (const product of ['cardswap', 'biller-direct']) {
      it(`authId is left out of a ${product} link (node property or msg.config), the rest unchanged`, async () => {
        await deploy({ product, authId: 'auth-node-1', companyId: 'co-1' });
        assertLink(await send({ config: { token: 't' } }), product, 'sandbox', { token: 't', companyId: 'co-1' });
        assertLink(await send({ config: { token: 't', authId: 'auth-msg' } }), product, 'sandbox', { token: 't', companyId: 'co-1' });
        // the same message switched to Connect carries it
        assertLink(await send({ config: { token: 't', authId: 'auth-msg', product: 'connect' } }), 'connect', 'sandbox', {
          token: 't',
          companyId: 'co-1',
          authId: 'auth-msg',
        });
      });
    }
  });

  describe('invalid input → Catch, nothing sent', () => {
    const cases: Array<[string, Json, Json, RegExp]> = [
      ['items (node property)', { items: 'bill,foo' }, {}, /items/],
      ['items (msg.config)', {}, { items: 'bills' }, /items/],
      ['items with a space', {}, { items: 'bill, payment' }, /items/],
      ['items as an array', {}, { items: ['bill'] }, /items/],
      ['product (node property)', { product: 'connects' }, {}, /product/],
      ['product (msg.config)', {}, { product: 'Connect' }, /product/],
      ['environment (msg.config)', {}, { environment: 'staging' }, /environment/],
      ['startView (msg.config)', {}, { startView: 'home' }, /startView/],
      ['cardPaymentsOnly (msg.config)', {}, { cardPaymentsOnly: 'yes' }, /cardPaymentsOnly/],
      ['companyId as an object (msg.config)', {}, { companyId: { id: 1 } }, /companyId/],
      ['nonce "yes" (msg.config)', {}, { nonce: 'yes' }, /msg\.config\.nonce/],
      ['expiration not ISO 8601 (node property)', { expiration: 'tomorrow' }, {}, /node's expiration property.*ISO 8601/],
      ['expiration 2030-13-01 (msg.config)', {}, { expiration: '2030-13-01' }, /msg\.config\.expiration.*ISO 8601/],
      ['expiration a number (msg.config)', {}, { expiration: 1893456000000 }, /msg\.config\.expiration/],
      ['accessTokenExpiresIn 0 (msg.config)', {}, { accessTokenExpiresIn: 0 }, /msg\.config\.accessTokenExpiresIn.*positive whole number/],
      ['accessTokenExpiresIn -5 (node property)', { accessTokenExpiresIn: -5 }, {}, /accessTokenExpiresIn.*positive whole number/],
      ['accessTokenExpiresIn 1.5 (msg.config)', {}, { accessTokenExpiresIn: 1.5 }, /msg\.config\.accessTokenExpiresIn/],
      ['accessTokenExpiresIn "3600s" (msg.config)', {}, { accessTokenExpiresIn: '3600s' }, /msg\.config\.accessTokenExpiresIn/],
      ['authId as an object (msg.config)', {}, { authId: { id: 1 } }, /msg\.config\.authId/],
    ];
    for (const [what, props, config, names] of cases) {
      it(what, async () => {
        const sim = await deploy({ identifier: 'someone', ...props });
        const { text } = bdFailure(await send({ payload: 'x', config: { token: 'tok-x', ...config } }), LABEL);
        assert.match(text, names);
        assert.deepEqual(sim.server.requests, []);
      });
    }

    it('msg.config that is not an object → Catch', async () => {
      await deploy();
      bdFailure(await send({ payload: 'x', config: 'token=abc' }), LABEL);
    });
  });

  describe('secrecy', () => {
    it('neither a given nor an issued token appears in a status, a log line or a Catch message', async () => {
      const sim = await deploy({ identifier: 'secret-user' });
      const caught: Msg[] = [];
      helper.getNode('caught').on('input', (msg: Msg) => caught.push(msg));
      const given = 'given-sso-token-0123456789abcdef';
      linkOf(await send({ payload: 'x', config: { token: given } }));
      bdFailure(await send({ payload: 'x', config: { token: given, items: 'nope' } }), LABEL);
      linkOf(await send({ payload: 'x' })); // through create-token
      const issued = sim.billerDirect.state.tokens.map((t) => t.token);
      assert.equal(issued.length, 1);
      assert.equal(caught.length, 1);
      assert.equal((caught[0].config as Json | undefined)?.token, undefined, 'msg.config.token removed before Catch');
      const texts = shownAndLogged(caught);
      assert.ok(
        texts.some((t) => t.startsWith('status: ')),
        'statuses were recorded',
      );
      for (const secret of [given, ...issued]) {
        for (const text of texts) assert.ok(!text.includes(secret), `a token was shown or logged: ${text.slice(0, 200)}`);
      }
    });
  });
});
