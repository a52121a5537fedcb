/**
 * Caliper area "transfers" (q2-platform-transfers): AddFundsTransfer, StopPayment, CancelGeneratedTransaction,
 * UpdateTransactionStatus, DecideSuspectGT (writes: never retried) and GetDecisionReasons (a read: retried). Account
 * numbers, the CSR password and the CSR session token are sensitive: never in Catch's error text nor in msg.config
 * of a failed message. Transfers move the shared balances and show in GetAccountHistory (q2-platform-accounts).
 */
import assert from 'node:assert/strict';
import { DEMO_CSR } from '../lib/simulator/caliper/ledger';
import { refusalCases, wireCases } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-transfers';
const CHECKING = '2000000002'; // host account 5002 (user 2, login test2), 18250.00
const SAVINGS = '2000000003'; // host account 5003, 50000.00
const PAYROLL = '2000000005'; // host account 5005 (user 4, login dgorczany), 3100.00, withdrawal and view

interface Envelope {
  success: boolean;
  data: Record<string, unknown>;
  errors: Array<{ code: number | string; message: string }>;
}
const envelope = (msg: Msg): Envelope => msg.payload as unknown as Envelope;
const caughtText = (o: Outcome): string => (o.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
const balance = (id: number): number => ctx.sim.platform.state.accounts.find((a) => a.AccountID === id)?.Balance ?? NaN;
const callsTo = (path: string): number => ctx.sim.server.requests.filter((r) => r.path === path).length;

/** The failed message's text and msg.config hold none of `secrets`. */
function assertNoSecrets(outcome: Outcome, secrets: readonly string[], keys: readonly string[]): void {
  const caught = outcome.caught as Msg | undefined;
  assert.ok(caught, 'reached Catch');
  const text = `${caughtText(outcome)} ${JSON.stringify(caught.config ?? {})}`;
  for (const secret of secrets) assert.ok(!text.includes(secret), 'a sensitive value in the error or msg.config');
  const config = (caught.config ?? {}) as Record<string, unknown>;
  for (const key of keys) assert.ok(!(key in config), `msg.config.${key} is removed before Catch`);
}

describe('Caliper: Q2 Transfers (q2-platform-transfers) against the simulator', function () {
  this.timeout(20000);
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'AddFundsTransfer',
      title: 'POST with the flat fields from msg.config, Amount a number, Authorize true → authorized',
      config: { LoginName: 'test2', FromAccount: CHECKING, ToAccount: SAVINGS, Amount: '125.50', Description: 'To savings', Authorize: true },
      expect: {
        method: 'POST',
        path: '/v2/AddFundsTransfer',
        body: { LoginName: 'test2', FromAccount: CHECKING, ToAccount: SAVINGS, Amount: 125.5, Description: 'To savings', Authorize: true },
      },
      check: (out) => {
        assert.deepEqual(envelope(out).data, { TransactionID: 7005, Authorized: true });
        assert.equal(balance(5002), 18124.5);
        assert.equal(balance(5003), 50125.5);
      },
    },
    {
      operation: 'AddFundsTransfer',
      title: 'the account numbers as node credentials, no Authorize → a draft, nothing moves',
      node: { LoginName: 'test2', Amount: '10', Description: 'Draft' },
      credentials: { FromAccount: CHECKING, ToAccount: SAVINGS },
      expect: {
        method: 'POST',
        path: '/v2/AddFundsTransfer',
        body: { LoginName: 'test2', FromAccount: CHECKING, ToAccount: SAVINGS, Amount: 10, Description: 'Draft' },
      },
      check: (out) => {
        assert.equal(envelope(out).data.Authorized, false);
        assert.equal(balance(5002), 18250);
      },
    },
    {
      operation: 'StopPayment',
      title: 'by host account id, the (undocumented) check fields from msg.payload under it',
      node: { SourceHostAccountID: '5002' },
      payload: { CheckNumber: '1042', Amount: 75 },
      expect: { method: 'POST', path: '/v2/StopPayment', body: { CheckNumber: '1042', Amount: 75, SourceHostAccountID: '5002' } },
      check: (out) => assert.equal(envelope(out).data.Authorized, true),
    },
    {
      operation: 'StopPayment',
      title: 'by account number from msg.config; a payload that is no object is not sent',
      config: { SourceAccountNumber: CHECKING },
      expect: { method: 'POST', path: '/v2/StopPayment', body: { SourceAccountNumber: CHECKING } },
    },
    {
      operation: 'CancelGeneratedTransaction',
      title: 'PUT with LogonName and TransactionID (a number)',
      config: { LogonName: 'test2', TransactionID: '7003' },
      expect: { method: 'PUT', path: '/v2/CancelGeneratedTransaction', body: { LogonName: 'test2', TransactionID: 7003 } },
      check: (out) => assert.deepEqual(envelope(out).data, {}),
    },
    {
      operation: 'UpdateTransactionStatus',
      title: 'Authorized → Processed',
      node: { LogonName: 'test2', CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'Processed' },
      config: { TransactionID: 7001 },
      expect: {
        method: 'PUT',
        path: '/v2/UpdateTransactionStatus',
        body: { LogonName: 'test2', TransactionID: 7001, CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'Processed' },
      },
      check: (out) => assert.equal(envelope(out).data.TransactionStatus, 'Processed'),
    },
    {
      operation: 'UpdateTransactionStatus',
      title: 'Suspect → Cancelled with the case decision reason and note',
      config: {
        LogonName: 'test2',
        TransactionID: 7002,
        CurrentTransactionStatus: 'Suspect',
        NewTransactionStatus: 'Cancelled',
        CaseDecisionReasonID: 4,
        CaseDecisionNote: 'Customer called',
      },
      expect: {
        method: 'PUT',
        path: '/v2/UpdateTransactionStatus',
        body: {
          LogonName: 'test2',
          TransactionID: 7002,
          CurrentTransactionStatus: 'Suspect',
          NewTransactionStatus: 'Cancelled',
          CaseDecisionReasonID: 4,
          CaseDecisionNote: 'Customer called',
        },
      },
      check: (out) => assert.equal(envelope(out).data.TransactionStatus, 'Cancelled'),
    },
    {
      operation: 'DecideSuspectGT',
      title: 'a CSR session token (node credential) authorizes a suspect transaction; the money moves',
      node: { TransactionID: '7002', Reason: 'Verified', Note: 'Called the customer', Authorize: true },
      credentials: { CSRSessionToken: DEMO_CSR.sessionToken },
      expect: {
        method: 'PUT',
        path: '/v2/DecideSuspectGT',
        body: { CSRSessionToken: DEMO_CSR.sessionToken, TransactionID: 7002, Reason: 'Verified', Note: 'Called the customer', Authorize: true },
      },
      check: (out) => {
        assert.equal(envelope(out).data.TransactionStatus, 'Authorized');
        assert.deepEqual([balance(5002), balance(5003)], [3250, 65000]);
      },
    },
    {
      operation: 'DecideSuspectGT',
      title: 'a CSR login and password from msg.config cancel one (Authorize false)',
      config: { CSRLogin: DEMO_CSR.login, CSRPassword: DEMO_CSR.password, TransactionID: 7004, Reason: 'Fraud', Note: 'Not the customer', Authorize: false },
      expect: {
        method: 'PUT',
        path: '/v2/DecideSuspectGT',
        body: { CSRLogin: DEMO_CSR.login, CSRPassword: DEMO_CSR.password, TransactionID: 7004, Reason: 'Fraud', Note: 'Not the customer', Authorize: false },
      },
      check: (out) => assert.equal(envelope(out).data.TransactionStatus, 'Cancelled'),
    },
    {
      operation: 'GetDecisionReasons',
      title: 'GET, no parameters, the reasons',
      expect: { method: 'GET', path: '/v2/GetDecisionReasons' },
      check: (out) => {
        const reasons = envelope(out).data as unknown as Array<{ CaseDecisionReasonID: number; Reason: string; IsAuthorize: boolean }>;
        assert.equal(reasons.length, 5);
        assert.deepEqual(reasons[0], { ...reasons[0], CaseDecisionReasonID: 1, Reason: 'Verified', IsAuthorize: true });
      },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'AddFundsTransfer', title: 'an empty message', error: /LoginName is required/ },
    {
      operation: 'AddFundsTransfer',
      title: 'an amount that is not a number',
      config: { LoginName: 'test2', FromAccount: CHECKING, ToAccount: SAVINGS, Amount: 'abc', Description: 'x' },
      error: /msg\.config\.Amount must be/,
    },
    {
      operation: 'AddFundsTransfer',
      title: 'no description',
      config: { LoginName: 'test2', FromAccount: CHECKING, ToAccount: SAVINGS, Amount: 1 },
      error: /Description is required/,
    },
    {
      operation: 'StopPayment',
      title: 'both selectors',
      config: { SourceHostAccountID: '5002', SourceAccountNumber: CHECKING },
      error: /only one of msg\.config\.SourceHostAccountID, msg\.config\.SourceAccountNumber/,
    },
    { operation: 'StopPayment', title: 'no selector', error: /SourceHostAccountID/ },
    { operation: 'StopPayment', title: 'an array as the data property', config: { SourceHostAccountID: '5002' }, payload: [1], error: /msg\.payload/ },
    {
      operation: 'CancelGeneratedTransaction',
      title: 'a transaction id that is not an id',
      config: { LogonName: 'test2', TransactionID: 'abc' },
      error: /msg\.config\.TransactionID/,
    },
    { operation: 'CancelGeneratedTransaction', title: 'no logon name', config: { TransactionID: 7003 }, error: /LogonName is required/ },
    {
      operation: 'UpdateTransactionStatus',
      title: 'a new status that is not documented',
      config: { LogonName: 'test2', TransactionID: 7001, CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'Pending' },
      error: /msg\.config\.NewTransactionStatus must be one of Authorized, Processed, HostFailed, Cancelled/,
    },
    {
      operation: 'UpdateTransactionStatus',
      title: 'a current status other than Authorized or Suspect',
      config: { LogonName: 'test2', TransactionID: 7001, CurrentTransactionStatus: 'Drafted', NewTransactionStatus: 'Cancelled' },
      error: /msg\.config\.CurrentTransactionStatus must be one of Authorized, Suspect/,
    },
    {
      operation: 'DecideSuspectGT',
      title: 'both a CSR login and a CSR session token',
      config: {
        CSRLogin: DEMO_CSR.login,
        CSRPassword: DEMO_CSR.password,
        CSRSessionToken: DEMO_CSR.sessionToken,
        TransactionID: 7002,
        Reason: 'Verified',
        Note: 'n',
        Authorize: true,
      },
      error: /only one of msg\.config\.CSRLogin, msg\.config\.CSRSessionToken/,
    },
    {
      operation: 'DecideSuspectGT',
      title: 'no Authorize',
      config: { CSRSessionToken: DEMO_CSR.sessionToken, TransactionID: 7002, Reason: 'Verified', Note: 'n' },
      error: /Authorize is required/,
    },
    {
      operation: 'DecideSuspectGT',
      title: 'Authorize that is not a boolean',
      config: { CSRSessionToken: DEMO_CSR.sessionToken, TransactionID: 7002, Reason: 'Verified', Note: 'n', Authorize: 'maybe' },
      error: /msg\.config\.Authorize/,
    },
  ]);

  describe('writes are never retried; the read is', () => {
    it('AddFundsTransfer: a 503 goes to Catch after ONE request, and nothing was created', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'AddFundsTransfer', LoginName: 'test2', Amount: '5', Description: 'Once' }]), {
        n1: { FromAccount: CHECKING, ToAccount: SAVINGS },
      });
      ctx.sim.server.clearRequests();
      ctx.sim.server.injectFault({ path: '/v2/AddFundsTransfer', status: 503, body: {} });
      const outcome = await send({ config: { Authorize: true } });
      assert.match(caughtText(outcome), /503/);
      assert.equal(callsTo('/v2/AddFundsTransfer'), 1, 'one request: a write is never retried');
      assert.equal(balance(5002), 18250);
      assertNoSecrets(outcome, [CHECKING, SAVINGS], []);
    });

    for (const [operation, config] of [
      ['CancelGeneratedTransaction', { LogonName: 'test2', TransactionID: 7003 }],
      ['DecideSuspectGT', { CSRSessionToken: DEMO_CSR.sessionToken, TransactionID: 7002, Reason: 'Verified', Note: 'n', Authorize: true }],
    ] as const) {
      it(`${operation}: a 503 is not retried either`, async () => {
        await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation }]));
        ctx.sim.server.clearRequests();
        ctx.sim.server.injectFault({ path: `/v2/${operation}`, status: 503, body: {} });
        const outcome = await send({ config });
        assert.match(caughtText(outcome), /503/);
        assert.equal(callsTo(`/v2/${operation}`), 1);
        assertNoSecrets(outcome, [DEMO_CSR.sessionToken], ['CSRSessionToken']);
      });
    }

    it('GetDecisionReasons: a 503 is retried (two requests) and the answer reaches the output', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'GetDecisionReasons' }]));
      ctx.sim.server.clearRequests();
      ctx.sim.server.injectFault({ path: '/v2/GetDecisionReasons', status: 503, body: {} });
      const outcome = await send({});
      assert.ok(outcome.out, caughtText(outcome));
      assert.equal(callsTo('/v2/GetDecisionReasons'), 2);
      assert.equal(envelope(outcome.out).success, true);
    });
  });

  describe('failures inside HTTP 200 and sensitive values', () => {
    it('AddFundsTransfer: too little money → "Authorize Transaction Failure" (success false, HTTP 200) → Catch; sent once; no account number leaks', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'AddFundsTransfer' }]));
      ctx.sim.server.clearRequests();
      const outcome = await send({
        config: { LoginName: 'dgorczany', FromAccount: PAYROLL, ToAccount: CHECKING, Amount: 5000, Description: 'Too much', Authorize: true, keep: 'this' },
      });
      assert.match(caughtText(outcome), /Authorize Transaction Failure/);
      assert.equal(callsTo('/v2/AddFundsTransfer'), 1);
      assertNoSecrets(outcome, [PAYROLL, CHECKING], ['FromAccount', 'ToAccount']);
      assert.equal((outcome.caught?.config as Record<string, unknown>).keep, 'this', 'the rest of msg.config stays');
      assert.equal(balance(5005), 3100);
    });

    it('AddFundsTransfer: an account the user does not have is refused (400) without echoing the number', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'AddFundsTransfer' }]));
      const outcome = await send({ config: { LoginName: 'aavery', FromAccount: '1000000001', ToAccount: SAVINGS, Amount: 1, Description: 'x' } });
      assert.match(caughtText(outcome), /ToAccount is not an account of the user/);
      assertNoSecrets(outcome, ['1000000001', SAVINGS], ['FromAccount', 'ToAccount']);
    });

    it('a refusal before sending: the account numbers are not in msg.config at Catch', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'AddFundsTransfer' }]));
      const outcome = await send({ config: { LoginName: 'test2', FromAccount: CHECKING, ToAccount: SAVINGS, Amount: 'lots', Description: 'x' } });
      assert.match(caughtText(outcome), /Amount/);
      assertNoSecrets(outcome, [CHECKING, SAVINGS], ['FromAccount', 'ToAccount']);
    });

    it('StopPayment: on a loan account the authorization fails inside HTTP 200 (AUTH_FAILED) → Catch; the number never leaks', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'StopPayment' }]));
      const outcome = await send({ config: { SourceAccountNumber: '2000000004' } });
      assert.match(caughtText(outcome), /deposit accounts only/);
      assertNoSecrets(outcome, ['2000000004'], ['SourceAccountNumber']);
    });

    it('DecideSuspectGT: a wrong CSR password → 400 Catch, the password nowhere; a login without a password → Catch naming CSRPassword, nothing sent', async () => {
      await load(
        flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'DecideSuspectGT', TransactionID: '7002', Reason: 'Verified', Note: 'n', Authorize: true }]),
      );
      const wrong = 'not-the-csr-password';
      const outcome = await send({ config: { CSRLogin: DEMO_CSR.login, CSRPassword: wrong } });
      assert.match(caughtText(outcome), /Invalid CSR Credentials/);
      assertNoSecrets(outcome, [wrong], ['CSRPassword']);
      ctx.sim.server.clearRequests();
      assert.match(caughtText(await send({ config: { CSRLogin: DEMO_CSR.login } })), /CSRPassword is required with CSRLogin/);
      assert.equal(callsTo('/v2/DecideSuspectGT'), 0, 'refused by the node: nothing sent');
    });

    it('UpdateTransactionStatus: undocumented transitions, a stale current status and a Suspect decision without reason are refused', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'UpdateTransactionStatus', LogonName: 'test2' }]));
      const update = async (config: Record<string, unknown>): Promise<string> => caughtText(await send({ config }));
      assert.match(
        await update({ TransactionID: 7001, CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'Authorized' }),
        /Invalid Transaction Status/,
      );
      assert.match(await update({ TransactionID: 7001, CurrentTransactionStatus: 'Suspect', NewTransactionStatus: 'Processed' }), /Invalid Transaction Status/);
      assert.match(
        await update({ TransactionID: 7002, CurrentTransactionStatus: 'Suspect', NewTransactionStatus: 'Authorized' }),
        /CaseDecisionReasonID is required/,
      );
      assert.match(
        await update({
          TransactionID: 7002,
          CurrentTransactionStatus: 'Suspect',
          NewTransactionStatus: 'Authorized',
          CaseDecisionReasonID: 3,
          CaseDecisionNote: 'n',
        }),
        /Invalid CaseDecisionReasonID/,
        'a cancel reason cannot authorize',
      );
      assert.match(await update({ TransactionID: 7003, CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'Processed' }), /Drafted, not Authorized/);
      assert.match(
        await update({ LogonName: 'aavery', TransactionID: 7001, CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'Processed' }),
        /Transaction Not Found/,
        "another user's transaction",
      );
    });
  });

  describe('journeys across Q2 Transfers and Q2 Accounts', () => {
    it('transfer (authorized) → history of both accounts shows it → cancel → reversed, balances back → cancel again refused', async () => {
      await load(
        flowWith(ctx.sim.url, [
          { id: 'n1', type: TYPE, operation: 'AddFundsTransfer', LoginName: 'test2', Description: 'Move to savings', Authorize: true },
          { id: 'n2', type: 'q2-platform-accounts', operation: 'GetAccountHistory', login_name: 'test2', order_by: 'HistoryID', order_direction: 'DESC' },
          { id: 'n3', type: TYPE, operation: 'CancelGeneratedTransaction', LogonName: 'test2' },
          { id: 'n4', type: 'q2-platform-accounts', operation: 'GetAccountDetails', accounts: '5002,5003' },
        ]),
        { n1: { FromAccount: CHECKING, ToAccount: SAVINGS } },
      );
      const made = (await send({ config: { Amount: 250.25 } }, 'n1')).out;
      assert.ok(made);
      const id = envelope(made).data.TransactionID as number;
      assert.equal(envelope(made).data.Authorized, true);
      const latest = async (account: number): Promise<{ Amount: number; Description: string; TransactionID: number | null }> => {
        const out = (await send({ config: { host_account_id: account } }, 'n2')).out;
        assert.ok(out);
        return (envelope(out).data as { Transactions: Array<{ Amount: number; Description: string; TransactionID: number | null }> }).Transactions[0];
      };
      const debit = await latest(5002);
      assert.deepEqual([debit.Amount, debit.Description, debit.TransactionID], [-250.25, 'Move to savings', id]);
      const credit = await latest(5003);
      assert.deepEqual([credit.Amount, credit.TransactionID], [250.25, id]);
      const details = (await send({}, 'n4')).out;
      assert.ok(details);
      assert.equal((envelope(details).data as { RealtimeHADES: Record<string, { CurrentBalance: number }> }).RealtimeHADES['5002'].CurrentBalance, 17999.75);

      assert.ok((await send({ config: { TransactionID: id } }, 'n3')).out, 'cancelled');
      const reversal = await latest(5002);
      assert.deepEqual([reversal.Amount, reversal.Description, reversal.TransactionID], [250.25, 'Reversal: Move to savings', id]);
      assert.equal(balance(5002), 18250);
      assert.equal(balance(5003), 50000);
      assert.match(caughtText(await send({ config: { TransactionID: id } }, 'n3')), /A Cancelled transaction cannot be cancelled/);
    });

    it('a large transfer is held as Suspect → GetDecisionReasons → the CSR authorizes it → processed', async () => {
      await load(
        flowWith(ctx.sim.url, [
          { id: 'n1', type: TYPE, operation: 'AddFundsTransfer', LoginName: 'test2', Description: 'Big move', Authorize: true },
          { id: 'n2', type: TYPE, operation: 'GetDecisionReasons' },
          { id: 'n3', type: TYPE, operation: 'DecideSuspectGT', Note: 'Verified by phone', Authorize: true },
          { id: 'n4', type: TYPE, operation: 'UpdateTransactionStatus', LogonName: 'retail0' },
        ]),
        { n1: { FromAccount: CHECKING, ToAccount: SAVINGS }, n3: { CSRSessionToken: DEMO_CSR.sessionToken } },
      );
      const made = (await send({ config: { Amount: 12000 } }, 'n1')).out;
      assert.ok(made);
      const id = envelope(made).data.TransactionID as number;
      assert.equal(envelope(made).data.Authorized, false, 'held as Suspect');
      assert.equal(balance(5002), 18250, 'nothing moved yet');
      const reasons = (await send({}, 'n2')).out;
      assert.ok(reasons);
      const reason = (envelope(reasons).data as unknown as Array<{ Reason: string; IsAuthorize: boolean; Enabled: boolean }>).find(
        (r) => r.IsAuthorize && r.Enabled,
      );
      assert.ok(reason);
      const decided = (await send({ config: { TransactionID: id, Reason: reason.Reason } }, 'n3')).out;
      assert.ok(decided);
      assert.equal(envelope(decided).data.TransactionStatus, 'Authorized');
      assert.deepEqual([balance(5002), balance(5003)], [6250, 62000]);
      // decided once: a second decision finds it no longer suspect
      assert.match(caughtText(await send({ config: { TransactionID: id, Reason: reason.Reason } }, 'n3')), /Authorized, not Suspect/);
      const processed = (await send({ config: { TransactionID: id, CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'Processed' } }, 'n4')).out;
      assert.ok(processed);
      assert.equal(envelope(processed).data.TransactionStatus, 'Processed');
      // a host failure after processing is not a documented transition
      assert.match(
        caughtText(await send({ config: { TransactionID: id, CurrentTransactionStatus: 'Authorized', NewTransactionStatus: 'HostFailed' } }, 'n4')),
        /Processed, not Authorized/,
      );
    });
  });
});
