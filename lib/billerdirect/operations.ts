/**
 * Q2 Biller Direct (docs/api-notes.md §2.4): seven resource nodes, thirty operations. Paths are relative to the
 * connection's base URL, which already ends in `/v1`. Ids in a path come from the node or msg.config under the
 * API's own names; ids that belong in a POST body are merged over the body read from the data property.
 * Bodies are checked against the documented arguments before anything is sent. `x-hint` values are keys of
 * locales/en-US/q2-common.json; the words for each node are in locales/en-US/q2-billerdirect.json.
 *
 * Not implemented: message encryption (docs/api-notes.md §2.9, B20) — its packing is not documented.
 */
import type { BodySpec, NamedRequest, ParamSpec, ResourceSpec } from '../model/operation';

// ---- params -------------------------------------------------------------------------------------------

/** an id in the path: required by the operation */
const inPath = (key: string): ParamSpec => ({ key, in: 'path', type: 'string', required: true });
/** an id merged into the body: the body schema says whether it is required */
const inBody = (key: string): ParamSpec => ({ key, in: 'body', type: 'string' });
const enumInBody = (key: string, values: readonly string[]): ParamSpec => ({ key, in: 'body', type: 'enum', enum: values });

// ---- schema pieces ------------------------------------------------------------------------------------

const id = { type: 'string', minLength: 1, 'x-hint': 'hint.bdId' };
const text = { type: 'string', minLength: 1, 'x-hint': 'hint.nonEmptyString' };
const anyText = { type: 'string' };
const flag = { type: 'boolean', 'x-hint': 'hint.boolean' };
/** true/false, or the words "true"/"false" (the Sync Client example sends `"setAsDefault": "true"`) */
const flagOrWord = { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }], 'x-hint': 'hint.booleanOrWord' };
const positiveInt = { type: 'integer', minimum: 1, 'x-hint': 'hint.positiveInteger' };
/**
 * a positive whole number, or the same written as a string (Q2's company search example sends `"pageNumber": "1"`,
 * docs/api-notes.md B6a); sent as given
 */
const positiveIntOrDigits = {
  anyOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^[1-9][0-9]{0,15}$' },
  ],
  'x-hint': 'hint.positiveId',
};
/** ISO 8601: a date, or a date and time with an optional zone (2018-10-25T00:00:00.000Z) */
export const ISO_DATE_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?$';
const isoDate = { type: 'string', pattern: ISO_DATE_PATTERN, 'x-hint': 'hint.isoDate' };
/** the API key travels in the Authorization header only, never in a body (docs/api-notes.md B1) */
const noApiKey = { apiKey: { not: {}, 'x-hint': 'hint.apiKeyInBody' } };

const SCHEDULES = ['ten-days-before', 'five-days-before', 'day-before', 'on-due-date', 'immediately'] as const;
const RECURRING = ['enabled', 'disabled'] as const;

/** card fields of Add Payment Method and of Sync Client's `cards[]` */
const cardFields = {
  cardNumber: { type: 'string', pattern: '^[0-9]{12,19}$', 'x-hint': 'hint.cardNumber' },
  cardCode: { type: 'string', pattern: '^[0-9]{3,4}$', 'x-hint': 'hint.cardCode' },
  expMonth: { type: 'string', pattern: '^(0[1-9]|1[0-2])$', 'x-hint': 'hint.expMonth' },
  expYear: { type: 'string', pattern: '^[0-9]{4}$', 'x-hint': 'hint.expYear' },
  zipcode: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$', 'x-hint': 'hint.zipcode' },
};
const CARD_REQUIRED = ['cardNumber', 'cardCode', 'expMonth', 'expYear', 'zipcode'];

const bankFields = {
  routingNumber: { type: 'string', pattern: '^[0-9]{9}$', 'x-hint': 'hint.routingNumber' },
  accountNumber: { type: 'string', minLength: 1, maxLength: 17, 'x-hint': 'hint.accountNumber' },
  accountType: { type: 'string', enum: ['checking', 'savings'], 'x-hint': 'hint.bankAccountType' },
};
const BANK_REQUIRED = ['routingNumber', 'accountNumber', 'accountType'];

/** `{identifier, answer}`: one answered security question */
const answer = { type: 'object', required: ['identifier', 'answer'], properties: { identifier: text, answer: text } };

/** when `key` is `value` (and present), `then` applies; the hint explains the rule as a whole */
const when = (key: string, value: string, then: object, hint: string) => ({
  if: { properties: { [key]: { const: value } }, required: [key] },
  then,
  'x-hint': hint,
});

// ---- bodies -------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Date objects in the named fields become ISO strings (a function node may well set `new Date()`). */
function isoStrings(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out = { ...value };
  for (const key of keys) {
    const v = out[key];
    if (v instanceof Date && !Number.isNaN(v.getTime())) out[key] = v.toISOString();
  }
  return out;
}

/** Schedule Payment: `date` (the argument table) is sent as `payDate` (the example, the bill object) — docs/api-notes.md B1. */
export function normaliseSchedule(value: unknown): unknown {
  if (!isObject(value)) return value;
  const out = isoStrings(value, ['date', 'payDate']);
  if ('date' in out && (out.payDate === undefined || out.payDate === null)) {
    out.payDate = out.date;
    delete out.date;
  }
  return out;
}

/** Answer Questions: a bare array of `{identifier, answer}` is the `answers` list. */
export function normaliseAnswers(value: unknown): unknown {
  return Array.isArray(value) ? { answers: value } : value;
}

/** Create Token and Sync Client: a Date `expiration` is sent as its ISO string. */
export function normaliseToken(value: unknown): unknown {
  if (!isObject(value)) return value;
  return isObject(value.token) ? { ...value, token: isoStrings(value.token, ['expiration']) } : isoStrings(value, ['expiration']);
}

const body = (schema: object, extra: Partial<BodySpec> = {}): BodySpec => ({ defaultProperty: 'payload', schema, ...extra });

const authCreate = {
  type: 'object',
  required: ['clientId', 'companyId', 'items', 'form'],
  properties: {
    ...noApiKey,
    clientId: id,
    companyId: id,
    items: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: ['bill', 'payment', 'swap'] },
      not: { contains: { const: 'swap' }, minItems: 2 },
      'x-hint': 'hint.authItems',
    },
    paymentIdentifier: text,
    meta: {
      type: 'object',
      properties: { paymentMethodId: id, billId: id, swapId: id },
      allOf: [{ not: { required: ['billId', 'swapId'] }, 'x-hint': 'hint.billIdOrSwapId' }],
    },
    form: { type: 'object', minProperties: 1, 'x-hint': 'hint.authForm' },
  },
};

const authStep = {
  type: 'object',
  required: ['token', 'method'],
  properties: {
    ...noApiKey,
    token: text,
    method: { type: 'string', enum: ['questions', 'code', 'prompt'], 'x-hint': 'hint.mfaMethod' },
    // with method prompt Q2 says security is not needed, yet its own example sends one: accepted and sent as given (§2.4)
    security: {
      anyOf: [
        { type: 'object', required: ['identifier'], properties: { identifier: text, answer: text } },
        { type: 'array', minItems: 1, items: answer },
      ],
      'x-hint': 'hint.mfaSecurity',
    },
    didNotReceiveCode: flag,
  },
  allOf: [
    when('method', 'questions', { required: ['security'] }, 'hint.securityNeeded'),
    {
      if: { properties: { method: { const: 'code' }, didNotReceiveCode: { not: { const: true } } }, required: ['method'] },
      then: { required: ['security'] },
      'x-hint': 'hint.securityNeeded',
    },
  ],
};

const answerQuestions = {
  type: 'object',
  required: ['answers'],
  properties: { ...noApiKey, answers: { type: 'array', minItems: 1, items: answer, 'x-hint': 'hint.answers' } },
};

const companySearch = {
  type: 'object',
  properties: {
    ...noApiKey,
    query: anyText,
    category: text,
    geo: {
      type: 'object',
      required: ['lat', 'lng'],
      properties: {
        lat: { type: 'number', minimum: -90, maximum: 90, 'x-hint': 'hint.latitude' },
        lng: { type: 'number', minimum: -180, maximum: 180, 'x-hint': 'hint.longitude' },
      },
    },
    // Q2's example sends these three as strings ("true", "25", "1"): accepted and sent as given (docs/api-notes.md B6a)
    paginateResults: flagOrWord,
    pageSize: {
      anyOf: [
        { type: 'integer', minimum: 1, maximum: 100 },
        { type: 'string', pattern: '^([1-9][0-9]?|100)$' },
      ],
      'x-hint': 'hint.pageSize',
    },
    pageNumber: positiveIntOrDigits,
    products: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['biller-direct', 'cardswap'] }, 'x-hint': 'hint.products' },
  },
};

const paymentAdd = {
  type: 'object',
  required: ['clientId', 'paymentType', 'name'],
  properties: {
    ...noApiKey,
    clientId: id,
    paymentType: { type: 'string', enum: ['card', 'bank'], 'x-hint': 'hint.paymentType' },
    identifier: text,
    ...cardFields,
    ...bankFields,
    name: text,
    setAsDefault: flagOrWord,
    customLabel: anyText,
  },
  allOf: [
    when('paymentType', 'card', { required: CARD_REQUIRED }, 'hint.cardFields'),
    when('paymentType', 'bank', { required: BANK_REQUIRED }, 'hint.bankFields'),
  ],
};

const billOnly = { type: 'object', required: ['billId'], properties: { ...noApiKey, billId: id } };

const paymentSettings = {
  type: 'object',
  required: ['billId'],
  properties: {
    ...noApiKey,
    billId: id,
    recurring: { type: 'string', enum: [...RECURRING], 'x-hint': 'hint.recurring' },
    schedule: { type: 'string', enum: [...SCHEDULES], 'x-hint': 'hint.schedule' },
  },
  allOf: [{ anyOf: [{ required: ['recurring'] }, { required: ['schedule'] }], 'x-hint': 'hint.settingsNeeded' }],
};

const paymentSchedule = {
  type: 'object',
  required: ['billId'],
  properties: { ...noApiKey, billId: id, payDate: { ...isoDate, 'x-hint': 'hint.payDate' }, date: { not: {}, 'x-hint': 'hint.dateAndPayDate' } },
};

const clientMeta = {
  type: 'object',
  properties: Object.fromEntries(['firstName', 'lastName', 'email', 'phone', 'address1', 'address2', 'city', 'state', 'zipcode'].map((k) => [k, anyText])),
  'x-hint': 'hint.clientMeta',
};
const newClient = { type: 'object', required: ['identifier'], properties: { ...noApiKey, identifier: text, meta: clientMeta } };

const tokenOptions = { nonce: flag, expiration: isoDate, accessTokenExpiresIn: positiveInt };
const createToken = { type: 'object', required: ['identifier'], properties: { ...noApiKey, identifier: text, ...tokenOptions } };

const revokeTokens = {
  type: 'object',
  properties: { ...noApiKey, identifier: text, clientToken: text },
  allOf: [{ anyOf: [{ required: ['identifier'] }, { required: ['clientToken'] }], 'x-hint': 'hint.identifierOrClientToken' }],
};

const syncCard = {
  type: 'object',
  required: [...CARD_REQUIRED, 'name'],
  properties: {
    identifier: text,
    ...cardFields,
    name: text,
    cardType: { type: 'string', enum: ['credit', 'debit'], 'x-hint': 'hint.cardType' },
    cardBrand: { type: 'string', enum: ['american express', 'discover', 'maestro', 'mastercard', 'uatp', 'visa'], 'x-hint': 'hint.cardBrand' },
    setAsDefault: flagOrWord,
    customLabel: anyText,
  },
};

const syncClient = {
  type: 'object',
  required: ['client'],
  properties: {
    ...noApiKey,
    client: { type: 'object', required: ['identifier'], properties: { identifier: text, meta: clientMeta } },
    token: { type: 'object', properties: { identifier: text, ...tokenOptions } },
    cards: { type: 'array', items: syncCard, 'x-hint': 'hint.cards' },
  },
};

const swapCreate = { type: 'object', required: ['authId', 'paymentMethodId'], properties: { ...noApiKey, authId: id, paymentMethodId: id } };

// ---- requests -----------------------------------------------------------------------------------------

const request = (name: string, method: NamedRequest['method'], path: string, params: ParamSpec[] = [], spec?: BodySpec): NamedRequest => ({
  name,
  method,
  path,
  auth: 'connection',
  params,
  ...(spec ? { body: spec } : {}),
});

export const auth: ResourceSpec = {
  type: 'q2-billerdirect-auth',
  icon: 'font-awesome/fa-sign-in',
  operations: [
    request('create', 'POST', '/auth', [inBody('clientId'), inBody('companyId')], body(authCreate)),
    request('step', 'POST', '/auth/step', [], body(authStep)),
    request('list', 'GET', '/auth/list/{clientId}', [inPath('clientId')]),
    request('fixHold', 'POST', '/auth/{authId}/fix-hold', [inPath('authId')]),
    request('answerQuestions', 'POST', '/auth/{authId}/answer-questions', [inPath('authId')], body(answerQuestions, { normalise: normaliseAnswers })),
    request('delete', 'DELETE', '/auth/{authId}', [inPath('authId')]),
  ],
};

export const bill: ResourceSpec = {
  type: 'q2-billerdirect-bill',
  icon: 'font-awesome/fa-file-text-o',
  operations: [
    request('get', 'GET', '/bill/{billId}', [inPath('billId')]),
    request('list', 'GET', '/bill/list/{clientId}', [inPath('clientId')]),
    request('listByPartner', 'GET', '/bill/listByPartner/{partnerId}', [inPath('partnerId')]),
  ],
};

export const company: ResourceSpec = {
  type: 'q2-billerdirect-company',
  icon: 'font-awesome/fa-building',
  operations: [
    request('categories', 'GET', '/company/categories'),
    request('get', 'GET', '/company/{companyId}', [inPath('companyId')]),
    { ...request('search', 'POST', '/company/search', [], body(companySearch)), safe: true },
  ],
};

export const payment: ResourceSpec = {
  type: 'q2-billerdirect-payment',
  icon: 'font-awesome/fa-credit-card',
  operations: [
    request('add', 'POST', '/payment', [inBody('clientId')], body(paymentAdd)),
    request('list', 'GET', '/payment/list/{clientId}', [inPath('clientId')]),
    request('delete', 'DELETE', '/payment/{paymentMethodId}', [inPath('paymentMethodId')]),
    request('retry', 'POST', '/payment/{paymentMethodId}/retry', [inPath('paymentMethodId')]),
    request('assign', 'POST', '/payment/{paymentMethodId}/assign', [inPath('paymentMethodId'), inBody('billId')], body(billOnly, { optional: true })),
    request(
      'settings',
      'POST',
      '/payment/settings',
      [inBody('billId'), enumInBody('recurring', RECURRING), enumInBody('schedule', SCHEDULES)],
      body(paymentSettings, { optional: true }),
    ),
    request('schedule', 'POST', '/payment/schedule', [inBody('billId')], body(paymentSchedule, { optional: true, normalise: normaliseSchedule })),
    request('cancel', 'POST', '/payment/cancel', [inBody('billId')], body(billOnly, { optional: true })),
  ],
};

export const client: ResourceSpec = {
  type: 'q2-billerdirect-client',
  icon: 'font-awesome/fa-user-circle',
  operations: [
    request('create', 'POST', '/client', [inBody('identifier')], body(newClient, { optional: true })),
    request('createToken', 'POST', '/client/create-token', [inBody('identifier')], body(createToken, { optional: true, normalise: normaliseToken })),
    request('revokeTokens', 'POST', '/client/revoke-tokens', [inBody('identifier')], body(revokeTokens, { optional: true })),
    request('sync', 'POST', '/client/sync', [], body(syncClient, { normalise: normaliseToken })),
  ],
};

export const swap: ResourceSpec = {
  type: 'q2-billerdirect-swap',
  icon: 'font-awesome/fa-exchange',
  operations: [
    request('create', 'POST', '/swap/create', [inBody('authId'), inBody('paymentMethodId')], body(swapCreate, { optional: true })),
    request('companies', 'GET', '/swap/companies'),
    request('list', 'GET', '/swap/list/{clientId}', [inPath('clientId')]),
  ],
};

export const partner: ResourceSpec = {
  type: 'q2-billerdirect-partner',
  icon: 'font-awesome/fa-key',
  operations: [
    request('publicKeys', 'GET', '/partner/public-keys'),
    request('publicKey', 'GET', '/partner/public-keys/{keyId}', [inPath('keyId')]),
    request('latestPublicKey', 'GET', '/partner/public-keys/latest'),
  ],
};

export const billerDirectResources: readonly ResourceSpec[] = [auth, bill, company, payment, client, swap, partner];
