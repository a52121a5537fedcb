/**
 * The eight Q2 Platform (Caliper) actions (docs/api-notes.md §1). One entry per node: method, path, parameters with
 * their msg.config key (exactly the seed's spelling), where each goes on the wire, and the body schema.
 * The words for each entry are in locales/en-US/q2-platform.json under its type; `x-hint` values are keys
 * of locales/en-US/q2-common.json.
 */
import type { OperationSpec, ParamSpec } from '../model/operation';
import { accountNumber, positiveId, routingNumber, text } from './schemas';

/** Every action but Get Token: `{Base_Url}/{API_Version}/…` (docs/api-notes.md §1.1). */
export const versioned: readonly ParamSpec[] = [
  { key: 'baseUrl', in: 'setting', type: 'url', required: true, fallback: 'baseUrl' },
  { key: 'apiVersion', in: 'setting', type: 'enum', enum: ['v1', 'v2'], required: true, fallback: 'apiVersion', default: 'v2' },
];

/** An id Q2 types as a string (LookupUser/LookupCustomer selectors, CALIPER.md §6.5): digits, sent as text. */
const digits = { type: 'string', pattern: '^[1-9][0-9]{0,17}$', patternHint: 'validation.id' } as const;

/** One account to add (docs/api-notes.md §1.4); the user is named by LogonName or UserID. */
export const externalAccount = {
  type: 'object',
  required: ['ABA', 'Account'],
  properties: {
    ABA: routingNumber,
    Account: accountNumber,
    AccountType: text,
    LogonName: text,
    UserID: positiveId,
    AllowDeposit: { type: 'boolean' },
    AllowWithdrawal: { type: 'boolean' },
  },
  allOf: [{ anyOf: [{ required: ['LogonName'] }, { required: ['UserID'] }], 'x-hint': 'hint.logonOrUserId' }],
};

/** `[{Account}]`, `{Account}`, a bare account, or `{AddExternalAccountRequest: [...]}` → `[{Account}]` (docs/api-notes.md §1.4, A8). */
export function normaliseExternalAccounts(value: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(value) && Array.isArray(value.AddExternalAccountRequest)) return value.AddExternalAccountRequest;
  if (Array.isArray(value)) return value;
  if (isObject(value)) return isObject(value.Account) ? [value] : [{ Account: value }];
  return value;
}

const enrollment = {
  type: 'object',
  required: ['Customer', 'User'],
  properties: {
    Customer: {
      type: 'object',
      required: ['Name', 'Address1', 'City', 'Zip', 'Phones'],
      properties: {
        Name: text,
        Address1: text,
        City: text,
        State: { type: 'string', pattern: '^[A-Za-z]{2}$', 'x-hint': 'hint.state' },
        Zip: text,
        Phones: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['Phone', 'PhoneType'],
            properties: { Phone: text, PhoneType: { enum: ['Home', 'Business', 'Mobile'], 'x-hint': 'hint.phoneType' } },
          },
        },
      },
    },
    User: {
      type: 'object',
      required: ['LogonName', 'FirstName', 'LastName', 'GroupID'],
      properties: { LogonName: text, FirstName: text, LastName: text, GroupID: positiveId },
    },
  },
};

export const platformOperations: readonly OperationSpec[] = [
  {
    type: 'q2-get-token',
    method: 'POST',
    path: '/v2/oauth2/token',
    auth: 'client-credentials',
    executor: 'token',
    icon: 'font-awesome/fa-key',
    params: [
      { key: 'baseUrl', in: 'setting', type: 'url', required: true, fallback: 'baseUrl' },
      { key: 'client_id', in: 'form', type: 'string', required: true, fallback: 'clientId' },
      { key: 'client_secret', in: 'form', type: 'string', required: true, sensitive: true, fallback: 'clientSecret' },
      { key: 'grant_type', in: 'form', type: 'enum', enum: ['client_credentials'], required: true, fallback: 'grantType', default: 'client_credentials' },
      { key: 'scope', in: 'form', type: 'string', required: true, fallback: 'scope' },
    ],
  },
  {
    type: 'q2-add-external-account',
    method: 'POST',
    path: '/{apiVersion}/AddExternalAccount',
    auth: 'connection',
    icon: 'q2-bank.svg',
    params: versioned,
    body: {
      defaultProperty: 'payload',
      normalise: normaliseExternalAccounts,
      schema: { type: 'array', minItems: 1, items: { type: 'object', required: ['Account'], properties: { Account: externalAccount } } },
    },
  },
  {
    type: 'q2-delete-customer',
    method: 'DELETE',
    path: '/{apiVersion}/DeleteCustomer/{customerID}',
    auth: 'connection',
    icon: 'font-awesome/fa-building-o',
    params: [...versioned, { key: 'customerID', in: 'path', type: 'id', required: true }],
  },
  {
    type: 'q2-delete-user',
    method: 'DELETE',
    path: '/{apiVersion}/DeleteUser/{userID}',
    auth: 'connection',
    icon: 'font-awesome/fa-user-times',
    params: [...versioned, { key: 'userID', in: 'path', type: 'id', required: true }],
  },
  {
    type: 'q2-enrollment',
    method: 'POST',
    path: '/{apiVersion}/Enrollment',
    auth: 'connection',
    icon: 'font-awesome/fa-user-plus',
    // the seed's sample config lists Add Account Association's fields here (a copy error): not sent, named in a warning
    ignoredKeys: ['user_id', 'can_deposit', 'can_view', 'can_withdraw', 'account_number', 'primary_cif'],
    params: versioned,
    body: { defaultProperty: 'payload', schema: enrollment },
  },
  {
    type: 'q2-get-account-list',
    method: 'GET',
    path: '/{apiVersion}/GetAccountList',
    auth: 'connection',
    icon: 'font-awesome/fa-list',
    exactlyOne: ['username', 'customerID', 'userID'],
    params: [
      ...versioned,
      { key: 'username', in: 'query', type: 'string' },
      { key: 'customerID', in: 'query', wire: 'customer_id', type: 'id' },
      { key: 'userID', in: 'query', wire: 'user_id', type: 'id' },
      { key: 'accessLevel', in: 'query', wire: 'access_level', type: 'enum', enum: ['0', '1', '2', '3', '4', '5', '6', '7'] },
      { key: 'accountTypes', in: 'query', wire: 'account_types', type: 'list' },
    ],
  },
  {
    type: 'q2-lookup-customer',
    method: 'POST',
    safe: true,
    path: '/{apiVersion}/LookupCustomer',
    auth: 'connection',
    icon: 'font-awesome/fa-search',
    exactlyOne: ['taxID', 'customerID', 'loginName', 'primaryCIF', 'createdOnOrAfter'],
    params: [
      ...versioned,
      // exactly one selector (CALIPER.md #11); the seed knew only the Tax ID
      { key: 'taxID', in: 'body', wire: 'TaxID', type: 'string', sensitive: true },
      { key: 'customerID', in: 'body', wire: 'CustomerID', ...digits },
      { key: 'loginName', in: 'body', wire: 'LoginName', type: 'string' },
      { key: 'primaryCIF', in: 'body', wire: 'PrimaryCIF', type: 'string' },
      { key: 'createdOnOrAfter', in: 'body', wire: 'CreatedOnOrAfter', type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}', patternHint: 'hint.date' },
      { key: 'includePhone', in: 'body', wire: 'IncludePhone', type: 'boolean', sendOnlyTrue: true },
      { key: 'includeCustomerData', in: 'body', wire: 'IncludeCustomerData', type: 'boolean', sendOnlyTrue: true },
      { key: 'includeAddress', in: 'body', wire: 'IncludeAddress', type: 'boolean', sendOnlyTrue: true },
    ],
  },
  {
    type: 'q2-lookup-user',
    method: 'POST',
    safe: true,
    path: '/{apiVersion}/LookupUser',
    auth: 'connection',
    icon: 'font-awesome/fa-user',
    exactlyOne: ['ssn', 'userID', 'loginName', 'primaryCIF', 'customerID'],
    params: [
      ...versioned,
      // exactly one selector (CALIPER.md #9); the seed knew only the SSN
      { key: 'ssn', in: 'body', wire: 'SSN', type: 'string', sensitive: true },
      { key: 'userID', in: 'body', wire: 'UserID', ...digits },
      { key: 'loginName', in: 'body', wire: 'LoginName', type: 'string' },
      { key: 'primaryCIF', in: 'body', wire: 'PrimaryCIF', type: 'string' },
      { key: 'customerID', in: 'body', wire: 'CustomerID', ...digits },
      { key: 'includeAuthToken', in: 'body', wire: 'IncludeAuthToken', type: 'boolean', sendOnlyTrue: true },
    ],
  },
];
