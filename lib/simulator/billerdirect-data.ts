/**
 * Record types, constants and seed data for the Q2 Biller Direct simulator (docs/api-notes.md §2).
 * Public object shapes follow §2.5; every `*Record` wraps a public object with [OUR] simulator-only
 * bookkeeping that the API never returns. Company names other than "Regular Company 1–5" and
 * "MFA Company 1–2", all ids, URLs, fees and geo values are [OUR] invented test data.
 *
 * Seed (restored by reset(); dates relative to the clock at reset time):
 * - client `demo-user` (BILLER_DIRECT_SEED_IDS.clientId) with a verified default visa card (XXXX1111),
 *   a verified auth at Regular Company 1 (items ["bill"]) and its upcoming bill: balance 100.00, due in
 *   10 days, recurring enabled on-due-date.
 * - 14 companies (BILLER_DIRECT_COMPANY_IDS) in 8 categories; no events.
 */

export type BdItem = 'bill' | 'payment' | 'swap';
export type BdAuthStatus = 'verified' | 'authenticate' | 'hold' | 'mfa-required';
export type BdBillStatus = 'syncing' | 'zero-balance' | 'overdue' | 'payment-required' | 'payment-declined' | 'upcoming' | 'pending' | 'paid';
export type BdSwapStatus = 'in-progress' | 'hold' | 'completed' | 'card-on-file';
export type BdSchedule = 'ten-days-before' | 'five-days-before' | 'day-before' | 'on-due-date' | 'immediately';
export type BdMfaMethod = 'questions' | 'code' | 'prompt';
export type BdPaymentType = 'card' | 'bank';
export type BdProduct = 'biller-direct' | 'cardswap';

export const BD_ITEMS: readonly BdItem[] = ['bill', 'payment', 'swap'];
export const BD_SCHEDULES: readonly BdSchedule[] = ['ten-days-before', 'five-days-before', 'day-before', 'on-due-date', 'immediately'];
export const BD_MFA_METHODS: readonly BdMfaMethod[] = ['questions', 'code', 'prompt'];
export const BD_PRODUCTS: readonly BdProduct[] = ['biller-direct', 'cardswap'];
export const BD_CARD_BRANDS = ['american express', 'discover', 'maestro', 'mastercard', 'uatp', 'visa'] as const;
export type BdCardBrand = (typeof BD_CARD_BRANDS)[number];

/** Default API key accepted by the simulator ([OUR]; the real sandbox issues keys after review). */
export const BILLER_DIRECT_DEMO_API_KEY = 'sandbox-api-key';
/** [OUR] the partner the demo API key belongs to (listByPartner, event envelopes). */
export const BILLER_DIRECT_PARTNER_ID = '616f208da973a0828ecd015c';
/** The documented sandbox card that pays successfully (docs/api-notes.md §2.3). */
export const BILLER_DIRECT_SUCCESS_CARD = '4111111111111111';

export const BILLER_DIRECT_SEED_IDS = {
  clientId: '64b000000000000000000001',
  clientIdentifier: 'demo-user',
  paymentMethodId: '64b000000000000000000101',
  authId: '64b000000000000000000201',
  billId: '64b000000000000000000301',
} as const;

// ---- public objects (§2.5) ------------------------------------------------------------------------

export interface BdLogo {
  url: string;
  background: boolean;
  svg?: { url: string; color: string };
}

export interface BdFee {
  rate: number;
  percentage: boolean;
}

export interface BdLoginField {
  placeholder: string;
  formType: string;
  name: string;
  label: string;
}

export interface BdCompany {
  _id: string;
  name: string;
  categories: string[];
  status: 'operational' | 'maintenance';
  fullyAutomatedBill: boolean;
  fullyAutomatedCardSwap: boolean;
  logo: BdLogo;
  requiredPayment?: BdPaymentType;
  userPresenceRequired: boolean;
  schedule?: BdSchedule;
  additionalPaymentOptions?: Array<{ type: 'custom-payment-amount'; settings: { canExceedBalance: boolean } }>;
  fees?: { ach?: BdFee; cards?: Partial<Record<BdCardBrand, { credit?: BdFee; debit?: BdFee }>> };
  auth: {
    urls: { login: string; signup: string | null; forgotPassword: string | null; forgotUsername: string | null };
    loginFields: BdLoginField[];
  };
  geo?: { lat: number; lng: number; stateShort: string; stateLong: string; zipcode: string; address: string };
  supportedItems: Array<'auth' | BdItem>;
}

export interface BdCategory {
  name: string;
  type: string;
}

export interface BdCard {
  number: string;
  brand: BdCardBrand;
  type: 'credit' | 'debit';
  expDate: string;
}

export interface BdBank {
  routingNumber: string;
  accountNumber: string;
  type: 'checking' | 'savings';
}

export interface BdPaymentMethod {
  _id: string;
  type: BdPaymentType;
  identifier?: string;
  status: 'verified' | 'declined';
  default: boolean;
  name?: string;
  customLabel?: string;
  assignedBills: string[];
  card?: BdCard;
  bank?: BdBank;
}

export interface BdHoldReason {
  userMessage: string;
  code: string;
}

export interface BdMfaQuestion {
  question: string;
  identifier: string;
}

export interface BdCodeDestination {
  type: 'text' | 'email';
  mask: string;
  identifier: string;
  label: string;
}

/** Auth `mfa` member: the documented `{method, mfa}` plus [OUR] `input`, `token`, `showRetry`. */
export interface BdAuthMfa {
  method: BdMfaMethod;
  mfa: BdMfaQuestion[];
  /** [OUR] code destinations (code) or `[{request}]` (prompt), as in the real-time webhooks. */
  input?: Array<BdCodeDestination | { request: string }>;
  /** [OUR] simulator-only: the token the real-time webhook would carry, for /auth/step. */
  token: string;
  showRetry?: boolean;
}

// ---- records --------------------------------------------------------------------------------------

export interface BdCompanyRecord {
  company: BdCompany;
  /** [OUR] Subscription company: /payment/settings with `recurring: disabled` is refused. */
  recurringRequired: boolean;
  /** "Regular Company N" / "MFA Company N". */
  testCompany: boolean;
  /** MFA companies: the method used when no `mfa-required-*` status is given. */
  mfaMethod?: BdMfaMethod;
}

export interface BdClient {
  _id: string;
  identifier: string;
  meta: Record<string, unknown>;
  created: string;
}

export interface BdSsoToken {
  token: string;
  clientId: string;
  created: string;
  expiresAt: string;
  nonce: boolean;
  used: boolean;
  revoked: boolean;
  accessTokenExpiresIn: number;
}

export interface BdPaymentMethodRecord {
  method: BdPaymentMethod;
  clientId: string;
  created: string;
  /** [OUR] true for bank accounts and the sandbox success card; other cards are declined. */
  approved: boolean;
  /** First six digits of a card (only ever shown in event payloads). */
  bin?: string;
  /** Consecutive declines; the method is removed at the third. */
  declines: number;
  /** Times (ISO) of payments sent with this method (24-hour delete rule). */
  paidAt: string[];
}

/** What the sandbox inputs asked for; applied when the auth becomes verified. */
export interface BdAuthPlan {
  source: 'legacy' | 'test-inputs';
  /** Legacy credential used (e.g. `testhold`), if any. */
  credential?: string;
  /** Bill status requested via `form.status` (bill statuses only). */
  billStatus?: BdBillStatus;
  balanceCents?: number;
  dueDate?: string;
  swapStatus: 'in-progress' | 'completed' | 'card-on-file';
  /** `testpaymentfail`: every payment for this auth's bills fails. */
  paymentsFail: boolean;
  /** `testswap`: a swap is started right after the auth is verified. */
  autoSwap: boolean;
}

/** The MFA step the auth waits for. `code-questions` = the code follow-up question. */
export interface BdPendingMfa {
  stage: 'questions' | 'code' | 'code-questions' | 'prompt';
  token: string;
  questions: BdMfaQuestion[];
  destinations: BdCodeDestination[];
  destination?: BdCodeDestination;
}

export interface BdAuthRecord {
  _id: string;
  clientId: string;
  companyId: string;
  created: string;
  items: BdItem[];
  status: BdAuthStatus;
  reason?: BdHoldReason;
  paymentIdentifier?: string;
  paymentMethodId?: string;
  plan: BdAuthPlan;
  pending?: BdPendingMfa;
}

export interface BdPaymentRecord {
  amountCents: number;
  paidOn: string;
  paymentMethodId?: string;
}

export interface BdScheduledPayment {
  payDate: string;
  amountCents: number;
  paymentMethodId: string;
}

export interface BdBillRecord {
  _id: string;
  clientId: string;
  authId: string;
  companyId: string;
  created: string;
  status: BdBillStatus;
  /** undefined while syncing. */
  balanceCents?: number;
  dueDate?: string;
  lastPaidAmountCents?: number;
  lastPaidOn?: string;
  customLabel?: string;
  accountNumber: string;
  settings: { recurring: 'enabled' | 'disabled'; schedule: BdSchedule; notifications: 'enabled' | 'disabled' };
  payments: BdPaymentRecord[];
  scheduled?: BdScheduledPayment;
  /** `status=payment-declined` recipe: the next payment fails once. */
  declineNext: boolean;
  /** Method of the last failed payment (retry re-attempts it). */
  lastFailedMethodId?: string;
}

export interface BdSwapRecord {
  _id: string;
  clientId: string;
  authId: string;
  companyId: string;
  paymentMethodId: string;
  status: BdSwapStatus;
  created: string;
}

export interface BdEvent {
  _id: string;
  type: string;
  created: string;
  clientId: string;
  partnerId: string;
  identifier: string;
  payload: { resource: { id: string; type: 'client' | 'auth' | 'bill' | 'swap' }; data: Record<string, unknown> };
}

export interface BdState {
  companies: BdCompanyRecord[];
  clients: BdClient[];
  tokens: BdSsoToken[];
  paymentMethods: BdPaymentMethodRecord[];
  auths: BdAuthRecord[];
  bills: BdBillRecord[];
  swaps: BdSwapRecord[];
}

// ---- constants ------------------------------------------------------------------------------------

export const BD_CATEGORIES: readonly BdCategory[] = [
  { name: 'Electric', type: 'electric' },
  { name: 'Gas', type: 'gas' },
  { name: 'Water', type: 'water' },
  { name: 'Internet', type: 'internet' },
  { name: 'Streaming', type: 'streaming' },
  { name: 'Music', type: 'music' },
  { name: 'Shopping', type: 'shopping' },
  { name: 'Test Companies', type: 'test' },
];

/** The 29 documented hold codes with their default user messages (§2.6). */
export const BD_HOLD_MESSAGES: Readonly<Record<string, string>> = {
  account_issue_apple_pay_on_file:
    'Your payment method could not be updated because your iTunes payments are made via Apple Pay. Please update your payment method directly through Apple Pay.',
  account_issue_disney_plus_third_party_on_file:
    'Your Disney+ subscription is currently being paid by a third party provider such as iTunes, Verizon, or the Disney bundle. Sign in to your Disney+ account if you want to change the payment method to your card.',
  account_issue_payment_details_required: 'This provider requires additional information. Contact them directly to update your payment method.',
  account_issue_with_swap:
    "We couldn't update your payment method because of an issue with your account. Please go to the provider directly to update your payment method.",
  account_issue_primary_account_holder:
    "We can't update your payment method because you aren't the primary account holder for this provider. Please provide the username and password of the main account holder.",
  account_issue_card_not_accepted:
    "We can't update your payment method because this card isn't accepted by the provider. Contact the provider directly to resolve this issue, then try again.",
  account_issue_max_cards_on_file:
    "We can't update your payment method because the provider won't allow any more cards to be added. Please sign in directly on the provider's website to remove a payment method and try again.",
  account_issue_third_party_connected:
    "We couldn't update your payment method because you're paying for your subscription through a third-party provider (like PayPal or Google Play). Please go to the third-party provider directly to update your payment method.",
  account_issue_third_party_available:
    "We couldn't update your payment method because you're paying for your subscription through a third party, such as iTunes or Amazon. To change your payment method, select the third party from the list of providers to add your card.",
  account_issue_no_active_subscription:
    "We couldn't add your card because you don't have an active subscription with this provider. Please activate your subscription and try again.",
  system_issue_with_swap: "We couldn't update your payment method because of a technical problem. Please try again.",
  provider_system_issue: 'We’re unable to complete the swap because of a system issue with the provider. Please try again later.',
  partner_expiration_exceeded: "This request has exceeded your financial institution's expiration policy.",
  account_issue_account_locked: 'Your account has been locked. Unlock your account directly through your provider and try again.',
  authentication_unsupported:
    'We’re unable to access your account because your login credentials are from a third-party service, such as Facebook or Google. To link your account, disconnect from the third-party service and create new login credentials directly through the provider.',
  authentication_not_completed:
    "We're unable to access your account because authentication was not fully completed. Please re-authenticate your login credentials and try again.",
  account_set_up_online_payments: 'Your account is not set up for online payments. Log in to your account and set up online payments.',
  account_issue_verify_identity: 'Please log in to your account to set up and verify your personal information.',
  account_issue_accept_toc: 'Please log in to your account and accept the Terms and Conditions.',
  account_issue_no_service_account: 'Please log in to your account and add a service account.',
  account_issue_third_party_payments_on_file: "We're unable to access your bill information because your account is connected to a third-party provider.",
  system_issue_with_bill: "We're unable to access your bill information because of a system issue. Please try again later.",
  system_issue_with_bill_payment: "We're unable to submit this payment because of a system issue. Please try again later.",
  account_paid_in_full: 'We’re unable to locate a balance on your account because it is paid in full.',
  account_issue_payment_restrictions: "We're unable to submit payments due to restrictions on your account.",
  account_issue_inactive_account: "We're unable to make payments on inactive accounts.",
  account_issue_no_bill: 'We are unable to locate a bill on this account. Please contact your provider directly',
  no_payment_required:
    'There are currently no payments required for this bill because it is in forbearance or your account has been inactive for 6 months or longer.',
  foreign_currency_issue: 'We are unable to update or pay your bill due to foreign currency exchange. Please contact your provider directly.',
};

export function holdReason(code: string): BdHoldReason {
  return { userMessage: BD_HOLD_MESSAGES[code] ?? 'Action is needed on your account.', code };
}

// ---- helpers --------------------------------------------------------------------------------------

export const DAY_MS = 24 * 60 * 60 * 1000;

export function formatCents(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** `XXXX` + last four characters (the documented mask). */
export function maskLast4(value: string): string {
  return `XXXX${value.slice(-4)}`;
}

/** Event payload date format (`2019-03-28 17:00:00.000`, §2.8). */
export function eventDate(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

/** Midnight UTC of the given instant's day, ISO. */
export function startOfDay(d: Date): string {
  return `${d.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

export const SCHEDULE_OFFSET_DAYS: Readonly<Record<Exclude<BdSchedule, 'immediately'>, number>> = {
  'ten-days-before': 10,
  'five-days-before': 5,
  'day-before': 1,
  'on-due-date': 0,
};

export function cardBrandOf(digits: string): BdCardBrand {
  if (/^3[47]/.test(digits)) return 'american express';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(digits)) return 'mastercard';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  if (/^(50|5[6-9]|6[0-9])/.test(digits)) return 'maestro';
  if (/^1/.test(digits)) return 'uatp';
  return 'visa';
}

// ---- seed -----------------------------------------------------------------------------------------

const LOGO_BASE = 'https://logos.example.com/q2-sim';

export const BILLER_DIRECT_COMPANY_IDS = {
  regular1: '64a000000000000000000001',
  regular2: '64a000000000000000000002',
  regular3: '64a000000000000000000003',
  regular4: '64a000000000000000000004',
  regular5: '64a000000000000000000005',
  mfa1: '64a000000000000000000006',
  mfa2: '64a000000000000000000007',
  streamflix: '64a000000000000000000008',
  tunebox: '64a000000000000000000009',
  lumenPower: '64a00000000000000000000a',
  riverbendWater: '64a00000000000000000000b',
  metroGas: '64a00000000000000000000c',
  fiberNet: '64a00000000000000000000d',
  shopwise: '64a00000000000000000000e',
} as const;

const USERNAME_FIELDS: BdLoginField[] = [
  { placeholder: 'Username', formType: 'text', name: 'username', label: 'Username' },
  { placeholder: 'Password', formType: 'password', name: 'password', label: 'Password' },
];
const EMAIL_FIELDS: BdLoginField[] = [
  { placeholder: 'Email', formType: 'email', name: 'email', label: 'Email' },
  { placeholder: 'Password', formType: 'password', name: 'password', label: 'Password' },
];
const TEST_INPUT_FIELDS: BdLoginField[] = [
  { placeholder: '100.00', formType: 'text', name: 'balance', label: 'Balance' },
  { placeholder: 'mm/dd/yyyy', formType: 'text', name: 'dueDate', label: 'Due date' },
  { placeholder: 'verified', formType: 'text', name: 'status', label: 'Status' },
];
const ALL_ITEMS: BdCompany['supportedItems'] = ['auth', 'bill', 'swap', 'payment'];

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function company(
  fields: Pick<BdCompany, '_id' | 'name' | 'categories'> & Partial<BdCompany>,
  flags: Partial<Omit<BdCompanyRecord, 'company'>> = {},
): BdCompanyRecord {
  const s = slug(fields.name);
  return {
    company: {
      status: 'operational',
      fullyAutomatedBill: true,
      fullyAutomatedCardSwap: true,
      logo: { url: `${LOGO_BASE}/${s}.png`, background: false },
      userPresenceRequired: false,
      auth: {
        urls: { login: `https://${s}.example.com/login`, signup: `https://${s}.example.com/signup`, forgotPassword: null, forgotUsername: null },
        loginFields: USERNAME_FIELDS,
      },
      supportedItems: ALL_ITEMS,
      ...fields,
    },
    recurringRequired: flags.recurringRequired ?? false,
    testCompany: flags.testCompany ?? false,
    ...(flags.mfaMethod ? { mfaMethod: flags.mfaMethod } : {}),
  };
}

export function createBdCompanies(): BdCompanyRecord[] {
  const ids = BILLER_DIRECT_COMPANY_IDS;
  const regular = [ids.regular1, ids.regular2, ids.regular3, ids.regular4, ids.regular5].map((_id, i) =>
    company(
      {
        _id,
        name: `Regular Company ${i + 1}`,
        categories: ['test'],
        auth: {
          urls: { login: 'https://biller-direct.q2open.io', signup: null, forgotPassword: null, forgotUsername: null },
          // Regular Company 2 is an email-style company (legacy credentials then take @test.test).
          loginFields: [...(i === 1 ? EMAIL_FIELDS : USERNAME_FIELDS), ...TEST_INPUT_FIELDS],
        },
      },
      { testCompany: true },
    ),
  );
  const mfa = (
    [
      [ids.mfa1, 'code'],
      [ids.mfa2, 'prompt'],
    ] as const
  ).map(([_id, method], i) =>
    company(
      {
        _id,
        name: `MFA Company ${i + 1}`,
        categories: ['test'],
        userPresenceRequired: true,
        auth: {
          urls: { login: 'https://biller-direct.q2open.io', signup: null, forgotPassword: null, forgotUsername: null },
          loginFields: [...USERNAME_FIELDS, ...TEST_INPUT_FIELDS],
        },
      },
      { testCompany: true, mfaMethod: method },
    ),
  );
  const cardFees = { credit: { rate: 2.5, percentage: true }, debit: { rate: 1.5, percentage: false } };
  return [
    ...regular,
    ...mfa,
    company(
      {
        _id: ids.streamflix,
        name: 'Streamflix',
        categories: ['streaming'],
        schedule: 'on-due-date',
        logo: { url: `${LOGO_BASE}/streamflix.png`, background: false, svg: { url: `${LOGO_BASE}/streamflix.svg`, color: 'FF041F' } },
      },
      { recurringRequired: true },
    ),
    company(
      {
        _id: ids.tunebox,
        name: 'Tunebox Music',
        categories: ['music', 'streaming'],
        schedule: 'on-due-date',
        requiredPayment: 'card',
        auth: { urls: { login: 'https://tunebox.example.com/login', signup: null, forgotPassword: null, forgotUsername: null }, loginFields: EMAIL_FIELDS },
      },
      { recurringRequired: true },
    ),
    company({
      _id: ids.lumenPower,
      name: 'Lumen Power & Light',
      categories: ['electric'],
      fullyAutomatedCardSwap: false,
      supportedItems: ['auth', 'bill', 'payment'],
      additionalPaymentOptions: [{ type: 'custom-payment-amount', settings: { canExceedBalance: false } }],
      fees: {
        ach: { rate: 1.5, percentage: false },
        cards: { visa: cardFees, mastercard: cardFees, discover: cardFees, 'american express': { credit: cardFees.credit } },
      },
      geo: { lat: 30.2672, lng: -97.7431, stateShort: 'TX', stateLong: 'Texas', zipcode: '78701', address: '100 Congress Ave, Austin, TX 78701' },
    }),
    company({
      _id: ids.riverbendWater,
      name: 'Riverbend Water',
      categories: ['water'],
      requiredPayment: 'bank',
      fullyAutomatedCardSwap: false,
      supportedItems: ['auth', 'bill', 'payment'],
      geo: { lat: 30.6327, lng: -97.6772, stateShort: 'TX', stateLong: 'Texas', zipcode: '78626', address: '1 River Rd, Georgetown, TX 78626' },
    }),
    company({
      _id: ids.metroGas,
      name: 'Metro Gas Co.',
      categories: ['gas'],
      status: 'maintenance',
      fullyAutomatedCardSwap: false,
      supportedItems: ['auth', 'bill', 'payment'],
      geo: { lat: 40.7608, lng: -111.891, stateShort: 'UT', stateLong: 'Utah', zipcode: '84101', address: '50 Main St, Salt Lake City, UT 84101' },
    }),
    company({
      _id: ids.fiberNet,
      name: 'FiberNet Internet',
      categories: ['internet'],
      geo: { lat: 40.2338, lng: -111.6585, stateShort: 'UT', stateLong: 'Utah', zipcode: '84601', address: '200 Center St, Provo, UT 84601' },
    }),
    company({
      _id: ids.shopwise,
      name: 'Shopwise',
      categories: ['shopping'],
      fullyAutomatedBill: false,
      supportedItems: ['auth', 'swap'],
      auth: { urls: { login: 'https://shopwise.example.com/login', signup: null, forgotPassword: null, forgotUsername: null }, loginFields: EMAIL_FIELDS },
    }),
  ];
}

/** Products a company offers (company search `products`). */
export function productsOf(c: BdCompany): BdProduct[] {
  const out: BdProduct[] = [];
  if (c.supportedItems.includes('bill')) out.push('biller-direct');
  if (c.supportedItems.includes('swap')) out.push('cardswap');
  return out;
}

export function createBdSeedState(now: Date): BdState {
  const at = now.toISOString();
  const ids = BILLER_DIRECT_SEED_IDS;
  const dueDate = addDays(startOfDay(now), 10);
  return {
    companies: createBdCompanies(),
    clients: [{ _id: ids.clientId, identifier: ids.clientIdentifier, created: at, meta: { firstName: 'Demo', lastName: 'User', email: 'demo@example.com' } }],
    tokens: [],
    paymentMethods: [
      {
        method: {
          _id: ids.paymentMethodId,
          type: 'card',
          identifier: 'demo-card',
          status: 'verified',
          default: true,
          name: 'Demo User',
          assignedBills: [],
          card: { number: maskLast4(BILLER_DIRECT_SUCCESS_CARD), brand: 'visa', type: 'credit', expDate: '2040-02-01T12:00:00.000Z' },
        },
        clientId: ids.clientId,
        created: at,
        approved: true,
        bin: BILLER_DIRECT_SUCCESS_CARD.slice(0, 6),
        declines: 0,
        paidAt: [],
      },
    ],
    auths: [
      {
        _id: ids.authId,
        clientId: ids.clientId,
        companyId: BILLER_DIRECT_COMPANY_IDS.regular1,
        created: at,
        items: ['bill'],
        status: 'verified',
        plan: { source: 'test-inputs', swapStatus: 'completed', paymentsFail: false, autoSwap: false },
      },
    ],
    bills: [
      {
        _id: ids.billId,
        clientId: ids.clientId,
        authId: ids.authId,
        companyId: BILLER_DIRECT_COMPANY_IDS.regular1,
        created: at,
        status: 'upcoming',
        balanceCents: 10000,
        dueDate,
        accountNumber: 'XXXX4821',
        settings: { recurring: 'enabled', schedule: 'on-due-date', notifications: 'enabled' },
        payments: [],
        declineNext: false,
      },
    ],
    swaps: [],
  };
}
