/**
 * Biller Direct simulator rules that need no state: the error shorthands (the kit's SimFailure), request-body readers, card/bank
 * validation (full numbers never leave these functions; only masks, BIN and flags do), the sandbox
 * outcome rules of docs/api-notes.md §2.3/§2.5 (legacy test credentials and test-company inputs), MFA answer
 * checks, request-signature verification (§2.10) and company search.
 *
 * [OUR] simulator-only choices made here:
 * - card: 12–19 digits (spaces/dashes ignored), `cardCode` 3–4 digits, `expMonth` 1–12 (`XX`), `expYear`
 *   `XXXX`, not expired, `zipcode` 5 digits (+4 optional); any valid card other than
 *   4111111111111111 is stored with status `declined`.
 * - bank: `routingNumber` 9 digits, `accountNumber` 4–17 digits, `accountType` checking|savings; always verified.
 * - `form.balance` a non-negative amount (≤ 2 decimals), `form.dueDate` mm/dd/yyyy; otherwise 400.
 * - legacy credentials are read from `form.username` / `form.email` (case-insensitive; `@test.test`
 *   suffix optional); `testhold` places `account_issue_verify_identity`, test-company `status=hold`
 *   places the documented `account_issue_accept_toc`.
 * - defaults: balance 100.00, due date 14 days ahead; bill status derived when not given (balance 0 →
 *   zero-balance, past due date → overdue, else upcoming); swap status `completed`.
 * - company search: `query` is a case-insensitive substring of the name, `products` must all be offered,
 *   `geo` keeps companies within 150 km ordered by distance (else by name), `pageSize` default 25 (max
 *   100), `pageNumber` from 1; strings "true"/"25" are accepted as in the docs' example.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { RecordedRequest } from './server';
import { blank, fail, isObject, parseCents, type Body } from './kit';
import type {
  BdAuthPlan,
  BdAuthStatus,
  BdBillStatus,
  BdCardBrand,
  BdCompany,
  BdCompanyRecord,
  BdMfaMethod,
  BdMfaQuestion,
  BdPaymentType,
} from './billerdirect-data';
import { BD_CARD_BRANDS, BD_PRODUCTS, BILLER_DIRECT_SUCCESS_CARD, addDays, cardBrandOf, productsOf, startOfDay } from './billerdirect-data';

/** A body field as text: strings and numbers as written, anything else empty. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Biller Direct failures are the kit's SimFailure with a string code, answered as `{success:false, message, code}`. */
export const badRequest = (message: string): never => fail(400, 'bad_request', message);
export const notFound = (what: string): never => fail(404, 'not_found', `${what} not found`);

// ---- readers ----------------------------------------------------------------------------------------

export function reqString(body: Body, field: string, label = field): string {
  const v = body[field];
  if (blank(v)) return badRequest(`${label} is required`);
  if (typeof v !== 'string') return badRequest(`${label} must be a string`);
  return v.trim();
}

export function optString(body: Body, field: string, label = field): string | undefined {
  const v = body[field];
  if (blank(v)) return undefined;
  if (typeof v !== 'string') return badRequest(`${label} must be a string`);
  return v.trim();
}

/** Booleans, also as the strings "true"/"false" (the docs' examples send both). */
export function optBool(body: Body, field: string, label = field): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return badRequest(`${label} must be a boolean`);
}

export function optEnum<T extends string>(body: Body, field: string, values: readonly T[], label = field): T | undefined {
  const v = body[field];
  if (blank(v)) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) return badRequest(`${label} must be one of ${values.join(', ')}`);
  return v as T;
}

export function reqEnum<T extends string>(body: Body, field: string, values: readonly T[], label = field): T {
  return optEnum(body, field, values, label) ?? badRequest(`${label} is required`);
}

/** Positive integer from a number or digit string. */
export function optPositiveInt(body: Body, field: string, label = field): number | undefined {
  const v = body[field];
  if (blank(v)) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) return badRequest(`${label} must be a positive integer`);
  return n;
}

/** ISO 8601 date-time (or date) → ISO string. */
export function optIsoDate(body: Body, field: string, label = field): string | undefined {
  const v = body[field];
  if (blank(v)) return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v.trim())) {
    return badRequest(`${label} must be an ISO 8601 date`);
  }
  const ms = Date.parse(v.trim());
  if (Number.isNaN(ms)) return badRequest(`${label} must be an ISO 8601 date`);
  return new Date(ms).toISOString();
}

/** `mm/dd/yyyy` → midnight UTC ISO, or undefined when not a real date. */
export function parseUsDate(v: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v.trim());
  if (!m) return undefined;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return d.toISOString();
}

// ---- payment methods ----------------------------------------------------------------------------------

export interface CardInput {
  last4: string;
  bin: string;
  brand: BdCardBrand;
  type: 'credit' | 'debit';
  expDate: string;
  approved: boolean;
}

export interface BankInput {
  routingLast4: string;
  accountLast4: string;
  type: 'checking' | 'savings';
}

/** Validates the card fields of `body`; `label` prefixes field names in messages (e.g. `cards[0].`). */
export function readCard(body: Body, now: Date, label = ''): CardInput {
  const raw = body.cardNumber;
  if (blank(raw)) return badRequest(`${label}cardNumber is required`);
  const digits = typeof raw === 'string' ? raw.replace(/[\s-]/g, '') : typeof raw === 'number' ? String(raw) : '';
  if (!/^\d{12,19}$/.test(digits)) return badRequest(`${label}cardNumber must be 12 to 19 digits`);
  const code = body.cardCode;
  if (blank(code)) return badRequest(`${label}cardCode is required`);
  if (!/^\d{3,4}$/.test(String(code))) return badRequest(`${label}cardCode must be 3 or 4 digits`);
  const month = text(body.expMonth).trim();
  if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12) return badRequest(`${label}expMonth must be a month 01-12`);
  const year = text(body.expYear).trim();
  if (!/^\d{4}$/.test(year)) return badRequest(`${label}expYear must be a four-digit year`);
  const endOfMonth = Date.UTC(Number(year), Number(month), 1);
  if (endOfMonth <= now.getTime()) return badRequest(`${label}card is expired (expMonth/expYear)`);
  const zip = text(body.zipcode).trim();
  if (!/^\d{5}(-\d{4})?$/.test(zip)) return badRequest(`${label}zipcode must be a 5-digit ZIP code`);
  const brand = optEnum(body, 'cardBrand', BD_CARD_BRANDS, `${label}cardBrand`) ?? cardBrandOf(digits);
  const type = optEnum(body, 'cardType', ['credit', 'debit'] as const, `${label}cardType`) ?? 'credit';
  return {
    last4: digits.slice(-4),
    bin: digits.slice(0, 6),
    brand,
    type,
    expDate: `${year}-${month.padStart(2, '0')}-01T12:00:00.000Z`,
    approved: digits === BILLER_DIRECT_SUCCESS_CARD,
  };
}

export function readBank(body: Body): BankInput {
  const routing = reqString(body, 'routingNumber');
  if (!/^\d{9}$/.test(routing)) return badRequest('routingNumber must be 9 digits');
  const account = reqString(body, 'accountNumber');
  if (!/^\d{4,17}$/.test(account)) return badRequest('accountNumber must be 4 to 17 digits');
  const type = reqEnum(body, 'accountType', ['checking', 'savings'] as const);
  return { routingLast4: routing.slice(-4), accountLast4: account.slice(-4), type };
}

export function readPaymentType(body: Body): BdPaymentType {
  return reqEnum(body, 'paymentType', ['card', 'bank'] as const);
}

// ---- sandbox outcomes -----------------------------------------------------------------------------------

export const LEGACY_CREDENTIALS = ['test', 'testfail', 'testhold', 'testmfaquestion', 'testmfacode', 'testmfaprompt', 'testpaymentfail', 'testswap'] as const;
export type LegacyCredential = (typeof LEGACY_CREDENTIALS)[number];

const AUTH_STATUS_INPUTS = ['authenticate', 'hold', 'mfa-required-questions', 'mfa-required-code', 'mfa-required-prompt'] as const;
const BILL_STATUS_INPUTS: readonly BdBillStatus[] = ['syncing', 'zero-balance', 'overdue', 'payment-declined', 'upcoming', 'paid'];
const SWAP_STATUS_INPUTS = ['in-progress', 'completed', 'card-on-file'] as const;

export const DEFAULT_BALANCE_CENTS = 10000;
export const DEFAULT_DUE_DAYS = 14;

/** How an auth starts, and what to do once it is verified. */
export interface AuthStart {
  status: BdAuthStatus;
  holdCode?: string;
  mfaMethod?: BdMfaMethod;
  plan: BdAuthPlan;
}

/** The legacy credential in `form.username`/`form.email`, if any. */
export function legacyCredential(form: Body): LegacyCredential | undefined {
  for (const field of ['username', 'email']) {
    const v = form[field];
    if (typeof v !== 'string') continue;
    const name = v
      .trim()
      .toLowerCase()
      .replace(/@test\.test\.?$/, '');
    const found = LEGACY_CREDENTIALS.find((c) => c === name);
    if (found) return found;
  }
  return undefined;
}

export function resolveAuthStart(record: BdCompanyRecord, form: Body): AuthStart {
  const legacy = legacyCredential(form);
  if (legacy) {
    const plan: BdAuthPlan = {
      source: 'legacy',
      credential: legacy,
      swapStatus: 'completed',
      paymentsFail: legacy === 'testpaymentfail',
      autoSwap: legacy === 'testswap',
    };
    switch (legacy) {
      case 'testfail':
        return { status: 'authenticate', plan };
      case 'testhold':
        return { status: 'hold', holdCode: 'account_issue_verify_identity', plan };
      case 'testmfaquestion':
        return { status: 'mfa-required', mfaMethod: 'questions', plan };
      case 'testmfacode':
        return { status: 'mfa-required', mfaMethod: 'code', plan };
      case 'testmfaprompt':
        return { status: 'mfa-required', mfaMethod: 'prompt', plan };
      default:
        return { status: 'verified', plan };
    }
  }

  const rawStatus = typeof form.status === 'string' ? form.status.trim().toLowerCase() : '';
  let balanceCents: number | undefined;
  if (!blank(form.balance)) {
    balanceCents = parseCents(form.balance);
    if (balanceCents === undefined) return badRequest('form.balance must be a non-negative amount');
  }
  let dueDate: string | undefined;
  if (!blank(form.dueDate)) {
    dueDate = typeof form.dueDate === 'string' ? parseUsDate(form.dueDate) : undefined;
    if (dueDate === undefined) return badRequest('form.dueDate must be a date in mm/dd/yyyy format');
  }
  const plan: BdAuthPlan = {
    source: 'test-inputs',
    swapStatus: 'completed',
    paymentsFail: false,
    autoSwap: false,
    ...(balanceCents !== undefined ? { balanceCents } : {}),
    ...(dueDate !== undefined ? { dueDate } : {}),
  };
  const billStatus = BILL_STATUS_INPUTS.find((s) => s === rawStatus);
  if (billStatus) plan.billStatus = billStatus;
  const swapStatus = SWAP_STATUS_INPUTS.find((s) => s === rawStatus);
  if (swapStatus) plan.swapStatus = swapStatus;

  const authStatus = AUTH_STATUS_INPUTS.find((s) => s === rawStatus);
  if (authStatus === 'authenticate') return { status: 'authenticate', plan };
  if (authStatus === 'hold') return { status: 'hold', holdCode: 'account_issue_accept_toc', plan };
  if (authStatus) return { status: 'mfa-required', mfaMethod: authStatus.slice('mfa-required-'.length) as BdMfaMethod, plan };
  if (record.mfaMethod) return { status: 'mfa-required', mfaMethod: record.mfaMethod, plan };
  return { status: 'verified', plan };
}

/** Initial bill values for a verified auth's plan. */
export interface BillStart {
  status: BdBillStatus;
  balanceCents?: number;
  dueDate?: string;
  lastPaidAmountCents?: number;
  lastPaidOn?: string;
  declineNext: boolean;
}

export function billStart(plan: BdAuthPlan, now: Date): BillStart {
  const balance = plan.balanceCents ?? DEFAULT_BALANCE_CENTS;
  const dueDate = plan.dueDate ?? addDays(startOfDay(now), DEFAULT_DUE_DAYS);
  const derived: BdBillStatus = balance === 0 ? 'zero-balance' : Date.parse(dueDate) < Date.parse(startOfDay(now)) ? 'overdue' : 'upcoming';
  switch (plan.billStatus) {
    case 'syncing':
      return { status: 'syncing', declineNext: false };
    case 'zero-balance':
      return { status: 'zero-balance', balanceCents: 0, dueDate, declineNext: false };
    case 'paid':
      return { status: 'paid', balanceCents: 0, dueDate, lastPaidAmountCents: balance, lastPaidOn: dueDate, declineNext: false };
    case 'payment-declined':
      // Recipe: link with a future due date, then a payment scheduled with no date is declined.
      return { status: derived === 'zero-balance' ? 'upcoming' : derived, balanceCents: balance, dueDate, declineNext: true };
    case 'overdue':
    case 'upcoming':
      return { status: plan.billStatus, balanceCents: balance, dueDate, declineNext: false };
    default:
      return { status: derived, balanceCents: balance, dueDate, declineNext: false };
  }
}

/** An MFA answer that fails ([OUR]): "wrong", any case. */
export function isWrongAnswer(v: unknown): boolean {
  return typeof v === 'string' && v.trim().toLowerCase() === 'wrong';
}

/** Validates `[{identifier, answer}]` covering every question; true when an answer is "wrong". */
export function checkAnswers(questions: BdMfaQuestion[], answers: unknown, label: string): boolean {
  if (!Array.isArray(answers)) return badRequest(`${label} must be an array of {identifier, answer}`);
  const given = new Map<string, unknown>();
  for (const [i, a] of answers.entries()) {
    if (!isObject(a) || typeof a.identifier !== 'string' || typeof a.answer !== 'string') {
      return badRequest(`${label}[${i}] must be {identifier, answer}`);
    }
    given.set(a.identifier, a.answer);
  }
  for (const q of questions) if (!given.has(q.identifier)) return badRequest(`${label} has no answer for question ${q.identifier}`);
  return questions.some((q) => isWrongAnswer(given.get(q.identifier)));
}

// ---- request signing, search and small helpers ------------------------------------------------------

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const GEO_RADIUS_KM = 150;

/**
 * Checks `Signature`/`Date` (docs/api-notes.md §2.10): base64 RSA-SHA256 PKCS#1 v1.5 over
 * `METHOD:path-and-query:credential:Date`. The query is rebuilt from the parsed query in both
 * form and percent encoding (the server core keeps no raw URL). Returns the 401 code and message, or undefined.
 */
export function checkSignature(
  req: RecordedRequest,
  credential: string,
  key: KeyObject,
  nowMs: number,
  skewSeconds: number,
): { code: string; message: string } | undefined {
  const signature = req.headers.signature;
  const date = req.headers.date;
  if (!signature || !date) return { code: 'signature_required', message: 'Signature and Date headers are required' };
  if (!ISO_TIMESTAMP.test(date.trim())) return { code: 'invalid_signature', message: 'Date must be an ISO 8601 timestamp' };
  if (skewSeconds > 0 && Math.abs(Date.parse(date) - nowMs) > skewSeconds * 1000) {
    return { code: 'invalid_signature', message: 'Date is too far from the current time' };
  }
  const entries = Object.entries(req.query);
  const queries =
    entries.length === 0
      ? ['']
      : [`?${new URLSearchParams(req.query).toString()}`, `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`];
  const sig = Buffer.from(signature.trim(), 'base64');
  const good = queries.some((q) => {
    const data = Buffer.from(`${req.method}:${req.path}${q}:${credential}:${date}`, 'utf8');
    try {
      return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
    } catch {
      return false;
    }
  });
  return good ? undefined : { code: 'invalid_signature', message: 'The request signature does not verify' };
}

/** POST /company/search: filters, geo distance order ([OUR] within 150 km) or name order, pagination. */
export function searchCompanies(companies: BdCompany[], body: Body): { data: BdCompany[]; resultCount?: number } {
  const query = optString(body, 'query')?.toLowerCase();
  const category = optString(body, 'category');
  const paginate = optBool(body, 'paginateResults') ?? false;
  const pageSize = optPositiveInt(body, 'pageSize') ?? 25;
  if (pageSize > 100) return badRequest('pageSize must be at most 100');
  const pageNumber = optPositiveInt(body, 'pageNumber') ?? 1;
  let products: string[] = [];
  if (body.products !== undefined && body.products !== null) {
    if (!Array.isArray(body.products) || !body.products.every((p) => typeof p === 'string' && (BD_PRODUCTS as readonly string[]).includes(p))) {
      return badRequest(`products must be an array of ${BD_PRODUCTS.join(', ')}`);
    }
    products = body.products as string[];
  }
  let geo: { lat: number; lng: number } | undefined;
  if (body.geo !== undefined && body.geo !== null) {
    const g = body.geo;
    const lat = isObject(g) ? Number(g.lat) : NaN;
    const lng = isObject(g) ? Number(g.lng) : NaN;
    if (!isObject(g) || typeof g.lat === 'boolean' || typeof g.lng === 'boolean' || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) {
      return badRequest('geo must be {lat, lng} with numeric coordinates');
    }
    geo = { lat, lng };
  }
  let found = companies.filter(
    (c) =>
      (!query || c.name.toLowerCase().includes(query)) &&
      (!category || c.categories.includes(category)) &&
      products.every((p) => (productsOf(c) as string[]).includes(p)),
  );
  if (geo) {
    const here = geo;
    found = found
      .filter((c) => c.geo && distanceKm(here, c.geo) <= GEO_RADIUS_KM)
      .sort((a, b) => distanceKm(here, a.geo ?? here) - distanceKm(here, b.geo ?? here));
  } else {
    found.sort((a, b) => a.name.localeCompare(b.name));
  }
  if (!paginate) return { data: found.map((c) => structuredClone(c)) };
  const page = found.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return { data: page.map((c) => structuredClone(c)), resultCount: found.length };
}

function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(h));
}

export function toPublicKey(key: string | KeyObject): KeyObject {
  const k = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  if (k.asymmetricKeyType !== 'rsa') throw new TypeError('The signing public key must be an RSA key');
  return k;
}
