/**
 * Caliper area "accounts" (q2-platform-accounts): GetAccountDetails (a comma list in the query), GetAccountHistory
 * (path id, query sort, paging and dates in request headers) and ChangeAccountNickname (exactly one of LoginName /
 * UserID; ⚠ HostAccountID and Nickname are the pack's names).
 */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-accounts';

interface Envelope {
  success: boolean;
  data: Record<string, unknown>;
  errors: Array<{ code: number; message: string }>;
}
const envelope = (msg: Msg): Envelope => msg.payload as unknown as Envelope;
interface History {
  HostAccountID: number;
  TotalCount: number;
  PageNumber: number;
  PageSize: number;
  Transactions: Array<{ Amount: number; PostDate: string; Description: string; TransactionID: number | null }>;
}
const history = (msg: Msg): History => envelope(msg).data as unknown as History;
const caughtText = (o: Outcome): string => (o.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';

describe('Caliper: Q2 Accounts (q2-platform-accounts) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'GetAccountDetails',
      title: 'the host account ids as one comma list in the accounts query; the HADEs per account',
      config: { accounts: '5002,5003' },
      expect: { method: 'GET', path: '/v2/GetAccountDetails', query: { accounts: '5002,5003' } },
      check: (out) => {
        const data = envelope(out).data as { RealtimeHADES: Record<string, { AvailableBalance: number }>; BatchHADES: Record<string, { ProductName: string }> };
        assert.equal(data.BatchHADES['5002'].ProductName, 'Business Checking');
        assert.equal(data.RealtimeHADES['5003'].AvailableBalance, 50000);
      },
    },
    {
      operation: 'GetAccountDetails',
      title: 'an array in msg.config is sent as the comma list; an unknown account is "Success With Failures"',
      node: { accounts: '1' },
      config: { accounts: ['5001', '9999'] },
      expect: { method: 'GET', path: '/v2/GetAccountDetails', query: { accounts: '5001,9999' } },
      check: (out) => {
        assert.equal(envelope(out).success, true);
        assert.match(envelope(out).errors[0].message, /No Hades Found/);
      },
    },
    {
      operation: 'GetAccountHistory',
      title: 'id in the path, sort in the query, paging and dates as the PageSize/PageNumber/FromDate/ToDate headers',
      node: { host_account_id: '5002', login_name: 'test2', order_by: 'Amount', order_direction: 'ASC' },
      config: { PageSize: 2, PageNumber: '2', FromDate: '2026-01-01', ToDate: '2026-01-31' },
      expect: {
        method: 'GET',
        path: '/v2/GetAccountHistory/5002',
        query: { login_name: 'test2', order_by: 'Amount', order_direction: 'ASC' },
        headers: { pagesize: '2', pagenumber: '2', fromdate: '2026-01-01', todate: '2026-01-31' },
      },
      check: (out) => {
        const h = history(out);
        assert.equal(h.TotalCount, 5, 'five January lines');
        assert.deepEqual(
          h.Transactions.map((t) => t.Amount),
          [-42.18, 500],
          'the second page of two, by amount ascending',
        );
      },
    },
    {
      operation: 'GetAccountHistory',
      title: 'everything from msg.config (a numeric id); no paging headers sent when blank; newest first',
      config: { host_account_id: 5003, login_name: 'retail0' },
      expect: { method: 'GET', path: '/v2/GetAccountHistory/5003', query: { login_name: 'retail0' } },
      check: (out, call) => {
        assert.equal(call.headers.pagesize, undefined);
        assert.equal(history(out).Transactions.length, 6);
        assert.equal(history(out).Transactions[0].PostDate, '2026-02-01', 'newest first by default');
      },
    },
    {
      operation: 'ChangeAccountNickname',
      title: 'PUT with LoginName, HostAccountID (a number) and Nickname in the JSON body',
      config: { LoginName: 'test2', HostAccountID: '5002', Nickname: 'Operating' },
      expect: { method: 'PUT', path: '/v2/ChangeAccountNickname', body: { LoginName: 'test2', HostAccountID: 5002, Nickname: 'Operating' } },
      check: (out) => assert.deepEqual(envelope(out).data, {}),
    },
    {
      operation: 'ChangeAccountNickname',
      title: 'the user by UserID from the node',
      node: { UserID: '4', HostAccountID: '5005', Nickname: 'Payroll' },
      expect: { method: 'PUT', path: '/v2/ChangeAccountNickname', body: { UserID: 4, HostAccountID: 5005, Nickname: 'Payroll' } },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'GetAccountDetails', title: 'no accounts', error: /accounts is required/ },
    { operation: 'GetAccountDetails', title: 'a list with spaces', config: { accounts: '5001, 5002' }, error: /msg\.config\.accounts/ },
    {
      operation: 'GetAccountHistory',
      title: 'a host account id that is not an id',
      config: { host_account_id: 'abc', login_name: 'test2' },
      error: /msg\.config\.host_account_id/,
    },
    { operation: 'GetAccountHistory', title: 'no login name', config: { host_account_id: 5002 }, error: /login_name is required/ },
    {
      operation: 'GetAccountHistory',
      title: 'an order direction that is not ASC or DESC',
      config: { host_account_id: 5002, login_name: 'test2', order_direction: 'UP' },
      error: /msg\.config\.order_direction must be one of ASC, DESC/,
    },
    {
      operation: 'GetAccountHistory',
      title: 'a page size that is not an id',
      config: { host_account_id: 5002, login_name: 'test2', PageSize: 'abc' },
      error: /msg\.config\.PageSize/,
    },
    {
      operation: 'ChangeAccountNickname',
      title: 'both LoginName and UserID',
      config: { LoginName: 'test2', UserID: 2, HostAccountID: 5002, Nickname: 'x' },
      error: /only one of msg\.config\.LoginName, msg\.config\.UserID/,
    },
    { operation: 'ChangeAccountNickname', title: 'neither LoginName nor UserID', config: { HostAccountID: 5002, Nickname: 'x' }, error: /LoginName/ },
    { operation: 'ChangeAccountNickname', title: 'no nickname', config: { LoginName: 'test2', HostAccountID: 5002 }, error: /Nickname is required/ },
    {
      operation: 'ChangeAccountNickname',
      title: 'a UserID that is not an id',
      config: { UserID: 'abc', HostAccountID: 5002, Nickname: 'x' },
      error: /msg\.config\.UserID/,
    },
  ]);

  it('journey: change a nickname → the details show it → change it again → read back; another user cannot rename it', async () => {
    await load(
      flowWith(ctx.sim.url, [
        { id: 'n1', type: TYPE, operation: 'ChangeAccountNickname' },
        { id: 'n2', type: TYPE, operation: 'GetAccountDetails', accounts: '5003' },
      ]),
    );
    const nickname = async (): Promise<unknown> => {
      const out = (await send({}, 'n2')).out;
      assert.ok(out);
      return (envelope(out).data as { BatchHADES: Record<string, { Nickname: unknown }> }).BatchHADES['5003'].Nickname;
    };
    assert.equal(await nickname(), null);
    assert.ok((await send({ config: { LoginName: 'test2', HostAccountID: 5003, Nickname: 'Rainy day' } }, 'n1')).out);
    assert.equal(await nickname(), 'Rainy day');
    assert.ok((await send({ config: { UserID: 2, HostAccountID: 5003, Nickname: 'Reserve' } }, 'n1')).out);
    assert.equal(await nickname(), 'Reserve');
    // user 1 (aavery) does not see account 5003; an unknown login is an invalid end user identifier (400)
    assert.match(caughtText(await send({ config: { LoginName: 'aavery', HostAccountID: 5003, Nickname: 'Mine' } }, 'n1')), /Account Not Found/);
    assert.match(caughtText(await send({ config: { LoginName: 'nobody', HostAccountID: 5003, Nickname: 'Mine' } }, 'n1')), /Invalid End User Identifier/);
    assert.equal(await nickname(), 'Reserve');
  });

  it('history: the pages do not overlap and add up; dates filter; an account the login cannot see is 404; sent once each', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'GetAccountHistory', host_account_id: '5001', login_name: 'aavery', PageSize: '4' }]));
    const page = async (n: number): Promise<History> => {
      const out = (await send({ config: { PageNumber: n } })).out;
      assert.ok(out);
      return history(out);
    };
    const [one, two, three] = [await page(1), await page(2), await page(3)];
    assert.deepEqual([one.Transactions.length, two.Transactions.length, three.Transactions.length], [4, 2, 0]);
    assert.equal(new Set([...one.Transactions, ...two.Transactions].map((t) => `${t.PostDate} ${t.Description}`)).size, 6);
    const feb = (await send({ config: { FromDate: '2026-02-01' } })).out;
    assert.ok(feb);
    assert.deepEqual(
      history(feb).Transactions.map((t) => t.Description),
      ['Interest'],
    );
    ctx.sim.server.clearRequests();
    const hidden = await send({ config: { host_account_id: 5002 } });
    assert.match(caughtText(hidden), /Account Not Found/);
    assert.equal(apiCalls(ctx).length, 1, 'a read refused with 404 is not retried');
  });

  it('a simulator reset restores the seed: nicknames and the history a transfer posted are gone', async () => {
    await load(
      flowWith(ctx.sim.url, [
        { id: 'n1', type: TYPE, operation: 'ChangeAccountNickname', LoginName: 'test2', HostAccountID: '5002', Nickname: 'Temp' },
        { id: 'n2', type: 'q2-platform-transfers', operation: 'AddFundsTransfer', LoginName: 'test2', Amount: '1', Description: 'Seed check', Authorize: true },
        { id: 'n3', type: TYPE, operation: 'GetAccountDetails', accounts: '5002' },
        { id: 'n4', type: TYPE, operation: 'GetAccountHistory', host_account_id: '5002', login_name: 'test2' },
      ]),
      { n2: { FromAccount: '2000000002', ToAccount: '2000000003' } },
    );
    assert.ok((await send({}, 'n1')).out);
    assert.ok((await send({}, 'n2')).out);
    ctx.sim.server.reset();
    const out = (await send({}, 'n3')).out;
    assert.ok(out);
    const data = envelope(out).data as { BatchHADES: Record<string, { Nickname: unknown }>; RealtimeHADES: Record<string, { CurrentBalance: number }> };
    assert.equal(data.BatchHADES['5002'].Nickname, null);
    assert.equal(data.RealtimeHADES['5002'].CurrentBalance, 18250);
    const lines = (await send({}, 'n4')).out;
    assert.ok(lines);
    assert.equal(history(lines).TotalCount, 6, 'the seeded history only');
  });
});
