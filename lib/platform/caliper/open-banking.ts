/**
 * Caliper: Instant Payments (beta) and the Open Banking payment operations (CALIPER §4 L, M; rows 93–102). The Open
 * Banking success bodies use their own envelope (CALIPER §3.4: `{success, exceptionMessage, data, errorReturnCode,
 * endUserMessage, expectedWaitTime, log_ref_id}`); its validation failures come back as HTTP 200 with
 * `success: false`, which the Platform envelope reader treats as a failure whose reason is `exceptionMessage`.
 * The lookups are POSTs that only read (`safe: true`); the payments are writes, never retried.
 */
import type { BodySpec, ParamSpec, ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';

/** A body read from the data property (default msg.payload), reshaped by `normalise` before it is checked. */
const normalisedBody = (schema: object, normalise: (value: unknown) => unknown, optional = false): BodySpec => ({
  defaultProperty: 'payload',
  schema,
  normalise,
  optional,
});

const DATE = { pattern: '^\\d{4}-\\d{2}-\\d{2}$', patternHint: 'hint.ymdDate' };

/** an opaque key of the Open Banking customer (not personal data) */
const obCustomerKey: ParamSpec = req({ key: 'ob_customer_key', in: 'body', type: 'string' });
const accountNumber: ParamSpec = req({ key: 'account_number', in: 'body', type: 'string', sensitive: true });
const productTypeName: ParamSpec = req({ key: 'product_type_name', in: 'body', type: 'string' });
const aba: ParamSpec = { key: 'aba', in: 'body', type: 'string' };
const vendorName: ParamSpec = { key: 'VendorName', in: 'body', type: 'string' };

const party = { type: 'object' };
/** the documented required top-level fields; the sub-objects are not captured (⚠), so only their type is checked */
const creditTransfer = {
  type: 'object',
  required: ['VendorName', 'Amount', 'Debtor', 'DebtorAgent', 'DebtorAccountNumber', 'Creditor'],
  properties: {
    VendorName: { type: 'string', minLength: 1 },
    Amount: { type: 'string', pattern: '^[0-9]+(\\.[0-9]{1,2})?$', 'x-hint': 'hint.decimalAmount' },
    Debtor: party,
    DebtorAgent: { type: 'object', required: ['FinancialInstitution'], properties: { FinancialInstitution: { type: 'object' } } },
    DebtorAccountNumber: { type: 'string', minLength: 1 },
    Creditor: party,
  },
};
const paymentRequest = {
  type: 'object',
  required: ['VendorName', 'InstructedAmount', 'Creditor', 'Debtor', 'DebtorAgent'],
  properties: {
    VendorName: { type: 'string', minLength: 1 },
    InstructedAmount: { type: 'number', minimum: 0.01 },
    Creditor: party,
    Debtor: party,
    DebtorAgent: { type: 'object', required: ['FinancialInstitution'], properties: { FinancialInstitution: { type: 'object' } } },
  },
};

/** a bare array in the data property is the `transactions` list */
const asTransactions = (value: unknown): unknown => (Array.isArray(value) ? { transactions: value } : value);

const transactions = (items: object): object => ({
  type: 'object',
  required: ['ob_customer_key', 'transactions'],
  properties: { ob_customer_key: { type: 'string' }, transactions: { type: 'array', minItems: 1, items } },
});

const achItem = {
  type: 'object',
  properties: {
    externalId: { type: 'string' },
    paymentDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', 'x-hint': 'hint.ymdDate' },
    secCode: { type: 'string', enum: ['CCD', 'PPD'] },
    companyEntryDescription: { type: 'string' },
    transactionDetails: { type: 'array', minItems: 1, items: { type: 'object' } },
  },
};
const wireItem = (international: boolean): object => ({
  type: 'object',
  required: ['external_id', 'process_date', 'transaction_amount', 'originator', 'recipient', 'recipient_fi', ...(international ? ['currency_code'] : [])],
  properties: {
    external_id: { type: 'string', minLength: 1 },
    process_date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z$', 'x-hint': 'hint.wireDate' },
    transaction_amount: { type: 'string', pattern: '^[0-9]+(\\.[0-9]{1,2})?$', 'x-hint': 'hint.decimalAmount' },
    originator: { type: 'object' },
    recipient: { type: 'object' },
    recipient_fi: { type: 'object' },
    currency_code: international ? { type: 'string', enum: ['USD'] } : { type: 'string' },
    description: { type: 'string' },
    originator_to_ben_info: { type: 'string' },
    ...(international ? { purpose_of_wire: { type: 'string' } } : {}),
  },
});

/** LookupPaymentStatus: only the documented fields (a chained flow's previous answer in msg.payload is refused, not sent) */
const paymentStatus = {
  type: 'object',
  required: ['reference_id', 'ob_customer_key'],
  additionalProperties: false,
  properties: {
    reference_id: { type: 'string' },
    ob_customer_key: { type: 'string' },
    external_ids: { type: 'array', items: { type: 'string' } },
  },
};

export const openBanking: ResourceSpec = {
  type: 'q2-platform-open-banking',
  icon: 'font-awesome/fa-university',
  operations: [
    caliper('InstantPayments/CreateCreditTransfer', 'POST', '/InstantPayments/CreateCreditTransfer', [vendorName], { body: payloadBody(creditTransfer) }),
    caliper('InstantPayments/CreatePaymentRequest', 'POST', '/InstantPayments/CreatePaymentRequest', [vendorName], { body: payloadBody(paymentRequest) }),
    caliper(
      'OpenBanking/Payment/LookupAccounts',
      'POST',
      '/OpenBanking/Payment/LookupAccounts',
      [obCustomerKey, req({ key: 'tax_id', in: 'body', type: 'string', sensitive: true })],
      { safe: true },
    ),
    caliper(
      'OpenBanking/Payment/LookupAccountSummary',
      'POST',
      '/OpenBanking/Payment/LookupAccountSummary',
      [obCustomerKey, accountNumber, productTypeName, aba],
      {
        safe: true,
      },
    ),
    caliper(
      'OpenBanking/Payment/LookupAccountHistory',
      'POST',
      '/OpenBanking/Payment/LookupAccountHistory',
      [
        obCustomerKey,
        accountNumber,
        productTypeName,
        req({ key: 'from_date', in: 'body', type: 'string', ...DATE }),
        req({ key: 'to_date', in: 'body', type: 'string', ...DATE }),
        aba,
        { key: 'page_size', in: 'body', type: 'id' },
        { key: 'page_number', in: 'body', type: 'id' },
      ],
      { safe: true },
    ),
    caliper(
      'OpenBanking/Payment/LookupPaymentDates',
      'POST',
      '/OpenBanking/Payment/LookupPaymentDates',
      [obCustomerKey, req({ key: 'transaction_type', in: 'body', type: 'enum', enum: ['DomesticWire', 'InternationalWire'] })],
      { safe: true },
    ),
    caliper(
      'OpenBanking/Payment/LookupPaymentStatus',
      'POST',
      '/OpenBanking/Payment/LookupPaymentStatus',
      [req({ key: 'reference_id', in: 'body', type: 'string' }), obCustomerKey, { key: 'external_ids', in: 'body', type: 'list' }],
      { safe: true, body: normalisedBody(paymentStatus, (v) => (Array.isArray(v) ? { external_ids: v } : v), true) },
    ),
    caliper('OpenBanking/Payment/MakeACHPayments', 'POST', '/OpenBanking/Payment/MakeACHPayments', [obCustomerKey], {
      body: normalisedBody(transactions(achItem), asTransactions),
    }),
    caliper('OpenBanking/Payment/MakeDomesticWire', 'POST', '/OpenBanking/Payment/MakeDomesticWire', [obCustomerKey], {
      body: normalisedBody(transactions(wireItem(false)), asTransactions),
    }),
    caliper('OpenBanking/Payment/MakeInternationalWire', 'POST', '/OpenBanking/Payment/MakeInternationalWire', [obCustomerKey], {
      body: normalisedBody(transactions(wireItem(true)), asTransactions),
    }),
  ],
};
