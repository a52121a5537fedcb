/**
 * Caliper area "transfers" (CALIPER §4 I, rows 62–67): generated transactions (GTs) that move money between the
 * shared accounts.
 *  - AddFundsTransfer: a transfer between two accounts of the login's user, by full account number (the source needs
 *    withdrawal access, the target deposit access). Drafted unless `Authorize`; authorized, it moves the balances and
 *    posts to both accounts' history; with too little available in the source it stays Drafted and the answer is
 *    "Authorize Transaction Failure" inside HTTP 200 (success false). [OUR] an authorized transfer of 10,000 or more
 *    is held as Suspect (not authorized, nothing moved) for a CSR decision.
 *  - StopPayment: a stop payment GT on a deposit account (by host account id or account number); on a loan account the
 *    authorization fails inside HTTP 200 (code `AUTH_FAILED`). ⚠ the check fields are not documented: any other body
 *    fields are accepted and not interpreted.
 *  - CancelGeneratedTransaction: Drafted, Authorized or Processed → Cancelled (money moved back).
 *  - UpdateTransactionStatus: Authorized → Processed | HostFailed | Cancelled; Suspect → Authorized | Cancelled (with
 *    CaseDecisionReasonID and CaseDecisionNote); anything else is refused as an invalid status.
 *  - DecideSuspectGT: a CSR (login + password, or session token; the demo CSR is in ledger.ts) authorizes or cancels
 *    a Suspect GT with a decision reason whose kind matches.
 *  - GetDecisionReasons: the reasons.
 * State: the ledger shared with the accounts area (ledger.ts), restored with the shared state on reset.
 */
import { parseCents, type Body } from '../kit';
import type { Account, User } from '../platform-data';
import type { CaliperApi, CaliperArea } from './api';
import {
  canFund,
  DEMO_CSR,
  ledgerOf,
  moveMoney,
  reverseMoney,
  SUSPECT_AMOUNT,
  visibleTo,
  type GeneratedTransaction,
  type GtStatus,
  type Ledger,
} from './ledger';

const DEPOSIT = 1;
const WITHDRAWAL = 4;

/** The documented transitions of UpdateTransactionStatus. */
const TRANSITIONS: Record<string, readonly GtStatus[]> = {
  Authorized: ['Processed', 'HostFailed', 'Cancelled'],
  Suspect: ['Authorized', 'Cancelled'],
};

export function transfersArea(api: CaliperApi): CaliperArea {
  const ledger = (): Ledger => ledgerOf(api.state);

  const user = (body: Body, key: string): User => {
    const found = api.userByLogon(String(body[key]));
    if (!found) return api.fail(404, 'User Not Found');
    return found;
  };

  const transactionId = (body: Body): number => {
    const id = api.id(body.TransactionID);
    if (id === undefined) return api.invalid('Invalid TransactionID');
    return id;
  };

  /** The user's GT (404 for another user's or an unknown one). */
  const ownTransaction = (owner: User, id: number): GeneratedTransaction => {
    const gt = ledger().transactions.find((t) => t.TransactionID === id);
    if (!gt || (gt.UserID !== null && gt.UserID !== owner.UserID)) return api.fail(404, 'Transaction Not Found');
    return gt;
  };

  /** An account of the user by its full number, with the access needed (never echoes the number). */
  const accountByNumber = (owner: User, body: Body, key: string, access: number): Account => {
    const value = body[key];
    const found = visibleTo(api.state, owner.UserID, owner.CustomerID).find((a) => a.AccountNumber === String(value));
    if (!found) return api.invalid(`${key} is not an account of the user`);
    if ((found.AccessLevel & access) !== access) return api.invalid(`${key} does not allow ${access === DEPOSIT ? 'deposits' : 'withdrawals'}`);
    return found;
  };

  const failedAuthorization = (gt: GeneratedTransaction) =>
    api.okFailure({ TransactionID: gt.TransactionID, Authorized: false }, [{ code: 4001, message: 'Authorize Transaction Failure' }]);

  /** Authorizes a GT: funds checked, money moved; undefined when it worked, else the failure answer. */
  const authorize = (gt: GeneratedTransaction) => {
    if (!canFund(api.state, gt)) return failedAuthorization(gt);
    gt.Status = 'Authorized';
    moveMoney(api.state, ledger(), gt);
    return undefined;
  };

  const cancel = (gt: GeneratedTransaction, status: 'Cancelled' | 'HostFailed' = 'Cancelled'): void => {
    reverseMoney(api.state, ledger(), gt);
    gt.Status = status;
  };

  const answer = (gt: GeneratedTransaction) => api.ok({ TransactionID: gt.TransactionID, TransactionStatus: gt.Status });

  return {
    routes: [
      {
        method: 'POST',
        path: '/AddFundsTransfer',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LoginName', 'ToAccount', 'FromAccount', 'Amount', 'Description']);
          if (body.Authorize !== undefined && typeof body.Authorize !== 'boolean') return api.invalid('Authorize must be a boolean');
          const cents = parseCents(body.Amount);
          if (cents === undefined || cents === 0) return api.invalid('Amount must be a positive amount with at most two decimals');
          if (typeof body.Description !== 'string') return api.invalid('Description must be text');
          const owner = user(body, 'LoginName');
          const from = accountByNumber(owner, body, 'FromAccount', WITHDRAWAL);
          const to = accountByNumber(owner, body, 'ToAccount', DEPOSIT);
          if (from.AccountID === to.AccountID) return api.invalid('FromAccount and ToAccount must differ');
          const { transactions } = ledger();
          const gt: GeneratedTransaction = {
            TransactionID: transactions.reduce((m, t) => Math.max(m, t.TransactionID), 7000) + 1,
            Type: 'FundsTransfer',
            Status: 'Drafted',
            UserID: owner.UserID,
            FromAccountID: from.AccountID,
            ToAccountID: to.AccountID,
            Amount: cents / 100,
            Description: body.Description,
            CreateDate: new Date().toISOString(),
            moved: false,
          };
          transactions.push(gt);
          if (body.Authorize === true) {
            if (gt.Amount >= SUSPECT_AMOUNT) gt.Status = 'Suspect';
            else {
              const failure = authorize(gt);
              if (failure) return failure;
            }
          }
          return api.ok({ TransactionID: gt.TransactionID, Authorized: gt.Status === 'Authorized' });
        },
      },
      {
        method: 'POST',
        path: '/StopPayment',
        handler: (req) => {
          const body = api.body(req);
          const source = api.exactlyOne(body, ['SourceHostAccountID', 'SourceAccountNumber']);
          let account: Account | undefined;
          if (source.key === 'SourceHostAccountID') {
            const id = api.id(source.value);
            if (id === undefined) return api.invalid('Invalid SourceHostAccountID');
            account = api.state.accounts.find((a) => a.AccountID === id);
          } else {
            account = api.state.accounts.find((a) => a.AccountNumber === String(source.value));
          }
          if (!account) return api.fail(404, 'Account Not Found');
          const { transactions } = ledger();
          const gt: GeneratedTransaction = {
            TransactionID: transactions.reduce((m, t) => Math.max(m, t.TransactionID), 7000) + 1,
            Type: 'StopPayment',
            Status: account.AccountType === 'Deposit' ? 'Authorized' : 'Drafted',
            UserID: null,
            FromAccountID: account.AccountID,
            ToAccountID: null,
            Amount: 0,
            Description: 'Stop payment',
            CreateDate: new Date().toISOString(),
            moved: false,
          };
          transactions.push(gt);
          if (gt.Status !== 'Authorized') {
            return api.okFailure({ TransactionID: gt.TransactionID, Authorized: false }, [
              { code: 'AUTH_FAILED', message: 'Stop payments apply to deposit accounts only' },
            ]);
          }
          return api.ok({ TransactionID: gt.TransactionID, Authorized: true });
        },
      },
      {
        method: 'PUT',
        path: '/CancelGeneratedTransaction',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LogonName', 'TransactionID']);
          const id = transactionId(body);
          const gt = ownTransaction(user(body, 'LogonName'), id);
          if (!['Drafted', 'Authorized', 'Processed'].includes(gt.Status)) return api.invalid(`A ${gt.Status} transaction cannot be cancelled`);
          cancel(gt);
          return api.ok({});
        },
      },
      {
        method: 'PUT',
        path: '/UpdateTransactionStatus',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LogonName', 'TransactionID', 'CurrentTransactionStatus', 'NewTransactionStatus']);
          const id = transactionId(body);
          const current = String(body.CurrentTransactionStatus);
          const next = String(body.NewTransactionStatus) as GtStatus;
          if (!(current in TRANSITIONS) || !TRANSITIONS[current].includes(next)) return api.invalid('Invalid Transaction Status');
          const ledgerNow = ledger();
          if (current === 'Suspect') {
            api.required(body, ['CaseDecisionReasonID', 'CaseDecisionNote']);
            const reasonId = api.id(body.CaseDecisionReasonID);
            const reason = ledgerNow.reasons.find((r) => r.CaseDecisionReasonID === reasonId && r.Enabled);
            if (!reason || (next === 'Authorized' ? !reason.IsAuthorize : !reason.IsCancel)) return api.invalid('Invalid CaseDecisionReasonID');
          }
          const gt = ownTransaction(user(body, 'LogonName'), id);
          if (gt.Status !== current) return api.fail(409, `The transaction is ${gt.Status}, not ${current}`);
          if (next === 'Authorized') {
            const failure = authorize(gt);
            if (failure) return failure;
          } else if (next === 'Cancelled' || next === 'HostFailed') cancel(gt, next);
          else gt.Status = next;
          return answer(gt);
        },
      },
      {
        method: 'PUT',
        path: '/DecideSuspectGT',
        handler: (req) => {
          const body = api.body(req);
          const csr = api.exactlyOne(body, ['CSRLogin', 'CSRSessionToken']);
          if (csr.key === 'CSRLogin') api.required(body, ['CSRPassword']);
          api.required(body, ['TransactionID', 'Reason', 'Note', 'Authorize']);
          const id = transactionId(body);
          if (typeof body.Authorize !== 'boolean') return api.invalid('Authorize must be a boolean');
          const known =
            csr.key === 'CSRLogin'
              ? body.CSRLogin === DEMO_CSR.login && body.CSRPassword === DEMO_CSR.password
              : body.CSRSessionToken === DEMO_CSR.sessionToken;
          if (!known) return api.invalid('Invalid CSR Credentials');
          const reason = ledger().reasons.find((r) => r.Enabled && r.Reason.toLowerCase() === String(body.Reason).toLowerCase());
          if (!reason || (body.Authorize ? !reason.IsAuthorize : !reason.IsCancel)) return api.invalid('Invalid Reason');
          const gt = ledger().transactions.find((t) => t.TransactionID === id);
          if (!gt) return api.fail(404, 'Transaction Not Found');
          if (gt.Status !== 'Suspect') return api.fail(409, `The transaction is ${gt.Status}, not Suspect`);
          if (body.Authorize) {
            const failure = authorize(gt);
            if (failure) return failure;
          } else cancel(gt);
          return answer(gt);
        },
      },
      {
        method: 'GET',
        path: '/GetDecisionReasons',
        handler: () => api.ok(ledger().reasons.map((r) => ({ ...r }))),
      },
    ],
  };
}
