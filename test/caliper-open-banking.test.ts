/**
 * Caliper area "Open Banking" (q2-platform-open-banking): Instant Payments (standard envelope) and the Open Banking
 * payment operations (their own envelope, CALIPER §3.4): wire and refusal cases, the payment → status journey, the
 * validation failure inside HTTP 200 (success:false → Catch with exceptionMessage as the reason), and the sensitive
 * inputs (tax_id, account_number) kept out of Catch.
 */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-open-banking';
const KEY = 'ob-customer-2';
const TAX_ID = '012345678';
const ACCOUNT = '2000000002';

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const OB_KEYS = ['data', 'endUserMessage', 'errorReturnCode', 'exceptionMessage', 'expectedWaitTime', 'log_ref_id', 'success'];

type Ob = { success: boolean; data: Record<string, unknown> | null; errorReturnCode: number; exceptionMessage: string };
const ob = (out: Msg): Ob => out.payload as Ob;
/** the Open Banking envelope: exactly its seven keys, no requestid/status/errors, success */
function obSuccess(out: Msg): Record<string, unknown> {
  assert.deepEqual(Object.keys(out.payload as object).sort(), OB_KEYS);
  assert.equal(ob(out).success, true);
  assert.equal(ob(out).errorReturnCode, 0);
  return ob(out).data as Record<string, unknown>;
}

const party = { Name: 'Jane Doe', Address: { Line1: '1 Main St' }, ContactDetails: { Email: 'jane@example.com' } };
const agent = { FinancialInstitution: { Id: '011000015' } };
const wire = (external_id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  external_id,
  process_date: `${day(1)}T15:00Z`,
  transaction_amount: '1500.00',
  originator: { name: 'Gorczany Inc Inc', account_number: ACCOUNT },
  recipient: { name: 'Acme Supplies', account_number: '9876543210' },
  recipient_fi: { aba: '021000021', name: 'Other Bank' },
  description: 'Invoice 42',
  ...extra,
});
const ach = {
  externalId: 'ach-1',
  paymentDate: day(0),
  secCode: 'CCD',
  companyEntryDescription: 'PAYROLL',
  transactionDetails: [{ aba: '021000021', amount: 125.5, addenda: 'June' }],
};

function failure(outcome: Outcome): { caught: Msg; text: string } {
  assert.equal(outcome.out, undefined, 'must not reach the output');
  assert.ok(outcome.caught, 'reached Catch');
  return { caught: outcome.caught, text: outcome.caught.error?.message ?? '' };
}

describe('Caliper: Q2 Open Banking (q2-platform-open-banking) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'InstantPayments/CreateCreditTransfer',
      title: 'the body from the data property, VendorName from the node merged over it; standard envelope',
      node: { VendorName: 'RTP Vendor' },
      payload: { Amount: '25.00', Debtor: party, DebtorAgent: agent, DebtorAccountNumber: ACCOUNT, Creditor: party },
      expect: {
        method: 'POST',
        path: '/v2/InstantPayments/CreateCreditTransfer',
        body: { VendorName: 'RTP Vendor', Amount: '25.00', Debtor: party, DebtorAgent: agent, DebtorAccountNumber: ACCOUNT, Creditor: party },
      },
      check: (out) => {
        const payload = out.payload as { success: boolean; requestid: string; data: { Status: string } };
        assert.equal(payload.success, true);
        assert.equal(typeof payload.requestid, 'string');
        assert.equal(payload.data.Status, 'Accepted');
      },
    },
    {
      operation: 'InstantPayments/CreatePaymentRequest',
      title: 'VendorName in the data property',
      payload: { VendorName: 'RTP Vendor', InstructedAmount: 42.5, Creditor: party, Debtor: party, DebtorAgent: agent },
      expect: {
        method: 'POST',
        path: '/v2/InstantPayments/CreatePaymentRequest',
        body: { VendorName: 'RTP Vendor', InstructedAmount: 42.5, Creditor: party, Debtor: party, DebtorAgent: agent },
      },
    },
    {
      operation: 'OpenBanking/Payment/LookupAccounts',
      title: 'ob_customer_key from the node, tax_id a credential; the OB envelope with the accounts',
      node: { ob_customer_key: KEY },
      credentials: { tax_id: TAX_ID },
      payload: { ignored: true },
      expect: { method: 'POST', path: '/v2/OpenBanking/Payment/LookupAccounts', body: { ob_customer_key: KEY, tax_id: TAX_ID } },
      check: (out) => {
        const data = obSuccess(out) as { account_details: Array<{ account_number_internal_unmasked: string; product_type_name: string }> };
        assert.deepEqual(
          data.account_details.map((a) => a.account_number_internal_unmasked),
          ['2000000002', '2000000003', '2000000004', '2000000005'],
        );
        assert.equal(data.account_details[0].product_type_name, 'Deposit');
      },
    },
    {
      operation: 'OpenBanking/Payment/LookupAccountSummary',
      title: 'all in msg.config (account_number too), aba sent',
      config: { ob_customer_key: KEY, account_number: ACCOUNT, product_type_name: 'Deposit', aba: '011000015' },
      expect: {
        method: 'POST',
        path: '/v2/OpenBanking/Payment/LookupAccountSummary',
        body: { ob_customer_key: KEY, account_number: ACCOUNT, product_type_name: 'Deposit', aba: '011000015' },
      },
      check: (out) => assert.equal((obSuccess(out).accountSummary as { current_balance: number }).current_balance, 18250),
    },
    {
      operation: 'OpenBanking/Payment/LookupAccountHistory',
      title: 'a window of 30 days ending today, paged (page_size and page_number as numbers)',
      node: { ob_customer_key: KEY, product_type_name: 'Deposit' },
      credentials: { account_number: ACCOUNT },
      config: { from_date: day(-30), to_date: day(0), page_size: '5', page_number: 2 },
      expect: {
        method: 'POST',
        path: '/v2/OpenBanking/Payment/LookupAccountHistory',
        body: {
          ob_customer_key: KEY,
          account_number: ACCOUNT,
          product_type_name: 'Deposit',
          from_date: day(-30),
          to_date: day(0),
          page_size: 5,
          page_number: 2,
        },
      },
      check: (out) => {
        const data = obSuccess(out) as { transactions: unknown[]; total_count: number; page_number: number };
        assert.equal(data.transactions.length, 5);
        assert.equal(data.total_count, 11);
        assert.equal(data.page_number, 2);
      },
    },
    {
      operation: 'OpenBanking/Payment/LookupPaymentDates',
      title: 'transaction_type InternationalWire; camelCase inside data',
      node: { ob_customer_key: KEY, transaction_type: 'InternationalWire' },
      expect: { method: 'POST', path: '/v2/OpenBanking/Payment/LookupPaymentDates', body: { ob_customer_key: KEY, transaction_type: 'InternationalWire' } },
      check: (out) => {
        const data = obSuccess(out) as { errorReturnCode: number; paymentDatesDetail: { availableDates: string[] } };
        assert.equal(data.errorReturnCode, 0);
        assert.equal(data.paymentDatesDetail.availableDates.length, 5);
      },
    },
    {
      operation: 'OpenBanking/Payment/LookupPaymentStatus',
      title: 'the seeded wire, external_ids as a list param sent as an array',
      node: { ob_customer_key: KEY, reference_id: 'REF-0000-SEED' },
      config: { external_ids: 'seed-wire-1' },
      expect: {
        method: 'POST',
        path: '/v2/OpenBanking/Payment/LookupPaymentStatus',
        body: { reference_id: 'REF-0000-SEED', ob_customer_key: KEY, external_ids: ['seed-wire-1'] },
      },
      check: (out) => {
        const data = obSuccess(out) as { transaction_items: Array<{ status: string; external_id: string }> };
        assert.deepEqual(
          data.transaction_items.map((i) => [i.external_id, i.status]),
          [['seed-wire-1', 'Processed']],
        );
      },
    },
    {
      operation: 'OpenBanking/Payment/LookupPaymentStatus',
      title: 'external_ids from the data property (a bare array)',
      config: { ob_customer_key: KEY, reference_id: 'REF-0000-SEED' },
      payload: ['seed-wire-2'],
      expect: {
        method: 'POST',
        path: '/v2/OpenBanking/Payment/LookupPaymentStatus',
        body: { external_ids: ['seed-wire-2'], reference_id: 'REF-0000-SEED', ob_customer_key: KEY },
      },
    },
    {
      operation: 'OpenBanking/Payment/MakeACHPayments',
      title: 'a bare array of transactions is the transactions list',
      node: { ob_customer_key: KEY },
      payload: [ach],
      expect: { method: 'POST', path: '/v2/OpenBanking/Payment/MakeACHPayments', body: { transactions: [ach], ob_customer_key: KEY } },
      check: (out) => assert.match(String(obSuccess(out).reference_id), /^REF-/),
    },
    {
      operation: 'OpenBanking/Payment/MakeDomesticWire',
      title: '{transactions} from the data property, ob_customer_key from msg.config',
      config: { ob_customer_key: KEY },
      payload: { transactions: [wire('w-1')] },
      expect: { method: 'POST', path: '/v2/OpenBanking/Payment/MakeDomesticWire', body: { transactions: [wire('w-1')], ob_customer_key: KEY } },
      check: (out) => assert.equal(obSuccess(out).transaction_count, 1),
    },
    {
      operation: 'OpenBanking/Payment/MakeInternationalWire',
      title: 'currency_code USD and purpose_of_wire',
      node: { ob_customer_key: KEY },
      payload: { transactions: [wire('iw-1', { currency_code: 'USD', purpose_of_wire: 'Goods' })] },
      expect: {
        method: 'POST',
        path: '/v2/OpenBanking/Payment/MakeInternationalWire',
        body: { transactions: [wire('iw-1', { currency_code: 'USD', purpose_of_wire: 'Goods' })], ob_customer_key: KEY },
      },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'OpenBanking/Payment/LookupAccounts', title: 'no tax_id', node: { ob_customer_key: KEY }, error: /tax_id is required/ },
    {
      operation: 'OpenBanking/Payment/LookupAccountHistory',
      title: 'a from_date that is not YYYY-MM-DD',
      config: { ob_customer_key: KEY, account_number: ACCOUNT, product_type_name: 'Deposit', from_date: '01/31/2026', to_date: day(0) },
      error: /msg\.config\.from_date must be a date such as 2026-01-31/,
    },
    {
      operation: 'OpenBanking/Payment/LookupAccountHistory',
      title: "page_size 'abc'",
      config: { ob_customer_key: KEY, account_number: ACCOUNT, product_type_name: 'Deposit', from_date: day(-3), to_date: day(0), page_size: 'abc' },
      error: /msg\.config\.page_size/,
    },
    {
      operation: 'OpenBanking/Payment/LookupPaymentDates',
      title: 'a transaction_type outside the enum',
      config: { ob_customer_key: KEY, transaction_type: 'Wire' },
      error: /transaction_type must be one of DomesticWire, InternationalWire/,
    },
    {
      operation: 'OpenBanking/Payment/LookupPaymentStatus',
      title: "the previous answer left in msg.payload (keys that are not the status lookup's)",
      config: { ob_customer_key: KEY, reference_id: 'REF-0000-SEED' },
      payload: { success: true, data: {} },
      error: /msg\.payload must not have the property (success|data)/,
    },
    {
      operation: 'OpenBanking/Payment/MakeDomesticWire',
      title: 'no transactions',
      node: { ob_customer_key: KEY },
      payload: {},
      error: /msg\.payload\.transactions is required/,
    },
    {
      operation: 'OpenBanking/Payment/MakeDomesticWire',
      title: 'an item without recipient_fi',
      node: { ob_customer_key: KEY },
      payload: [{ ...wire('w-1'), recipient_fi: undefined }],
      error: /msg\.payload\.transactions\[0\]\.recipient_fi is required/,
    },
    {
      operation: 'OpenBanking/Payment/MakeDomesticWire',
      title: 'an amount as a number',
      node: { ob_customer_key: KEY },
      payload: [wire('w-1', { transaction_amount: 1500 })],
      error: /msg\.payload\.transactions\[0\]\.transaction_amount must be an amount such as 1500\.00/,
    },
    {
      operation: 'OpenBanking/Payment/MakeInternationalWire',
      title: 'a currency other than USD',
      node: { ob_customer_key: KEY },
      payload: [wire('iw-1', { currency_code: 'EUR' })],
      error: /transactions\[0\]\.currency_code must be one of USD/,
    },
    { operation: 'OpenBanking/Payment/MakeACHPayments', title: 'no customer key', payload: [ach], error: /ob_customer_key is required/ },
    {
      operation: 'InstantPayments/CreateCreditTransfer',
      title: 'no VendorName in the node or the data property',
      payload: { Amount: '25.00', Debtor: party, DebtorAgent: agent, DebtorAccountNumber: ACCOUNT, Creditor: party },
      error: /msg\.payload\.VendorName is required/,
    },
    {
      operation: 'InstantPayments/CreatePaymentRequest',
      title: 'InstructedAmount as a string',
      payload: { VendorName: 'V', InstructedAmount: '42.50', Creditor: party, Debtor: party, DebtorAgent: agent },
      error: /msg\.payload\.InstructedAmount must be of type number/,
    },
  ]);

  it('journey: a domestic wire of two items → its reference → the status of all, then of one; another customer cannot read it', async () => {
    await load(
      flowWith(ctx.sim.url, [
        { id: 'n1', type: TYPE, operation: 'OpenBanking/Payment/MakeDomesticWire', ob_customer_key: KEY },
        { id: 'n2', type: TYPE, operation: 'OpenBanking/Payment/LookupPaymentStatus', ob_customer_key: KEY },
      ]),
    );
    const made = await send({ payload: [wire('inv-1'), wire('inv-2', { transaction_amount: '20' })] });
    assert.ok(made.out, made.caught?.error?.message);
    const reference = String(obSuccess(made.out).reference_id);

    ctx.sim.server.clearRequests();
    const all = await send({ config: { reference_id: reference } }, 'n2');
    assert.ok(all.out, all.caught?.error?.message);
    const data = obSuccess(all.out) as { status: string; transaction_items: Array<{ external_id: string; status: string; transaction_id: string }> };
    assert.equal(data.status, 'Accepted');
    assert.deepEqual(
      data.transaction_items.map((i) => [i.external_id, i.status]),
      [
        ['inv-1', 'PendingProcessing'],
        ['inv-2', 'PendingProcessing'],
      ],
    );
    assert.deepEqual(apiCalls(ctx)[0].body, { reference_id: reference, ob_customer_key: KEY }, 'no external_ids: all items');

    const one = await send({ config: { reference_id: reference, external_ids: 'inv-2' } }, 'n2');
    assert.ok(one.out);
    assert.deepEqual(
      (obSuccess(one.out) as { transaction_items: Array<{ external_id: string }> }).transaction_items.map((i) => i.external_id),
      ['inv-2'],
    );

    const other = failure(await send({ config: { reference_id: reference, ob_customer_key: 'ob-customer-3' } }, 'n2'));
    assert.match(other.text, /reference_id not found/);
  });

  describe('validation failures inside HTTP 200 (the Open Banking envelope, success:false) reach Catch with exceptionMessage', () => {
    const history = { id: 'n1', type: TYPE, operation: 'OpenBanking/Payment/LookupAccountHistory', ob_customer_key: KEY, product_type_name: 'Deposit' };
    const cases: Array<{ title: string; config: Record<string, unknown>; reason: RegExp }> = [
      { title: 'a from_date in the future', config: { from_date: day(2), to_date: day(3) }, reason: /from_date must not be in the future/ },
      { title: 'from_date after to_date', config: { from_date: day(-1), to_date: day(-5) }, reason: /from_date must not be after to_date/ },
      {
        title: 'a page_size over 500',
        config: { from_date: day(-5), to_date: day(0), page_size: 501 },
        reason: /page_size must be a whole number from 1 to 500/,
      },
    ];
    for (const c of cases) {
      it(`LookupAccountHistory: ${c.title}`, async () => {
        await load(flowWith(ctx.sim.url, [history]), { n1: { account_number: ACCOUNT } });
        ctx.sim.server.clearRequests();
        const { caught, text } = failure(await send({ config: c.config }));
        assert.match(text, c.reason);
        assert.equal(caught.statusCode, 200, 'HTTP 200');
        const body = caught.payload as Ob;
        assert.equal(body.success, false);
        assert.equal(body.data, null);
        assert.notEqual(body.errorReturnCode, 0);
        assert.equal(apiCalls(ctx).length, 1, 'sent once');
        assert.ok(!text.includes(ACCOUNT), 'the account number is not in the error text');
      });
    }

    it('a wire dated in a way the node accepts but Q2 refuses (amount 0) → Catch, nothing kept', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'OpenBanking/Payment/MakeDomesticWire', ob_customer_key: KEY }]));
      const { text } = failure(await send({ payload: [wire('zero', { transaction_amount: '0.00' })] }));
      assert.match(text, /transaction_amount must be a positive amount/);
    });

    it('an unknown customer key → Catch ("Customer not found")', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'OpenBanking/Payment/LookupPaymentDates', transaction_type: 'DomesticWire' }]));
      const { text } = failure(await send({ config: { ob_customer_key: 'ob-customer-99' } }));
      assert.match(text, /Customer not found/);
    });

    it('a missing required field on the wire is a 400 in the standard envelope', async () => {
      const res = await fetch(`${ctx.sim.url}/v2/OpenBanking/Payment/LookupAccounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.sim.platform.issueToken().access_token}` },
        body: JSON.stringify({ ob_customer_key: KEY }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { success: boolean; errors: Array<{ message: string }>; requestid: string };
      assert.equal(body.success, false);
      assert.equal(body.errors[0].message, 'tax_id is required');
      assert.equal(typeof body.requestid, 'string');
    });
  });

  describe('sensitive inputs never reach Catch', () => {
    it('LookupAccounts: a wrong tax_id in msg.config → Catch without it in the text or msg.config', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'OpenBanking/Payment/LookupAccounts' }]));
      const wrong = '987654321';
      const { caught, text } = failure(await send({ config: { ob_customer_key: KEY, tax_id: wrong, keep: 1 } }));
      assert.match(text, /tax_id does not match the customer/);
      assert.ok(!text.includes(wrong), text);
      assert.deepEqual(caught.config, { ob_customer_key: KEY, keep: 1 }, 'tax_id removed from msg.config');
      assert.ok(!JSON.stringify(caught).includes(wrong), 'nowhere in the caught message');
    });

    it('LookupAccountSummary: an unknown account_number in msg.config → Catch without it', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'OpenBanking/Payment/LookupAccountSummary' }]));
      const unknown = '5555000011';
      const { caught, text } = failure(await send({ config: { ob_customer_key: KEY, account_number: unknown, product_type_name: 'Deposit' } }));
      assert.match(text, /Account not found/);
      assert.ok(!text.includes(unknown), text);
      assert.deepEqual(caught.config, { ob_customer_key: KEY, product_type_name: 'Deposit' });
      assert.ok(!JSON.stringify(caught).includes(unknown), 'nowhere in the caught message');
    });

    it('InstantPayments/CreateCreditTransfer: a connection reset on the write → Catch once, DebtorAccountNumber masked in msg.payload', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'InstantPayments/CreateCreditTransfer', VendorName: 'RTP Vendor' }]));
      ctx.sim.server.injectFault({ path: '/v2/InstantPayments/CreateCreditTransfer', reset: true });
      ctx.sim.server.clearRequests();
      const debtor = '7777123456';
      const { caught } = failure(await send({ payload: { Amount: '25.00', Debtor: party, DebtorAgent: agent, DebtorAccountNumber: debtor, Creditor: party } }));
      assert.ok(!JSON.stringify(caught).includes(debtor), JSON.stringify(caught.payload));
      assert.equal((caught.payload as { DebtorAccountNumber: string }).DebtorAccountNumber, '******3456');
      assert.equal(apiCalls(ctx).length, 1, 'a write is never retried');
    });

    it('a wire refused by Q2: the account numbers of its parties are masked in the caught msg.payload', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'OpenBanking/Payment/MakeDomesticWire', ob_customer_key: 'ob-customer-99' }]));
      const { caught } = failure(await send({ payload: [wire('w-9')] }));
      const text = JSON.stringify(caught);
      assert.ok(!text.includes(ACCOUNT) && !text.includes('9876543210'), text);
    });
  });
});
