/**
 * Caliper area "ach" (q2-platform-ach): ACH recipients, payments (drafted, then authorized by a GET that changes
 * state) and micro-deposits (amounts in request headers), against the simulator: the wire of every operation,
 * refusals, the money-movement and micro-deposit journeys, retries (a read is retried, the authorizing GET is not)
 * and account numbers kept out of Catch.
 */
import assert from 'node:assert/strict';
import { microDepositAmounts } from '../lib/simulator/caliper/ach';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, helper, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-ach';

const ACCOUNTS = [{ aba: '021000021', accountNumber: '123456789012', accountType: 'Checking' }];
const RECIPIENT = { logonName: 'test2', alwaysSendEmail: true, displayName: 'Jane Doe', emailAddress: 'jane@example.com', isCcd: false, achName: 'JANE DOE' };
const PAYMENT = {
  logonName: 'test2',
  alwaysSendEmail: false,
  displayName: 'Acme Supplies',
  recipientId: 101,
  originatingAccount: 5002,
  amount: 25.5,
  paymentDate: '2026-12-01',
  paymentName: 'Invoice 42',
};

type Envelope = { success: boolean; data: unknown; errors: unknown };
const envelope = (msg: Msg | undefined): Envelope => (msg?.payload ?? {}) as Envelope;
const caughtText = (o: Outcome): string => (o.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';

/** Sends one message to a fresh q2-platform-ach node with this operation; returns the outcome. */
async function run(operation: string, config: Record<string, unknown>, payload: unknown = 'trigger'): Promise<Outcome> {
  await helper.unload();
  await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation }]));
  return send({ payload, config });
}

/** The output's data; fails with the Catch text when the message went to Catch. */
async function data(operation: string, config: Record<string, unknown>, payload?: unknown): Promise<unknown> {
  const outcome = await run(operation, config, payload);
  assert.ok(outcome.out, `${operation} reached Catch: ${caughtText(outcome)}`);
  assert.equal(envelope(outcome.out).success, true);
  return envelope(outcome.out).data;
}

describe('Caliper: Q2 ACH (q2-platform-ach) against the simulator', function () {
  this.timeout(20000);
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'ACH/CreateRecipient',
      title: 'POST /v2/ACH/CreateRecipient/ (trailing slash kept): the flat fields merged over the accounts of the payload',
      config: RECIPIENT,
      payload: { accounts: ACCOUNTS },
      expect: { method: 'POST', path: '/v2/ACH/CreateRecipient/', body: { accounts: ACCOUNTS, ...RECIPIENT } },
      check: (out) => assert.equal(typeof (envelope(out).data as { recipientID: unknown }).recipientID, 'number'),
    },
    {
      operation: 'ACH/GetRecipients',
      title: 'GET with the logonname query; the seed recipient with its accounts, booleans as strings',
      node: { logonname: 'test2' },
      expect: { method: 'GET', path: '/v2/ACH/GetRecipients', query: { logonname: 'test2' } },
      check: (out) => {
        const [first] = envelope(out).data as Array<{ RecipientID: number; AlwaysSendEmail: string; Accounts: Array<{ ABA: string }> }>;
        assert.equal(first.RecipientID, 101);
        assert.equal(first.AlwaysSendEmail, 'False');
        assert.equal(first.Accounts[0].ABA, '021000021');
      },
    },
    {
      operation: 'ACH/MakePayment',
      title: 'POST with the documented camelCase body; paymentName is sent as name; amount and ids as numbers',
      config: { ...PAYMENT, recipientId: '101', amount: '25.50' },
      payload: { accounts: ACCOUNTS },
      expect: {
        method: 'POST',
        path: '/v2/ACH/MakePayment',
        body: {
          accounts: ACCOUNTS,
          logonName: 'test2',
          alwaysSendEmail: false,
          displayName: 'Acme Supplies',
          recipientId: 101,
          originatingAccount: 5002,
          amount: 25.5,
          paymentDate: '2026-12-01',
          name: 'Invoice 42',
        },
      },
      check: (out) => assert.equal((envelope(out).data as { Status: string }).Status, 'Drafted'),
    },
    {
      operation: 'ACH/GetPayment',
      title: 'GET /v2/ACH/GetPayment/{paymentid} with the logonname query: data.Transaction',
      node: { paymentid: '9001', logonname: 'test2' },
      expect: { method: 'GET', path: '/v2/ACH/GetPayment/9001', query: { logonname: 'test2' } },
      check: (out) => {
        const { Transaction } = envelope(out).data as { Transaction: { TransactionID: number; Status: string } };
        assert.deepEqual([Transaction.TransactionID, Transaction.Status], [9001, 'Drafted']);
      },
    },
    {
      operation: 'ACH/AuthorizePayment',
      title: 'GET /v2/ACH/AuthorizePayment/{paymentid} (no body): data.Transaction is the id',
      config: { paymentid: 9001, logonname: 'retail0' },
      expect: { method: 'GET', path: '/v2/ACH/AuthorizePayment/9001', query: { logonname: 'retail0' } },
      check: (out) => assert.deepEqual(envelope(out).data, { Transaction: 9001 }),
    },
    {
      operation: 'MicroDeposit/Create',
      title: 'a single {Account} is sent as the bare array [{Account}]',
      payload: { Account: { ABA: '011000015', Account: '998877665544', AccountType: 'Savings', LogonName: 'test2' } },
      expect: {
        method: 'POST',
        path: '/v2/MicroDeposit/Create',
        body: [{ Account: { ABA: '011000015', Account: '998877665544', AccountType: 'Savings', LogonName: 'test2' } }],
      },
      check: (out) => assert.deepEqual(envelope(out).data, [{ ABA: '011000015', Account: '998877665544', Success: true }]),
    },
    {
      operation: 'MicroDeposit/Create',
      title: 'the documented schema name as a wrapper is unwrapped; the user by UserID',
      payload: { CreateMicroDepositRequest: [{ Account: { ABA: '011000015', Account: '55443322', UserID: 1 } }] },
      expect: { method: 'POST', path: '/v2/MicroDeposit/Create', body: [{ Account: { ABA: '011000015', Account: '55443322', UserID: 1 } }] },
    },
    {
      operation: 'MicroDeposit/Get',
      title: 'GET with the logonname query: the seed micro-deposit, never its amounts',
      config: { logonname: 'test2' },
      expect: { method: 'GET', path: '/v2/MicroDeposit/Get', query: { logonname: 'test2' } },
      check: (out) => {
        const [first] = envelope(out).data as Array<Record<string, unknown>>;
        assert.equal(first.MicroDepositID, 1);
        assert.equal(first.StatusShortName, 'Pending');
        assert.equal(Object.keys(first).length, 19, 'the 19 documented fields');
        assert.doesNotMatch(JSON.stringify(first), /amount1|amount2|amounts/i);
      },
    },
    {
      operation: 'MicroDeposit/Verify',
      title: 'POST with the logonname query, MicroDepositID, Amount1 and Amount2 as headers, no body',
      node: { logonname: 'test2', MicroDepositID: '1', Amount1: '1.00', Amount2: '1.00' },
      payload: { ignored: true },
      expect: { method: 'POST', path: '/v2/MicroDeposit/Verify', query: { logonname: 'test2' }, headers: { microdepositid: '1', amount1: '1', amount2: '1' } },
      check: (out) => {
        // 1.00 is never a micro-deposit amount (at most 0.99): a counted failed attempt, reported in data
        const [first] = envelope(out).data as Array<{ Status: string; Attempts: number }>;
        assert.deepEqual([first.Status, first.Attempts], ['Failed', 1]);
      },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'ACH/GetRecipients', title: 'no logonname', error: /logonname is required/ },
    {
      operation: 'ACH/CreateRecipient',
      title: 'no isCcd',
      config: { ...RECIPIENT, isCcd: undefined },
      payload: { accounts: ACCOUNTS },
      error: /isCcd is required/,
    },
    {
      operation: 'ACH/CreateRecipient',
      title: 'alwaysSendEmail that is not a boolean',
      config: { ...RECIPIENT, alwaysSendEmail: 'sometimes' },
      payload: { accounts: ACCOUNTS },
      error: /msg\.config\.alwaysSendEmail/,
    },
    { operation: 'ACH/CreateRecipient', title: 'no accounts in the payload', config: RECIPIENT, payload: {}, error: /msg\.payload\.accounts/ },
    {
      operation: 'ACH/CreateRecipient',
      title: 'an accountType that is neither Savings nor Checking',
      config: RECIPIENT,
      payload: { accounts: [{ ...ACCOUNTS[0], accountType: 'Loan' }] },
      error: /msg\.payload\.accounts\[0\]\.accountType must be one of Savings, Checking/,
    },
    {
      operation: 'ACH/CreateRecipient',
      title: 'a routing number of eight digits',
      config: RECIPIENT,
      payload: { accounts: [{ ...ACCOUNTS[0], aba: '02100002' }] },
      error: /msg\.payload\.accounts\[0\]\.aba must be a nine-digit routing number/,
    },
    {
      operation: 'ACH/MakePayment',
      title: 'a recipientId that is not an id',
      config: { ...PAYMENT, recipientId: 'abc' },
      payload: { accounts: ACCOUNTS },
      error: /msg\.config\.recipientId/,
    },
    {
      operation: 'ACH/MakePayment',
      title: 'an amount that is not a number',
      config: { ...PAYMENT, amount: 'ten' },
      payload: { accounts: ACCOUNTS },
      error: /msg\.config\.amount/,
    },
    {
      operation: 'ACH/MakePayment',
      title: 'a paymentDate that is not YYYY-mm-dd',
      config: { ...PAYMENT, paymentDate: '12/01/2026' },
      payload: { accounts: ACCOUNTS },
      error: /msg\.config\.paymentDate must be a date written YYYY-mm-dd/,
    },
    {
      operation: 'ACH/MakePayment',
      title: 'no paymentName (the body name)',
      config: { ...PAYMENT, paymentName: undefined },
      payload: { accounts: ACCOUNTS },
      error: /paymentName is required/,
    },
    { operation: 'ACH/GetPayment', title: 'a paymentid that is not an id', config: { paymentid: 'abc', logonname: 'test2' }, error: /msg\.config\.paymentid/ },
    { operation: 'ACH/AuthorizePayment', title: 'no logonname', config: { paymentid: 9001 }, error: /logonname is required/ },
    {
      operation: 'MicroDeposit/Create',
      title: 'an account without LogonName or UserID',
      payload: [{ Account: { ABA: '011000015', Account: '1234' } }],
      error: /LogonName or UserID/,
    },
    { operation: 'MicroDeposit/Get', title: 'no logonname', error: /logonname is required/ },
    {
      operation: 'MicroDeposit/Verify',
      title: 'a MicroDepositID that is not an id',
      config: { logonname: 'test2', MicroDepositID: 'abc', Amount1: 0.1, Amount2: 0.2 },
      error: /msg\.config\.MicroDepositID/,
    },
    { operation: 'MicroDeposit/Verify', title: 'no Amount2', config: { logonname: 'test2', MicroDepositID: 1, Amount1: 0.1 }, error: /Amount2 is required/ },
  ]);

  it('the money-movement journey: CreateRecipient → MakePayment to it → GetPayment (Drafted) → AuthorizePayment → GetPayment (Authorized)', async () => {
    const { recipientID } = (await data('ACH/CreateRecipient', RECIPIENT, { accounts: ACCOUNTS })) as { recipientID: number };
    assert.ok(recipientID > 101);
    const recipients = (await data('ACH/GetRecipients', { logonname: 'test2' })) as Array<{ RecipientID: number; DisplayName: string; ACHClassCodeID: number }>;
    const created = recipients.find((r) => r.RecipientID === recipientID);
    assert.equal(created?.DisplayName, 'Jane Doe');

    const payment = (await data('ACH/MakePayment', { ...PAYMENT, recipientId: recipientID, displayName: 'Jane Doe' }, { accounts: ACCOUNTS })) as {
      PaymentID: number;
      Status: string;
    };
    assert.equal(payment.Status, 'Drafted');
    const read = async (): Promise<{ Status: string; RecipientID: number; Amount: number; Name: string }> =>
      (
        (await data('ACH/GetPayment', { paymentid: payment.PaymentID, logonname: 'test2' })) as {
          Transaction: { Status: string; RecipientID: number; Amount: number; Name: string };
        }
      ).Transaction;
    const drafted = await read();
    assert.deepEqual([drafted.Status, drafted.RecipientID, drafted.Amount, drafted.Name], ['Drafted', recipientID, 25.5, 'Invoice 42']);

    assert.deepEqual(await data('ACH/AuthorizePayment', { paymentid: payment.PaymentID, logonname: 'test2' }), { Transaction: payment.PaymentID });
    assert.equal((await read()).Status, 'Authorized');

    // authorizing twice: "Failed Authorization" inside HTTP 200 → Catch
    const again = await run('ACH/AuthorizePayment', { paymentid: payment.PaymentID, logonname: 'test2' });
    assert.equal(again.out, undefined);
    assert.match(caughtText(again), /Failed Authorization/);
    assert.equal(again.caught?.statusCode, 200);
  });

  it('ACH/AuthorizePayment by a logon that does not own the payment: Failed Authorization; the payment stays Drafted', async () => {
    const outcome = await run('ACH/AuthorizePayment', { paymentid: 9001, logonname: 'aavery' });
    assert.match(caughtText(outcome), /Failed Authorization/);
    assert.deepEqual((envelope(outcome.caught).errors as unknown[]).slice(0, 1), ['Failed Authorization']);
    const { Transaction } = (await data('ACH/GetPayment', { paymentid: 9001, logonname: 'test2' })) as { Transaction: { Status: string } };
    assert.equal(Transaction.Status, 'Drafted');
  });

  it('ACH/GetPayment of an unknown payment: success:false with data {} inside HTTP 200 → Catch', async () => {
    const outcome = await run('ACH/GetPayment', { paymentid: 424242, logonname: 'test2' });
    assert.equal(outcome.out, undefined);
    assert.equal(outcome.caught?.statusCode, 200);
    assert.deepEqual(envelope(outcome.caught).data, {});
  });

  it('ACH/MakePayment to a recipient of another user, or from an account without withdrawal access: 400 naming the field', async () => {
    const foreign = await run('ACH/MakePayment', { ...PAYMENT, logonName: 'aavery', originatingAccount: 5001 }, { accounts: ACCOUNTS });
    assert.match(caughtText(foreign), /HTTP 400.*Invalid recipientId|Invalid recipientId.*400/s);
    const loan = await run('ACH/MakePayment', { ...PAYMENT, originatingAccount: 5004 }, { accounts: ACCOUNTS });
    assert.match(caughtText(loan), /Invalid originatingAccount/);
  });

  it('the micro-deposit journey: Create → Get (its id) → Verify with the amounts the simulator sent → Verified', async () => {
    const account = { ABA: '011000015', Account: '77001234', AccountType: 'Checking', LogonName: 'dgorczany' };
    assert.deepEqual(await data('MicroDeposit/Get', { logonname: 'dgorczany' }), [{ Success: false, Message: 'No Results Found' }]);
    await data('MicroDeposit/Create', {}, [{ Account: account }]);
    const [record] = (await data('MicroDeposit/Get', { logonname: 'dgorczany' })) as Array<{
      MicroDepositID: number;
      StatusShortName: string;
      Attempts: number;
    }>;
    assert.deepEqual([record.StatusShortName, record.Attempts], ['Pending', 0]);

    const amounts = microDepositAmounts(ctx.sim.platform.state, record.MicroDepositID);
    assert.ok(amounts, 'the simulator kept the amounts');
    for (const a of amounts) assert.ok(a >= 0.01 && a <= 0.99, `${a} is a small amount`);
    // in the other order: the simulator accepts either
    const verify = { logonname: 'dgorczany', MicroDepositID: record.MicroDepositID, Amount1: amounts[1], Amount2: amounts[0] };
    const [result] = (await data('MicroDeposit/Verify', verify)) as Array<{ Status: string }>;
    assert.equal(result.Status, 'Verified');
    const [after] = (await data('MicroDeposit/Get', { logonname: 'dgorczany' })) as Array<{ StatusShortName: string }>;
    assert.equal(after.StatusShortName, 'Verified');
  });

  it('MicroDeposit/Verify: three wrong attempts lock the micro-deposit; then even the right amounts are refused inside HTTP 200', async () => {
    const amounts = microDepositAmounts(ctx.sim.platform.state, 1);
    assert.ok(amounts);
    const wrong = { logonname: 'test2', MicroDepositID: 1, Amount1: 0.99, Amount2: 0.98 };
    if (amounts.includes(0.99) || amounts.includes(0.98)) Object.assign(wrong, { Amount1: 1.5, Amount2: 1.6 });
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push(((await data('MicroDeposit/Verify', wrong)) as Array<{ Status: string }>)[0].Status);
    assert.deepEqual(statuses, ['Failed', 'Failed', 'Locked']);
    const locked = await run('MicroDeposit/Verify', { ...wrong, Amount1: amounts[0], Amount2: amounts[1] });
    assert.match(caughtText(locked), /Micro Deposit Locked/);
    const [record] = (await data('MicroDeposit/Get', { logonname: 'test2' })) as Array<{ StatusShortName: string; Attempts: number }>;
    assert.deepEqual([record.StatusShortName, record.Attempts], ['Locked', 3]);
  });

  it('MicroDeposit/Create: an account of an unknown logon fails inside HTTP 200 (E-acct) → Catch, account number masked', async () => {
    const outcome = await run('MicroDeposit/Create', {}, [{ Account: { ABA: '011000015', Account: '1234567890', LogonName: 'nobody' } }]);
    assert.equal(outcome.out, undefined);
    assert.equal(outcome.caught?.statusCode, 200);
    assert.match(caughtText(outcome), /Unable to create micro deposits/);
    assert.ok(!JSON.stringify(outcome.caught).includes('1234567890'), 'no full account number anywhere in the caught message');
  });

  it('account numbers never reach Catch in full: a failed ACH/CreateRecipient whose server echoes the number', async () => {
    const number = '987654321098';
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'ACH/CreateRecipient' }]));
    ctx.sim.server.injectFault({
      path: '/v2/ACH/CreateRecipient/',
      status: 400,
      body: { data: {}, success: false, errors: [{ code: 400, message: `Account ${number} is not allowed` }], requestid: 'r', status: 400, log_ref_id: 'l' },
    });
    const outcome = await send({ payload: { accounts: [{ ...ACCOUNTS[0], accountNumber: number }] }, config: RECIPIENT });
    assert.equal(outcome.out, undefined);
    const text = caughtText(outcome);
    assert.match(text, /HTTP 400/);
    assert.ok(!text.includes(number), `the Catch text holds no full account number: ${text}`);
    assert.ok(!JSON.stringify(outcome.caught?.payload).includes(number), 'nor msg.payload');
    assert.ok(!JSON.stringify(outcome.caught?.config ?? {}).includes(number), 'nor msg.config');
  });

  it('account numbers never reach Catch in full: a refused ACH/MakePayment keeps its payload masked', async () => {
    const number = '555000111222';
    const outcome = await run('ACH/MakePayment', { ...PAYMENT, amount: 'ten' }, { accounts: [{ ...ACCOUNTS[0], accountNumber: number }] });
    assert.equal(outcome.out, undefined);
    assert.ok(!JSON.stringify(outcome.caught).includes(number), 'no full account number in the caught message');
    assert.match(JSON.stringify(outcome.caught?.payload), /\*+1222/, 'masked to its last four');
  });

  describe('retries: a read is retried on 503, the authorizing GET is not', () => {
    const flow = (operation: string) =>
      load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation, paymentid: '9001', logonname: 'test2' }], { retryDelay: 0.05, retryMaxDelay: 1 }));

    it('ACH/GetPayment: a 503 is retried and the second try answers', async () => {
      await flow('ACH/GetPayment');
      ctx.sim.server.clearRequests();
      ctx.sim.server.injectFault({ path: '/v2/ACH/GetPayment/9001', status: 503, body: { message: 'busy' } });
      const outcome = await send({ payload: 'go' });
      assert.ok(outcome.out, caughtText(outcome));
      assert.equal(ctx.sim.server.requestsTo('/v2/ACH/GetPayment/9001').length, 2);
    });

    it('ACH/AuthorizePayment: a 503 is NOT retried (one request) and the payment stays Drafted', async () => {
      await flow('ACH/AuthorizePayment');
      ctx.sim.server.clearRequests();
      ctx.sim.server.injectFault({ path: '/v2/ACH/AuthorizePayment/9001', status: 503, body: { message: 'busy' } });
      const outcome = await send({ payload: 'go' });
      assert.match(caughtText(outcome), /503/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(apiCalls(ctx).length, 1, 'one request');
      const { Transaction } = (await data('ACH/GetPayment', { paymentid: 9001, logonname: 'test2' })) as { Transaction: { Status: string } };
      assert.equal(Transaction.Status, 'Drafted');
    });
  });
});
