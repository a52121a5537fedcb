/**
 * Secrets audit across the three API families (Q2 Platform, Biller Direct, CorePro/Helix), in the real Node-RED
 * runtime against the simulator. One flow holds a node of each family on its own connection; each scenario records
 * everything an operator or a downstream flow could see:
 *  - every Node-RED log call and every node status/error/warn/log call (harness spiedTexts, with all arguments and
 *    with the first argument only), and console output;
 *  - every message that reaches Catch, whole (harness caughtTexts);
 *  - on the failure paths, any message that reached the output (successful outputs legitimately carry data);
 *  - the flow: the JSON the test built, what the editor's admin API returns (GET /flows, GET /credentials/…), and
 *    the flows after an editor-style deploy (POST /flows with credentials inline on the nodes).
 * Then it searches all of it for the connections' secrets (Platform client id and secret, every token the
 * simulator issued, every Authorization header value the simulator received, the Biller Direct API key and RSA
 * signing key, the Helix key, secret and their Basic base64) and the personal data the requests carried (SSN,
 * TaxID, routing, account and card numbers — full or their first six digits — and the CVV). The masked
 * `******1234` form is fine.
 *
 * Paths: successes, validation failures, HTTP 400/500, a timeout, a connection reset, a non-JSON body, a signature
 * from an unknown key, and servers that echo everything the request carried — in their error message fields and in
 * other body fields, with HTTP 400 and with HTTP 200 + failure, in a non-JSON page, at the 160-character cut of an
 * error reason — and a token endpoint that echoes the client credentials in its 401.
 *
 * The admin API: node-red-node-test-helper's `helper.request()` is a supertest agent on the helper's own express
 * app, which only carries the routes nodes register (GET /flows answers 404 there). The editor's admin API is
 * `RED.httpAdmin`, set up by `RED.init()` in `helper.startServer()`; it is served here on an ephemeral port and
 * called with fetch.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import RED from 'node-red';
import { BILLER_DIRECT_SEED_IDS as SEED, type RunningSimulator } from '../lib/simulator';
import {
  BILLER_DIRECT_CREDENTIALS,
  caughtTexts,
  collect,
  CONNECTION_CREDENTIALS,
  COREPRO_CREDENTIALS,
  bdConnectionNode,
  connectionNode,
  coreproConnectionNode,
  flowOn,
  helper,
  NODES,
  send,
  show,
  simulatorContext,
  spiedTexts,
  useSimulator,
  type Evidence,
  type FlowNode,
  type Msg,
  type Outcome,
} from './harness';

const ctx = simulatorContext();

// ---- the known secrets and personal values -------------------------------------------------------------------

const CLIENT_ID = CONNECTION_CREDENTIALS.clientId;
const CLIENT_SECRET = CONNECTION_CREDENTIALS.clientSecret;
/** a client secret a message brings in msg.config (Get Token) */
const MSG_CLIENT_SECRET = 'msg-secret-Vb7Nq2Lx';
const API_KEY = BILLER_DIRECT_CREDENTIALS.apiKey;
const HELIX_KEY = COREPRO_CREDENTIALS.apiKey;
const HELIX_SECRET = COREPRO_CREDENTIALS.apiSecret;
const HELIX_BASIC = Buffer.from(`${HELIX_KEY}:${HELIX_SECRET}`, 'utf8').toString('base64');

/** Maria Lopez and Blue Bonnet Bakery in the simulator's seed; a second SSN for the editor-style redeploy */
const SSN = '333445555';
const SSN_REDEPLOYED = '222334444';
const TAX_ID = '741852963';
/** Platform Add External Account */
const ABA = '022222222';
const PLATFORM_ACCOUNT_NUMBER = '99887766';
const PLATFORM_ACCOUNT = { ABA, Account: PLATFORM_ACCOUNT_NUMBER, AccountType: 'Checking', LogonName: 'retail0', AllowDeposit: true, AllowWithdrawal: false };
/** Biller Direct payment add (card, bank) and Helix external account create */
const CARD_NUMBER = '4111111111111111';
const CVV = '8642';
const ROUTING = '021000021';
const BD_ACCOUNT_NUMBER = '7766554433';
const HELIX_ACCOUNT_NUMBER = '5566778899001';
const CARD = { paymentType: 'card', cardNumber: CARD_NUMBER, cardCode: CVV, expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Test User' };
const BANK = { paymentType: 'bank', routingNumber: ROUTING, accountNumber: BD_ACCOUNT_NUMBER, accountType: 'checking', name: 'Test User' };
const HELIX_ACCOUNT = {
  customerId: 1002,
  type: 'Checking',
  routingNumber: ROUTING,
  accountNumber: HELIX_ACCOUNT_NUMBER,
  firstName: 'Bob',
  lastName: 'Example',
};

/** Personal numbers: found when the full number or its first six digits appear. */
const NUMBERS: Array<[label: string, value: string]> = [
  ['the SSN', SSN],
  ['the redeployed SSN', SSN_REDEPLOYED],
  ['the TaxID', TAX_ID],
  ['the Platform ABA', ABA],
  ['the Platform account number', PLATFORM_ACCOUNT_NUMBER],
  ['the card number', CARD_NUMBER],
  ['the routing number (BD bank, Helix)', ROUTING],
  ['the BD bank account number', BD_ACCOUNT_NUMBER],
  ['the Helix account number', HELIX_ACCOUNT_NUMBER],
];

interface Check {
  label: string;
  found(text: string): boolean;
}

function exact(label: string, value: string): Check {
  return { label, found: (text) => text.includes(value) };
}

/** The value's first `n` characters (a secret cut short is still a leak). */
function prefix(label: string, value: string, n = 8): Check {
  return { label: `${label} (its first ${n} characters)`, found: (text) => text.includes(value.slice(0, n)) };
}

const STATIC_CHECKS: Check[] = [
  exact('the Platform client id', CLIENT_ID),
  exact('the Platform client secret', CLIENT_SECRET),
  exact('the client secret from msg.config', MSG_CLIENT_SECRET),
  exact('the BD API key', API_KEY),
  exact('the Helix API key', HELIX_KEY),
  exact('the Helix API secret', HELIX_SECRET),
  exact('the Helix Basic base64', HELIX_BASIC),
  ...NUMBERS.map(([label, value]) => ({ label: `${label} (or its first 6 digits)`, found: (text: string) => text.includes(value.slice(0, 6)) })),
  // short: only as a number of its own (not inside a UUID, a port or a duration)
  { label: 'the CVV', found: (text) => new RegExp(`(?<![\\w-])${CVV}(?![\\w-])`).test(text) },
];

/** The PEM, and each base64 line of its body. */
function pemChecks(pem: string): Check[] {
  const lines = pem.split('\n').filter((line) => line.length >= 32 && !line.startsWith('-----'));
  return [exact('the BD signing key (PEM)', pem.trim()), ...lines.map((line, i) => exact(`the BD signing key (PEM line ${i + 1})`, line))];
}

// ---- what a server echoes -------------------------------------------------------------------------------------

/** What one request carried: its Authorization header, the connection's secrets, the personal values of its body. */
interface Carried {
  authorization: string;
  secrets: string[];
  personal: Record<string, string>;
  /** the body as sent (echoed as a nested object in the "other fields" variant) */
  body: unknown;
}

function everything(c: Carried): string {
  const personal = Object.entries(c.personal)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `Authorization: ${c.authorization}; credentials ${c.secrets.join(' ')}; ${personal}`;
}

/** Error items that each name part of what the request carried (Platform and Helix read at most three). */
function echoItems(c: Carried, code: number): Array<{ code: number; message: string }> {
  const personal = Object.entries(c.personal)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    { code, message: `Authorization: ${c.authorization} rejected` },
    { code, message: `credentials ${c.secrets.join(' ')} not accepted` },
    { code, message: `invalid ${personal}` },
  ];
}

type Family = 'platform' | 'billerdirect' | 'helix';

/** A failure body that echoes `c` in its error message fields. */
function echoInMessages(family: Family, c: Carried, status: number): unknown {
  if (family === 'platform') return { data: {}, success: false, errors: echoItems(c, status), requestid: `req-echo-msg-${status}`, status };
  if (family === 'helix') return { data: {}, errors: echoItems(c, 69999), requestId: `req-echo-msg-${status}`, status };
  return { success: false, code: 'bad_request', message: everything(c) };
}

/** A failure body with a plain error message that echoes `c` in other fields. */
function echoInOtherFields(family: Family, c: Carried, status: number): unknown {
  const data = { echo: everything(c), request: c.body, headers: { authorization: c.authorization } };
  if (family === 'platform')
    return { data, success: false, errors: [{ code: status, message: 'Request rejected' }], requestid: `req-echo-data-${status}`, status };
  if (family === 'helix') return { data, errors: [{ code: 69999, message: 'Request rejected' }], requestId: `req-echo-data-${status}`, status };
  return { success: false, code: 'bad_request', message: 'Request rejected', data };
}

// ---- recording ----------------------------------------------------------------------------------------------------------

/** A text that could be seen, where, and the message it came from (to name the fields that leak). */
type Item = Evidence & { value?: unknown };
const ALL_ARGS = ' (all arguments)';
const INSPECTED = ' (inspected)';

/** The paths of the string and number fields of a message in which `check` finds its value. */
function fieldsHolding(value: unknown, check: Check, path = 'msg', depth = 0, out: string[] = []): string[] {
  if (typeof value === 'string' || typeof value === 'number') {
    if (check.found(String(value))) out.push(path);
  } else if (value !== null && typeof value === 'object' && depth < 40) {
    for (const [key, v] of Object.entries(value)) fieldsHolding(v, check, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1, out);
  }
  return out;
}

type Console = Pick<typeof console, 'log' | 'info' | 'warn' | 'error' | 'debug'>;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

class Audit {
  readonly tokens = new Set<string>();
  /** messages that reached Catch, with the scenario that sent them */
  readonly caught: Array<{ msg: Msg; scenario: string }> = [];
  /** messages that reached the output while a failure was expected */
  readonly failureOutputs: Array<{ msg: Msg; scenario: string }> = [];
  /** failure paths that reached the output, success paths that reached Catch */
  readonly unexpected: string[] = [];
  readonly extra: Item[] = [];
  scenario = 'set-up';
  expectFailure = false;
  private consoleLines: string[] = [];
  private savedConsole?: Console;
  private restoreIssue?: () => void;

  constructor(readonly sim: RunningSimulator) {
    const platform = sim.platform;
    const original = platform.issueToken.bind(platform);
    // an own property over the prototype's method, deleted again by restore()
    platform.issueToken = (...args: Parameters<typeof original>) => {
      const issued = original(...args);
      this.tokens.add(issued.access_token);
      return issued;
    };
    this.restoreIssue = () => {
      Reflect.deleteProperty(platform, 'issueToken');
    };
    this.savedConsole = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    for (const method of CONSOLE_METHODS) {
      console[method] = (...args: unknown[]) => {
        this.consoleLines.push(args.map(show).join(' '));
      };
    }
  }

  /** Call after every (re)deploy: listens to the output and Catch helpers. */
  listen(): void {
    helper.getNode('caught').on('input', (msg: Msg) => {
      this.caught.push({ msg, scenario: this.scenario });
    });
    helper.getNode('out').on('input', (msg: Msg) => {
      if (this.expectFailure) this.failureOutputs.push({ msg, scenario: this.scenario });
    });
  }

  restore(): void {
    if (this.savedConsole) Object.assign(console, this.savedConsole);
    this.savedConsole = undefined;
    this.restoreIssue?.();
    this.restoreIssue = undefined;
  }

  /** Sends a message that must succeed; returns the output message. */
  async ok(scenario: string, id: string, msg: Record<string, unknown>): Promise<Msg | undefined> {
    this.scenario = scenario;
    this.expectFailure = false;
    const outcome = await send(msg, id);
    if (!outcome.out) this.unexpected.push(`${scenario}: reached Catch (${outcome.caught?.error?.message ?? '?'})`);
    return outcome.out;
  }

  /** Sends a message that must fail; returns the Catch message. */
  async fails(scenario: string, id: string, msg: Record<string, unknown>): Promise<Msg | undefined> {
    this.scenario = scenario;
    this.expectFailure = true;
    return this.expectCaught(scenario, await send(msg, id));
  }

  /** Sends several messages at once that must all fail (e.g. timeouts). */
  async allFail(scenario: string, messages: Array<[id: string, msg: Record<string, unknown>]>): Promise<void> {
    this.scenario = scenario;
    this.expectFailure = true;
    const outcomes = collect(messages.length);
    for (const [id, msg] of messages) helper.getNode(id).receive(msg);
    for (const outcome of await outcomes) this.expectCaught(scenario, outcome);
  }

  private expectCaught(scenario: string, outcome: Outcome): Msg | undefined {
    if (outcome.out) this.unexpected.push(`${scenario}: reached the output (msg.statusCode ${String(outcome.out.statusCode)})`);
    return outcome.caught;
  }

  /**
   * Everything logged, shown, caught, and output on a failure path, since the flow was loaded. Messages keep their
   * value, so that a leak can be located in them.
   */
  evidence(): Item[] {
    return [
      ...spiedTexts({ firstArgOnly: true }),
      ...spiedTexts().map((e) => ({ ...e, where: `${e.where}${ALL_ARGS}` })),
      ...this.caught.flatMap(({ msg, scenario }, i) =>
        caughtTexts([msg]).map((e) => ({ ...e, where: e.where.replace('#0', `#${i} [${msg.error?.source?.id ?? '?'}: ${scenario}]`), value: msg })),
      ),
      ...this.failureOutputs.flatMap(({ msg, scenario }, i) => [
        { where: `output message #${i} on a failure path [${scenario}]`, text: JSON.stringify(msg), value: msg },
        { where: `output message #${i} on a failure path [${scenario}]${INSPECTED}`, text: show(msg), value: msg },
      ]),
      ...this.consoleLines.map((line, i) => ({ where: `console #${i}`, text: line })),
      ...this.extra,
    ];
  }

  /** The secrets of the scenario: the static ones, the signing key, every issued token and Authorization header. */
  checks(pem: string, more: Check[] = []): Check[] {
    const list = [...STATIC_CHECKS, ...pemChecks(pem), ...more];
    [...this.tokens].forEach((token, i) => list.push(exact(`issued token #${i}`, token)));
    const headers = new Set(this.sim.server.requests.map((r) => r.headers.authorization).filter((h): h is string => typeof h === 'string' && h !== ''));
    [...headers].forEach((value, i) => list.push(exact(`Authorization header #${i} (${value.split(' ')[0]})`, value)));
    return list;
  }

  /** Asserts that the evidence is real (these texts were seen), that nothing leaked, and that every path ended as expected. */
  assertClean(pem: string, seen: Array<string | RegExp>, more: Check[] = []): void {
    const evidence = this.evidence();
    const all = evidence.map((e) => e.text).join('\n');
    for (const s of seen) {
      if (typeof s === 'string') assert.ok(all.includes(s), `the evidence is real: expected to see ${JSON.stringify(s)}`);
      else assert.match(all, s, 'the evidence is real');
    }
    // one line per secret and place: a text seen as the first argument is not repeated for all arguments, a
    // message's JSON is not repeated for its inspected form; inside a message, the fields that hold it are named
    const leaks = new Map<string, string>();
    for (const check of this.checks(pem, more)) {
      for (const e of evidence) {
        const key = `${check.label}|${e.where.replace(ALL_ARGS, '').replace(INSPECTED, '')}`;
        if (leaks.has(key) || !check.found(e.text)) continue;
        const fields = e.value === undefined ? [] : fieldsHolding(e.value, check);
        leaks.set(key, `${check.label} in ${e.where}${fields.length ? ` at ${fields.join(', ')}` : ''}`);
      }
    }
    assert.deepEqual([...leaks.values()], [], 'secrets or personal data leaked');
    assert.deepEqual(this.unexpected, [], 'every path ended where expected');
  }
}

// ---- the flow ---------------------------------------------------------------------------------------------------

/**
 * One node of each family on its own connection: Platform (`conn`): Lookup User (`p-user`, SSN credential), Lookup
 * Customer (`p-cust`, TaxID credential), Add External Account (`p-add`), Get Token (`p-token`); Biller Direct
 * (`bdconn`, API key and signing key): payment add (`b-pay`); Helix (`hxconn`): external account create (`h-add`).
 */
function auditFlow(url: string, extra: Record<string, unknown> = {}): FlowNode[] {
  const nodes: FlowNode[] = [
    { id: 'p-user', type: 'q2-lookup-user' },
    { id: 'p-cust', type: 'q2-lookup-customer' },
    { id: 'p-add', type: 'q2-add-external-account' },
    { id: 'p-token', type: 'q2-get-token' },
    { id: 'b-pay', type: 'q2-billerdirect-payment', name: '', operation: 'add', clientId: SEED.clientId, connection: 'bdconn' },
    { id: 'h-add', type: 'q2-corepro-external-account', name: '', operation: 'create', connection: 'hxconn' },
  ];
  return [
    ...flowOn(connectionNode(url, extra), nodes),
    bdConnectionNode(url, { ...extra, id: 'bdconn' }),
    coreproConnectionNode(url, { ...extra, id: 'hxconn' }),
  ];
}

function auditCredentials(pem: string, ssn = SSN): Record<string, Record<string, string>> {
  return {
    conn: { ...CONNECTION_CREDENTIALS },
    bdconn: { ...BILLER_DIRECT_CREDENTIALS, signingKey: pem },
    hxconn: { ...COREPRO_CREDENTIALS },
    'p-user': { ssn },
    'p-cust': { taxID: TAX_ID },
  };
}

function pemOf(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The Platform token the connection uses now, read from the last request the simulator saw with it. */
function platformToken(sim: RunningSimulator): string {
  const header = [...sim.server.requests].reverse().find((r) => r.path.startsWith('/v2/') && r.headers.authorization?.startsWith('Bearer '))
    ?.headers.authorization;
  assert.ok(header, 'a Platform request carried a bearer token');
  return header.slice('Bearer '.length);
}

/** What each node's request carries (the Platform token once it is known). */
function carried(token: string): Record<'p-user' | 'p-cust' | 'p-add' | 'b-card' | 'b-bank' | 'h-add', Carried> {
  const platform = { authorization: `Bearer ${token}`, secrets: [token, CLIENT_ID, CLIENT_SECRET] };
  const bd = { authorization: `Bearer ${API_KEY}`, secrets: [API_KEY] };
  return {
    'p-user': { ...platform, personal: { SSN }, body: { SSN } },
    'p-cust': { ...platform, personal: { TaxID: TAX_ID }, body: { TaxID: TAX_ID } },
    'p-add': { ...platform, personal: { ABA, Account: PLATFORM_ACCOUNT_NUMBER, LogonName: 'retail0' }, body: [{ Account: PLATFORM_ACCOUNT }] },
    'b-card': { ...bd, personal: { cardNumber: CARD_NUMBER, cvv: CVV }, body: { ...CARD, clientId: SEED.clientId } },
    'b-bank': { ...bd, personal: { routingNumber: ROUTING, accountNumber: BD_ACCOUNT_NUMBER }, body: { ...BANK, clientId: SEED.clientId } },
    'h-add': {
      authorization: `Basic ${HELIX_BASIC}`,
      secrets: [HELIX_BASIC, HELIX_KEY, HELIX_SECRET],
      personal: { accountNumber: HELIX_ACCOUNT_NUMBER, routingNumber: ROUTING },
      body: HELIX_ACCOUNT,
    },
  };
}

/** The sends of the echo scenarios: node, path, family, message, what the request carried. */
function echoTargets(c: ReturnType<typeof carried>): Array<{ id: string; path: string; family: Family; msg: () => Record<string, unknown>; carried: Carried }> {
  return [
    { id: 'p-user', path: '/v2/LookupUser', family: 'platform', msg: () => ({}), carried: c['p-user'] },
    { id: 'p-cust', path: '/v2/LookupCustomer', family: 'platform', msg: () => ({}), carried: c['p-cust'] },
    { id: 'p-add', path: '/v2/AddExternalAccount', family: 'platform', msg: () => ({ payload: [{ Account: { ...PLATFORM_ACCOUNT } }] }), carried: c['p-add'] },
    { id: 'b-pay', path: '/v1/payment', family: 'billerdirect', msg: () => ({ payload: { ...CARD } }), carried: c['b-card'] },
    { id: 'b-pay', path: '/v1/payment', family: 'billerdirect', msg: () => ({ payload: { ...BANK } }), carried: c['b-bank'] },
    { id: 'h-add', path: '/externalAccount/create', family: 'helix', msg: () => ({ payload: { ...HELIX_ACCOUNT } }), carried: c['h-add'] },
  ];
}

// ---- the admin API ------------------------------------------------------------------------------------------------

type FlowJson = Array<Record<string, unknown> & { id: string; type: string }>;

async function adminGet(base: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, { headers: { 'Node-RED-API-Version': 'v2', Accept: 'application/json' } });
  return { status: res.status, text: await res.text() };
}

/** Waits (polling) until `condition` holds; fails after 5 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), what);
}

// ---- the tests ----------------------------------------------------------------------------------------------------

describe('secrets audit: Platform, Biller Direct and Helix in the Node-RED runtime', function () {
  this.timeout(20_000);
  useSimulator(ctx);

  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  before(() => process.on('unhandledRejection', onRejection));
  after(() => process.off('unhandledRejection', onRejection));

  let signer: { privateKey: KeyObject; publicKey: KeyObject };
  let stranger: { privateKey: KeyObject; publicKey: KeyObject };
  let pem: string;
  let admin: http.Server;
  let adminUrl: string;
  before(async () => {
    signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
    stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pem = pemOf(signer.privateKey);
    // the editor's admin API (RED.init ran in useSimulator's before hook); looked up per request
    admin = http.createServer((req, res) => {
      RED.httpAdmin(req, res);
    });
    await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', () => resolve()));
    adminUrl = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => admin.close(() => resolve()));
  });

  let audit: Audit;
  beforeEach(() => {
    audit = new Audit(ctx.sim);
  });
  afterEach(() => {
    audit.restore();
    assert.deepEqual(rejections, [], 'an unhandled promise rejection escaped');
  });

  async function deploy(extra: Record<string, unknown> = {}): Promise<RunningSimulator> {
    const { sim } = ctx;
    await helper.load(NODES, auditFlow(sim.url, extra), auditCredentials(pem));
    audit.listen();
    return sim;
  }

  /** Connection settings of the failure scenarios: one try, a 1 s timeout. */
  const FAST = { timeout: 1, retryAttempts: 1, retryDelay: 0.05, stopGrace: 1 };

  it('successes of every family (signed Biller Direct requests): nothing in logs, statuses or Catch', async () => {
    const sim = await deploy();
    sim.billerDirect.setSigningPublicKey(signer.publicKey);
    await audit.ok('Lookup User by the SSN credential', 'p-user', {});
    await audit.ok('Lookup Customer by the TaxID credential', 'p-cust', {});
    await audit.ok('Lookup Customer by msg.config.taxID', 'p-cust', { config: { taxID: TAX_ID } });
    await audit.ok('Add External Account', 'p-add', { payload: [{ Account: { ...PLATFORM_ACCOUNT } }] });
    await audit.ok('Get Token with msg.config credentials', 'p-token', { config: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET } });
    await audit.ok('BD payment add: card', 'b-pay', { payload: { ...CARD } });
    await audit.ok('BD payment add: bank', 'b-pay', { payload: { ...BANK } });
    await audit.ok('Helix create', 'h-add', { payload: { ...HELIX_ACCOUNT } });

    // the scenario really carried each secret and value
    const bd = sim.server.requestsTo('/v1/payment');
    assert.ok(
      bd.every((r) => typeof r.headers.signature === 'string' && r.headers.authorization === `Bearer ${API_KEY}`),
      'signed BD requests with the API key',
    );
    assert.deepEqual(
      bd.map((r) => (r.body as Record<string, unknown>).cardNumber ?? (r.body as Record<string, unknown>).accountNumber),
      [CARD_NUMBER, BD_ACCOUNT_NUMBER],
    );
    assert.equal(sim.server.requestsTo('/externalAccount/create')[0]?.headers.authorization, `Basic ${HELIX_BASIC}`);
    assert.deepEqual(sim.server.requestsTo('/v2/LookupUser')[0]?.body, { SSN });
    assert.ok(audit.tokens.size >= 2, 'the connection’s token and Get Token’s');
    assert.equal(audit.caught.length, 0);
    audit.assertClean(pem, ['HTTP 200', '1 in flight']);
  });

  it('failures of every family: validation, HTTP 400/500, a timeout, a reset, a non-JSON body, an unknown signing key', async () => {
    const sim = await deploy(FAST);
    const token = sim.platform.issueToken(CLIENT_ID).access_token;
    const e1 = (status: number, message: string) => ({
      data: {},
      success: false,
      errors: [{ code: status, message }],
      requestid: `req-fail-${status}`,
      status,
    });
    const helix = (status: number, message: string) => ({ data: {}, errors: [{ code: 69999, message }], requestId: `req-hx-${status}`, status });

    // refused before sending, with secrets and personal values in the message
    await audit.fails('Add External Account: an 8-digit ABA', 'p-add', { payload: [{ Account: { ...PLATFORM_ACCOUNT, ABA: ABA.slice(0, 8) } }] });
    await audit.fails('Lookup User: msg.config.ssn as a number, with a token', 'p-user', { config: { ssn: Number(SSN), accessToken: token } });
    await audit.fails('Lookup Customer: msg.config.taxID as an object', 'p-cust', { config: { taxID: { value: TAX_ID }, accessToken: token } });
    await audit.fails('Get Token: msg.config.scope as a number, with a client secret', 'p-token', { config: { client_secret: MSG_CLIENT_SECRET, scope: 5 } });
    await audit.fails('BD payment add: card expMonth 13', 'b-pay', { payload: { ...CARD, expMonth: '13' } });
    await audit.fails('BD payment add: card number with a letter', 'b-pay', { payload: { ...CARD, cardNumber: `${CARD_NUMBER}x` } });
    await audit.fails('BD payment add: bank accountType brokerage', 'b-pay', { payload: { ...BANK, accountType: 'brokerage' } });
    await audit.fails('Helix create: an 8-digit routing number', 'h-add', { payload: { ...HELIX_ACCOUNT, routingNumber: ROUTING.slice(0, 8) } });
    await audit.fails('Helix create: an 18-character account number', 'h-add', {
      payload: { ...HELIX_ACCOUNT, accountNumber: `${HELIX_ACCOUNT_NUMBER}12345` },
    });
    assert.equal(sim.server.requests.length, 0, 'invalid input sends nothing');

    // HTTP 400 and 500
    for (const status of [400, 500]) {
      sim.server.injectFault({ path: '/v2/LookupUser', status, body: e1(status, 'Invalid request') });
      await audit.fails(`Lookup User: HTTP ${status}`, 'p-user', {});
      sim.server.injectFault({ path: '/v2/AddExternalAccount', status, body: e1(status, 'Invalid request') });
      await audit.fails(`Add External Account: HTTP ${status}`, 'p-add', { payload: [{ Account: { ...PLATFORM_ACCOUNT } }] });
      sim.server.injectFault({ path: '/v1/payment', status, body: { success: false, code: 'bad_request', message: 'Invalid request' } });
      await audit.fails(`BD payment add: HTTP ${status}`, 'b-pay', { payload: { ...CARD } });
      sim.server.injectFault({ path: '/externalAccount/create', status, body: helix(status, 'Invalid request') });
      await audit.fails(`Helix create: HTTP ${status}`, 'h-add', { payload: { ...HELIX_ACCOUNT } });
    }
    // a connection reset and a non-JSON body
    for (const [kind, fault] of [
      ['a connection reset', { reset: true }],
      ['a non-JSON body', { malformed: true, status: 200 }],
    ] as const) {
      sim.server.injectFault({ path: '/v2/LookupCustomer', ...fault });
      await audit.fails(`Lookup Customer: ${kind}`, 'p-cust', {});
      sim.server.injectFault({ path: '/v1/payment', ...fault });
      await audit.fails(`BD payment add: ${kind}`, 'b-pay', { payload: { ...BANK } });
      sim.server.injectFault({ path: '/externalAccount/create', ...fault });
      await audit.fails(`Helix create: ${kind}`, 'h-add', { payload: { ...HELIX_ACCOUNT } });
    }
    // no answer within the connection's 1 s timeout (all three at once)
    sim.server.injectFault({ path: '/v2/AddExternalAccount', delayMs: 1500, status: 504 });
    sim.server.injectFault({ path: '/v1/payment', delayMs: 1500, status: 504 });
    sim.server.injectFault({ path: '/externalAccount/create', delayMs: 1500, status: 504 });
    await audit.allFail('a timeout', [
      ['p-add', { payload: [{ Account: { ...PLATFORM_ACCOUNT } }] }],
      ['b-pay', { payload: { ...CARD } }],
      ['h-add', { payload: { ...HELIX_ACCOUNT } }],
    ]);
    // a signature from a key the simulator does not know
    sim.billerDirect.setSigningPublicKey(stranger.publicKey);
    const unsigned = await audit.fails('BD payment add: signed with an unknown key', 'b-pay', { payload: { ...CARD } });
    assert.equal(unsigned?.statusCode, 401);

    assert.equal(audit.caught.length, 9 + 8 + 6 + 3 + 1);
    assert.ok(
      sim.server.requestsTo('/v1/payment').some((r) => (r.body as Record<string, unknown>).cardNumber === CARD_NUMBER),
      'the card number was sent',
    );
    audit.assertClean(pem, [
      'invalid input',
      'msg.payload.expMonth',
      'msg.payload.routingNumber',
      'msg.config.ssn',
      'HTTP 400',
      'HTTP 500',
      'req-fail-500',
      'req-hx-400',
      'not JSON',
      /timeout/,
      /ECONNRESET|reset|socket hang up/i,
      'invalid_signature',
    ]);
  });

  describe('servers that echo everything the request carried', () => {
    /** Deploys, gets the Platform token with one success, and returns what each request carries. */
    async function deployAndWarmUp(): Promise<{ sim: RunningSimulator; c: ReturnType<typeof carried> }> {
      const sim = await deploy(FAST);
      await audit.ok('warm-up: Lookup User', 'p-user', {});
      return { sim, c: carried(platformToken(sim)) };
    }

    for (const status of [400, 200]) {
      it(`in the error message fields (HTTP ${status}${status === 200 ? ' with a failure body' : ''})`, async () => {
        const { sim, c } = await deployAndWarmUp();
        for (const target of echoTargets(c)) {
          sim.server.injectFault({ path: target.path, status, body: echoInMessages(target.family, target.carried, status) });
          await audit.fails(`${target.id}: echo in the error messages, HTTP ${status}`, target.id, target.msg());
        }
        assert.equal(audit.caught.length, 6);
        audit.assertClean(pem, [`HTTP ${status}`, 'rejected', `req-echo-msg-${status}`, /\*{6}4433/]);
      });

      it(`in other body fields (HTTP ${status}${status === 200 ? ' with a failure body' : ''})`, async () => {
        const { sim, c } = await deployAndWarmUp();
        for (const target of echoTargets(c)) {
          sim.server.injectFault({ path: target.path, status, body: echoInOtherFields(target.family, target.carried, status) });
          await audit.fails(`${target.id}: echo in other body fields, HTTP ${status}`, target.id, target.msg());
        }
        assert.equal(audit.caught.length, 6);
        audit.assertClean(pem, [`HTTP ${status}`, 'Request rejected', `req-echo-data-${status}`]);
      });
    }

    it('in a non-JSON page (HTTP 400)', async () => {
      const { sim, c } = await deployAndWarmUp();
      for (const target of echoTargets(c)) {
        sim.server.injectFault({
          path: target.path,
          status: 400,
          html: true,
          body: `<html><body><h1>400 Bad Request</h1><pre>${everything(target.carried)}</pre></body></html>`,
        });
        await audit.fails(`${target.id}: echo in a non-JSON page`, target.id, target.msg());
      }
      assert.equal(audit.caught.length, 6);
      audit.assertClean(pem, ['not JSON', 'HTTP 400']);
    });

    it('a secret cut by the 160-character limit of a server reason: not even its first characters', async () => {
      const { sim, c } = await deployAndWarmUp();
      const token = platformToken(sim);
      /** `text` placed so that it starts at character 150 of the reason `${code} ${message}` (reasons are cut at 160). */
      const at150 = (code: string, text: string): string => `${'.'.repeat(150 - code.length - 1)}${text} end`;
      sim.server.injectFault({
        path: '/v2/LookupUser',
        status: 400,
        body: {
          data: {},
          success: false,
          errors: [
            { code: 400, message: at150('400', token) },
            { code: 401, message: at150('401', CLIENT_SECRET) },
          ],
          requestid: 'req-cut',
          status: 400,
        },
      });
      await audit.fails('Lookup User: the token and the client secret at the cut', 'p-user', {});
      sim.server.injectFault({ path: '/v1/payment', status: 400, body: { success: false, code: 'bad_request', message: at150('bad_request', API_KEY) } });
      await audit.fails('BD payment add: the API key at the cut', 'b-pay', { payload: { ...CARD } });
      sim.server.injectFault({
        path: '/externalAccount/create',
        status: 400,
        body: { data: {}, errors: [{ code: 69999, message: at150('69999', HELIX_BASIC) }], requestId: 'req-cut-hx', status: 400 },
      });
      await audit.fails('Helix create: the Basic base64 at the cut', 'h-add', { payload: { ...HELIX_ACCOUNT } });
      assert.ok(c['p-user'].secrets.includes(token));
      // the secrets are removed before a reason is clipped, so each reason keeps its end and shows `***`
      audit.assertClean(
        pem,
        ['req-cut', 'req-cut-hx', '*** end'],
        [
          prefix('the Platform token', token),
          prefix('the Platform client secret', CLIENT_SECRET),
          prefix('the BD API key', API_KEY),
          prefix('the Helix Basic base64', HELIX_BASIC),
        ],
      );
    });

    it('the token endpoint answering 401 with the client id and secret it received', async () => {
      const sim = await deploy(FAST);
      const echoToken = (clientSecret: string) => ({
        error: 'invalid_client',
        error_description: `client_id ${CLIENT_ID} with client_secret ${clientSecret} is not valid`,
        errors: [{ code: 401, message: `client ${CLIENT_ID}:${clientSecret} rejected` }],
        echo: { client_id: CLIENT_ID, client_secret: clientSecret, form: `client_id=${CLIENT_ID}&client_secret=${clientSecret}&grant_type=client_credentials` },
      });
      sim.server.injectFault({ path: '/v2/oauth2/token', status: 401, body: echoToken(CLIENT_SECRET) });
      const own = await audit.fails('Lookup User: the connection’s token request answered 401 with an echo', 'p-user', {});
      assert.match(own?.error?.message ?? '', /could not get a token: HTTP 401/);
      sim.server.injectFault({ path: '/v2/oauth2/token', status: 401, body: echoToken(MSG_CLIENT_SECRET) });
      await audit.fails('Get Token: msg.config credentials answered 401 with an echo', 'p-token', {
        config: { client_secret: MSG_CLIENT_SECRET, keep: 'this' },
      });
      assert.deepEqual(
        sim.server.requestsTo('/v2/oauth2/token').map((r) => (r.body as { client_secret?: string }).client_secret),
        [CLIENT_SECRET, MSG_CLIENT_SECRET],
        'the scenario really sent each secret',
      );
      audit.assertClean(pem, ['HTTP 401', 'token failed', 'invalid_client']);
    });
  });

  it('the flow: none of the credentials in the flow JSON, in the admin API’s GET /flows or GET /credentials, nor after an editor-style deploy', async () => {
    const { sim } = ctx;
    const flow = auditFlow(sim.url);
    audit.extra.push({ where: 'the flow JSON the test built', text: JSON.stringify(flow) });
    await helper.load(NODES, flow, auditCredentials(pem));
    audit.listen();

    const flows = await adminGet(adminUrl, '/flows');
    assert.equal(flows.status, 200, 'GET /flows of the admin API');
    const exported = (JSON.parse(flows.text) as { flows: FlowJson }).flows;
    assert.deepEqual(exported.map((n) => n.id).sort(), flow.map((n) => n.id).sort(), 'GET /flows returns the deployed flow');
    assert.deepEqual(
      exported.filter((n) => 'credentials' in n).map((n) => n.id),
      [],
      'no node carries credentials in GET /flows',
    );
    audit.extra.push({ where: 'GET /flows', text: flows.text });

    const credentialed: Array<[type: string, id: string, fields: string[]]> = [
      ['q2-platform-config', 'conn', ['clientId', 'clientSecret']],
      ['q2-billerdirect-config', 'bdconn', ['apiKey', 'signingKey']],
      ['q2-corepro-config', 'hxconn', ['apiKey', 'apiSecret']],
      ['q2-lookup-user', 'p-user', ['ssn']],
      ['q2-lookup-customer', 'p-cust', ['taxID']],
    ];
    for (const [type, id, fields] of credentialed) {
      const got = await adminGet(adminUrl, `/credentials/${type}/${id}`);
      assert.equal(got.status, 200, `GET /credentials/${type}/${id}`);
      const expected = Object.fromEntries(fields.map((f) => [`has_${f}`, true]));
      assert.deepEqual(JSON.parse(got.text), expected, `${id}: the editor only learns that each credential is set`);
      audit.extra.push({ where: `GET /credentials/${type}/${id}`, text: got.text });
    }

    // an editor-style deploy: credentials inline on the nodes of POST /flows, a new SSN for p-user
    const before = helper.getNode('p-user');
    const inline = auditCredentials(pem, SSN_REDEPLOYED);
    const posted = exported.map((n) => (inline[n.id] ? { ...n, credentials: inline[n.id] } : n));
    const res = await fetch(`${adminUrl}/flows`, {
      method: 'POST',
      headers: { 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full', 'Content-Type': 'application/json' },
      body: JSON.stringify({ flows: posted }),
    });
    assert.equal(res.status, 200, `POST /flows: ${await res.text()}`);
    // the answer can come before the new flow has started
    await until(
      () => helper.getNode('p-user') !== before && !!helper.getNode('p-user') && !!helper.getNode('out') && !!helper.getNode('caught'),
      'the redeployed flow started',
    );
    audit.listen();
    const after = await adminGet(adminUrl, '/flows');
    assert.deepEqual(
      (JSON.parse(after.text) as { flows: FlowJson }).flows.filter((n) => 'credentials' in n).map((n) => n.id),
      [],
      'the runtime took the credentials out',
    );
    audit.extra.push({ where: 'GET /flows after the editor-style deploy', text: after.text });
    await audit.ok('Lookup User after the editor-style deploy', 'p-user', {});
    assert.deepEqual(sim.server.requestsTo('/v2/LookupUser')[0]?.body, { SSN: SSN_REDEPLOYED }, 'the deployed credential reached the node');

    audit.assertClean(pem, ['"type":"q2-platform-config"', 'has_clientSecret', 'has_signingKey', 'has_apiSecret', 'has_ssn', 'has_taxID', 'HTTP 200']);
  });

  it('a Catch msg.payload never takes a prototype from the input or from the server’s body', async () => {
    const sim = await deploy(FAST);
    const hostile = (json: string): Record<string, unknown> => JSON.parse(json) as Record<string, unknown>;
    assert.ok(Object.prototype.hasOwnProperty.call(hostile('{"__proto__":{"x":1}}'), '__proto__'), 'JSON.parse makes an own __proto__ key');

    const cases: Array<{ scenario: string; id: string; msg: () => Record<string, unknown>; masked: [key: string, value: string] }> = [
      {
        scenario: 'Add External Account (Platform), invalid input',
        id: 'p-add',
        msg: () => ({ payload: hostile('{"__proto__":{"x":1},"Account":"123456789"}') }),
        masked: ['Account', '******6789'],
      },
      {
        scenario: 'BD payment add, invalid input',
        id: 'b-pay',
        msg: () => ({ payload: hostile(`{"__proto__":{"x":1},"paymentType":"card","cardNumber":"${CARD_NUMBER}"}`) }),
        masked: ['cardNumber', '******1111'],
      },
      {
        scenario: 'Helix create, invalid input',
        id: 'h-add',
        msg: () => ({ payload: hostile('{"__proto__":{"x":1},"customerId":1002,"accountNumber":"123456789"}') }),
        masked: ['accountNumber', '******6789'],
      },
    ];
    const payloads: Array<{ scenario: string; payload: unknown; masked: [string, string] }> = [];
    for (const c of cases) {
      const caught = await audit.fails(c.scenario, c.id, c.msg());
      payloads.push({ scenario: c.scenario, payload: caught?.payload, masked: c.masked });
    }
    // the server's body, with an own __proto__ key after JSON.parse
    sim.server.injectFault({
      path: '/v2/AddExternalAccount',
      status: 400,
      body: '{"__proto__":{"x":1},"data":{},"success":false,"errors":[{"code":400,"message":"bad"}],"Account":"123456789","requestid":"req-proto","status":400}',
    });
    const fromServer = await audit.fails('Add External Account (Platform), a server body with __proto__', 'p-add', {
      payload: [{ Account: { ...PLATFORM_ACCOUNT } }],
    });
    payloads.push({ scenario: 'the server body', payload: fromServer?.payload, masked: ['Account', '******6789'] });

    for (const { scenario, payload, masked } of payloads) {
      assert.ok(payload !== null && typeof payload === 'object', `${scenario}: msg.payload is an object`);
      const proto: unknown = Object.getPrototypeOf(payload);
      assert.ok(proto === Object.prototype || proto === null, `${scenario}: the prototype of msg.payload is Object.prototype or null`);
      assert.equal((payload as { x?: unknown }).x, undefined, `${scenario}: msg.payload.x`);
      assert.ok(!Object.prototype.hasOwnProperty.call(payload, '__proto__'), `${scenario}: no own __proto__ key`);
      assert.equal((payload as Record<string, unknown>)[masked[0]], masked[1], `${scenario}: msg.payload.${masked[0]} masked`);
    }
    assert.equal(({} as { x?: unknown }).x, undefined, 'Object.prototype is untouched');
    audit.assertClean(pem, ['invalid input', 'req-proto']);
  });
});
