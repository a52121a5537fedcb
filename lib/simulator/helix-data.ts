/**
 * Record types and seed data for the CorePro/Helix external-account simulator (docs/api-notes.md §3).
 * The public `HelixExternalAccount` fields follow the object table in §3.2; everything in
 * `HelixAccountRecord` beyond it, the customers and all seed values are
 * [OUR] simulator-only test data.
 *
 * Seed (restored by reset()):
 * - customer 1001 (personal, Alice Example): 3001 Verified Checking, tag `alice-checking`,
 *   nickName `Alice Checking`; 3002 Archived Savings with a transaction settled within 90 days
 *   (so it still counts towards the limit: 1001 starts with 2 of 5).
 * - customer 1002 (personal, Bob Example): no external accounts.
 * - customer 1003 (business, Acme Widgets LLC): 3003 Verified BusinessChecking, tag `acme-operating`.
 * The next externalAccountId handed out is 3004.
 */

export type HelixAccountStatus = 'Unverified' | 'VerifyLocked' | 'Verified' | 'Denied' | 'Expired' | 'Archived';

/** Documented personal types (§3.3) plus [OUR] simulator-only business types (C5). */
export const HELIX_PERSONAL_TYPES = ['Prepaid', 'Savings', 'Checking'] as const;
export const HELIX_BUSINESS_TYPES = ['BusinessChecking', 'BusinessSavings'] as const;
export type HelixAccountType = (typeof HELIX_PERSONAL_TYPES)[number] | (typeof HELIX_BUSINESS_TYPES)[number];

/** The externalAccount object as returned by get/getByTag/list (§3.2). */
export interface HelixExternalAccount {
  externalAccountId: number;
  customerId: number;
  accountNumber: string;
  accountNumberMasked: string;
  routingNumber: string;
  routingNumberMasked: string;
  type: HelixAccountType;
  status: HelixAccountStatus;
  statusDate: string;
  /** Deprecated in the docs; [OUR] derived as `status === 'Verified'`. */
  isActive: boolean;
  isLocked: boolean;
  lockedDate: string | null;
  lockedReason: string | null;
  firstName: string | null;
  lastName: string | null;
  businessName: string | null;
  name: string | null;
  nickName: string | null;
  nocCode: string | null;
  tag: string | null;
  customField1: string | null;
  customField2: string | null;
  customField3: string | null;
  customField4: string | null;
  customField5: string | null;
  lastModifiedDate: string;
  /** SDK-only fields (C#/Java models). */
  lastVerifySentDate: string | null;
  lastVerifyExpiredDate: string | null;
}

/** [OUR] simulator-only bookkeeping kept next to each account, never returned by the API. */
export interface HelixAccountInternals {
  /** The two micro-deposits of an initiated account (null for create/seeded ones). */
  microDeposits: [number, number] | null;
  /** Wrong verify attempts so far. */
  verifyFailures: number;
  /** When the verification window started (initiate time), ISO string; null if not initiated. */
  verifyStartedAt: string | null;
  /** For the limit: an Archived account counts when tied to a transaction settled in the past 90 days. */
  settledWithin90Days: boolean;
  /** Archive refused with 62505 while true. */
  outstandingTransactions: boolean;
  /** When it was archived through the API (for the 3-per-day rule), ISO string. */
  archivedAt: string | null;
}

export interface HelixAccountRecord {
  account: HelixExternalAccount;
  internals: HelixAccountInternals;
}

/** [OUR] simulator-only customer record. */
export interface HelixCustomer {
  customerId: number;
  kind: 'personal' | 'business';
  displayName: string;
  /** Archive refused with 62503 (pending transaction / non-zero balance) while true. */
  pendingTransactions: boolean;
}

export interface HelixState {
  customers: HelixCustomer[];
  accounts: HelixAccountRecord[];
  nextExternalAccountId: number;
}

/** Sandbox routing number accepted without a checksum (docs/api-notes.md §3.5). */
export const HELIX_SANDBOX_ROUTING = '123456789';

/**
 * Bank names the simulated "Federal Reserve file" knows (ACH via NACHA enabled). The sandbox
 * entry is documented; the others are [OUR] simulator-only.
 */
export const HELIX_BANK_NAMES: Readonly<Record<string, string>> = {
  [HELIX_SANDBOX_ROUTING]: 'COREPRO SANDBOX BANK',
  '021000021': 'JPMORGAN CHASE BANK, NA',
  '011000138': 'BANK OF AMERICA, N.A.',
};

/** Helix-style datetime, e.g. `2014-01-01T00:00:00.000+00:00`. */
export function helixDate(d: Date): string {
  return d.toISOString().replace(/Z$/, '+00:00');
}

/** Six `*` followed by the last four characters. */
export function maskNumber(value: string): string {
  return `******${value.slice(-4)}`;
}

/** Builds an account record with defaults; used by the seed and by create/initiate. */
export function makeAccount(
  fields: Pick<HelixExternalAccount, 'externalAccountId' | 'customerId' | 'accountNumber' | 'routingNumber' | 'type' | 'status'> &
    Partial<HelixExternalAccount>,
  at: Date,
  internals: Partial<HelixAccountInternals> = {},
): HelixAccountRecord {
  const when = helixDate(at);
  const account: HelixExternalAccount = {
    accountNumberMasked: maskNumber(fields.accountNumber),
    routingNumberMasked: maskNumber(fields.routingNumber),
    statusDate: when,
    isActive: fields.status === 'Verified',
    isLocked: false,
    lockedDate: null,
    lockedReason: null,
    firstName: null,
    lastName: null,
    businessName: null,
    name: HELIX_BANK_NAMES[fields.routingNumber] ?? null,
    nickName: null,
    nocCode: null,
    tag: null,
    customField1: null,
    customField2: null,
    customField3: null,
    customField4: null,
    customField5: null,
    lastModifiedDate: when,
    lastVerifySentDate: null,
    lastVerifyExpiredDate: null,
    ...fields,
  };
  return {
    account,
    internals: {
      microDeposits: null,
      verifyFailures: 0,
      verifyStartedAt: null,
      settledWithin90Days: false,
      outstandingTransactions: false,
      archivedAt: null,
      ...internals,
    },
  };
}

export function createHelixSeedState(): HelixState {
  const seeded = new Date('2024-01-15T15:30:00.000Z');
  const archived = new Date('2024-03-01T16:00:00.000Z');
  return {
    customers: [
      { customerId: 1001, kind: 'personal', displayName: 'Alice Example', pendingTransactions: false },
      { customerId: 1002, kind: 'personal', displayName: 'Bob Example', pendingTransactions: false },
      { customerId: 1003, kind: 'business', displayName: 'Acme Widgets LLC', pendingTransactions: false },
    ],
    accounts: [
      makeAccount(
        {
          externalAccountId: 3001,
          customerId: 1001,
          accountNumber: '000123456789',
          routingNumber: HELIX_SANDBOX_ROUTING,
          type: 'Checking',
          status: 'Verified',
          firstName: 'Alice',
          lastName: 'Example',
          nickName: 'Alice Checking',
          tag: 'alice-checking',
        },
        seeded,
      ),
      makeAccount(
        {
          externalAccountId: 3002,
          customerId: 1001,
          accountNumber: '000987654321',
          routingNumber: '021000021',
          type: 'Savings',
          status: 'Archived',
          firstName: 'Alice',
          lastName: 'Example',
          nickName: 'Old Savings',
          statusDate: helixDate(archived),
          lastModifiedDate: helixDate(archived),
        },
        seeded,
        { settledWithin90Days: true, archivedAt: helixDate(archived) },
      ),
      makeAccount(
        {
          externalAccountId: 3003,
          customerId: 1003,
          accountNumber: '4455667788',
          routingNumber: HELIX_SANDBOX_ROUTING,
          type: 'BusinessChecking',
          status: 'Verified',
          businessName: 'Acme Widgets LLC',
          nickName: 'Operating',
          tag: 'acme-operating',
        },
        seeded,
      ),
    ],
    nextExternalAccountId: 3004,
  };
}
