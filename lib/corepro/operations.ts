/**
 * CorePro/Helix `externalAccount` (docs/api-notes.md §3.5): one resource node, eight operations. Path ids and the
 * body's `customerId`, `externalAccountId` and `tag` may come from the node or msg.config; they are merged
 * over the body read from the data property. Limits are the object table's (docs/api-notes.md §3.2).
 * `x-hint` values are keys of locales/en-US/q2-common.json.
 */
import type { NamedRequest, ParamSpec, ResourceSpec } from '../model/operation';

const id = (key: string, where: ParamSpec['in'], required: boolean): ParamSpec => ({ key, in: where, type: 'id', required });
const tagParam = (where: ParamSpec['in'], required: boolean): ParamSpec => ({
  key: 'tag',
  in: where,
  type: 'string',
  required,
  pattern: '^.{1,50}$',
  patternHint: 'hint.max50',
});

const positiveInt = { type: 'integer', minimum: 1, 'x-hint': 'hint.positiveInteger' };
const upTo = (max: number, hint: string) => ({ type: 'string', maxLength: max, 'x-hint': hint });
const customFields = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`customField${n}`, upTo(50, 'hint.max50')]));

/** Fields the API sets itself: refused in create/update bodies with a clear message. */
const READ_ONLY = [
  'status',
  'statusDate',
  'accountNumberMasked',
  'routingNumberMasked',
  'isActive',
  'isLocked',
  'lockedDate',
  'lastModifiedDate',
  'nocCode',
  'lastVerifySentDate',
  'lastVerifyExpiredDate',
];
const readOnly = Object.fromEntries(READ_ONLY.map((key) => [key, { not: {}, 'x-hint': 'hint.readOnly' }]));

/** create and initiate: the owner by first/last name (a person) or business name (docs/api-notes.md §3.5, C5). */
const newAccount = {
  type: 'object',
  required: ['customerId', 'type', 'routingNumber', 'accountNumber'],
  properties: {
    ...readOnly,
    externalAccountId: { not: {}, 'x-hint': 'hint.assigned' },
    customerId: positiveInt,
    requestingCustomerId: positiveInt,
    // Prepaid | Savings | Checking, and the business types Helix accepts but does not list (C5): a word, not an enum
    type: { type: 'string', pattern: '^[A-Za-z][A-Za-z ]{0,49}$', 'x-hint': 'hint.accountType' },
    routingNumber: { type: 'string', pattern: '^[0-9]{9}$', 'x-hint': 'hint.routingNumber' },
    accountNumber: { type: 'string', minLength: 1, maxLength: 17, 'x-hint': 'hint.accountNumber' },
    firstName: upTo(50, 'hint.max50'),
    lastName: upTo(50, 'hint.max50'),
    businessName: upTo(100, 'hint.max100'),
    nickName: upTo(50, 'hint.max50'),
    name: upTo(50, 'hint.max50'),
    tag: upTo(50, 'hint.max50'),
    lockedReason: upTo(255, 'hint.max255'),
    ...customFields,
  },
  allOf: [{ anyOf: [{ required: ['firstName'] }, { required: ['lastName'] }, { required: ['businessName'] }], 'x-hint': 'hint.ownerName' }],
};

const existing = { customerId: positiveInt, externalAccountId: positiveInt, requestingCustomerId: positiveInt };

const update = {
  type: 'object',
  required: ['customerId', 'externalAccountId'],
  properties: {
    ...readOnly,
    ...existing,
    nickName: upTo(50, 'hint.max50'),
    name: upTo(50, 'hint.max50'),
    tag: upTo(50, 'hint.max50'),
    lockedReason: upTo(255, 'hint.max255'),
    ...customFields,
    accountNumber: { not: {}, 'x-hint': 'hint.immutable' },
    routingNumber: { not: {}, 'x-hint': 'hint.immutable' },
    type: { not: {}, 'x-hint': 'hint.immutable' },
  },
};

const amount = { type: 'number', exclusiveMinimum: 0, maximum: 0.99, multipleOf: 0.01, 'x-hint': 'hint.microDeposit' };
// verify and archive take only these fields: a whole envelope wired in by mistake (full account numbers) is refused
const verify = {
  type: 'object',
  required: ['customerId', 'externalAccountId', 'amount1', 'amount2'],
  properties: { ...existing, amount1: amount, amount2: amount },
  additionalProperties: false,
};
const archive = { type: 'object', required: ['customerId', 'externalAccountId'], properties: existing, additionalProperties: false };

const post = (name: string, schema: object, params: ParamSpec[], optionalBody = false): NamedRequest => ({
  name,
  method: 'POST',
  path: `/externalAccount/${name}`,
  auth: 'connection',
  params,
  body: { defaultProperty: 'payload', schema, optional: optionalBody },
});

const idsInBody = [id('customerId', 'body', false), id('externalAccountId', 'body', false)];

export const externalAccount: ResourceSpec = {
  type: 'q2-corepro-external-account',
  icon: 'q2-bank.svg',
  operations: [
    post('create', newAccount, [id('customerId', 'body', false), tagParam('body', false)]),
    post('initiate', newAccount, [id('customerId', 'body', false), tagParam('body', false)]),
    post('verify', verify, idsInBody),
    post('update', update, [...idsInBody, tagParam('body', false)]),
    post('archive', archive, idsInBody, true),
    {
      name: 'get',
      method: 'GET',
      path: '/externalAccount/get/{customerId}/{externalAccountId}',
      auth: 'connection',
      params: [id('customerId', 'path', true), id('externalAccountId', 'path', true)],
    },
    {
      name: 'getByTag',
      method: 'GET',
      path: '/externalAccount/getByTag/{customerId}/{tag}',
      auth: 'connection',
      params: [id('customerId', 'path', true), tagParam('path', true)],
    },
    { name: 'list', method: 'GET', path: '/externalAccount/list/{customerId}', auth: 'connection', params: [id('customerId', 'path', true)] },
  ],
};
