/**
 * Caliper: ACH money movement and micro-deposits (CALIPER rows 68–75, §4 68–75). ACH recipients are created for a
 * logon, a payment is drafted to one of them and then authorized — `ACH/AuthorizePayment` is a GET that changes
 * state, so it is marked `safe: false` (never retried). Micro-deposits are created for external accounts, listed
 * and verified with the two amounts (sent as request headers). The accounts arrays (ABA, account number, type) come
 * from the data property; their account numbers are personal data, masked at Catch by the runtime.
 */
import type { NamedRequest, ParamSpec, ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';
import { externalAccount } from '../operations';
import { accountNumber, routingNumber } from '../schemas';

/** `accounts*[{aba*, accountNumber*, accountType* Savings|Checking}]` of ACH/CreateRecipient and ACH/MakePayment. */
const achAccounts = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['aba', 'accountNumber', 'accountType'],
    properties: {
      aba: routingNumber,
      accountNumber,
      accountType: { type: 'string', enum: ['Savings', 'Checking'] },
    },
  },
};
const withAccounts = { type: 'object', required: ['accounts'], properties: { accounts: achAccounts } };

/**
 * One account of MicroDepositCreate's `{Account: {…}}` items. Its schema is not documented (⚠); it mirrors
 * AddExternalAccount's (lib/platform/operations.ts): ABA, Account, AccountType, the user by LogonName or UserID.
 */
const microDepositAccount = externalAccount;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `[{Account}]` as it is; `{CreateMicroDepositRequest: [...]}` (the documented schema name used as a wrapper),
 * one `{Account}` or one bare account → the bare array `[{Account}]` that is sent (⚠ wrapper or bare array).
 */
export function normaliseMicroDeposits(value: unknown): unknown {
  if (isObject(value) && Array.isArray(value.CreateMicroDepositRequest)) return value.CreateMicroDepositRequest;
  if (Array.isArray(value)) return value;
  if (isObject(value)) return isObject(value.Account) ? [value] : [{ Account: value }];
  return value;
}

const logonQuery: ParamSpec = req({ key: 'logonname', in: 'query', type: 'string' });
const logonBody: ParamSpec = req({ key: 'logonName', in: 'body', type: 'string' });
const paymentId: ParamSpec = req({ key: 'paymentid', in: 'path', type: 'id' });

export const ACH_OPERATIONS: readonly NamedRequest[] = [
  caliper(
    'ACH/CreateRecipient',
    'POST',
    '/ACH/CreateRecipient/',
    [
      logonBody,
      req({ key: 'alwaysSendEmail', in: 'body', type: 'boolean' }),
      req({ key: 'displayName', in: 'body', type: 'string' }),
      req({ key: 'emailAddress', in: 'body', type: 'string' }),
      req({ key: 'isCcd', in: 'body', type: 'boolean' }),
      req({ key: 'achName', in: 'body', type: 'string' }),
    ],
    { body: payloadBody(withAccounts) },
  ),
  caliper('ACH/GetRecipients', 'GET', '/ACH/GetRecipients', [logonQuery]),
  caliper(
    'ACH/MakePayment',
    'POST',
    '/ACH/MakePayment',
    [
      logonBody,
      req({ key: 'alwaysSendEmail', in: 'body', type: 'boolean' }),
      req({ key: 'displayName', in: 'body', type: 'string' }),
      req({ key: 'recipientId', in: 'body', type: 'id' }),
      req({ key: 'originatingAccount', in: 'body', type: 'id' }),
      req({ key: 'amount', in: 'body', type: 'number' }),
      req({
        key: 'paymentDate',
        in: 'body',
        type: 'string',
        pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
        patternHint: 'q2-platform:q2-platform-ach.hints.paymentDate',
      }),
      // documented as `name`: the node's own `name` is its label on the canvas, so the param is keyed paymentName
      req({ key: 'paymentName', wire: 'name', in: 'body', type: 'string' }),
    ],
    { body: payloadBody(withAccounts) },
  ),
  caliper('ACH/GetPayment', 'GET', '/ACH/GetPayment/{paymentid}', [paymentId, logonQuery]),
  // a GET that authorizes (changes state): a write, never retried
  caliper('ACH/AuthorizePayment', 'GET', '/ACH/AuthorizePayment/{paymentid}', [paymentId, logonQuery], { safe: false }),
  caliper('MicroDeposit/Create', 'POST', '/MicroDeposit/Create', [], {
    body: {
      defaultProperty: 'payload',
      normalise: normaliseMicroDeposits,
      schema: { type: 'array', minItems: 1, items: { type: 'object', required: ['Account'], properties: { Account: microDepositAccount } } },
    },
  }),
  caliper('MicroDeposit/Get', 'GET', '/MicroDeposit/Get', [logonQuery]),
  caliper('MicroDeposit/Verify', 'POST', '/MicroDeposit/Verify', [
    logonQuery,
    req({ key: 'MicroDepositID', in: 'header', type: 'id' }),
    req({ key: 'Amount1', in: 'header', type: 'number' }),
    req({ key: 'Amount2', in: 'header', type: 'number' }),
  ]),
];

export const ach: ResourceSpec = {
  type: 'q2-platform-ach',
  icon: 'font-awesome/fa-exchange',
  operations: ACH_OPERATIONS,
};
