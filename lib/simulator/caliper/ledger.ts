/**
 * [OUR] simulator-only: the money state the Caliper areas "accounts" and "transfers" share — each host account's
 * transaction history (seeded for the seeded accounts), account nicknames, the generated transactions (funds
 * transfers and stop payments) and the case decision reasons. One ledger belongs to one PlatformState object: the
 * shared state is replaced on reset, so a fresh ledger (its seed) comes with it, and two simulators never share one.
 * Balances live in the shared accounts (`api.state.accounts`); a generated transaction moves them when it becomes
 * Authorized and moves them back when an authorized or processed one is cancelled or fails at the host.
 */
import type { Account, PlatformState } from '../platform-data';

/** One posted line of an account's history. Amount is signed: negative takes money out of the account. */
export interface HistoryEntry {
  HistoryID: number;
  HostAccountID: number;
  PostDate: string;
  Description: string;
  Amount: number;
  Type: 'Credit' | 'Debit';
  /** the generated transaction that posted it (null for seeded history) */
  TransactionID: number | null;
}

export type GtStatus = 'Drafted' | 'Authorized' | 'Suspect' | 'Processed' | 'HostFailed' | 'Cancelled';

export interface GeneratedTransaction {
  TransactionID: number;
  Type: 'FundsTransfer' | 'StopPayment';
  Status: GtStatus;
  /** the owning end user (null: a stop payment, which names no user) */
  UserID: number | null;
  FromAccountID: number;
  ToAccountID: number | null;
  Amount: number;
  Description: string;
  CreateDate: string;
  /** the balances were moved for it (and are moved back if it is cancelled or fails at the host) */
  moved: boolean;
}

export interface DecisionReason {
  CaseDecisionReasonID: number;
  Reason: string;
  Enabled: boolean;
  IsAuthorize: boolean;
  IsCancel: boolean;
  DateEffective: string;
}

export interface Ledger {
  history: HistoryEntry[];
  /** host account id → nickname */
  nicknames: Map<number, string>;
  transactions: GeneratedTransaction[];
  reasons: DecisionReason[];
}

/** Transfers of this amount or more, asked to be authorized, are held as Suspect for a CSR decision. */
export const SUSPECT_AMOUNT = 10_000;

/** The demo CSR of DecideSuspectGT (a login and password, or a session token). */
export const DEMO_CSR = { login: 'csr.demo', password: 'csr-demo-password', sessionToken: 'csr-demo-session-token' } as const;

const ledgers = new WeakMap<PlatformState, Ledger>();

/** The ledger of this shared state (seeded on first use). */
export function ledgerOf(state: PlatformState): Ledger {
  let ledger = ledgers.get(state);
  if (!ledger) {
    ledger = seedLedger(state);
    ledgers.set(state, ledger);
  }
  return ledger;
}

const SEED_LINES: ReadonlyArray<[string, string, number]> = [
  ['2026-01-02', 'Opening deposit', 500],
  ['2026-01-05', 'Card purchase: office supplies', -42.18],
  ['2026-01-09', 'Payroll credit', 1250],
  ['2026-01-15', 'Utility payment', -118.4],
  ['2026-01-21', 'ATM withdrawal', -60],
  ['2026-02-01', 'Interest', 1.27],
];

function seedLedger(state: PlatformState): Ledger {
  const history: HistoryEntry[] = [];
  for (const account of state.accounts) {
    for (const [PostDate, Description, Amount] of SEED_LINES) {
      history.push({
        HistoryID: history.length + 1,
        HostAccountID: account.AccountID,
        PostDate,
        Description,
        Amount,
        Type: Amount < 0 ? 'Debit' : 'Credit',
        TransactionID: null,
      });
    }
  }
  const gt = (
    TransactionID: number,
    Status: GtStatus,
    FromAccountID: number,
    ToAccountID: number,
    Amount: number,
    Description: string,
    moved: boolean,
  ): GeneratedTransaction => ({
    TransactionID,
    Type: 'FundsTransfer',
    Status,
    UserID: 2,
    FromAccountID,
    ToAccountID,
    Amount,
    Description,
    CreateDate: '2026-02-02T10:00:00+00:00',
    moved,
  });
  return {
    history,
    nicknames: new Map(),
    // user 2 (login test2 / retail0), from Business Checking 5002 (all access) to Business Savings 5003 (view and
    // deposit only); the seed balances already include the authorized one
    transactions: [
      gt(7001, 'Authorized', 5002, 5003, 250, 'Monthly savings', true),
      gt(7002, 'Suspect', 5002, 5003, 15_000, 'Equipment deposit', false),
      gt(7003, 'Drafted', 5002, 5003, 100, 'Petty cash', false),
      gt(7004, 'Suspect', 5002, 5003, 12_500, 'Quarterly reserve', false),
    ],
    reasons: [
      { CaseDecisionReasonID: 1, Reason: 'Verified', Enabled: true, IsAuthorize: true, IsCancel: false, DateEffective: '2024-01-01T00:00:00' },
      { CaseDecisionReasonID: 2, Reason: 'KnownPayee', Enabled: true, IsAuthorize: true, IsCancel: false, DateEffective: '2024-01-01T00:00:00' },
      { CaseDecisionReasonID: 3, Reason: 'Fraud', Enabled: true, IsAuthorize: false, IsCancel: true, DateEffective: '2024-01-01T00:00:00' },
      { CaseDecisionReasonID: 4, Reason: 'CustomerRequest', Enabled: true, IsAuthorize: false, IsCancel: true, DateEffective: '2024-01-01T00:00:00' },
      { CaseDecisionReasonID: 5, Reason: 'Legacy', Enabled: false, IsAuthorize: true, IsCancel: true, DateEffective: '2020-01-01T00:00:00' },
    ],
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** Money out of (sign -1) or into (+1) an account: a loan's balance is what is owed, so a deposit lowers it. */
function post(ledger: Ledger, account: Account, sign: 1 | -1, amount: number, description: string, transactionId: number): void {
  const delta = account.AccountType === 'Loan' ? -sign * amount : sign * amount;
  account.Balance = round(account.Balance + delta);
  account.AvailableBalance = round(account.AvailableBalance + delta);
  const Amount = round(sign * amount);
  ledger.history.push({
    HistoryID: ledger.history.reduce((m, h) => Math.max(m, h.HistoryID), 0) + 1,
    HostAccountID: account.AccountID,
    PostDate: new Date().toISOString().slice(0, 10),
    Description: description,
    Amount,
    Type: Amount < 0 ? 'Debit' : 'Credit',
    TransactionID: transactionId,
  });
}

/** Whether the source account can fund the transaction now. */
export function canFund(state: PlatformState, gt: GeneratedTransaction): boolean {
  const from = state.accounts.find((a) => a.AccountID === gt.FromAccountID);
  return from !== undefined && from.AccountType === 'Deposit' && from.AvailableBalance >= gt.Amount;
}

/** Moves the money of an authorized funds transfer (once). */
export function moveMoney(state: PlatformState, ledger: Ledger, gt: GeneratedTransaction): void {
  if (gt.moved || gt.Type !== 'FundsTransfer' || gt.ToAccountID === null) return;
  const from = state.accounts.find((a) => a.AccountID === gt.FromAccountID);
  const to = state.accounts.find((a) => a.AccountID === gt.ToAccountID);
  if (!from || !to) return;
  post(ledger, from, -1, gt.Amount, gt.Description, gt.TransactionID);
  post(ledger, to, 1, gt.Amount, gt.Description, gt.TransactionID);
  gt.moved = true;
}

/** Moves the money of a transfer back (cancelled or failed at the host after it moved). */
export function reverseMoney(state: PlatformState, ledger: Ledger, gt: GeneratedTransaction): void {
  if (!gt.moved || gt.ToAccountID === null) return;
  const from = state.accounts.find((a) => a.AccountID === gt.FromAccountID);
  const to = state.accounts.find((a) => a.AccountID === gt.ToAccountID);
  if (from) post(ledger, from, 1, gt.Amount, `Reversal: ${gt.Description}`, gt.TransactionID);
  if (to) post(ledger, to, -1, gt.Amount, `Reversal: ${gt.Description}`, gt.TransactionID);
  gt.moved = false;
}

/** The accounts a user may see: the customer's shared accounts and the user's own. */
export function visibleTo(state: PlatformState, userId: number, customerId: number): Account[] {
  return state.accounts.filter((a) => a.CustomerID === customerId && (a.UserID === null || a.UserID === userId));
}
