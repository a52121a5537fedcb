/**
 * Caliper area "accounts" (CALIPER §4 H): GetAccountDetails (host account data elements of a comma list of host
 * account ids), GetAccountHistory (an account's posted history, as one login name sees it: sorted by the
 * `order_by`/`order_direction` query, filtered by the `FromDate`/`ToDate` headers and paged by the `PageSize`/
 * `PageNumber` headers) and ChangeAccountNickname (⚠ its account and nickname fields are not documented: the
 * simulator takes `HostAccountID` and `Nickname`, as the node does). Accounts are the shared ones
 * (`api.state.accounts`); history and nicknames are in the money ledger (ledger.ts), shared with the transfers
 * area, so a funds transfer shows in the history of both accounts. [OUR] the inner shapes of the HADEs and of the
 * history are not documented (⚠): these are the simulator's.
 */
import type { Body } from '../kit';
import type { Account } from '../platform-data';
import type { CaliperApi, CaliperArea } from './api';
import { ledgerOf, visibleTo, type HistoryEntry } from './ledger';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ORDER_COLUMNS: Record<string, keyof HistoryEntry> = {
  postdate: 'PostDate',
  amount: 'Amount',
  description: 'Description',
  historyid: 'HistoryID',
};
const MAX_PAGE_SIZE = 500;

/** The last four digits only (the account number is never answered in full here). */
const masked = (number: string): string => `${'*'.repeat(Math.max(0, number.length - 4))}${number.slice(-4)}`;

export function accountsArea(api: CaliperApi): CaliperArea {
  const account = (id: number): Account | undefined => api.state.accounts.find((a) => a.AccountID === id);

  /** A positive integer header (PageSize, PageNumber) or the default. */
  const pageHeader = (value: string | undefined, name: string, fallback: number): number => {
    if (value === undefined || value === '') return fallback;
    const n = api.id(value);
    if (n === undefined) return api.invalid(`${name} must be a positive integer`);
    return n;
  };

  return {
    routes: [
      {
        method: 'GET',
        path: '/GetAccountDetails',
        handler: (req) => {
          const raw = (req.query.accounts ?? '').trim();
          if (raw === '') return api.invalid('No Accounts Provided');
          const ids = raw.split(',').map((s) => api.id(s.trim()));
          if (ids.some((id) => id === undefined)) return api.invalid('Invalid Accounts Provided');
          const realtime: Record<string, unknown> = {};
          const batch: Record<string, unknown> = {};
          const missing: number[] = [];
          const ledger = ledgerOf(api.state);
          for (const id of new Set(ids as number[])) {
            const a = account(id);
            if (!a) {
              missing.push(id);
              continue;
            }
            realtime[id] = { AvailableBalance: a.AvailableBalance, CurrentBalance: a.Balance, AsOf: new Date().toISOString() };
            batch[id] = {
              AccountNumberMasked: masked(a.AccountNumber),
              AccountType: a.AccountType,
              ProductName: a.ProductName,
              CurrencyCode: a.CurrencyCode,
              Nickname: ledger.nicknames.get(id) ?? null,
            };
          }
          const data = { RealtimeHADES: realtime, BatchHADES: batch };
          if (missing.length === 0) return api.ok(data);
          if (Object.keys(batch).length === 0) return api.ok(data, [{ code: 404, message: 'No Hades Found' }]);
          // "Success With Failures"
          return api.ok(
            data,
            missing.map((id) => ({ code: 404, message: `No Hades Found for host account ${id}` })),
          );
        },
      },
      {
        method: 'GET',
        path: '/GetAccountHistory/:host_account_id',
        handler: (req, params) => {
          const id = api.id(decodeURIComponent(params.host_account_id));
          if (id === undefined) return api.invalid('Invalid host_account_id');
          const login = req.query.login_name;
          if (login === undefined || login.trim() === '') return api.invalid('login_name is required');
          const direction = req.query.order_direction ?? 'DESC';
          if (direction !== 'ASC' && direction !== 'DESC') return api.invalid('order_direction must be ASC or DESC');
          const column = ORDER_COLUMNS[(req.query.order_by ?? 'PostDate').toLowerCase()];
          if (!column) return api.invalid(`order_by must be one of ${Object.values(ORDER_COLUMNS).join(', ')}`);
          const size = pageHeader(req.headers.pagesize, 'PageSize', 25);
          if (size > MAX_PAGE_SIZE) return api.invalid(`PageSize must be at most ${MAX_PAGE_SIZE}`);
          const page = pageHeader(req.headers.pagenumber, 'PageNumber', 1);
          const from = req.headers.fromdate;
          const to = req.headers.todate;
          for (const [name, value] of [
            ['FromDate', from],
            ['ToDate', to],
          ] as const) {
            if (value !== undefined && value !== '' && !DATE.test(value)) api.invalid(`${name} must be a date (YYYY-MM-DD)`);
          }
          const user = api.userByLogon(login);
          if (!user) return api.fail(404, 'User Not Found');
          if (!visibleTo(api.state, user.UserID, user.CustomerID).some((a) => a.AccountID === id)) return api.fail(404, 'Account Not Found');
          const sign = direction === 'ASC' ? 1 : -1;
          const lines = ledgerOf(api.state)
            .history.filter((h) => h.HostAccountID === id && (!from || h.PostDate >= from) && (!to || h.PostDate <= to))
            .sort((a, b) => {
              const x = a[column] ?? 0;
              const y = b[column] ?? 0;
              return (x < y ? -1 : x > y ? 1 : a.HistoryID - b.HistoryID) * sign;
            });
          return api.ok({
            HostAccountID: id,
            TotalCount: lines.length,
            PageNumber: page,
            PageSize: size,
            Transactions: lines.slice((page - 1) * size, page * size).map(({ HostAccountID: _omit, ...line }) => line),
          });
        },
      },
      {
        method: 'PUT',
        path: '/ChangeAccountNickname',
        handler: (req) => {
          const body: Body = api.body(req);
          const who = api.exactlyOne(body, ['LoginName', 'UserID']);
          api.required(body, ['HostAccountID', 'Nickname']);
          const id = api.id(body.HostAccountID);
          if (id === undefined) return api.invalid('Invalid HostAccountID');
          if (typeof body.Nickname !== 'string' || body.Nickname.length > 64) return api.invalid('Nickname must be text of at most 64 characters');
          const userId = who.key === 'UserID' ? api.id(who.value) : undefined;
          const user = who.key === 'UserID' ? (userId === undefined ? undefined : api.activeUser(userId)) : api.userByLogon(String(who.value));
          if (!user) return api.invalid('Invalid End User Identifier');
          if (!visibleTo(api.state, user.UserID, user.CustomerID).some((a) => a.AccountID === id)) return api.fail(404, 'Account Not Found');
          const nickname = body.Nickname.trim();
          const { nicknames } = ledgerOf(api.state);
          if (nickname === '') nicknames.delete(id);
          else nicknames.set(id, nickname);
          return api.ok({});
        },
      },
    ],
  };
}
