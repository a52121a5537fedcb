/**
 * Caliper areas "Instant Payments" and "Open Banking" (CALIPER §4 L, M; §3.4). Instant Payments answer the standard
 * envelope (their response is not documented ⚠: the simulator answers `{PaymentId, Status}`). The Open Banking
 * routes answer the Open Banking envelope `{success, exceptionMessage, data, errorReturnCode, endUserMessage,
 * expectedWaitTime, log_ref_id}`; a missing required field is a 400 in the standard envelope ("<field> is required"),
 * every other validation failure an HTTP 200 with `success: false`, `data: null` and `errorReturnCode` ≠ 0.
 *
 * [OUR] The Open Banking customer key of an active customer is `ob-customer-<CustomerID>` (`ob-customer-2` is the
 * documented sample customer, TaxID 012345678); its accounts are the shared state's accounts of that customer, with
 * `product_type_name` Deposit or Loan and the FI's routing number 011000015. The history of an account is generated
 * relative to today (one entry every few days over the last 90 days). Payments (MakeACHPayments, MakeDomesticWire,
 * MakeInternationalWire) are kept until reset: each answers `data.reference_id`, which LookupPaymentStatus accepts
 * (overall status `Accepted` ⚠, items `PendingProcessing`); SEED_REFERENCE is a wire of `ob-customer-2` made earlier.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimResponse } from '../server';
import type { Body } from '../kit';
import type { Account, Customer } from '../platform-data';
import type { CaliperApi, CaliperArea, CaliperRoute } from './api';

/** the simulated FI's routing number (a valid ABA checksum) */
export const OB_ABA = '011000015';
const KEY = /^ob-customer-([1-9][0-9]*)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WIRE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const AMOUNT = /^[0-9]+(\.[0-9]{1,2})?$/;

/** Open Banking error return codes [OUR]: 1 validation, 2 customer, 3 account, 4 reference */
const VALIDATION = 1;
const NO_CUSTOMER = 2;
const NO_ACCOUNT = 3;
const NO_REFERENCE = 4;

interface Payment {
  reference_id: string;
  kind: 'ACH' | 'DomesticWire' | 'InternationalWire';
  customerId: number;
  items: Array<{ status: string; transaction_id: string; external_id: string }>;
}

/** a failure inside HTTP 200 (CALIPER §3.4), thrown out of a handler */
class ObFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function obEnvelope(success: boolean, data: unknown, errorReturnCode = 0, exceptionMessage = ''): SimResponse {
  return {
    status: 200,
    headers: { 'x-request-id': randomUUID() },
    body: {
      success,
      exceptionMessage,
      data,
      errorReturnCode,
      endUserMessage: success ? '' : 'We could not complete your request.',
      expectedWaitTime: 0,
      log_ref_id: `log-${randomBytes(6).toString('hex')}`,
    },
  };
}

const today = (): string => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const isDate = (v: string): boolean => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** [OUR] a domestic wire of the sample customer made before the simulator started: one item processed, one pending */
export const SEED_REFERENCE = 'REF-0000-SEED';
const seedPayments = (): Map<string, Payment> =>
  new Map([
    [
      SEED_REFERENCE,
      {
        reference_id: SEED_REFERENCE,
        kind: 'DomesticWire',
        customerId: 2,
        items: [
          { status: 'Processed', transaction_id: 'TX00000001', external_id: 'seed-wire-1' },
          { status: 'PendingProcessing', transaction_id: 'TX00000002', external_id: 'seed-wire-2' },
        ],
      },
    ],
  ]);

export function openBankingArea(api: CaliperApi): CaliperArea {
  let payments = seedPayments();
  let sequence = 2;

  const text = (body: Body, key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : String(body[key]));

  const customerOf = (body: Body): Customer => {
    const match = KEY.exec(text(body, 'ob_customer_key'));
    const customer = match ? api.activeCustomer(Number(match[1])) : undefined;
    if (!customer) throw new ObFailure(NO_CUSTOMER, 'Customer not found for ob_customer_key');
    return customer;
  };

  const accountsOf = (customer: Customer): Account[] => api.state.accounts.filter((a) => a.CustomerID === customer.CustomerID);

  const accountOf = (body: Body, customer: Customer): Account => {
    const number = text(body, 'account_number');
    const type = text(body, 'product_type_name');
    const account = accountsOf(customer).find((a) => a.AccountNumber === number && a.AccountType.toLowerCase() === type.toLowerCase());
    if (!account) throw new ObFailure(NO_ACCOUNT, 'Account not found');
    if (body.aba !== undefined && body.aba !== OB_ABA) throw new ObFailure(NO_ACCOUNT, 'Account not found');
    return account;
  };

  /** A POST route answering the OB envelope; `required` missing → 400 standard envelope, ObFailure → HTTP 200 success:false. */
  const ob = (path: string, required: readonly string[], handler: (body: Body) => unknown): CaliperRoute => ({
    method: 'POST',
    path: `/OpenBanking/Payment/${path}`,
    handler: (req) => {
      const body = api.body(req);
      api.required(body, required);
      try {
        return obEnvelope(true, handler(body));
      } catch (err) {
        if (err instanceof ObFailure) return obEnvelope(false, null, err.code, err.message);
        throw err;
      }
    },
  });

  const history = (account: Account, from: string, to: string): Array<Record<string, unknown>> => {
    const all = Array.from({ length: 30 }, (_v, i) => {
      const credit = i % 3 === 0;
      return {
        transaction_id: `${account.AccountID}-${String(i + 1).padStart(3, '0')}`,
        posted_date: daysAgo(i * 3),
        description: credit ? 'Deposit' : i % 3 === 1 ? 'Card purchase' : 'ACH debit',
        amount: Number(((credit ? 1 : -1) * (25 + ((account.AccountID * 7 + i * 13) % 400))).toFixed(2)),
        type: credit ? 'Credit' : 'Debit',
      };
    });
    return all.filter((t) => (t.posted_date as string) >= from && (t.posted_date as string) <= to);
  };

  const pay = (kind: Payment['kind'], body: Body, check: (item: Body, index: number) => void): unknown => {
    const customer = customerOf(body);
    if (!Array.isArray(body.transactions) || body.transactions.length === 0) throw new ObFailure(VALIDATION, 'transactions must be a non-empty array');
    const items = body.transactions.map((raw, index) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ObFailure(VALIDATION, `transactions[${index}] must be an object`);
      const item = raw as Body;
      check(item, index);
      sequence += 1;
      const external = item.external_id ?? item.externalId;
      return {
        status: 'PendingProcessing',
        transaction_id: `TX${String(sequence).padStart(8, '0')}`,
        external_id: typeof external === 'string' ? external : '',
      };
    });
    const reference_id = `REF-${randomUUID()}`;
    payments.set(reference_id, { reference_id, kind, customerId: customer.CustomerID, items });
    return { reference_id, error_return_code: 0, exception_message: '', transaction_count: items.length };
  };

  const wireCheck =
    (international: boolean) =>
    (item: Body, i: number): void => {
      for (const key of [
        'external_id',
        'process_date',
        'transaction_amount',
        'originator',
        'recipient',
        'recipient_fi',
        ...(international ? ['currency_code'] : []),
      ]) {
        if (item[key] === undefined || item[key] === null || item[key] === '') throw new ObFailure(VALIDATION, `transactions[${i}].${key} is required`);
      }
      if (typeof item.process_date !== 'string' || !WIRE_DATE.test(item.process_date)) {
        throw new ObFailure(VALIDATION, `transactions[${i}].process_date must be YYYY-MM-DDThh:mmZ (UTC)`);
      }
      if (typeof item.transaction_amount !== 'string' || !AMOUNT.test(item.transaction_amount) || Number(item.transaction_amount) <= 0) {
        throw new ObFailure(VALIDATION, `transactions[${i}].transaction_amount must be a positive amount with at most two decimals`);
      }
      for (const key of ['originator', 'recipient', 'recipient_fi']) {
        if (typeof item[key] !== 'object' || Array.isArray(item[key])) throw new ObFailure(VALIDATION, `transactions[${i}].${key} must be an object`);
      }
      if (international && item.currency_code !== 'USD') throw new ObFailure(VALIDATION, `transactions[${i}].currency_code must be USD`);
    };

  const achCheck = (item: Body, i: number): void => {
    if (typeof item.paymentDate !== 'string' || !isDate(item.paymentDate)) throw new ObFailure(VALIDATION, `transactions[${i}].paymentDate must be YYYY-MM-DD`);
    if (item.paymentDate < today()) throw new ObFailure(VALIDATION, `transactions[${i}].paymentDate must be today or later`);
    if (item.secCode !== 'CCD' && item.secCode !== 'PPD') throw new ObFailure(VALIDATION, `transactions[${i}].secCode must be CCD or PPD`);
    const details = item.transactionDetails;
    if (!Array.isArray(details) || details.length === 0) throw new ObFailure(VALIDATION, `transactions[${i}].transactionDetails must be a non-empty array`);
    details.forEach((d: unknown, j) => {
      const detail = (d ?? {}) as Body;
      if (typeof detail.aba !== 'string' || !/^\d{9}$/.test(detail.aba))
        throw new ObFailure(VALIDATION, `transactions[${i}].transactionDetails[${j}].aba must be a valid ABA`);
      if (!(Number(detail.amount) > 0)) throw new ObFailure(VALIDATION, `transactions[${i}].transactionDetails[${j}].amount must be more than 0`);
    });
  };

  const instant = (path: string, required: readonly string[], amount: (body: Body) => void): CaliperRoute => ({
    method: 'POST',
    path: `/InstantPayments/${path}`,
    handler: (req) => {
      const body = api.body(req);
      api.required(body, required);
      amount(body);
      sequence += 1;
      return api.ok({ PaymentId: `IP${String(sequence).padStart(8, '0')}`, Status: 'Accepted' });
    },
  });

  return {
    reset: () => {
      payments = seedPayments();
      sequence = 2;
    },
    routes: [
      instant('CreateCreditTransfer', ['VendorName', 'Amount', 'Debtor', 'DebtorAgent', 'DebtorAccountNumber', 'Creditor'], (body) => {
        if (typeof body.Amount !== 'string' || !AMOUNT.test(body.Amount) || Number(body.Amount) <= 0) api.invalid('Amount must be a positive amount string');
      }),
      instant('CreatePaymentRequest', ['VendorName', 'InstructedAmount', 'Creditor', 'Debtor', 'DebtorAgent'], (body) => {
        if (typeof body.InstructedAmount !== 'number' || !(body.InstructedAmount > 0)) api.invalid('InstructedAmount must be a positive number');
      }),
      ob('LookupAccounts', ['ob_customer_key', 'tax_id'], (body) => {
        const customer = customerOf(body);
        if (text(body, 'tax_id') !== customer.TaxID) throw new ObFailure(NO_CUSTOMER, 'tax_id does not match the customer');
        const asOf = new Date().toISOString();
        return {
          error_return_code: 0,
          exception_message: '',
          account_details: accountsOf(customer).map((a) => ({
            product_type_name: a.AccountType,
            product_name: a.ProductName,
            account_description: a.ProductName,
            data_as_of_date_utc: asOf,
            access: a.AccessLevel,
            is_external_account: false,
            cif_internal: customer.PrimaryCIF,
            cif_external: '',
            account_number_internal_unmasked: a.AccountNumber,
            account_number_external_unmasked: a.AccountNumber,
            aba: OB_ABA,
          })),
        };
      }),
      ob('LookupAccountSummary', ['ob_customer_key', 'account_number', 'product_type_name'], (body) => {
        const account = accountOf(body, customerOf(body));
        return {
          error_return_code: 0,
          exception_message: '',
          accountSummary: {
            product_type_name: account.AccountType,
            product_name: account.ProductName,
            current_balance: account.Balance,
            available_balance: account.AvailableBalance,
            currency_code: account.CurrencyCode,
            data_as_of_date_utc: new Date().toISOString(),
          },
        };
      }),
      ob('LookupAccountHistory', ['ob_customer_key', 'account_number', 'product_type_name', 'from_date', 'to_date'], (body) => {
        const from = text(body, 'from_date');
        const to = text(body, 'to_date');
        for (const [key, value] of [
          ['from_date', from],
          ['to_date', to],
        ]) {
          if (!isDate(value)) throw new ObFailure(VALIDATION, `${key} must be a date (YYYY-MM-DD)`);
          if (value > today()) throw new ObFailure(VALIDATION, `${key} must not be in the future`);
        }
        if (from > to) throw new ObFailure(VALIDATION, 'from_date must not be after to_date');
        const size = body.page_size === undefined ? 100 : api.id(body.page_size);
        const page = body.page_number === undefined ? 1 : api.id(body.page_number);
        if (size === undefined || size > 500) throw new ObFailure(VALIDATION, 'page_size must be a whole number from 1 to 500');
        if (page === undefined) throw new ObFailure(VALIDATION, 'page_number must be a positive whole number');
        const account = accountOf(body, customerOf(body));
        const all = history(account, from, to);
        return {
          error_return_code: 0,
          exception_message: '',
          page_number: page,
          page_size: size,
          total_count: all.length,
          transactions: all.slice((page - 1) * size, page * size),
        };
      }),
      ob('LookupPaymentDates', ['ob_customer_key', 'transaction_type'], (body) => {
        customerOf(body);
        if (body.transaction_type !== 'DomesticWire' && body.transaction_type !== 'InternationalWire') {
          throw new ObFailure(VALIDATION, 'transaction_type must be DomesticWire or InternationalWire');
        }
        const dates: string[] = [];
        for (let d = 0; dates.length < 5; d++) {
          const day = new Date(Date.now() + d * 86_400_000);
          if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) dates.push(day.toISOString().slice(0, 10));
        }
        return {
          errorReturnCode: 0,
          exceptionMessage: '',
          paymentDatesDetail: { transactionType: body.transaction_type, cutoffTimeUtc: '20:00', availableDates: dates },
          endUserErrorMessage: '',
        };
      }),
      ob('LookupPaymentStatus', ['reference_id', 'ob_customer_key'], (body) => {
        const customer = customerOf(body);
        const payment = payments.get(text(body, 'reference_id'));
        if (!payment || payment.customerId !== customer.CustomerID) throw new ObFailure(NO_REFERENCE, 'reference_id not found');
        let wanted: string[] | undefined;
        if (body.external_ids !== undefined) {
          if (!Array.isArray(body.external_ids) || !body.external_ids.every((v) => typeof v === 'string')) {
            throw new ObFailure(VALIDATION, 'external_ids must be an array of strings');
          }
          wanted = body.external_ids as string[];
        }
        const items = payment.items.filter((item) => !wanted || wanted.includes(item.external_id));
        return { status: 'Accepted', error_return_code: 0, exception_message: '', transaction_items: items.map((item) => ({ ...item })) };
      }),
      ob('MakeACHPayments', ['ob_customer_key', 'transactions'], (body) => pay('ACH', body, achCheck)),
      ob('MakeDomesticWire', ['ob_customer_key', 'transactions'], (body) => pay('DomesticWire', body, wireCheck(false))),
      ob('MakeInternationalWire', ['ob_customer_key', 'transactions'], (body) => pay('InternationalWire', body, wireCheck(true))),
    ],
  };
}
