/**
 * Caliper area "ach" (CALIPER §4 68–75): ACH recipients, payments and micro-deposits, kept per user (every logon of
 * a user sees the same ones; the logon names come from the shared state through `api.userByLogon`).
 *
 * - `ACH/CreateRecipient/` stores a recipient with its accounts and answers `{recipientID}`; `ACH/GetRecipients`
 *   lists them in the documented shape (booleans as strings). The seed user 2 (logons `test2`, `retail0`) has a
 *   recipient (101, "Acme Supplies"), a Drafted payment to it (9001) and a Pending micro-deposit (1).
 * - `ACH/MakePayment` drafts a payment to one of the user's recipients from one of the user's deposit accounts with
 *   withdrawal access, and answers `{PaymentID, Status: "Drafted"}` ([OUR]: the response is not captured ⚠).
 *   `ACH/GetPayment/{paymentid}` answers `{Transaction: {…}}`, or `success:false` with `data: {}` inside HTTP 200
 *   for a payment the logon does not have. `ACH/AuthorizePayment/{paymentid}` (a GET that changes state) moves a
 *   Drafted payment to Authorized and answers `{Transaction: <id>}`; anything else (unknown, not the logon's, already
 *   authorized) is `success:false`, `errors: ["Failed Authorization"]` inside HTTP 200.
 * - `MicroDeposit/Create` takes the bare array `[{Account: {ABA, Account, AccountType, LogonName | UserID}}]` and sends
 *   two random amounts (0.01–0.99, different) to each account; per-account failures come back as E-acct inside
 *   HTTP 200. `MicroDeposit/Get` lists the user's micro-deposits (never their amounts) or
 *   `[{Success: false, Message: "No Results Found"}]`. `MicroDeposit/Verify` reads `MicroDepositID`, `Amount1` and
 *   `Amount2` from the request headers: the right amounts (in either order) → Verified; wrong ones → Status
 *   "Failed" with the attempts counted (success:true, ⚠ [OUR]); the third wrong attempt → Locked; a locked one →
 *   `success:false` inside HTTP 200.
 *
 * The amounts are never in an answer: tests read them with `microDepositAmounts(sim.platform.state, id)`.
 * Messages never echo account or routing numbers.
 */
import { randomInt } from 'node:crypto';
import type { RecordedRequest } from '../server';
import type { Body } from '../kit';
import type { PlatformState, User } from '../platform-data';
import type { CaliperApi, CaliperArea } from './api';

/** [OUR] account type ids of ACH recipient accounts. */
const ACCOUNT_TYPE_IDS: Record<string, number> = { Checking: 1, Savings: 2 };
/** [OUR] ACH class code ids: PPD (consumer) and CCD (corporate). */
const ACH_CLASS = { PPD: 1, CCD: 2 };
/** Wrong verification attempts before a micro-deposit is locked. */
export const MICRO_DEPOSIT_ATTEMPTS = 3;
/** [OUR] micro-deposit statuses. */
const STATUS = {
  pending: { id: 1, short: 'Pending', description: 'Awaiting verification' },
  verified: { id: 2, short: 'Verified', description: 'Micro deposits verified' },
  locked: { id: 3, short: 'Locked', description: `Locked after ${MICRO_DEPOSIT_ATTEMPTS} failed attempts` },
} as const;

interface RecipientAccount {
  AccountID: number;
  AccountNumber: string;
  ABA: string;
  AccountType: 'Checking' | 'Savings';
}

interface Recipient {
  RecipientID: number;
  UserID: number;
  CustomerID: number;
  DisplayName: string;
  EmailAddress: string;
  AlwaysSendEmail: boolean;
  IsCcd: boolean;
  AchName: string;
  Accounts: RecipientAccount[];
}

interface Payment {
  PaymentID: number;
  UserID: number;
  CustomerID: number;
  RecipientID: number;
  OriginatingAccountID: number;
  Amount: number;
  PaymentDate: string;
  Name: string;
  DisplayName: string;
  AlwaysSendEmail: boolean;
  AccountCount: number;
  Status: 'Drafted' | 'Authorized';
  CreateDate: string;
  AuthorizedDate: string | null;
}

interface MicroDeposit {
  MicroDepositID: number;
  UserID: number;
  LogonName: string;
  ABA: string;
  AccountNumber: string;
  AccountType: string;
  /** in cents, never answered */
  amounts: [number, number];
  status: (typeof STATUS)[keyof typeof STATUS];
  Attempts: number;
  CreateDate: string;
}

interface AchStore {
  recipients: Recipient[];
  payments: Payment[];
  microDeposits: MicroDeposit[];
  nextRecipientId: number;
  nextRecipientAccountId: number;
  nextPaymentId: number;
  nextMicroDepositId: number;
}

function seed(): AchStore {
  return {
    recipients: [
      {
        RecipientID: 101,
        UserID: 2,
        CustomerID: 2,
        DisplayName: 'Acme Supplies',
        EmailAddress: 'billing@acme.example.com',
        AlwaysSendEmail: false,
        IsCcd: true,
        AchName: 'ACME SUPPLIES',
        Accounts: [{ AccountID: 201, AccountNumber: '556677889', ABA: '021000021', AccountType: 'Checking' }],
      },
    ],
    payments: [
      {
        PaymentID: 9001,
        UserID: 2,
        CustomerID: 2,
        RecipientID: 101,
        OriginatingAccountID: 5002,
        Amount: 125,
        PaymentDate: '2026-01-15',
        Name: 'Invoice 1001',
        DisplayName: 'Acme Supplies',
        AlwaysSendEmail: false,
        AccountCount: 1,
        Status: 'Drafted',
        CreateDate: '2026-01-10T15:00:00.000Z',
        AuthorizedDate: null,
      },
    ],
    microDeposits: [
      {
        MicroDepositID: 1,
        UserID: 2,
        LogonName: 'test2',
        ABA: '011000015',
        AccountNumber: '4400123456',
        AccountType: 'Checking',
        amounts: randomAmounts(),
        status: STATUS.pending,
        Attempts: 0,
        CreateDate: '2026-01-12T09:30:00.000Z',
      },
    ],
    nextRecipientId: 102,
    nextRecipientAccountId: 202,
    nextPaymentId: 9002,
    nextMicroDepositId: 2,
  };
}

/** The area's store for each live shared state (a reset replaces the state: the store is registered again). */
const stores = new WeakMap<PlatformState, AchStore>();

/**
 * Test-only: the two amounts (in dollars) the simulator sent for a micro-deposit, by the shared state of the
 * simulator (`sim.platform.state`); undefined when there is no such micro-deposit. No API answer carries them.
 */
export function microDepositAmounts(state: PlatformState, microDepositId: number): [number, number] | undefined {
  const found = stores.get(state)?.microDeposits.find((m) => m.MicroDepositID === microDepositId);
  return found ? [found.amounts[0] / 100, found.amounts[1] / 100] : undefined;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isObject = (v: unknown): v is Body => v !== null && typeof v === 'object' && !Array.isArray(v);
const ABA = /^\d{9}$/;
const ACCOUNT_NUMBER = /^[0-9A-Za-z-]{1,17}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;
const truth = (b: boolean): string => (b ? 'True' : 'False');

/** A calendar date `YYYY-MM-DD` that exists. */
function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Cents of a positive amount (a number or decimal text, at most two decimals), else undefined. */
function cents(value: unknown): number | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!AMOUNT.test(text)) return undefined;
  const c = Math.round(Number(text) * 100);
  return c > 0 ? c : undefined;
}

/** Two different random amounts from 1 to 99 cents. */
function randomAmounts(): [number, number] {
  const first = randomInt(1, 100);
  let second = randomInt(1, 100);
  while (second === first) second = randomInt(1, 100);
  return [first, second];
}

export function achArea(api: CaliperApi): CaliperArea {
  let store = seed();
  stores.set(api.state, store);
  /** the store, registered under the live state (read through api.state each time) */
  const current = (): AchStore => {
    stores.set(api.state, store);
    return store;
  };

  /** The user of a logon name, or a 400 naming the field (never its value). */
  const userOf = (value: unknown, field: string): User => {
    const user = nonEmpty(value) ? api.userByLogon(value) : undefined;
    return user ?? api.invalid(`Invalid ${field}`);
  };

  const boolean = (body: Body, key: string): boolean => (typeof body[key] === 'boolean' ? (body[key] as boolean) : api.invalid(`${key} must be a boolean`));

  /** The documented `accounts[{aba, accountNumber, accountType}]`, checked (400 naming the field). */
  const accounts = (value: unknown): Array<{ aba: string; accountNumber: string; accountType: 'Checking' | 'Savings' }> => {
    if (!Array.isArray(value) || value.length === 0) return api.invalid('accounts must be a non-empty array');
    return value.map((a: unknown, i) => {
      if (!isObject(a)) return api.invalid(`accounts[${i}] must be an object`);
      if (typeof a.aba !== 'string' || !ABA.test(a.aba)) return api.invalid(`accounts[${i}].aba is invalid`);
      if (typeof a.accountNumber !== 'string' || !ACCOUNT_NUMBER.test(a.accountNumber)) return api.invalid(`accounts[${i}].accountNumber is invalid`);
      if (a.accountType !== 'Checking' && a.accountType !== 'Savings') return api.invalid(`accounts[${i}].accountType must be Savings or Checking`);
      return { aba: a.aba, accountNumber: a.accountNumber, accountType: a.accountType };
    });
  };

  const transaction = (p: Payment): Record<string, unknown> => ({
    TransactionID: p.PaymentID,
    TransactionType: 'ACH Payment',
    Status: p.Status,
    Name: p.Name,
    DisplayName: p.DisplayName,
    Amount: p.Amount,
    PaymentDate: p.PaymentDate,
    RecipientID: p.RecipientID,
    OriginatingAccountID: p.OriginatingAccountID,
    CustomerID: p.CustomerID,
    UserID: p.UserID,
    AlwaysSendEmail: p.AlwaysSendEmail,
    CreateDate: p.CreateDate,
    AuthorizedDate: p.AuthorizedDate,
  });

  const paymentOf = (req: RecordedRequest, params: Record<string, string>): Payment | undefined => {
    api.required(req.query, ['logonname']);
    const id = api.id(params.paymentid);
    if (id === undefined) return api.invalid('Invalid paymentid');
    const user = userOf(req.query.logonname, 'logonname');
    return current().payments.find((p) => p.PaymentID === id && p.UserID === user.UserID);
  };

  return {
    reset: () => {
      store = seed();
      stores.set(api.state, store);
    },
    routes: [
      {
        method: 'POST',
        path: '/ACH/CreateRecipient/',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['logonName', 'alwaysSendEmail', 'displayName', 'emailAddress', 'isCcd', 'achName', 'accounts']);
          const alwaysSendEmail = boolean(body, 'alwaysSendEmail');
          const isCcd = boolean(body, 'isCcd');
          for (const key of ['displayName', 'achName']) if (!nonEmpty(body[key])) api.invalid(`${key} must be a non-empty string`);
          if (typeof body.emailAddress !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.emailAddress)) api.invalid('Invalid emailAddress');
          const given = accounts(body.accounts);
          const user = userOf(body.logonName, 'logonName');
          const s = current();
          const recipient: Recipient = {
            RecipientID: s.nextRecipientId++,
            UserID: user.UserID,
            CustomerID: user.CustomerID,
            DisplayName: String(body.displayName),
            EmailAddress: String(body.emailAddress),
            AlwaysSendEmail: alwaysSendEmail,
            IsCcd: isCcd,
            AchName: String(body.achName),
            Accounts: given.map((a) => ({ AccountID: s.nextRecipientAccountId++, AccountNumber: a.accountNumber, ABA: a.aba, AccountType: a.accountType })),
          };
          s.recipients.push(recipient);
          return api.ok({ recipientID: recipient.RecipientID });
        },
      },
      {
        method: 'GET',
        path: '/ACH/GetRecipients',
        handler: (req) => {
          api.required(req.query, ['logonname']);
          const user = userOf(req.query.logonname, 'logonname');
          const mine = current().recipients.filter((r) => r.UserID === user.UserID);
          return api.ok(
            mine.map((r) => ({
              RecipientID: r.RecipientID,
              DisplayName: r.DisplayName,
              CustomerID: r.CustomerID,
              DefaultAccountID: r.Accounts[0]?.AccountID ?? null,
              EmailAddress: r.EmailAddress,
              AlwaysSendEmail: truth(r.AlwaysSendEmail),
              IsInternational: 'False',
              ACHClassCodeID: r.IsCcd ? ACH_CLASS.CCD : ACH_CLASS.PPD,
              AchName: r.AchName,
              WireName: '',
              IdentificationNumber: '',
              Accounts: r.Accounts.map((a) => ({
                AccountID: a.AccountID,
                RecipientID: r.RecipientID,
                AccountNumber: a.AccountNumber,
                AccountTypeID: ACCOUNT_TYPE_IDS[a.AccountType],
                ABA: a.ABA,
                ACHABA: a.ABA,
                WireABA: '',
              })),
              Addresses: [],
            })),
          );
        },
      },
      {
        method: 'POST',
        path: '/ACH/MakePayment',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['logonName', 'alwaysSendEmail', 'displayName', 'recipientId', 'originatingAccount', 'amount', 'paymentDate', 'accounts', 'name']);
          const alwaysSendEmail = boolean(body, 'alwaysSendEmail');
          for (const key of ['displayName', 'name']) if (!nonEmpty(body[key])) api.invalid(`${key} must be a non-empty string`);
          const recipientId = api.id(body.recipientId) ?? api.invalid('Invalid recipientId');
          const accountId = api.id(body.originatingAccount) ?? api.invalid('Invalid originatingAccount');
          const amount = cents(body.amount) ?? api.invalid('amount must be a positive amount with at most two decimals');
          if (typeof body.paymentDate !== 'string' || !isDate(body.paymentDate)) api.invalid('paymentDate must be a date (YYYY-mm-dd)');
          const given = accounts(body.accounts);
          const user = userOf(body.logonName, 'logonName');
          const s = current();
          if (!s.recipients.some((r) => r.RecipientID === recipientId && r.UserID === user.UserID)) api.invalid('Invalid recipientId');
          const from = api.state.accounts.find(
            (a) =>
              a.AccountID === accountId &&
              a.CustomerID === user.CustomerID &&
              (a.UserID === null || a.UserID === user.UserID) &&
              a.AccountType === 'Deposit' &&
              (a.AccessLevel & 4) === 4,
          );
          if (!from) api.invalid('Invalid originatingAccount');
          const payment: Payment = {
            PaymentID: s.nextPaymentId++,
            UserID: user.UserID,
            CustomerID: user.CustomerID,
            RecipientID: recipientId,
            OriginatingAccountID: accountId,
            Amount: amount / 100,
            PaymentDate: String(body.paymentDate),
            Name: String(body.name),
            DisplayName: String(body.displayName),
            AlwaysSendEmail: alwaysSendEmail,
            AccountCount: given.length,
            Status: 'Drafted',
            CreateDate: new Date().toISOString(),
            AuthorizedDate: null,
          };
          s.payments.push(payment);
          return api.ok({ PaymentID: payment.PaymentID, Status: payment.Status });
        },
      },
      {
        method: 'GET',
        path: '/ACH/GetPayment/:paymentid',
        handler: (req, params) => {
          const payment = paymentOf(req, params);
          return payment ? api.ok({ Transaction: transaction(payment) }) : api.okFailure({}, ['Transaction Not Found']);
        },
      },
      {
        method: 'GET',
        path: '/ACH/AuthorizePayment/:paymentid',
        handler: (req, params) => {
          const payment = paymentOf(req, params);
          if (!payment || payment.Status !== 'Drafted') return api.okFailure({}, ['Failed Authorization']);
          payment.Status = 'Authorized';
          payment.AuthorizedDate = new Date().toISOString();
          return api.ok({ Transaction: payment.PaymentID });
        },
      },
      {
        method: 'POST',
        path: '/MicroDeposit/Create',
        handler: (req) => {
          const items = req.body;
          if (!Array.isArray(items) || items.length === 0 || !items.every((i) => isObject(i) && isObject(i.Account))) {
            return api.invalid('Invalid request body');
          }
          const s = current();
          const data: Array<{ ABA: unknown; Account: unknown; Success: boolean }> = [];
          const errors: Array<{ ABA: unknown; Account: unknown; Error: string }> = [];
          for (const item of items as Array<{ Account: Body }>) {
            const a = item.Account;
            const userId = api.id(a.UserID);
            const user = nonEmpty(a.LogonName) ? api.userByLogon(a.LogonName) : userId === undefined ? undefined : api.activeUser(userId);
            const valid = user && typeof a.ABA === 'string' && ABA.test(a.ABA) && typeof a.Account === 'string' && ACCOUNT_NUMBER.test(a.Account);
            const open =
              valid && s.microDeposits.some((m) => m.UserID === user.UserID && m.ABA === a.ABA && m.AccountNumber === a.Account && m.status !== STATUS.locked);
            if (valid && !open) {
              const logon = nonEmpty(a.LogonName) ? a.LogonName : (api.state.logons.find((l) => l.UserID === user.UserID)?.LogonName ?? '');
              s.microDeposits.push({
                MicroDepositID: s.nextMicroDepositId++,
                UserID: user.UserID,
                LogonName: logon,
                ABA: a.ABA as string,
                AccountNumber: a.Account as string,
                AccountType: nonEmpty(a.AccountType) ? a.AccountType : 'Checking',
                amounts: randomAmounts(),
                status: STATUS.pending,
                Attempts: 0,
                CreateDate: new Date().toISOString(),
              });
              data.push({ ABA: a.ABA, Account: a.Account, Success: true });
            } else {
              data.push({ ABA: a.ABA, Account: a.Account, Success: false });
              errors.push({
                ABA: a.ABA,
                Account: a.Account,
                Error: open ? 'Micro deposits already exist for this account' : 'Unable to create micro deposits',
              });
            }
          }
          return errors.length ? api.okFailure(data, errors) : api.ok(data);
        },
      },
      {
        method: 'GET',
        path: '/MicroDeposit/Get',
        handler: (req) => {
          api.required(req.query, ['logonname']);
          const user = userOf(req.query.logonname, 'logonname');
          const customer = api.activeCustomer(user.CustomerID);
          const mine = current().microDeposits.filter((m) => m.UserID === user.UserID);
          if (!mine.length) return api.ok([{ Success: false, Message: 'No Results Found' }]);
          return api.ok(
            mine.map((m) => ({
              MicroDepositID: m.MicroDepositID,
              CreateDate: m.CreateDate,
              UserLogonID: api.state.logons.find((l) => l.LogonName.toLowerCase() === m.LogonName.toLowerCase())?.LogonID ?? null,
              ABA: m.ABA,
              AccountNumber: m.AccountNumber,
              AccountTypeID: ACCOUNT_TYPE_IDS[m.AccountType] ?? 1,
              AccountTypeShortName: m.AccountType,
              AccountTypeDescription: `${m.AccountType} account`,
              MicroDepositStatusID: m.status.id,
              StatusShortName: m.status.short,
              StatusDescription: m.status.description,
              LoginName: m.LogonName,
              UserID: user.UserID,
              UserName: `${user.FirstName} ${user.LastName}`,
              CustomerID: user.CustomerID,
              CustomerName: customer?.CustomerName ?? '',
              Attempts: m.Attempts,
              AmountCount: 2,
              Success: true,
            })),
          );
        },
      },
      {
        method: 'POST',
        path: '/MicroDeposit/Verify',
        handler: (req) => {
          api.required(req.query, ['logonname']);
          const headers = { MicroDepositID: req.headers.microdepositid, Amount1: req.headers.amount1, Amount2: req.headers.amount2 };
          api.required(headers, ['MicroDepositID', 'Amount1', 'Amount2']);
          const id = api.id(headers.MicroDepositID) ?? api.invalid('Invalid MicroDepositID');
          const one = cents(headers.Amount1) ?? api.invalid('Invalid Amount1');
          const two = cents(headers.Amount2) ?? api.invalid('Invalid Amount2');
          const user = userOf(req.query.logonname, 'logonname');
          const m = current().microDeposits.find((x) => x.MicroDepositID === id && x.UserID === user.UserID);
          if (!m) return api.fail(404, 'Micro Deposit Not Found');
          const answer = (description: string = m.status.description): Record<string, unknown>[] => [
            {
              MicroDepositID: m.MicroDepositID,
              Status: m.status.short,
              StatusDescription: description,
              Attempts: m.Attempts,
              AttemptsRemaining: Math.max(0, MICRO_DEPOSIT_ATTEMPTS - m.Attempts),
            },
          ];
          if (m.status === STATUS.locked) return api.okFailure(answer(), ['Micro Deposit Locked']);
          if (m.status === STATUS.verified) return api.ok(answer('Micro deposits already verified'));
          const [a, b] = m.amounts;
          if ((one === a && two === b) || (one === b && two === a)) {
            m.status = STATUS.verified;
            return api.ok(answer());
          }
          m.Attempts += 1;
          if (m.Attempts >= MICRO_DEPOSIT_ATTEMPTS) {
            m.status = STATUS.locked;
            return api.ok(answer());
          }
          const left = MICRO_DEPOSIT_ATTEMPTS - m.Attempts;
          return api.ok([{ ...answer(`The amounts do not match: ${left} attempt${left === 1 ? '' : 's'} left`)[0], Status: 'Failed' }]);
        },
      },
    ],
  };
}
