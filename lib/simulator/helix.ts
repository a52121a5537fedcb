/**
 * CorePro/Helix external-account API simulator route module (docs/api-notes.md §3): the eight
 * `/externalAccount/...` operations with HTTP Basic auth, the Helix envelope
 * `{data?, errors, requestId, status, throttle?}`, in-memory state seeded from helix-data.ts and the
 * documented rules and error codes. Fixed path parts match case-insensitively (docs' casing and the
 * SDKs' lower-case both work). Error messages never echo account or routing numbers.
 *
 * Choices not documented by Q2 are marked [OUR] simulator-only. The main ones:
 * - [OUR] codes: 50400 malformed request (bad JSON, wrong field type, over-long field, missing
 *   amounts); 62000 unknown customer (400 on create/initiate, 404 on get/getByTag/list); 62100
 *   unknown account on get/getByTag (HTTP 404). Exported as HELIX_SIM_CODES.
 * - [OUR] business types `BusinessChecking`/`BusinessSavings` need `businessName` (62013/62616);
 *   types match case-insensitively and are stored in canonical casing.
 * - [OUR] create needs firstName or lastName (62005); initiate needs both (62604 / 62605).
 * - [OUR] routing checks on create reuse initiate's 69206 (not numeric) / 69208 (invalid); a routing
 *   number is valid when it is 123456789 (sandbox) or 9 digits with a correct ABA checksum.
 * - [OUR] account numbers: letters, digits and '-' only.
 * - [OUR] nickName uniqueness is per customer, case-insensitive, among non-Archived accounts; create
 *   does not check it (its table has no code), so verify reports a clash (62301) before verifying.
 * - [OUR] tag uniqueness is exact-match across all accounts of the program, Archived ones included;
 *   update may set a tag once, changing an existing tag answers 62403 "Tag is immutable".
 * - [OUR] verify: amounts in either order; Archived → 62201; verification window (default 14 days
 *   from initiate) lapsing → status Expired and 62205; the failing attempt that uses up the attempts
 *   (default 3) sets VerifyLocked and answers 62206; success returns no `data`.
 * - [OUR] archive: Unverified/VerifyLocked → 62502 (not Verified); Archived/Denied/Expired → 62506;
 *   the 3-per-day counter uses the UTC calendar day of the injectable clock.
 * - [OUR] rate limit: per API key, fixed windows (default 1000 requests / 60 s); a `throttle` object
 *   `{limit, remaining, reset}` (reset = whole seconds until the window ends) is added past 80 % of
 *   the limit, or on every response with `throttle: true`; over the limit → 429 50429 + retry-after.
 * - [OUR] 404 50404 / 405 50405 for unknown `/externalAccount/...` routes are answered before auth.
 * Not produced: 62011/62012, 62515, 62618, 69205, 50403, 50505.
 */
import { randomUUID } from 'node:crypto';
import type { RecordedRequest, Route, RouteModule, SimResponse } from './server';
import { SeededStore, authParam, blank, catchFailure, decodeBasic, fail, jsonObject, parseCents, route, safeEqual, systemClock, toId, type Body } from './kit';
import {
  HELIX_BANK_NAMES,
  HELIX_BUSINESS_TYPES,
  HELIX_PERSONAL_TYPES,
  HELIX_SANDBOX_ROUTING,
  createHelixSeedState,
  helixDate,
  makeAccount,
  type HelixAccountRecord,
  type HelixAccountStatus,
  type HelixAccountType,
  type HelixCustomer,
  type HelixExternalAccount,
  type HelixState,
} from './helix-data';

export interface HelixCredentials {
  apiKey: string;
  apiSecret: string;
}

/** Public Helix sandbox demo credentials (docs/api-notes.md §3.1). */
export const HELIX_DEMO_CREDENTIALS: HelixCredentials = { apiKey: 'example1', apiSecret: 'example1' };

/** [OUR] simulator-only shape of the undocumented `throttle` object. */
export interface HelixThrottle {
  limit: number;
  remaining: number;
  /** Whole seconds until the rate window resets. */
  reset: number;
}

export interface HelixRateLimit {
  /** Requests per window per API key. */
  limit: number;
  /** Default 60. */
  windowSeconds?: number;
}

export interface HelixError {
  code: number;
  message: string;
}

export interface HelixEnvelope {
  data?: unknown;
  errors: HelixError[];
  requestId: string;
  status: number;
  throttle?: HelixThrottle;
}

export interface HelixOptions {
  /** Accepted API keys; default [HELIX_DEMO_CREDENTIALS]. */
  credentials?: HelixCredentials[];
  /** Program's per-customer external account limit; default 5. */
  perUserExternalAccountCountMax?: number;
  /** Program allows /externalAccount/create (else 62014); default true. */
  createEnabled?: boolean;
  /** [OUR] Program allows /externalAccount/initiate (else 62617); default true. */
  initiateEnabled?: boolean;
  /** [OUR] Add `throttle` to every authenticated response; default false (only past 80 %). */
  throttle?: boolean;
  /** [OUR] Default { limit: 1000, windowSeconds: 60 }. */
  rateLimit?: HelixRateLimit;
  /** Archives per customer per day; default 3. */
  archivesPerDayMax?: number;
  /** [OUR] Wrong verify attempts before VerifyLocked; default 3. */
  verifyAttemptsMax?: number;
  /** [OUR] Days after initiate before verification expires; default 14. */
  verifyWindowDays?: number;
  /** Micro-deposit amounts; default the sandbox's [0.18, 0.28]. */
  microDeposits?: [number, number];
  /** Clock for dates, the verify window, the daily archive counter and rate windows. */
  now?: () => Date;
}

/** [OUR] simulator-only error codes (see the file comment). */
export const HELIX_SIM_CODES = { badRequest: 50400, unknownCustomer: 62000, accountNotFound: 62100 } as const;

export const HELIX_OPERATIONS = ['create', 'initiate', 'verify', 'update', 'archive', 'get', 'getByTag', 'list'] as const;
export type HelixOperation = (typeof HELIX_OPERATIONS)[number];

const OPERATION_DEFS: ReadonlyArray<{ op: HelixOperation; method: 'GET' | 'POST'; params: readonly string[] }> = [
  { op: 'create', method: 'POST', params: [] },
  { op: 'initiate', method: 'POST', params: [] },
  { op: 'verify', method: 'POST', params: [] },
  { op: 'update', method: 'POST', params: [] },
  { op: 'archive', method: 'POST', params: [] },
  { op: 'get', method: 'GET', params: ['customerId', 'externalAccountId'] },
  { op: 'getByTag', method: 'GET', params: ['customerId', 'tag'] },
  { op: 'list', method: 'GET', params: ['customerId'] },
];

const ALL_TYPES: readonly HelixAccountType[] = [...HELIX_PERSONAL_TYPES, ...HELIX_BUSINESS_TYPES];
const COUNTED: ReadonlySet<HelixAccountStatus> = new Set(['Unverified', 'VerifyLocked', 'Verified']);
const CUSTOM_FIELDS = ['customField1', 'customField2', 'customField3', 'customField4', 'customField5'] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

interface Outcome {
  status?: number;
  data?: unknown;
}
type HelixHandler = (req: RecordedRequest, params: Record<string, string>) => Outcome;
type GuardedHandler = (req: RecordedRequest, params: Record<string, string>) => SimResponse;

/** Thrown by handlers (the kit's SimFailure with a Helix error code); turned into an error envelope by the guard. */
function refuse(code: number, message: string, status = 400): never {
  return fail(status, code, message);
}

const badRequest = (message: string): never => refuse(HELIX_SIM_CODES.badRequest, message);

// ---- input helpers ----------------------------------------------------------------------------

/** Optional string field: undefined when absent/blank; 50400 when not a string or too long. */
function optString(body: Body, field: string, max?: number): string | undefined {
  const v = body[field];
  if (blank(v)) return undefined;
  if (typeof v !== 'string') return badRequest(`${field} must be a string`);
  if (max !== undefined && v.length > max) return badRequest(`${field} must be at most ${max} characters`);
  return v;
}

/** For update: `{set:false}` when the key is absent, else the new value (null clears). */
function updateField(body: Body, field: string, max: number): { set: false } | { set: true; value: string | null } {
  if (!(field in body)) return { set: false };
  const v = body[field];
  if (v === null || v === '') return { set: true, value: null };
  return { set: true, value: optString(body, field, max) ?? null };
}

function validRouting(rtn: string): boolean {
  if (rtn === HELIX_SANDBOX_ROUTING) return true;
  if (!/^\d{9}$/.test(rtn)) return false;
  const d = [...rtn].map(Number);
  return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 === 0;
}

const sameNick = (a: string | null, b: string): boolean => a !== null && a.toLowerCase() === b.toLowerCase();
const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer`);
  return v;
}

// ---- per-endpoint code tables -----------------------------------------------------------------

interface AddCodes {
  disabled: number;
  badType: number;
  /** create: one of first/last name; initiate: both. */
  names: { either: number } | { first: number; last: number };
  businessName: number;
  routingRequired: number;
  accountRequired: number;
  accountChars: number;
  accountLength: number;
  tagInUse: number;
  nickNameInUse?: number;
  limit: number;
}

const CREATE_CODES: AddCodes = {
  disabled: 62014,
  badType: 62002,
  names: { either: 62005 },
  businessName: 62013,
  routingRequired: 62006,
  accountRequired: 62007,
  accountChars: 62008,
  accountLength: 62009,
  tagInUse: 62003,
  limit: 62001,
};

const INITIATE_CODES: AddCodes = {
  disabled: 62617,
  badType: 62601,
  names: { first: 62604, last: 62605 },
  businessName: 62616,
  routingRequired: 69203,
  accountRequired: 62607,
  accountChars: 62612,
  accountLength: 62613,
  tagInUse: 62008,
  nickNameInUse: 62602,
  limit: 62609,
};

// ---- the module -------------------------------------------------------------------------------

export class HelixSim implements RouteModule {
  readonly name = 'corepro-helix';
  readonly routes: Route[];
  private readonly store = new SeededStore(createHelixSeedState);
  private readonly opts: HelixOptions;
  private readonly credentials: HelixCredentials[];
  private readonly handlers: Map<HelixOperation, GuardedHandler>;
  private readonly windows = new Map<string, { start: number; count: number }>();
  private clock: () => Date;
  private perUserMax: number;
  private createEnabled: boolean;
  private initiateEnabled: boolean;
  private throttleAlways: boolean;
  private rate: Required<HelixRateLimit>;
  private readonly archivesPerDayMax: number;
  private readonly verifyAttemptsMax: number;
  private readonly verifyWindowDays: number;
  private readonly microDeposits: [number, number];

  constructor(opts: HelixOptions = {}) {
    this.opts = opts;
    this.credentials = opts.credentials ?? [HELIX_DEMO_CREDENTIALS];
    this.archivesPerDayMax = positiveInt('archivesPerDayMax', opts.archivesPerDayMax ?? 3);
    this.verifyAttemptsMax = positiveInt('verifyAttemptsMax', opts.verifyAttemptsMax ?? 3);
    this.verifyWindowDays = positiveInt('verifyWindowDays', opts.verifyWindowDays ?? 14);
    this.microDeposits = opts.microDeposits ?? [0.18, 0.28];
    if (this.microDeposits.some((a) => parseCents(a) === undefined)) throw new RangeError('microDeposits must be two amounts in cents');
    // Assigned again by applyOptions(); repeated here so strict property initialisation sees them.
    this.clock = opts.now ?? systemClock;
    this.perUserMax = 5;
    this.createEnabled = true;
    this.initiateEnabled = true;
    this.throttleAlways = false;
    this.rate = { limit: 1000, windowSeconds: 60 };
    this.applyOptions();

    const impl: Record<HelixOperation, HelixHandler> = {
      create: (req) => this.add(req, 'create'),
      initiate: (req) => this.add(req, 'initiate'),
      verify: (req) => this.verify(req),
      update: (req) => this.update(req),
      archive: (req) => this.archive(req),
      get: (_req, p) => this.get(p),
      getByTag: (_req, p) => this.getByTag(p),
      list: (_req, p) => this.list(p),
    };
    this.handlers = new Map(OPERATION_DEFS.map((d) => [d.op, this.guard(impl[d.op])]));
    this.routes = OPERATION_DEFS.flatMap((d) => {
      const params = d.params.map((p) => `/:${p}`).join('');
      const handler = this.handlers.get(d.op) as GuardedHandler;
      return [`/externalAccount/${d.op}`, `/externalaccount/${d.op.toLowerCase()}`].map((prefix) => route(d.method, prefix + params, handler));
    });
  }

  // ---- test helpers ---------------------------------------------------------------------------

  /** Live in-memory state (replaced by reset()). */
  get state(): HelixState {
    return this.store.state;
  }

  private get data(): HelixState {
    return this.store.state;
  }

  /** A copy of an account as the API would return it, or undefined. */
  account(externalAccountId: number): HelixExternalAccount | undefined {
    const record = this.data.accounts.find((r) => r.account.externalAccountId === externalAccountId);
    return record ? { ...record.account } : undefined;
  }

  /** The micro-deposits of an initiated account (null for created/seeded ones). */
  microDepositsFor(externalAccountId: number): [number, number] | null {
    const deposits = this.record(externalAccountId).internals.microDeposits;
    return deposits ? [deposits[0], deposits[1]] : null;
  }

  /** Marks an account as tied (or not) to a transaction settled in the past 90 days (limit rule). */
  setSettledWithin90Days(externalAccountId: number, settled = true): void {
    this.record(externalAccountId).internals.settledWithin90Days = settled;
  }

  /** Archive answers 62505 while the account has outstanding transactions. */
  setOutstandingTransactions(externalAccountId: number, outstanding = true): void {
    this.record(externalAccountId).internals.outstandingTransactions = outstanding;
  }

  /** Archive answers 62503 while the customer has pending transactions / a non-zero balance. */
  setCustomerPendingTransactions(customerId: number, pending = true): void {
    const customer = this.customer(customerId);
    if (!customer) throw new RangeError(`No simulated Helix customer ${customerId}`);
    customer.pendingTransactions = pending;
  }

  /** Locks (fraud/admin) or unlocks an account. */
  setLocked(externalAccountId: number, locked = true, reason = 'Locked by the simulator'): void {
    const { account } = this.record(externalAccountId);
    const when = helixDate(this.clock());
    account.isLocked = locked;
    if (locked) {
      account.lockedDate = when;
      account.lockedReason = reason;
    } else {
      account.lockedReason = null;
    }
    account.lastModifiedDate = when;
  }

  /** Ends the verification window now: status Expired (verify then answers 62205). */
  expireVerification(externalAccountId: number): void {
    const { account } = this.record(externalAccountId);
    this.changeStatus(account, 'Expired');
    account.lastVerifyExpiredDate = account.statusDate;
  }

  /** Sets any status (e.g. Denied for 62203). */
  setStatus(externalAccountId: number, status: HelixAccountStatus): void {
    this.changeStatus(this.record(externalAccountId).account, status);
  }

  addCustomer(customerId: number, kind: HelixCustomer['kind'] = 'personal', displayName = `Customer ${customerId}`): void {
    positiveInt('customerId', customerId);
    if (this.customer(customerId)) throw new RangeError(`Helix customer ${customerId} already exists`);
    this.data.customers.push({ customerId, kind, displayName, pendingTransactions: false });
  }

  setPerUserExternalAccountCountMax(max: number): void {
    this.perUserMax = positiveInt('perUserExternalAccountCountMax', max);
  }

  setCreateEnabled(enabled: boolean): void {
    this.createEnabled = enabled;
  }

  setInitiateEnabled(enabled: boolean): void {
    this.initiateEnabled = enabled;
  }

  /** true: every authenticated response carries `throttle`; false: only past 80 % of the limit. */
  setThrottle(always: boolean): void {
    this.throttleAlways = always;
  }

  /** Changes the rate limit and starts fresh windows. */
  setRateLimit(rate: HelixRateLimit): void {
    this.rate = { limit: positiveInt('rateLimit.limit', rate.limit), windowSeconds: positiveInt('rateLimit.windowSeconds', rate.windowSeconds ?? 60) };
    this.windows.clear();
  }

  /** Replaces the clock; without an argument restores the `now` option (or the real clock). */
  setClock(now?: () => Date): void {
    this.clock = now ?? this.opts.now ?? systemClock;
  }

  /** Restores the seed state and every setting changed by the methods above to the options. */
  reset(): void {
    this.store.reset();
    this.applyOptions();
  }

  /** Answers every other casing of the fixed path parts, plus 404/405 under /externalAccount/. */
  notFound(req: RecordedRequest): SimResponse | undefined {
    const segments = req.path.split('/');
    if (segments.length < 3 || segments[0] !== '' || segments[1].toLowerCase() !== 'externalaccount') return undefined;
    const def = OPERATION_DEFS.find((d) => d.op.toLowerCase() === segments[2].toLowerCase());
    const values = segments.slice(3);
    if (!def) return this.envelope(404, undefined, [{ code: 50404, message: 'Route not found' }]);
    if (def.method !== req.method) {
      const res = this.envelope(405, undefined, [{ code: 50405, message: 'Method not allowed' }]);
      res.headers = { ...res.headers, allow: def.method };
      return res;
    }
    if (values.length !== def.params.length || values.some((v) => v === '')) {
      return this.envelope(404, undefined, [{ code: 50404, message: 'Route not found' }]);
    }
    const params: Record<string, string> = {};
    try {
      def.params.forEach((name, i) => (params[name] = decodeURIComponent(values[i])));
    } catch {
      return this.envelope(400, undefined, [{ code: HELIX_SIM_CODES.badRequest, message: 'Malformed percent-encoding in path' }]);
    }
    return (this.handlers.get(def.op) as GuardedHandler)(req, params);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private applyOptions(): void {
    const o = this.opts;
    this.clock = o.now ?? systemClock;
    this.perUserMax = positiveInt('perUserExternalAccountCountMax', o.perUserExternalAccountCountMax ?? 5);
    this.createEnabled = o.createEnabled ?? true;
    this.initiateEnabled = o.initiateEnabled ?? true;
    this.throttleAlways = o.throttle ?? false;
    this.setRateLimit(o.rateLimit ?? { limit: 1000, windowSeconds: 60 });
  }

  private envelope(status: number, data: unknown, errors: HelixError[], throttle?: HelixThrottle, headers: Record<string, string> = {}): SimResponse {
    const requestId = randomUUID();
    // Key order as documented; `data` absent when null, `throttle` only when given.
    const body: HelixEnvelope = {
      ...(data === undefined || data === null ? {} : { data }),
      errors,
      requestId,
      status,
      ...(throttle ? { throttle } : {}),
    };
    return { status, headers: { 'x-request-id': requestId, ...headers }, body };
  }

  /** The API key of valid HTTP Basic credentials, or undefined. */
  private authenticate(req: RecordedRequest): string | undefined {
    const basic = authParam(req, 'Basic');
    const pair = basic === undefined ? undefined : decodeBasic(basic);
    if (!pair) return undefined;
    const [key, secret] = pair;
    // Compare against every credential so timing does not reveal which keys exist.
    let match: string | undefined;
    for (const c of this.credentials) if (safeEqual(c.apiKey, key) && safeEqual(c.apiSecret, secret)) match = c.apiKey;
    return match;
  }

  private countRequest(apiKey: string): { throttle: HelixThrottle; near: boolean; exceeded: boolean } {
    const now = this.clock().getTime();
    const span = this.rate.windowSeconds * 1000;
    const start = Math.floor(now / span) * span;
    let w = this.windows.get(apiKey);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(apiKey, w);
    }
    w.count += 1;
    const { limit } = this.rate;
    const throttle = { limit, remaining: Math.max(0, limit - w.count), reset: Math.max(1, Math.ceil((start + span - now) / 1000)) };
    return { throttle, near: w.count > 0.8 * limit, exceeded: w.count > limit };
  }

  /** Auth → rate limit → handler; a SimFailure becomes an error envelope. */
  private guard(handler: HelixHandler): GuardedHandler {
    return (req, params) => {
      const apiKey = this.authenticate(req);
      if (apiKey === undefined) {
        return this.envelope(401, undefined, [{ code: 50401, message: 'Unauthorized: invalid API key or secret' }], undefined, {
          'www-authenticate': 'Basic realm="helix-simulator"',
        });
      }
      const rate = this.countRequest(apiKey);
      if (rate.exceeded) {
        return this.envelope(429, undefined, [{ code: 50429, message: `Rate limit exceeded; retry after ${rate.throttle.reset} second(s)` }], rate.throttle, {
          'retry-after': String(rate.throttle.reset),
        });
      }
      const throttle = this.throttleAlways || rate.near ? rate.throttle : undefined;
      return catchFailure(
        () => {
          const out = handler(req, params);
          return this.envelope(out.status ?? 200, out.data, [], throttle);
        },
        (f) => this.envelope(f.status, undefined, [{ code: Number(f.code), message: f.message }], throttle),
      );
    };
  }

  private record(externalAccountId: number): HelixAccountRecord {
    const record = this.data.accounts.find((r) => r.account.externalAccountId === externalAccountId);
    if (!record) throw new RangeError(`No simulated Helix external account ${externalAccountId}`);
    return record;
  }

  private customer(customerId: number): HelixCustomer | undefined {
    return this.data.customers.find((c) => c.customerId === customerId);
  }

  private accountsOf(customerId: number): HelixAccountRecord[] {
    return this.data.accounts.filter((r) => r.account.customerId === customerId);
  }

  private changeStatus(account: HelixExternalAccount, status: HelixAccountStatus): void {
    const when = helixDate(this.clock());
    account.status = status;
    account.isActive = status === 'Verified';
    account.statusDate = when;
    account.lastModifiedDate = when;
  }

  private body(req: RecordedRequest): Body {
    return jsonObject(req, badRequest);
  }

  /** Customer and owned account named by the body; any miss answers `invalidId`. */
  private target(body: Body, invalidId: number): { customer: HelixCustomer; record: HelixAccountRecord } {
    const customerId = toId(body.customerId);
    if (customerId === undefined) return badRequest('customerId is required and must be an integer');
    const accountId = toId(body.externalAccountId);
    const customer = this.customer(customerId);
    const record = accountId === undefined ? undefined : this.accountsOf(customerId).find((r) => r.account.externalAccountId === accountId);
    if (!customer || !record) return refuse(invalidId, 'Invalid externalAccountId for this customer');
    return { customer, record };
  }

  private pathCustomer(params: Record<string, string>): HelixCustomer {
    const id = toId(params.customerId);
    if (id === undefined) return badRequest('customerId must be an integer');
    return this.customer(id) ?? refuse(HELIX_SIM_CODES.unknownCustomer, `Customer ${id} does not exist`, 404);
  }

  private nickNameTaken(customerId: number, nickName: string, exceptId?: number): boolean {
    return this.accountsOf(customerId).some(
      (r) => r.account.externalAccountId !== exceptId && r.account.status !== 'Archived' && sameNick(r.account.nickName, nickName),
    );
  }

  private tagTaken(tag: string): boolean {
    return this.data.accounts.some((r) => r.account.tag === tag);
  }

  /** Accounts counted against perUserExternalAccountCountMax (seed 002). */
  private countedAccounts(customerId: number): number {
    return this.accountsOf(customerId).filter((r) => COUNTED.has(r.account.status) || (r.account.status === 'Archived' && r.internals.settledWithin90Days))
      .length;
  }

  // ---- operations -----------------------------------------------------------------------------

  /** create (Verified) and initiate (Unverified + micro-deposits); checks in this order. */
  private add(req: RecordedRequest, op: 'create' | 'initiate'): Outcome {
    const codes = op === 'create' ? CREATE_CODES : INITIATE_CODES;
    const body = this.body(req);
    const customerId = toId(body.customerId);
    if (customerId === undefined) return badRequest('customerId is required and must be an integer');
    if (!this.customer(customerId)) return refuse(HELIX_SIM_CODES.unknownCustomer, `Customer ${customerId} does not exist`);
    if (!(op === 'create' ? this.createEnabled : this.initiateEnabled)) {
      return refuse(codes.disabled, `External account ${op} is not enabled for this program`);
    }

    const rawType = body.type;
    const type = typeof rawType === 'string' ? ALL_TYPES.find((t) => t.toLowerCase() === rawType.trim().toLowerCase()) : undefined;
    if (!type) return refuse(codes.badType, `Invalid external account type; expected one of ${ALL_TYPES.join(', ')}`);

    const firstName = optString(body, 'firstName');
    const lastName = optString(body, 'lastName');
    const businessName = optString(body, 'businessName', 100);
    if ((HELIX_BUSINESS_TYPES as readonly string[]).includes(type)) {
      if (!businessName) return refuse(codes.businessName, `businessName is required for account type ${type}`);
    } else if ('either' in codes.names) {
      if (!firstName && !lastName) return refuse(codes.names.either, 'firstName or lastName is required');
    } else {
      if (!firstName) return refuse(codes.names.first, `firstName is required for account type ${type}`);
      if (!lastName) return refuse(codes.names.last, `lastName is required for account type ${type}`);
    }

    if (blank(body.routingNumber)) return refuse(codes.routingRequired, 'Routing number is required');
    if (typeof body.routingNumber !== 'string') return badRequest('routingNumber must be a string');
    const routingNumber = body.routingNumber.trim();
    if (!/^\d+$/.test(routingNumber)) return refuse(69206, 'Routing number must be numeric');
    if (!validRouting(routingNumber)) return refuse(69208, 'Routing number is not a valid routing transit number');

    if (blank(body.accountNumber)) return refuse(codes.accountRequired, 'Account number is required');
    if (typeof body.accountNumber !== 'string') return badRequest('accountNumber must be a string');
    const accountNumber = body.accountNumber.trim();
    if (!/^[A-Za-z0-9-]+$/.test(accountNumber)) return refuse(codes.accountChars, 'Account number contains invalid characters');
    if (accountNumber.length > 17) return refuse(codes.accountLength, 'Account number must be at most 17 characters');

    const nickName = optString(body, 'nickName', 50);
    const name = optString(body, 'name', 50);
    const tag = optString(body, 'tag', 50);
    const custom = Object.fromEntries(CUSTOM_FIELDS.map((f) => [f, optString(body, f, 50) ?? null])) as Record<(typeof CUSTOM_FIELDS)[number], string | null>;

    if (tag !== undefined && this.tagTaken(tag)) return refuse(codes.tagInUse, 'Tag is already in use');
    if (codes.nickNameInUse !== undefined && nickName !== undefined && this.nickNameTaken(customerId, nickName)) {
      return refuse(codes.nickNameInUse, 'Nick name already exists for this customer');
    }
    if (this.countedAccounts(customerId) >= this.perUserMax) {
      return refuse(codes.limit, `At most ${this.perUserMax} external account(s) may be added`);
    }

    const now = this.clock();
    const when = helixDate(now);
    const externalAccountId = this.data.nextExternalAccountId++;
    const initiate = op === 'initiate';
    this.data.accounts.push(
      makeAccount(
        {
          externalAccountId,
          customerId,
          accountNumber,
          routingNumber,
          type,
          status: initiate ? 'Unverified' : 'Verified',
          firstName: firstName ?? null,
          lastName: lastName ?? null,
          businessName: businessName ?? null,
          // ACH via NACHA assumed on: known routing numbers get the Fed name, others keep the caller's.
          name: HELIX_BANK_NAMES[routingNumber] ?? name ?? null,
          nickName: nickName ?? null,
          tag: tag ?? null,
          ...custom,
          lastVerifySentDate: initiate ? when : null,
        },
        now,
        initiate ? { microDeposits: [this.microDeposits[0], this.microDeposits[1]], verifyStartedAt: when } : {},
      ),
    );
    return { data: { externalAccountId } };
  }

  private verify(req: RecordedRequest): Outcome {
    const body = this.body(req);
    const { record } = this.target(body, 62201);
    const { account, internals } = record;
    if (account.isLocked) return refuse(62202, 'External account is locked');
    if (
      account.status === 'Unverified' &&
      internals.verifyStartedAt !== null &&
      this.clock().getTime() - Date.parse(internals.verifyStartedAt) > this.verifyWindowDays * DAY_MS
    ) {
      this.changeStatus(account, 'Expired');
      account.lastVerifyExpiredDate = account.statusDate;
    }
    switch (account.status) {
      case 'Denied':
        return refuse(62203, 'External account has been denied');
      case 'Verified':
        return refuse(62204, 'External account is already verified');
      case 'Expired':
        return refuse(62205, 'The verification period has expired');
      case 'VerifyLocked':
        return refuse(62206, 'Too many failed attempts; verification is locked');
      case 'Archived':
        return refuse(62201, 'Invalid externalAccountId for this customer');
      case 'Unverified':
        break;
    }
    const a1 = parseCents(body.amount1);
    const a2 = parseCents(body.amount2);
    if (a1 === undefined || a2 === undefined) return badRequest('amount1 and amount2 must be decimal amounts');
    if (account.nickName !== null && this.nickNameTaken(account.customerId, account.nickName, account.externalAccountId)) {
      return refuse(62301, 'Nick name already exists for this customer');
    }
    const expected = (internals.microDeposits ?? this.microDeposits).map((a) => Math.round(a * 100)).sort((x, y) => x - y);
    const given = [a1, a2].sort((x, y) => x - y);
    if (given[0] !== expected[0] || given[1] !== expected[1]) {
      internals.verifyFailures += 1;
      const left = this.verifyAttemptsMax - internals.verifyFailures;
      if (left <= 0) {
        this.changeStatus(account, 'VerifyLocked');
        return refuse(62206, 'Too many failed attempts; verification is locked');
      }
      return refuse(62207, `The amounts do not match; ${left} attempt(s) remaining`);
    }
    this.changeStatus(account, 'Verified');
    return {};
  }

  private update(req: RecordedRequest): Outcome {
    const body = this.body(req);
    const { record } = this.target(body, 62402);
    const { account } = record;
    if (account.isLocked) return refuse(62514, 'External account is locked');
    const nick = updateField(body, 'nickName', 50);
    const tag = optString(body, 'tag', 50);
    const custom = CUSTOM_FIELDS.map((f) => [f, updateField(body, f, 50)] as const);
    if (nick.set && nick.value !== null && this.nickNameTaken(account.customerId, nick.value, account.externalAccountId)) {
      return refuse(62401, 'Nick name already exists for this customer');
    }
    let setTag = false;
    if (tag !== undefined && tag !== account.tag) {
      if (account.tag !== null) return refuse(62403, 'Tag is immutable and cannot be changed');
      if (this.tagTaken(tag)) return refuse(62403, 'Tag is already in use');
      setTag = true;
    }
    let changed = false;
    if (nick.set && nick.value !== account.nickName) {
      account.nickName = nick.value;
      changed = true;
    }
    if (setTag) {
      account.tag = tag ?? null;
      changed = true;
    }
    for (const [field, change] of custom) {
      if (change.set && change.value !== account[field]) {
        account[field] = change.value;
        changed = true;
      }
    }
    if (changed) account.lastModifiedDate = helixDate(this.clock());
    return {};
  }

  private archive(req: RecordedRequest): Outcome {
    const body = this.body(req);
    const { customer, record } = this.target(body, 62501);
    const { account, internals } = record;
    if (account.status === 'Unverified' || account.status === 'VerifyLocked') return refuse(62502, 'External account is not verified');
    if (account.status !== 'Verified') return refuse(62506, `Status ${account.status} is not archivable`);
    if (customer.pendingTransactions) return refuse(62503, 'Customer has pending transactions or a non-zero balance');
    if (internals.outstandingTransactions) return refuse(62505, 'External account has outstanding transactions');
    const now = this.clock();
    const today = utcDay(now);
    const archivedToday = this.accountsOf(customer.customerId).filter(
      (r) => r.internals.archivedAt !== null && utcDay(new Date(r.internals.archivedAt)) === today,
    ).length;
    if (archivedToday >= this.archivesPerDayMax) {
      return refuse(62004, `At most ${this.archivesPerDayMax} external accounts may be archived per customer per day`);
    }
    this.changeStatus(account, 'Archived');
    internals.archivedAt = helixDate(now);
    return {};
  }

  private get(params: Record<string, string>): Outcome {
    const customer = this.pathCustomer(params);
    const id = toId(params.externalAccountId);
    if (id === undefined) return badRequest('externalAccountId must be an integer');
    const record = this.accountsOf(customer.customerId).find((r) => r.account.externalAccountId === id);
    if (!record) return refuse(HELIX_SIM_CODES.accountNotFound, 'External account not found', 404);
    return { data: { ...record.account } };
  }

  private getByTag(params: Record<string, string>): Outcome {
    const customer = this.pathCustomer(params);
    const record = this.accountsOf(customer.customerId).find((r) => r.account.tag === params.tag);
    if (!record) return refuse(HELIX_SIM_CODES.accountNotFound, 'External account not found', 404);
    return { data: { ...record.account } };
  }

  private list(params: Record<string, string>): Outcome {
    const customer = this.pathCustomer(params);
    const accounts = this.accountsOf(customer.customerId)
      .map((r) => ({ ...r.account }))
      .sort((a, b) => a.externalAccountId - b.externalAccountId);
    return { data: accounts };
  }
}
