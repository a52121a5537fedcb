/**
 * Seeded fuzz test in the real Node-RED runtime against the simulator: at least 10,000 messages (FUZZ_RUNS changes
 * the count; FUZZ_SEED replays a run; the seed is printed) across every operation node type the pack registers — the
 * eight Q2 Platform nodes, the seven Biller Direct resource nodes (operation from the node or msg.config.operation),
 * BD SSO Link and the CorePro/Helix external-account node — all in one flow with three connections (Platform, Biller
 * Direct, Helix). Each type has a blank node, a node with valid settings, one that ignores msg.config, resource nodes
 * one with an unknown operation, and some nodes read their body from msg.data.body or msg.body (data property).
 *
 * Inputs (fast-check): msg.payload, msg.config and msg.data of the wrong type (numbers, NaN, ±Infinity, strings,
 * arrays, null, booleans, BigInt, Date, Buffer, Map, class instances), empty and 100 KB strings, full-unicode and
 * lone-surrogate strings, objects with OWN `__proto__` / `constructor` / `toString` keys, arrays where objects are
 * expected, nesting 2,000 to 3,000 deep, garbage msg.config.operation, valid requests (so that many really go out
 * and succeed) and valid requests with one field replaced, removed or polluted.
 *
 * Messages go in batches (all of a batch at once, so the connection's scheduler is busy). Checked per message:
 *  - it ended exactly once, at the output or at Catch (counted per msg._fuzzId); a message Node-RED cannot hand to
 *    Catch may instead leave ONE log line naming its _msgid (lib/node-red/node-input.ts), nothing else is logged;
 *  - every Catch error is a string starting with the node's palette label, from the node the message went to;
 *  - a failure before the connection (no msg.q2) is an input/validation text naming the field or the reason
 *    (locales/en-US/q2-common.json), never "unexpected error" (an exception the node did not expect);
 *  - at Catch, msg.payload, msg.config and the data property are plain data (no prototype taken from the input, no
 *    own `__proto__` key, nesting cut), and msg.config has none of the sensitive keys;
 *  - a node that ignores msg.config never fails on it.
 * Per batch: nothing sent for invalid input — the simulator never received more requests than the tries the
 * messages report in msg.q2.attempts (input failures report none; fewer only for tries that may not have reached
 * it), nor more than the messages that passed validation; no unhandled rejection; Object.prototype unchanged.
 * At the end: every node type had successes and input failures, and every operation reached the simulator.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NodeMessage } from 'node-red';
import type { SinonSpy } from 'sinon';
import { billerDirectResources } from '../lib/billerdirect/operations';
import { ssoSpec } from '../lib/billerdirect/sso';
import { externalAccount } from '../lib/corepro/operations';
import { platformOperations } from '../lib/platform/operations';
import type { NamedRequest, RequestSpec } from '../lib/model/operation';
import { SENSITIVE_CONFIG_KEYS } from '../lib/model/registry';
import {
  BILLER_DIRECT_COMPANY_IDS as CO,
  BILLER_DIRECT_PARTNER_ID,
  BILLER_DIRECT_SEED_IDS as SEED,
  startSimulator,
  type RecordedRequest,
  type RunningSimulator,
} from '../lib/simulator';
import { paletteLabel, BILLER_DIRECT_CREDENTIALS, CONNECTION_CREDENTIALS, COREPRO_CREDENTIALS, helper, NODES, type FlowNode, type Msg } from './harness';

// ---- run parameters ----------------------------------------------------------------------------------------------

function envInt(name: string, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min} (got ${raw})`);
  return value;
}

const DEFAULT_SEED = 20_250_610;
const SEED_VALUE = envInt('FUZZ_SEED', 0) ?? DEFAULT_SEED;
const TOTAL = envInt('FUZZ_RUNS', 1) ?? 10_000;
const BATCH = 250;
/** a batch waits this long for messages that reached neither the output, Catch nor a log line */
const BATCH_TIMEOUT_MS = 15_000;

// ---- the node types under test -----------------------------------------------------------------------------------

/** Every operation node type the pack registers (BD Webhook is an HTTP-in node: it takes no messages). */
const TYPES = [
  'q2-get-token',
  'q2-add-external-account',
  'q2-delete-customer',
  'q2-delete-user',
  'q2-enrollment',
  'q2-get-account-list',
  'q2-lookup-customer',
  'q2-lookup-user',
  'q2-billerdirect-auth',
  'q2-billerdirect-bill',
  'q2-billerdirect-company',
  'q2-billerdirect-payment',
  'q2-billerdirect-client',
  'q2-billerdirect-swap',
  'q2-billerdirect-partner',
  'q2-billerdirect-sso-link',
  'q2-corepro-external-account',
] as const;
type NodeType = (typeof TYPES)[number];

const LABELS = Object.fromEntries(TYPES.map((type) => [type, paletteLabel(type)])) as Readonly<Record<NodeType, string>>;

type Family = 'platform' | 'billerdirect' | 'helix';
const CONNECTION_OF: Readonly<Record<Family, string>> = { platform: 'connP', billerdirect: 'connB', helix: 'connH' };

function familyOf(type: NodeType): Family {
  if (type === 'q2-corepro-external-account') return 'helix';
  return type.startsWith('q2-billerdirect-') ? 'billerdirect' : 'platform';
}

/** The requests each node type can make, from the operation tables (a Platform node has one, named ''). */
const REQUESTS: ReadonlyMap<string, readonly NamedRequest[]> = new Map<string, readonly NamedRequest[]>([
  ...platformOperations.map((op): [string, NamedRequest[]] => [op.type, [{ ...op, name: '' }]]),
  ...billerDirectResources.map((r): [string, readonly NamedRequest[]] => [r.type, r.operations]),
  [externalAccount.type, externalAccount.operations],
]);

function opsOf(type: NodeType): readonly NamedRequest[] {
  return REQUESTS.get(type) ?? [];
}

/** Keys a msg.config may carry for a node type: its params, operation, and ones it must ignore or handle. */
function configKeysOf(type: NodeType): string[] {
  const keys = new Set<string>(['operation', 'accessToken', 'client_id', 'client_secret', 'token', 'apiKey', 'baseUrl', 'identifier']);
  for (const op of opsOf(type)) for (const p of op.params) keys.add(p.key);
  if (type === 'q2-billerdirect-sso-link') for (const p of ssoSpec.params) keys.add(p.key);
  return [...keys];
}

/** Top-level body field names of a node type's operations (from their schemas), to build look-alike bodies. */
function bodyKeysOf(type: NodeType): string[] {
  const keys = new Set<string>();
  for (const op of opsOf(type)) {
    const schema = op.body?.schema as { properties?: Record<string, unknown>; required?: string[] } | undefined;
    for (const k of Object.keys(schema?.properties ?? {})) keys.add(k);
    for (const k of schema?.required ?? []) keys.add(k);
  }
  if (type === 'q2-add-external-account') for (const k of ['Account', 'ABA', 'AccountType', 'LogonName', 'UserID', 'AddExternalAccountRequest']) keys.add(k);
  if (!keys.size) for (const k of ['id', 'data', 'Account', 'clientId']) keys.add(k);
  return [...keys];
}

// ---- the flow ----------------------------------------------------------------------------------------------------

interface Target {
  id: string;
  type: NodeType;
  /** the node ignores msg.config */
  fixed: boolean;
  /** the node reads its body from this message property (not msg.payload) */
  dataProperty?: 'data.body' | 'body';
  props: Record<string, unknown>;
  credentials?: Record<string, string>;
}

const SSO_BLANK: Record<string, unknown> = {
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
  allowOverrides: true,
};

function targetsFor(kid: string): Target[] {
  const bdIds = {
    clientId: SEED.clientId,
    authId: SEED.authId,
    billId: SEED.billId,
    paymentMethodId: SEED.paymentMethodId,
    partnerId: BILLER_DIRECT_PARTNER_ID,
    companyId: CO.regular1,
    keyId: kid,
    identifier: SEED.clientIdentifier,
  };
  const platformSet: Partial<Record<NodeType, { props?: Record<string, unknown>; credentials?: Record<string, string> }>> = {
    'q2-delete-customer': { props: { customerID: '3' } },
    'q2-delete-user': { props: { userID: '4' } },
    'q2-get-account-list': { props: { username: 'test2' } },
    'q2-lookup-customer': { credentials: { taxID: '111223333' } },
    'q2-lookup-user': { credentials: { ssn: '123456789' } },
  };
  const targets: Target[] = [];
  const withData = (id: string, type: NodeType, dataProperty: 'data.body' | 'body', props: Record<string, unknown> = {}): void => {
    targets.push({ id, type, fixed: false, dataProperty, props: { ...props, dataProperty } });
  };
  withData('n-q2-add-external-account-data', 'q2-add-external-account', 'data.body');
  withData('n-q2-enrollment-data', 'q2-enrollment', 'body');
  withData('n-q2-bd-client-data', 'q2-billerdirect-client', 'data.body', { operation: 'create' });
  withData('n-q2-bd-auth-data', 'q2-billerdirect-auth', 'body', { operation: 'create' });
  withData('n-q2-bd-payment-data', 'q2-billerdirect-payment', 'data.body', { operation: 'add' });
  withData('ext-data', 'q2-corepro-external-account', 'data.body', { operation: 'create' });
  for (const type of TYPES) {
    const family = familyOf(type);
    if (type === 'q2-billerdirect-sso-link') {
      targets.push({ id: 'sso', type, fixed: false, props: { ...SSO_BLANK } });
      targets.push({
        id: 'sso-set',
        type,
        fixed: false,
        props: { ...SSO_BLANK, product: 'cardswap', identifier: SEED.clientIdentifier, companyId: CO.regular1 },
      });
      targets.push({ id: 'sso-fixed', type, fixed: true, props: { ...SSO_BLANK, identifier: SEED.clientIdentifier, allowOverrides: false } });
    } else if (family === 'platform') {
      const set = platformSet[type] ?? {};
      targets.push({ id: `n-${type}`, type, fixed: false, props: {} });
      targets.push({ id: `n-${type}-set`, type, fixed: false, props: { ...set.props }, credentials: set.credentials });
      targets.push({ id: `n-${type}-fixed`, type, fixed: true, props: { ...set.props, allowOverrides: false }, credentials: set.credentials });
    } else if (family === 'billerdirect') {
      const ops = opsOf(type).map((op) => op.name);
      targets.push({ id: `n-${type}`, type, fixed: false, props: { operation: ops[0] } });
      targets.push({ id: `n-${type}-set`, type, fixed: false, props: { operation: ops[ops.length - 1], ...bdIds } });
      targets.push({ id: `n-${type}-fixed`, type, fixed: true, props: { operation: ops[0], ...bdIds, allowOverrides: false } });
      targets.push({ id: `n-${type}-badop`, type, fixed: false, props: { operation: 'no-such-operation' } });
    } else {
      targets.push({ id: 'ext', type, fixed: false, props: { operation: 'list' } });
      targets.push({ id: 'ext-set', type, fixed: false, props: { operation: 'get', customerId: '1001', externalAccountId: '3001', tag: 'alice-checking' } });
      targets.push({ id: 'ext-fixed', type, fixed: true, props: { operation: 'list', customerId: '1001', allowOverrides: false } });
      targets.push({ id: 'ext-badop', type, fixed: false, props: { operation: '' } });
    }
  }
  return targets;
}

const RELIABILITY = { timeout: 5, retryAttempts: 2, retryDelay: 0.01, retryMaxDelay: 0.05, stopGrace: 1 };

function flowFor(simUrl: string, targets: readonly Target[]): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'connP', type: 'q2-platform-config', baseUrl: simUrl, apiVersion: 'v2', scope: 'CaliperAPI:All', ...RELIABILITY },
    { id: 'connB', type: 'q2-billerdirect-config', name: 'Biller Direct simulator', environment: 'custom', baseUrl: `${simUrl}/v1`, ...RELIABILITY },
    { id: 'connH', type: 'q2-corepro-config', name: 'Helix simulator', baseUrl: simUrl, ...RELIABILITY },
    ...targets.map((t) => ({ name: '', ...t.props, id: t.id, z: 'tab', type: t.type, connection: CONNECTION_OF[familyOf(t.type)], wires: [['out']] })),
    { id: 'out', z: 'tab', type: 'helper', wires: [] },
    { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'tab', type: 'helper', wires: [] },
  ];
}

function credentialsFor(targets: readonly Target[]): Record<string, Record<string, string>> {
  const creds: Record<string, Record<string, string>> = { connP: CONNECTION_CREDENTIALS, connB: BILLER_DIRECT_CREDENTIALS, connH: COREPRO_CREDENTIALS };
  for (const t of targets) if (t.credentials) creds[t.id] = t.credentials;
  return creds;
}

// ---- inputs --------------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Sets an OWN enumerable property, whatever the key (`__proto__` included: no prototype is changed). */
function setOwn<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

function objectFrom(entries: ReadonlyArray<readonly [string, unknown]>): Json {
  const out: Json = {};
  for (const [k, v] of entries) setOwn(out, k, v);
  return out;
}

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 3 });
const hugeString = fc
  .tuple(
    fc.constantFrom(100_000, 110_000),
    fc.oneof(fc.constantFrom('x', '9', '/', '.', '%', 'é'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 })),
  )
  .map(([size, chunk]) => chunk.repeat(Math.ceil(size / chunk.length)));
const textArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '.',
      '..',
      '/',
      '%',
      '?',
      '#',
      '\u0000',
      '\n',
      'null',
      'undefined',
      'true',
      'false',
      '0',
      '-1',
      '1e3',
      '1.5',
      ' 3',
      '3 ',
      '007',
      '3',
      '4',
      '1001',
      '3001',
      '99999999999999999999',
      'latest',
      'list',
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '../../etc/passwd',
      '%2e%2e',
      'a/b',
      'a?b=c',
      'a#b',
      '${x}',
      '<script>',
      'Bearer abc.def.ghi',
      '123456789',
      '021000021',
      'demo-user',
      'bill,payment',
      'brands',
      'connect',
      'production',
      '\ud800',
      'id-\udc00',
      '\ud83d\ude00',
      'e\u0301',
    ),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: loneSurrogates },
  { weight: 1, arbitrary: hugeString },
);

const weirdArb = fc.constantFrom<unknown>(
  null,
  undefined,
  true,
  false,
  0,
  -0,
  1,
  -1,
  2,
  3,
  1001,
  0.5,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER,
  2 ** 64,
  -(2 ** 53),
  Number.MIN_VALUE,
  '',
  [],
  {},
  [null],
  [[]],
  [{}],
  ['list'],
);

/** Values that are not JSON: a BigInt, a Date (valid or not), a Buffer, a function node's class instance. */
const exoticArb = fc
  .constantFrom<() => unknown>(
    () => BigInt(42),
    () => new Date(0),
    () => new Date(NaN),
    () => Buffer.from('123456789'),
    () => new Map([['a', 1]]),
    () =>
      new (class Thing {
        readonly a = 1;
      })(),
  )
  .map((make) => make());

/** An object whose OWN keys are `__proto__`, `constructor`, `toString`… (as JSON.parse builds them). */
const protoArb: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .constantFrom(
      '{"__proto__": {"polluted": 1}}',
      '{"constructor": {"prototype": {"polluted": 1}}}',
      '{"__proto__": {"polluted": 1, "operation": "list"}, "constructor": {"prototype": {"polluted": 2}}}',
      '{"__proto__": {"toString": 1, "polluted": 3}, "toString": "x", "valueOf": 1, "hasOwnProperty": 2}',
      '[{"__proto__": {"polluted": 4}}, {"constructor": {"prototype": {"polluted": 5}}}]',
      '{"a": {"b": {"__proto__": {"polluted": 6}}}}',
    )
    .map((text): unknown => JSON.parse(text)),
  fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom('__proto__', 'constructor'))
    .map(([a, b]) => setOwn({}, a, setOwn({}, b, { polluted: 7 }))),
);

/** Nesting 2,000 to 3,000 deep, built iteratively: objects, arrays, or both alternating. */
const deepArb: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 2000, max: 3000 }), fc.constantFrom('object', 'array', 'mixed'), fc.constantFrom('a', 'operation', 'Account', '__proto__', 'form'))
  .map(([depth, kind, key]) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i += 1) v = kind === 'array' || (kind === 'mixed' && i % 2 === 1) ? [v] : setOwn({}, key, v);
    return v;
  });

const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: textArb },
  { weight: 4, arbitrary: weirdArb },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: exoticArb },
);

const fuzzValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.array(leafArb, { maxLength: 3 }) },
  { weight: 1, arbitrary: protoArb },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), leafArb, { maxKeys: 3 }) },
);

function objectArb(keys: readonly string[], value: fc.Arbitrary<unknown> = fuzzValue): fc.Arbitrary<Json> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty') },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  return fc.array(fc.tuple(key, value), { maxLength: 6 }).map(objectFrom);
}

const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: weirdArb.filter((v) => v !== undefined && v !== null && !(typeof v === 'object' && !Array.isArray(v))) },
  { weight: 3, arbitrary: textArb },
  { weight: 1, arbitrary: fc.array(fuzzValue, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: deepArb.filter(Array.isArray) },
);

// ---- valid messages (seed data of the simulator) -------------------------------------------------------------------

interface Input {
  config?: unknown;
  payload?: unknown;
  /** msg.data or msg.body, for the nodes whose data property is not msg.payload */
  data?: unknown;
  body?: unknown;
}

const future = (days: number): string => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString();
const CARD = { paymentType: 'card', cardNumber: '4111111111111111', cardCode: '123', expMonth: '02', expYear: '2040', zipcode: '12345', name: 'Fuzz Card' };
const HELIX_ACCOUNT = { customerId: 1002, type: 'Checking', routingNumber: '123456789', accountNumber: '000111222333', firstName: 'Bob', lastName: 'Example' };

/** Inputs that pass validation (most succeed at the simulator; some are refused by its state rules). `n` makes names unique. */
function validInputs(type: NodeType, kid: string, n: number): Input[] {
  const op = (operation: string, config: Json = {}, payload?: unknown): Input => ({ config: { operation, ...config }, payload });
  switch (type) {
    case 'q2-get-token':
      return [{}, { payload: 'tick' }, { config: { scope: 'CaliperAPI:All' } }];
    case 'q2-add-external-account':
      return [
        { payload: { ABA: '022222222', Account: `9988${n % 10000}`, AccountType: 'Checking', LogonName: 'retail0' } },
        { payload: [{ Account: { ABA: '022222222', Account: '99887766', UserID: 2 } }] },
      ];
    case 'q2-delete-customer':
      return [{ config: { customerID: 3 } }, { config: { customerID: '1' } }];
    case 'q2-delete-user':
      return [{ config: { userID: '4' } }, { config: { userID: 3 } }];
    case 'q2-enrollment':
      return [
        {
          payload: {
            Customer: {
              Name: 'Fuzz Co',
              Address1: '1 Main St',
              City: 'Austin',
              State: 'TX',
              Zip: '78701',
              Phones: [{ Phone: '5125550100', PhoneType: 'Home' }],
            },
            User: { LogonName: `fuzz${n}`, FirstName: 'Fuzz', LastName: 'Test', GroupID: 1 },
          },
        },
      ];
    case 'q2-get-account-list':
      return [{ config: { username: 'test2' } }, { config: { customerID: 2 } }, { config: { userID: '1', accessLevel: 7, accountTypes: ['D', 'S'] } }];
    case 'q2-lookup-customer':
      return [{ config: { taxID: '111223333', includePhone: true } }, { config: { taxID: '012345678' } }];
    case 'q2-lookup-user':
      return [{ config: { ssn: '123456789', includeAuthToken: 'true' } }, { config: { ssn: '222334444' } }];
    case 'q2-billerdirect-auth':
      return [
        op('create', {}, { clientId: SEED.clientId, companyId: CO.regular1, items: ['bill'], form: { username: 'user', password: 'pw' } }),
        op('step', {}, { token: 'fuzz-token', method: 'prompt' }),
        op('list', { clientId: SEED.clientId }),
        op('fixHold', { authId: SEED.authId }),
        op('answerQuestions', { authId: SEED.authId }, [{ identifier: 'q1', answer: 'Austin' }]),
        op('delete', { authId: SEED.authId }),
      ];
    case 'q2-billerdirect-bill':
      return [op('get', { billId: SEED.billId }), op('list', { clientId: SEED.clientId }), op('listByPartner', { partnerId: BILLER_DIRECT_PARTNER_ID })];
    case 'q2-billerdirect-company':
      return [op('categories'), op('get', { companyId: CO.regular1 }), op('search', {}, { query: 'a', pageSize: 5 })];
    case 'q2-billerdirect-payment':
      return [
        op('add', {}, { clientId: SEED.clientId, ...CARD }),
        op('list', { clientId: SEED.clientId }),
        op('delete', { paymentMethodId: SEED.paymentMethodId }),
        op('retry', { paymentMethodId: SEED.paymentMethodId }),
        op('assign', { paymentMethodId: SEED.paymentMethodId, billId: SEED.billId }),
        op('settings', { billId: SEED.billId, recurring: 'enabled' }),
        op('schedule', {}, { billId: SEED.billId, payDate: future(3) }),
        op('cancel', { billId: SEED.billId }),
      ];
    case 'q2-billerdirect-client':
      return [
        op('create', {}, { identifier: `fuzz-${n}` }),
        op('createToken', { identifier: SEED.clientIdentifier }),
        op('revokeTokens', {}, { identifier: `fuzz-${n}` }),
        op('sync', {}, { client: { identifier: `fuzz-sync-${n}` } }),
      ];
    case 'q2-billerdirect-swap':
      return [op('create', { authId: SEED.authId, paymentMethodId: SEED.paymentMethodId }), op('companies'), op('list', { clientId: SEED.clientId })];
    case 'q2-billerdirect-partner':
      return [op('publicKeys'), op('publicKey', { keyId: kid }), op('latestPublicKey')];
    case 'q2-billerdirect-sso-link':
      return [
        { config: { token: `tok-${n}`, product: 'biller-direct', items: 'bill,payment' } },
        { config: { identifier: SEED.clientIdentifier, environment: 'production', skipOnboarding: true } },
        { payload: 'x' },
      ];
    case 'q2-corepro-external-account':
      return [
        op('create', {}, { ...HELIX_ACCOUNT, accountNumber: `0001${n % 100000}` }),
        op('initiate', {}, { ...HELIX_ACCOUNT, accountNumber: `0002${n % 100000}` }),
        op('verify', {}, { customerId: 1002, externalAccountId: 3004, amount1: 0.18, amount2: 0.28 }),
        op('update', {}, { customerId: 1001, externalAccountId: 3001, nickName: `Fuzz ${n % 1000}` }),
        op('archive', { customerId: '1001', externalAccountId: '3002' }),
        op('get', { customerId: '1001', externalAccountId: '3001' }),
        op('getByTag', { customerId: 1001, tag: 'alice-checking' }),
        op('list', { customerId: '1003' }),
      ];
  }
}

function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return objectFrom(Object.entries(value).map(([k, v]) => [k, copyOf(v)] as const));
  }
  return value;
}

const isPlainObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

type Mutation = (input: Input, value: unknown, pick: number) => Input;

/** One change to a valid input: a field replaced, removed or polluted, the operation broken, a shape swapped. */
const MUTATIONS: readonly Mutation[] = [
  (input, value, pick) => {
    const config = isPlainObject(input.config) ? (copyOf(input.config) as Json) : {};
    const keys = Object.keys(config);
    const key = keys.length ? keys[pick % keys.length] : 'operation';
    return { ...input, config: setOwn(config, key, value) };
  },
  (input, value, pick) => {
    if (!isPlainObject(input.payload)) return { ...input, payload: value };
    const payload = copyOf(input.payload) as Json;
    const keys = Object.keys(payload);
    return { ...input, payload: setOwn(payload, keys[pick % keys.length] ?? 'x', value) };
  },
  (input, _value, pick) => {
    const payload = isPlainObject(input.payload) ? (copyOf(input.payload) as Json) : {};
    const keys = Object.keys(payload);
    if (keys.length) delete payload[keys[pick % keys.length]];
    return { ...input, payload };
  },
  (input, value) => ({ ...input, config: setOwn(isPlainObject(input.config) ? (copyOf(input.config) as Json) : {}, 'operation', value) }),
  (input) => ({ ...input, payload: [input.payload] }),
  (input) => ({ config: input.payload, payload: input.config }),
  (input) => ({ ...input, payload: JSON.stringify(input.payload ?? null) }),
  (input) => ({ ...input, config: [input.config] }),
  (input, value) => ({
    ...input,
    config: setOwn(isPlainObject(input.config) ? (copyOf(input.config) as Json) : {}, '__proto__', { polluted: 8, operation: value }),
  }),
  (input, value) => ({
    ...input,
    payload: setOwn(isPlainObject(input.payload) ? (copyOf(input.payload) as Json) : {}, '__proto__', { polluted: 9, clientId: value }),
  }),
  (input) => ({ ...input, config: setOwn(isPlainObject(input.config) ? (copyOf(input.config) as Json) : {}, 'constructor', { prototype: { polluted: 10 } }) }),
];

// ---- one fuzz case -------------------------------------------------------------------------------------------------

interface FuzzCase {
  target: Target;
  kind: 'valid' | 'mutated' | 'random';
  input: Input;
}

/** The message's own URLs stay on the simulator: a foreign base URL never travels with a bearer token or a secret. */
function keepOnSimulator(input: Input, simOrigin: string): Input {
  const config = input.config;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return input;
  const c = config as Json;
  const base = Object.prototype.hasOwnProperty.call(c, 'baseUrl') ? c.baseUrl : undefined;
  if (typeof base !== 'string' || !/^https?:\/\//.test(base)) return input;
  let origin: string | undefined;
  try {
    origin = new URL(base).origin;
  } catch {
    origin = undefined;
  }
  if (origin === simOrigin) return input;
  for (const key of ['accessToken', 'client_id', 'client_secret']) delete c[key];
  return input;
}

function caseArb(targets: readonly Target[], kid: string, simUrl: string): fc.Arbitrary<FuzzCase> {
  const simOrigin = new URL(simUrl).origin;
  const baseUrls = fc.constantFrom(
    simUrl,
    `${simUrl}/`,
    `${simUrl}//`,
    'http://127.0.0.1:9',
    'HTTP://127.0.0.1:9',
    'ftp://x',
    'http://',
    'http://[::1',
    ' http://127.0.0.1:9',
  );
  const byType = new Map<NodeType, Target[]>(TYPES.map((type) => [type, targets.filter((t) => t.type === type)]));
  return fc.constantFrom(...TYPES).chain((type) => {
    const instances = byType.get(type) ?? [];
    const valid = fc.tuple(fc.nat(), fc.nat()).map(([n, pick]) => {
      const inputs = validInputs(type, kid, n);
      return inputs[pick % inputs.length];
    });
    const configKeys = configKeysOf(type);
    const configValue = fc.oneof({ weight: 8, arbitrary: fuzzValue }, { weight: 1, arbitrary: baseUrls });
    const configArb: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: notAnObject },
      { weight: 4, arbitrary: objectArb(configKeys, configValue) },
      { weight: 1, arbitrary: protoArb },
      { weight: 1, arbitrary: fc.constantFrom(...opsOf(type).map((o) => o.name), 'nope').map((operation) => ({ operation })) },
    );
    const payloadArb: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fuzzValue },
      { weight: 3, arbitrary: objectArb(bodyKeysOf(type)) },
      { weight: 1, arbitrary: fc.array(objectArb(bodyKeysOf(type)), { maxLength: 3 }) },
      { weight: 1, arbitrary: protoArb },
      { weight: 1, arbitrary: deepArb },
    );
    // a field of msg.config or of the body replaced is the likeliest way past the other fields' validation: weighted up
    const mutation = fc.oneof(
      { weight: 5, arbitrary: fc.constant(MUTATIONS[0]) },
      { weight: 3, arbitrary: fc.constant(MUTATIONS[1]) },
      { weight: 4, arbitrary: fc.constantFrom(...MUTATIONS.slice(2)) },
    );
    const mutated = fc
      .tuple(valid, mutation, fc.oneof({ weight: 6, arbitrary: fuzzValue }, { weight: 1, arbitrary: deepArb }), fc.nat())
      .map(([input, mutate, value, pick]) => mutate(input, value, pick));
    const random = fc.record({ config: configArb, payload: payloadArb });
    // msg.data / msg.body for the nodes that read their body there: absent, of the wrong type, or holding a body
    const dataArb: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(undefined, null) },
      { weight: 2, arbitrary: fuzzValue },
      { weight: 2, arbitrary: objectArb(['body'], payloadArb) },
      { weight: 1, arbitrary: protoArb },
      { weight: 1, arbitrary: deepArb },
    );
    return fc
      .record({
        target: fc.constantFrom(...instances),
        kind: fc.constantFrom<'valid' | 'mutated' | 'random'>(
          'valid',
          'valid',
          'valid',
          'mutated',
          'mutated',
          'mutated',
          'random',
          'random',
          'random',
          'random',
        ),
        valid,
        mutated,
        random,
        data: dataArb,
        moveBody: fc.boolean(),
      })
      .map(({ target, kind, valid: v, mutated: m, random: r, data, moveBody }): FuzzCase => {
        const input: Input = { ...(kind === 'valid' ? v : kind === 'mutated' ? m : r) };
        if (target.dataProperty && (kind === 'valid' || moveBody)) {
          // the body goes where the node reads it
          if (target.dataProperty === 'body') input.body = input.payload;
          else input.data = { body: input.payload };
        } else if (target.dataProperty === 'body') input.body = data;
        else if (target.dataProperty) input.data = data;
        return { target, kind, input: keepOnSimulator(input, simOrigin) };
      });
  });
}

// ---- checks --------------------------------------------------------------------------------------------------------

/** A short, safe description of any value (huge strings cut, deep nesting not walked). */
function brief(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length}) ${JSON.stringify(value.slice(0, 24))}…` : JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (depth >= 2) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value))
    return `[${value
      .slice(0, 4)
      .map((v) => brief(v, depth + 1))
      .join(', ')}${value.length > 4 ? ', …' : ''}]`;
  const proto: unknown = Object.getPrototypeOf(value);
  const name = proto === Object.prototype ? '' : proto === null ? 'null-proto ' : `${(value as { constructor?: { name?: string } }).constructor?.name ?? '?'} `;
  const keys = Object.keys(value);
  return `${name}{${keys
    .slice(0, 6)
    .map((k) => `${JSON.stringify(k)}: ${brief((value as Json)[k], depth + 1)}`)
    .join(', ')}${keys.length > 6 ? ', …' : ''}}`;
}

const BUILT_IN_PROTOTYPES = new Set<unknown>([Object.prototype, null, Array.prototype, Date.prototype, Buffer.prototype, Uint8Array.prototype, Map.prototype]);

/** What is wrong with a value that reached Catch: a prototype taken from the input, an own `__proto__` key, no depth cut. */
function notPlain(root: unknown, where: string): string | undefined {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: root, path: where, depth: 0 }];
  let seen = 0;
  while (stack.length) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (v === null || typeof v !== 'object') continue;
    if ((seen += 1) > 50_000) return undefined;
    if (depth > 40) return `${path}: nesting deeper than 40 reached Catch (the mask cuts at 32)`;
    const proto: unknown = Object.getPrototypeOf(v);
    if (!BUILT_IN_PROTOTYPES.has(proto)) return `${path}: prototype ${brief(proto)} taken from the input`;
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return `${path}: own "__proto__" key`;
    if (proto !== Object.prototype && proto !== null && proto !== Array.prototype) continue;
    for (const key of Object.keys(v)) stack.push({ v: (v as Json)[key], path: `${path}.${key}`, depth: depth + 1 });
  }
  return undefined;
}

/**
 * The texts of a failure that happened before the request reached the connection (locales/en-US/q2-common.json
 * "validation", sso.needToken, errors.foreignOrigin/foreignTokenOrigin): each names the field or the reason.
 */
const LOCAL_FAILURE = [
  /\(got [a-z]+\)$/, // validation.invalid / bodyInvalid / configNotObject / accessToken
  / is required: set it in the node or in msg\.config\.\w+$/, // validation.required
  /^msg\.[\w.[\]-]+ is required$/, // validation.bodyRequired
  /^one of .+ is required \(or set it in the node\)$/, // validation.atLeastOne
  /^only one of .+ may be given$/, // validation.onlyOne
  /^\w+ must not be empty, "\.", "\.\." or hold a lone UTF-16 surrogate \(it is sent in the path\)$/, // validation.segment
  /^the request body cannot be written as JSON/, // validation.notJson
  /^msg\.config\.token or an identifier \(node or msg\.config\.identifier\) is required$/, // sso.needToken
  /^the base URL is not one of the connection's origins/, // errors.foreignOrigin
  /^the token URL is not one of the connection's origins/, // errors.foreignTokenOrigin
];

interface Arrival {
  where: 'out' | 'caught';
  msg: Msg;
}

interface Sent {
  id: string;
  fuzz: FuzzCase;
  arrivals: Arrival[];
  /** the message as sent (Node-RED gives it its _msgid on receive) */
  msg: Record<string, unknown>;
}

interface TypeStats {
  sent: number;
  out: number;
  inputFailures: number;
  wireFailures: number;
}

function describeCase(seed: number, batch: number, s: Sent): string {
  const { target, kind, input } = s.fuzz;
  const extra = target.dataProperty === 'body' ? ` body=${brief(input.body)}` : target.dataProperty ? ` data=${brief(input.data)}` : '';
  return `seed ${seed} batch ${batch} ${s.id} → ${target.id} (${kind}) config=${brief(input.config)} payload=${brief(input.payload)}${extra}`;
}

function attemptsOf(msg: Msg): number {
  const attempts = msg.q2?.attempts;
  return typeof attempts === 'number' ? attempts : 0;
}

/** Which operation of which node type a request at the simulator was (templates with fewer placeholders first). */
function operationMatchers(): Array<{ key: string; method: string; re: RegExp; holes: number }> {
  const list: Array<{ key: string; method: string; re: RegExp; holes: number }> = [];
  const add = (type: string, op: RequestSpec & { name: string }, prefix: string): void => {
    const path = `${prefix}${op.path}`;
    const re = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`);
    list.push({ key: `${type} ${op.name}`.trim(), method: op.method, re, holes: (op.path.match(/\{/g) ?? []).length });
  };
  for (const op of platformOperations) add(op.type, { ...op, name: '' }, '');
  for (const r of billerDirectResources) for (const op of r.operations) add(r.type, op, '/v1');
  for (const op of externalAccount.operations) add(externalAccount.type, op, '');
  return list.sort((a, b) => a.holes - b.holes);
}

/** The test helper's spy on Node.prototype[method] (a node may also have an own function of that name). */
function spyOf(node: object, method: string): SinonSpy {
  for (let p: unknown = Object.getPrototypeOf(node); p !== null && typeof p === 'object'; p = Object.getPrototypeOf(p)) {
    const candidate: unknown = Object.prototype.hasOwnProperty.call(p, method) ? (p as Record<string, unknown>)[method] : undefined;
    if (typeof candidate === 'function' && typeof (candidate as Partial<SinonSpy>).resetHistory === 'function') return candidate as SinonSpy;
  }
  throw new Error(`no spy on Node.prototype.${method}`);
}

function protoKeys(): string[] {
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .concat(Object.getOwnPropertySymbols(Object.prototype).map(String));
}

// ---- the test ------------------------------------------------------------------------------------------------------

describe('fuzz: every node type in the real Node-RED runtime (seeded)', function () {
  this.timeout(240_000);
  let sim: RunningSimulator;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  const prototypesBefore = protoKeys();

  before(async () => {
    console.log('fuzz seed', SEED_VALUE, `(FUZZ_SEED to replay; ${TOTAL} messages, FUZZ_RUNS to change)`);
    process.on('unhandledRejection', onRejection);
    // a rate limit far above the run's request count: every Helix request is answered on its merits
    sim = await startSimulator({ port: 0, helix: { rateLimit: { limit: 10_000_000, windowSeconds: 60 } } });
    await new Promise<void>((resolve) => helper.startServer(() => resolve()));
  });

  after(async () => {
    process.off('unhandledRejection', onRejection);
    await helper.unload();
    await sim?.stop();
    await new Promise<void>((resolve) => helper.stopServer(() => resolve()));
  });

  it('the flow has every node type the pack registers, and every operation of each', () => {
    const registered = [
      ...platformOperations.map((o) => o.type),
      ...billerDirectResources.map((r) => r.type),
      'q2-billerdirect-sso-link',
      externalAccount.type,
    ].sort();
    assert.deepEqual(registered, [...TYPES].sort(), 'a node type the fuzz test does not cover (or one that no longer exists)');
    const targets = targetsFor('kid');
    for (const type of TYPES) {
      assert.ok(
        targets.some((t) => t.type === type),
        `no node of type ${type} in the flow`,
      );
      const ops = opsOf(type).map((o) => o.name);
      const valid = new Set(
        validInputs(type, 'kid', 0).map((i) => (isPlainObject(i.config) && typeof i.config.operation === 'string' ? i.config.operation : '')),
      );
      if (type !== 'q2-billerdirect-sso-link') for (const op of ops) assert.ok(valid.has(op), `${type}: no valid input for operation "${op}"`);
    }
  });

  it(`${TOTAL} messages: each ends exactly once, errors name the node, nothing sent for invalid input, no crash, no pollution`, async () => {
    const kid = sim.billerDirect.partnerKeys[0].kid;
    const targets = targetsFor(kid);
    await helper.load(NODES, flowFor(sim.url, targets), credentialsFor(targets));
    const arbitrary = caseArb(targets, kid, sim.url);
    const matchers = operationMatchers();

    const stats = new Map<NodeType, TypeStats>(TYPES.map((t) => [t, { sent: 0, out: 0, inputFailures: 0, wireFailures: 0 }]));
    const reachedWire = new Set<string>();
    /** every problem of the run (the run goes on after a bad batch, so that one report shows them all) */
    const problems: string[] = [];
    const unexpected: string[] = [];
    /** messages that ended in a log line instead of the output or Catch */
    const logged: string[] = [];
    let simRequests = 0;
    let totalArrivals = 0;
    /** messages that ended in the one log line that names them (Node-RED could not copy them for Catch) */
    let endedInLogLine = 0;
    /** the batch each message id belongs to (a late arrival from an earlier batch is reported, not lost) */
    const batchOf = new Map<string, number>();
    let current = new Map<string, Sent>();
    let onArrival: (() => void) | undefined;

    const record =
      (where: 'out' | 'caught') =>
      (msg: Msg): void => {
        totalArrivals += 1;
        const id = msg._fuzzId;
        const sent = typeof id === 'string' ? current.get(id) : undefined;
        if (!sent) {
          const from = typeof id === 'string' ? batchOf.get(id) : undefined;
          problems.push(
            `${where}: a message with _fuzzId ${String(id)} arrived ${from === undefined ? 'that was never sent' : `after its batch ${from} was over`} (${brief(msg.error?.message)})`,
          );
          return;
        }
        sent.arrivals.push({ where, msg });
        onArrival?.();
      };
    const outNode = helper.getNode('out');
    const caughtNode = helper.getNode('caught');
    outNode.on('input', record('out'));
    caughtNode.on('input', record('caught'));
    const spies = { warn: spyOf(outNode, 'warn'), error: spyOf(outNode, 'error'), log: spyOf(outNode, 'log') };
    /** node.warn/error/log calls with a text (a log line, not done(err) handing a message to Catch) */
    const logLines = (): string[] =>
      (['warn', 'error', 'log'] as const).flatMap((method) =>
        spies[method]
          .getCalls()
          .filter((call) => typeof call.args[0] === 'string')
          .map((call) => `node.${method}(${JSON.stringify(call.args[0])}) by ${String((call.thisValue as { id?: string } | undefined)?.id)}`),
      );

    const started = Date.now();
    const batches = Math.ceil(TOTAL / BATCH);
    for (let b = 0; b < batches; b += 1) {
      const size = Math.min(BATCH, TOTAL - b * BATCH);
      const cases = fc.sample(arbitrary, { seed: SEED_VALUE + b, numRuns: size });
      sim.server.reset(); // seed data back (so that valid messages can succeed), no requests recorded
      current = new Map(cases.map((fuzz, i): [string, Sent] => [`m${b}-${i}`, { id: `m${b}-${i}`, fuzz, arrivals: [], msg: { _fuzzId: `m${b}-${i}` } }]));
      const batch = [...current.values()];
      for (const s of batch) batchOf.set(s.id, b);

      // every message of the batch at once; the batch is over when each has ended (or a log line stands for it)
      const missing = (): Sent[] => batch.filter((s) => s.arrivals.length === 0);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => finish(), BATCH_TIMEOUT_MS);
        const finish = (): void => {
          clearTimeout(timer);
          clearInterval(poll);
          onArrival = undefined;
          resolve();
        };
        const check = (): void => {
          const left = missing().length;
          if (left === 0 || (left <= logLines().length && left < batch.length)) finish();
        };
        onArrival = check;
        const poll = setInterval(check, 100);
        for (const s of batch) {
          const { config, payload, data, body } = s.fuzz.input;
          const msg = s.msg;
          if (config !== undefined) msg.config = config;
          if (payload !== undefined) msg.payload = payload;
          if (data !== undefined) msg.data = data;
          if (body !== undefined) msg.body = body;
          (stats.get(s.fuzz.target.type) as TypeStats).sent += 1;
          helper.getNode(s.fuzz.target.id).receive(msg as NodeMessage);
        }
        check();
      });
      await new Promise((resolve) => setTimeout(resolve, 15)); // a duplicate would arrive now

      // ---- per message ----
      let attemptsApi = 0;
      let attemptsToken = 0;
      let unsureApi = 0;
      let unsureToken = 0;
      let renewals = 0;
      let passedValidation = 0;
      /** messages that ended in a log line: their tries are unknown (at most the connection's 2 each) */
      let lost = 0;
      // a message that could not be handed to Catch (a message Node-RED cannot clone) may end in ONE log line
      // naming its id (lib/node-red/node-input.ts); anything else logged is a message lost or a line too many
      const lines = logLines();
      const explained = new Set<number>();
      for (const s of batch) {
        const where = describeCase(SEED_VALUE, b, s);
        if (s.arrivals.length === 0) {
          lost += 1;
          const msgid = typeof s.msg._msgid === 'string' ? s.msg._msgid : '?';
          const naming = lines.map((line, i) => ({ line, i })).filter(({ line }) => line.includes(msgid));
          for (const { i } of naming) explained.add(i);
          if (naming.length === 1) endedInLogLine += 1;
          if (naming.length !== 1) logged.push(`${where} (_msgid ${msgid}): reached neither the output nor Catch, and ${naming.length} log line(s) name it`);
          continue;
        }
        if (s.arrivals.length !== 1) {
          problems.push(`${where}: ended ${s.arrivals.length} times (${s.arrivals.map((a) => `${a.where}: ${brief(a.msg.error?.message)}`).join('; ')})`);
          continue;
        }
        const [{ where: at, msg }] = s.arrivals;
        const { type, id: nodeId, fixed } = s.fuzz.target;
        const typeStats = stats.get(type) as TypeStats;
        const attempts = attemptsOf(msg);
        // HTTP 431 (headers over 16 KB: a huge msg.config.accessToken) is answered by Node's HTTP parser itself:
        // that try never reaches the simulator's request log
        const counted = msg.statusCode === 431 ? 0 : attempts;
        // a try that ended in a connection reset may not have reached the simulator, nor the first try of a retried read
        const unsure = msg.statusCode === undefined ? counted : Math.max(0, counted - 1);
        if (type === 'q2-get-token') {
          attemptsToken += counted;
          unsureToken += unsure;
        } else {
          attemptsApi += counted;
          unsureApi += unsure;
        }
        if (attempts >= 2 && familyOf(type) === 'platform') renewals += 1;
        if (at === 'out') {
          typeStats.out += 1;
          passedValidation += 1;
          if (typeof msg.statusCode !== 'number' || msg.statusCode < 200 || msg.statusCode > 299)
            problems.push(`${where}: at the output with msg.statusCode ${brief(msg.statusCode)}`);
          if (msg.q2 === null || typeof msg.q2 !== 'object') problems.push(`${where}: at the output without msg.q2`);
          continue;
        }
        const error = msg.error;
        const text = error?.message;
        if (typeof text !== 'string') {
          problems.push(`${where}: at Catch without an error text (${brief(error)})`);
          continue;
        }
        const label = `${LABELS[type]}: `;
        if (!text.startsWith(label)) problems.push(`${where}: the error does not start with "${label}": ${brief(text)}`);
        if (error?.source?.id !== nodeId) problems.push(`${where}: the error comes from ${brief(error?.source?.id)}, not ${nodeId}`);
        const reason = text.slice(label.length);
        if (/unexpected error/.test(reason)) unexpected.push(`${where}: ${text}`);
        if (fixed && /msg\.config/.test(reason)) problems.push(`${where}: a node that ignores msg.config failed on it: ${text}`);
        if (msg.q2 === undefined) {
          // failed before the request reached the connection: an input/validation error, nothing sent
          typeStats.inputFailures += 1;
          if (msg.statusCode !== undefined) problems.push(`${where}: a failure before the connection carries msg.statusCode ${brief(msg.statusCode)}`);
          if (!/unexpected error/.test(reason) && !LOCAL_FAILURE.some((re) => re.test(reason))) {
            problems.push(`${where}: a failure before the connection (no msg.q2) that is not an input/validation text: ${brief(text)}`);
          }
        } else {
          typeStats.wireFailures += 1;
          passedValidation += 1;
        }
        if (msg.config !== null && typeof msg.config === 'object') {
          const kept = Object.keys(msg.config).filter((k) => SENSITIVE_CONFIG_KEYS.has(k));
          if (kept.length) problems.push(`${where}: at Catch, msg.config still has ${kept.join(', ')}`);
        }
        // the node masks msg.payload, msg.config and its data property (other properties are Node-RED's own clone's)
        const holder = msg.data;
        const data =
          s.fuzz.target.dataProperty === 'body'
            ? msg.body
            : s.fuzz.target.dataProperty && holder !== null && typeof holder === 'object'
              ? (holder as Json).body
              : undefined;
        for (const [value, name] of [
          [msg.payload, 'msg.payload'],
          [msg.config, 'msg.config'],
          [data, `msg.${s.fuzz.target.dataProperty ?? ''}`],
        ] as const) {
          const wrong = notPlain(value, name);
          if (wrong) problems.push(`${where}: at Catch, ${wrong}`);
        }
      }

      // ---- the simulator saw the tries the messages report (never more), and nothing for invalid input ----
      const requests: RecordedRequest[] = [...sim.server.requests];
      simRequests += requests.length;
      const tokenRequests = requests.filter((r) => /\/oauth2\/token$/.test(r.path)).length;
      const apiRequests = requests.length - tokenRequests;
      if (apiRequests > attemptsApi + 2 * lost || apiRequests < attemptsApi - unsureApi) {
        problems.push(
          `batch ${b}: the simulator received ${apiRequests} API request(s), but the messages report ${attemptsApi} tries in msg.q2.attempts (${unsureApi} of them may not have reached it)`,
        );
      }
      if (apiRequests > passedValidation + 2 * lost)
        problems.push(`batch ${b}: ${apiRequests} API request(s) for ${passedValidation} message(s) that passed validation`);
      if (tokenRequests > attemptsToken + 1 + renewals || tokenRequests < attemptsToken - unsureToken) {
        problems.push(
          `batch ${b}: ${tokenRequests} token request(s), but Get Token messages report ${attemptsToken} tries (+1 connection token, +${renewals} renewals allowed)`,
        );
      }
      for (const r of requests) {
        const hit = matchers.find((m) => m.method === r.method && m.re.test(r.path));
        if (hit) reachedWire.add(hit.key);
      }

      // ---- nothing logged instead of ending, no rejection, no pollution ----
      lines.forEach((line, i) => {
        if (!explained.has(i)) logged.push(`batch ${b}: ${line}`);
      });
      // the spies keep every call's arguments (whole messages): emptied after each batch
      for (const method of ['status', 'error', 'warn', 'log', 'send'] as const) spyOf(outNode, method).resetHistory();
      helper.log().resetHistory();
      if (rejections.length)
        problems.push(
          `batch ${b}: unhandled rejection(s): ${rejections
            .splice(0)
            .map((r) => (r instanceof Error ? (r.stack ?? r.message) : brief(r)))
            .join('\n')}`,
        );
      if (({} as Json).polluted !== undefined) problems.push(`batch ${b}: Object.prototype.polluted is set`);
      if (protoKeys().join('|') !== prototypesBefore.join('|')) problems.push(`batch ${b}: a built-in prototype gained or lost keys`);
    }
    const elapsed = Date.now() - started;

    // ---- after the run ----
    await new Promise((resolve) => setTimeout(resolve, 200));
    const table = TYPES.map((t) => ({ type: t, ...(stats.get(t) as TypeStats) }));
    console.log(`fuzz: ${TOTAL} messages in ${elapsed} ms, ${simRequests} requests at the simulator`);
    console.table(table);
    // one report of everything found, so that a single run shows every kind of failure
    const report: string[] = [];
    const section = (title: string, list: readonly string[]): void => {
      if (!list.length) return;
      report.push(
        `${title} (${list.length}):`,
        ...list.slice(0, 12).map((line) => `  ${line}`),
        ...(list.length > 12 ? [`  … and ${list.length - 12} more`] : []),
      );
    };
    const reasons = new Map<string, number>();
    for (const line of logged) {
      const kind = /could not pass an error to Catch \((\w+)\)/.exec(line)?.[1];
      if (kind) reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
    }
    section(
      `messages that reached neither the output nor Catch, and log lines that do not name one message id (catchFailed by cause: ${[...reasons].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})`,
      logged,
    );
    section(`problems (seed ${SEED_VALUE})`, problems);
    if (totalArrivals + endedInLogLine + logged.filter((l) => l.includes('reached neither')).length !== TOTAL) {
      report.push(`${totalArrivals} arrivals at the output and Catch and ${endedInLogLine} log lines for ${TOTAL} messages`);
    }
    section(
      'node types without a success or without an input failure',
      table.filter((row) => row.out === 0 || row.inputFailures === 0).map((row) => `${row.type}: ${row.out} successes, ${row.inputFailures} input failures`),
    );
    section(
      'operations that never reached the simulator',
      matchers.map((m) => m.key).filter((k) => !reachedWire.has(k)),
    );
    section('messages that failed with "unexpected error" (an exception the node did not expect, instead of an input error naming the field)', unexpected);
    assert.ok(report.length === 0, `fuzz seed ${SEED_VALUE}:\n${report.join('\n')}`);
  });

  it('no prototype pollution after the run', () => {
    assert.equal(({} as Json).polluted, undefined);
    assert.equal((Object.prototype as Json).polluted, undefined);
    assert.deepEqual(protoKeys(), prototypesBefore);
    assert.deepEqual(rejections, [], 'an unhandled promise rejection escaped');
  });
});
