/**
 * Q2 Biller Direct API simulator route module (docs/api-notes.md §2): the 30 endpoints of §2.4 under
 * `/v1` (a node's base URL is `{simulator}/v1`), Bearer API-key auth, optional RSA request signing (§2.10),
 * in-memory state seeded from billerdirect-data.ts, the sandbox behaviours of §2.3/§2.5 (rules in
 * billerdirect-rules.ts) and an event log in the documented envelope (§2.8), ready for webhooks.
 *
 * [OUR] simulator-only choices (the API documents none of these):
 * - Every response carries a `request-id` header (uuid). Errors are `{success:false, message, code}`:
 *   400 `bad_request` (validation, naming the field, never echoing card/account numbers), 401
 *   `unauthorized` / `signature_required` / `invalid_signature`, 403 `forbidden` (an SSO token outside its
 *   client), 404 `not_found` (unknown id or route), 405 `method_not_allowed`, 409 for business rules:
 *   `payment_method_recently_used`, `recurring_required`, `schedule_fixed`, `not_on_hold`,
 *   `not_mfa_required`, `retry_not_available`, `not_declined`, `nothing_to_pay`, `bill_syncing`,
 *   `no_payment_method`, `payment_method_declined`, `payment_type_required`, `swap_not_requested`,
 *   `auth_not_verified`, `item_not_supported`.
 * - Bearer: a configured API key, or an unexpired, unrevoked SSO token from create-token/sync (a `nonce`
 *   token works once), which may only reach its own client and not partner-level routes (client, partner
 *   keys, listByPartner). With signing on, the signed string uses whatever bearer value was sent; `Date`
 *   must be ISO 8601 and within `signatureMaxSkewSeconds` (default 300) of the clock. The query part is
 *   rebuilt from the parsed query (the server keeps no raw URL).
 * - Auths resolve at once (no tick): POST /auth answers "queued" but the status, bills, swaps and events
 *   already exist when it returns. A new POST /auth for the same client, company and kind (swap vs
 *   bill/payment), or with meta.billId/meta.swapId, re-runs that auth (same authId).
 * - MFA: auth objects carry `mfa.token` (what the real-time webhook would deliver; also in event
 *   `auth.mfa-required` — the real type name is undocumented). Any answer passes except "wrong" (any case),
 *   which puts the auth on hold with `authentication_not_completed`. Code MFA: pick a destination
 *   (`security:{identifier}`), then answer the code question (`method:"questions"`, `showRetry:true`,
 *   `didNotReceiveCode:true` sends a new token). Prompt: `{token, method:"prompt"}`.
 * - One bill per auth with items `bill`/`payment`; items `payment` also pays it at once. A verified auth
 *   with items `swap` and `meta.paymentMethodId` (or credential `testswap`, with the client's default
 *   card) starts a swap. Payments happen only through /payment/schedule (due ones settle at the start of
 *   each request or via runScheduledPayments()); recurring settings only drive `payDate`.
 * - Payment methods: the first one becomes default; a payment fails for `testpaymentfail` auths, once for
 *   `status=payment-declined` bills and for declined cards; three declines in a row remove the method.
 *   Delete is refused while a payment sent with the method is less than 24 h old.
 * - Partner keys: two RSA-2048 keys generated on first use (kept across reset), JWKs without `x5c`;
 *   `latest` is the newer one.
 */
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { RecordedRequest, Route, RouteHandler, RouteModule, SimResponse } from './server';
import {
  BD_CATEGORIES,
  BD_ITEMS,
  BD_MFA_METHODS,
  BD_SCHEDULES,
  BILLER_DIRECT_DEMO_API_KEY,
  BILLER_DIRECT_PARTNER_ID,
  DAY_MS,
  SCHEDULE_OFFSET_DAYS,
  addDays,
  createBdSeedState,
  eventDate,
  formatCents,
  holdReason,
  maskLast4,
  startOfDay,
  type BdAuthRecord,
  type BdBillRecord,
  type BdCard,
  type BdClient,
  type BdCodeDestination,
  type BdCompany,
  type BdCompanyRecord,
  type BdEvent,
  type BdItem,
  type BdMfaMethod,
  type BdMfaQuestion,
  type BdPaymentMethod,
  type BdPaymentMethodRecord,
  type BdSsoToken,
  type BdState,
  type BdSwapRecord,
  type BdSwapStatus,
} from './billerdirect-data';
import {
  BdFailure,
  badRequest,
  billStart,
  checkAnswers,
  checkSignature,
  fail,
  isObject,
  isWrongAnswer,
  notFound,
  optBool,
  optEnum,
  optIsoDate,
  optPositiveInt,
  optString,
  readBank,
  readCard,
  readPaymentType,
  reqEnum,
  reqString,
  resolveAuthStart,
  safeEqual,
  searchCompanies,
  segmentsMatch,
  toPublicKey,
  type AuthStart,
  type Body,
} from './billerdirect-rules';

export interface BillerDirectOptions {
  /** Accepted API keys (Bearer); default [BILLER_DIRECT_DEMO_API_KEY]. */
  apiKeys?: string[];
  /** PEM (or KeyObject) of the partner's request-signing public key; when set every request must be signed. */
  signingPublicKey?: string | KeyObject;
  /** [OUR] Allowed distance of the `Date` header from the clock, in seconds; default 300, 0 = unchecked. */
  signatureMaxSkewSeconds?: number;
  /** [OUR] The partner id of the API keys; default BILLER_DIRECT_PARTNER_ID. */
  partnerId?: string;
  /** Clock for dates, tokens, due payments, the 24-hour rule and signature dates. */
  now?: () => Date;
}

export interface BillerDirectErrorBody {
  success: false;
  message: string;
  code: string;
}

export interface BdPartnerKey {
  kid: string;
  created: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** Payment method as shown in event payloads and swaps: cards add `bin` (first six digits) and `cancelled`. */
export type BdEventPaymentMethod = Omit<BdPaymentMethod, 'card'> & { card?: BdCard & { bin?: string; cancelled: boolean } };

export type BdEventListener = (event: BdEvent) => void;

interface Ctx {
  req: RecordedRequest;
  params: Record<string, string>;
  /** Set when the bearer is an SSO token: the only client it may reach. */
  scope?: string;
}
type Handler = (ctx: Ctx) => unknown;

const RESOURCES = new Set(['auth', 'bill', 'company', 'payment', 'client', 'swap', 'partner']);
const QUEUED = 'Auth has been queued and will respond via webhooks.';
const STEP_QUEUED = 'Auth security response has been queued and will respond via webhooks.';

const newId = (): string => randomBytes(12).toString('hex');
const shortId = (): string => randomBytes(7).toString('base64url');
const ok = { success: true } as const;

export class BillerDirectSim implements RouteModule {
  readonly name = 'biller-direct';
  readonly routes: Route[];
  readonly controlRoutes: Route[];
  private readonly opts: BillerDirectOptions;
  private readonly partnerId: string;
  private readonly skewSeconds: number;
  private readonly listeners = new Set<BdEventListener>();
  private readonly eventLog: BdEvent[] = [];
  private clock: () => Date;
  private apiKeys: string[];
  private signingKey: KeyObject | undefined;
  private keys: BdPartnerKey[] | undefined;
  private data: BdState;

  constructor(opts: BillerDirectOptions = {}) {
    this.opts = opts;
    this.partnerId = opts.partnerId ?? BILLER_DIRECT_PARTNER_ID;
    this.skewSeconds = opts.signatureMaxSkewSeconds ?? 300;
    if (!(this.skewSeconds >= 0)) throw new RangeError('signatureMaxSkewSeconds must be >= 0');
    this.clock = opts.now ?? (() => new Date());
    this.apiKeys = [...(opts.apiKeys ?? [BILLER_DIRECT_DEMO_API_KEY])];
    this.signingKey = opts.signingPublicKey === undefined ? undefined : toPublicKey(opts.signingPublicKey);
    this.data = createBdSeedState(this.clock());

    const r = (method: string, path: string, handler: Handler, partnerOnly = false): Route => ({
      method,
      pattern: `/v1${path}`,
      handler: this.guard(handler, partnerOnly),
    });
    this.routes = [
      r('POST', '/auth', (c) => this.createAuth(c)),
      r('POST', '/auth/step', (c) => this.authStep(c)),
      r('GET', '/auth/list/:clientId', (c) => ({ data: this.authsOf(this.client(c, c.params.clientId)._id).map((a) => this.publicAuth(a)) })),
      r('POST', '/auth/:authId/fix-hold', (c) => this.fixHold(c)),
      r('POST', '/auth/:authId/answer-questions', (c) => this.answerQuestions(c)),
      r('DELETE', '/auth/:authId', (c) => this.deleteAuth(c)),
      r('GET', '/bill/list/:clientId', (c) => ({ data: this.billsOf(this.client(c, c.params.clientId)._id).map((b) => this.billDetails(b)) })),
      r('GET', '/bill/listByPartner/:partnerId', (c) => this.listByPartner(c), true),
      r('GET', '/bill/:billId', (c) => this.billDetails(this.bill(c, c.params.billId))),
      r('GET', '/company/categories', () => ({ data: BD_CATEGORIES.map((x) => ({ ...x })) })),
      r('POST', '/company/search', (c) =>
        searchCompanies(
          this.data.companies.map((x) => x.company),
          this.body(c),
        ),
      ),
      r('GET', '/company/:companyId', (c) => structuredClone(this.companyRecord(c.params.companyId).company)),
      r('POST', '/payment', (c) => this.addPaymentMethod(c)),
      r('GET', '/payment/list/:clientId', (c) => ({
        data: this.methodsOf(this.client(c, c.params.clientId)._id).map((m) => structuredClone(m.method)),
      })),
      r('POST', '/payment/settings', (c) => this.paymentSettings(c)),
      r('POST', '/payment/schedule', (c) => this.schedulePayment(c)),
      r('POST', '/payment/cancel', (c) => this.cancelPayment(c)),
      r('DELETE', '/payment/:paymentMethodId', (c) => this.deletePaymentMethod(c)),
      r('POST', '/payment/:paymentMethodId/retry', (c) => this.retryPaymentMethod(c)),
      r('POST', '/payment/:paymentMethodId/assign', (c) => this.assignPaymentMethod(c)),
      r('POST', '/client', (c) => this.createClient(c), true),
      r('POST', '/client/create-token', (c) => this.createToken(c), true),
      r('POST', '/client/revoke-tokens', (c) => this.revokeTokens(c), true),
      r('POST', '/client/sync', (c) => this.syncClient(c), true),
      r('POST', '/swap/create', (c) => this.createSwap(c)),
      r('GET', '/swap/companies', () => ({
        data: this.data.companies.filter((x) => x.company.supportedItems.includes('swap')).map((x) => structuredClone(x.company)),
      })),
      r('GET', '/swap/list/:clientId', (c) => ({ data: this.swapsOf(this.client(c, c.params.clientId)._id).map((s) => this.publicSwap(s)) })),
      r('GET', '/partner/public-keys', () => ({ keys: this.partnerKeys.map((k) => this.jwk(k)) }), true),
      r('GET', '/partner/public-keys/latest', () => this.jwk(this.partnerKeys[this.partnerKeys.length - 1]), true),
      r('GET', '/partner/public-keys/:keyId', (c) => this.jwk(this.partnerKeys.find((k) => k.kid === c.params.keyId) ?? notFound('Public key')), true),
    ];
    const control = (method: string, path: string, handler: RouteHandler): Route => ({ method, pattern: `/__sim/billerdirect/${path}`, handler });
    this.controlRoutes = [
      control('GET', 'events', (req) => ({
        status: 200,
        body: req.query.type ? this.eventLog.filter((e) => e.type === req.query.type) : this.eventLog,
      })),
      control('DELETE', 'events', () => (this.clearEvents(), { status: 200, body: { ok: true } })),
      control('POST', 'run-payments', () => (this.runScheduledPayments(), { status: 200, body: { ok: true } })),
    ];
  }

  // ---- test helpers ---------------------------------------------------------------------------

  /** Live in-memory state (replaced by reset()). */
  get state(): BdState {
    return this.data;
  }

  /** Events recorded since construction, reset() or clearEvents(), oldest first. */
  get events(): readonly BdEvent[] {
    return this.eventLog;
  }

  /** Calls `listener` for every new event (kept across reset()); returns an unsubscribe function. */
  onEvent(listener: BdEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearEvents(): void {
    this.eventLog.length = 0;
  }

  /** Records an event no simulated call produces (e.g. `auth.needs-resync`) like the others; see billerdirect-webhooks.ts. */
  recordEvent(type: string, clientId: string, resource: BdEvent['payload']['resource'], data: Record<string, unknown>): BdEvent {
    this.emit(type, clientId, resource, data);
    return this.eventLog[this.eventLog.length - 1];
  }

  /** Replaces the clock; without an argument restores the `now` option (or the real clock). */
  setClock(now?: () => Date): void {
    this.clock = now ?? this.opts.now ?? (() => new Date());
  }

  /** Turns request signing on (PEM or KeyObject of the partner's public key) or off (undefined). */
  setSigningPublicKey(key: string | KeyObject | undefined): void {
    this.signingKey = key === undefined ? undefined : toPublicKey(key);
  }

  setApiKeys(keys: string[]): void {
    this.apiKeys = [...keys];
  }

  /** The two partner key pairs (generated on first use), oldest first. */
  get partnerKeys(): readonly BdPartnerKey[] {
    if (!this.keys) {
      const base = this.clock().getTime();
      this.keys = [0, 1].map((i) => {
        const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return { kid: newId(), created: new Date(base - (2 - i) * DAY_MS).toISOString(), publicKey, privateKey };
      });
    }
    return this.keys;
  }

  /** The token an auth waiting for MFA expects in /auth/step (the webhook's `token`). */
  mfaToken(authId: string): string | undefined {
    return this.data.auths.find((a) => a._id === authId)?.pending?.token;
  }

  /** Sends every scheduled payment whose payDate has come (also done at the start of each request). */
  runScheduledPayments(): void {
    const now = this.clock().getTime();
    for (const bill of [...this.data.bills]) {
      if (bill.scheduled && Date.parse(bill.scheduled.payDate) <= now) this.executeScheduled(bill);
    }
  }

  /** Restores the seed state, empties the event log and restores clock, API keys and signing key to the options. */
  reset(): void {
    this.clock = this.opts.now ?? (() => new Date());
    this.apiKeys = [...(this.opts.apiKeys ?? [BILLER_DIRECT_DEMO_API_KEY])];
    this.signingKey = this.opts.signingPublicKey === undefined ? undefined : toPublicKey(this.opts.signingPublicKey);
    this.data = createBdSeedState(this.clock());
    this.clearEvents();
  }

  /** 404/405 for unknown routes under /v1/{auth|bill|company|payment|client|swap|partner}. */
  notFound(req: RecordedRequest): SimResponse | undefined {
    const segments = req.path.split('/');
    if (segments[1] !== 'v1' || !RESOURCES.has(segments[2] ?? '')) return undefined;
    const allowed = [...new Set(this.routes.filter((r) => segmentsMatch(r.pattern, segments)).map((r) => r.method))];
    const res = allowed.length
      ? this.error(405, 'method_not_allowed', `${req.method} is not allowed here`)
      : this.error(404, 'not_found', `No Biller Direct route ${req.method} ${req.path}`);
    res.headers = { 'request-id': randomUUID(), ...(allowed.length ? { allow: allowed.join(', ') } : {}) };
    return res;
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private error(status: number, code: string, message: string): SimResponse {
    const body: BillerDirectErrorBody = { success: false, message, code };
    return { status, body };
  }

  private guard(handler: Handler, partnerOnly: boolean): RouteHandler {
    return (req, params) => {
      const res = this.dispatch(req, params, handler, partnerOnly);
      res.headers = { 'request-id': randomUUID(), ...res.headers };
      return res;
    };
  }

  private dispatch(req: RecordedRequest, params: Record<string, string>, handler: Handler, partnerOnly: boolean): SimResponse {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    let token: BdSsoToken | undefined;
    let known = false;
    if (bearer !== undefined) {
      for (const key of this.apiKeys) if (safeEqual(key, bearer)) known = true;
      if (!known) {
        const now = this.clock().getTime();
        token = this.data.tokens.find((t) => t.token === bearer && !t.revoked && !(t.nonce && t.used) && Date.parse(t.expiresAt) > now);
      }
    }
    if (bearer === undefined || (!known && !token)) {
      const res = this.error(401, 'unauthorized', 'A valid API key is required as a Bearer token');
      res.headers = { 'www-authenticate': 'Bearer' };
      return res;
    }
    if (this.signingKey) {
      const problem = checkSignature(req, bearer, this.signingKey, this.clock().getTime(), this.skewSeconds);
      if (problem) return this.error(401, problem.code, problem.message);
    }
    if (token?.nonce) token.used = true;
    if (token && partnerOnly) return this.error(403, 'forbidden', 'This route needs the API key, not a client token');
    try {
      this.runScheduledPayments();
      return { status: 200, body: handler({ req, params, scope: token?.clientId }) };
    } catch (err) {
      if (err instanceof BdFailure) return this.error(err.status, err.code, err.message);
      throw err;
    }
  }

  private body(ctx: Ctx): Body {
    if (ctx.req.bodyParseError !== undefined) return badRequest('Request body is not valid JSON');
    if (ctx.req.body === undefined) return {};
    if (!isObject(ctx.req.body)) return badRequest('Request body must be a JSON object');
    return ctx.req.body;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private own(ctx: Ctx, clientId: string): void {
    if (ctx.scope !== undefined && ctx.scope !== clientId) fail(403, 'forbidden', 'This client token may only reach its own client');
  }

  // ---- lookups --------------------------------------------------------------------------------

  private client(ctx: Ctx, id: string): BdClient {
    const c = this.data.clients.find((x) => x._id === id) ?? notFound('Client');
    this.own(ctx, c._id);
    return c;
  }

  private companyRecord(id: string): BdCompanyRecord {
    return this.data.companies.find((x) => x.company._id === id) ?? notFound('Company');
  }

  private companyOf(id: string): BdCompany {
    return this.companyRecord(id).company;
  }

  private auth(ctx: Ctx, id: string): BdAuthRecord {
    const a = this.data.auths.find((x) => x._id === id) ?? notFound('Auth');
    this.own(ctx, a.clientId);
    return a;
  }

  private bill(ctx: Ctx, id: string): BdBillRecord {
    const b = this.data.bills.find((x) => x._id === id) ?? notFound('Bill');
    this.own(ctx, b.clientId);
    return b;
  }

  private method(ctx: Ctx, id: string): BdPaymentMethodRecord {
    const m = this.data.paymentMethods.find((x) => x.method._id === id) ?? notFound('Payment method');
    this.own(ctx, m.clientId);
    return m;
  }

  private authsOf = (clientId: string): BdAuthRecord[] => this.data.auths.filter((a) => a.clientId === clientId);
  private billsOf = (clientId: string): BdBillRecord[] => this.data.bills.filter((b) => b.clientId === clientId);
  private swapsOf = (clientId: string): BdSwapRecord[] => this.data.swaps.filter((s) => s.clientId === clientId);
  private methodsOf = (clientId: string): BdPaymentMethodRecord[] => this.data.paymentMethods.filter((m) => m.clientId === clientId);

  /** The method that pays a bill: the one assigned to it, else the client's default. */
  private methodFor(bill: BdBillRecord): BdPaymentMethodRecord | undefined {
    const methods = this.methodsOf(bill.clientId);
    return methods.find((m) => m.method.assignedBills.includes(bill._id)) ?? methods.find((m) => m.method.default);
  }

  // ---- public shapes --------------------------------------------------------------------------

  private companyRef(id: string): Pick<BdCompany, '_id' | 'name' | 'logo'> {
    const c = this.companyOf(id);
    return { _id: c._id, name: c.name, logo: structuredClone(c.logo) };
  }

  private publicAuth(a: BdAuthRecord): Record<string, unknown> {
    const p = a.pending;
    let mfa: Record<string, unknown> | undefined;
    if (p && a.status === 'mfa-required') {
      if (p.stage === 'code') mfa = { method: 'code', mfa: [], input: p.destinations.map((d) => ({ ...d })), token: p.token };
      else if (p.stage === 'prompt') mfa = { method: 'prompt', mfa: [], input: [{ request: 'Verify your login with your mobile device' }], token: p.token };
      else mfa = { method: 'questions', mfa: p.questions.map((q) => ({ ...q })), token: p.token, ...(p.stage === 'code-questions' ? { showRetry: true } : {}) };
    }
    return {
      _id: a._id,
      created: a.created,
      items: [...a.items],
      status: { type: a.status },
      company: this.companyRef(a.companyId),
      ...(a.reason ? { reason: { ...a.reason } } : {}),
      ...(mfa ? { mfa } : {}),
      ...(a.paymentIdentifier ? { paymentIdentifier: a.paymentIdentifier } : {}),
    };
  }

  private payDateOf(b: BdBillRecord): string | undefined {
    if (b.scheduled) return b.scheduled.payDate;
    if (b.settings.recurring !== 'enabled' || !b.balanceCents || !b.dueDate) return undefined;
    if (!['upcoming', 'overdue', 'payment-declined', 'payment-required'].includes(b.status)) return undefined;
    if (b.settings.schedule === 'immediately') return b.created;
    return addDays(b.dueDate, -SCHEDULE_OFFSET_DAYS[b.settings.schedule]);
  }

  private publicBill(b: BdBillRecord): Record<string, unknown> {
    const auth = this.data.auths.find((a) => a._id === b.authId);
    const company = this.companyOf(b.companyId);
    const payDate = this.payDateOf(b);
    return {
      _id: b._id,
      auth: auth
        ? { _id: auth._id, created: auth.created, status: { type: auth.status }, company: this.companyRef(auth.companyId), items: [...auth.items] }
        : null,
      autopay: 'unknown',
      autopaySource: 'unknown',
      ...(b.balanceCents !== undefined ? { balance: formatCents(b.balanceCents) } : {}),
      ...(b.dueDate ? { dueDate: b.dueDate } : {}),
      ...(payDate ? { payDate } : {}),
      ...(b.lastPaidAmountCents !== undefined ? { lastPaidAmount: formatCents(b.lastPaidAmountCents) } : {}),
      ...(b.lastPaidOn ? { lastPaidOn: b.lastPaidOn } : {}),
      ...(b.customLabel ? { customLabel: b.customLabel } : {}),
      status: { type: b.status },
      settings: { ...b.settings },
      meta: { accountNumber: b.accountNumber },
      hidden: 'false',
      company: {
        ...this.companyRef(b.companyId),
        ...(company.schedule ? { schedule: company.schedule } : {}),
        ...(company.requiredPayment ? { requiredPayment: company.requiredPayment } : {}),
      },
    };
  }

  private billDetails(b: BdBillRecord): { bill: Record<string, unknown>; payments: Array<{ amount: string; paidOn: string }> } {
    return { bill: this.publicBill(b), payments: b.payments.map((p) => ({ amount: formatCents(p.amountCents), paidOn: p.paidOn })) };
  }

  /** Payment method as in event payloads (adds `bin` and `cancelled` to cards). */
  private eventMethod(m: BdPaymentMethodRecord | undefined): BdEventPaymentMethod | null {
    if (!m) return null;
    const { card, ...rest } = structuredClone(m.method);
    return card ? { ...rest, card: { ...card, bin: m.bin, cancelled: false } } : rest;
  }

  private publicSwap(s: BdSwapRecord): Record<string, unknown> {
    const auth = this.data.auths.find((a) => a._id === s.authId);
    const c = this.companyOf(s.companyId);
    const m = this.data.paymentMethods.find((x) => x.method._id === s.paymentMethodId);
    return {
      _id: s._id,
      status: { type: s.status },
      auth: { _id: s.authId, status: { type: auth?.status ?? 'verified' } },
      company: { _id: c._id, name: c.name, status: c.status, logo: structuredClone(c.logo) },
      paymentMethod: this.eventMethod(m),
    };
  }

  private jwk(k: BdPartnerKey): Record<string, unknown> {
    const { n, e } = k.publicKey.export({ format: 'jwk' });
    return { kty: 'RSA', n, e, use: 'enc', kid: k.kid };
  }

  // ---- events ---------------------------------------------------------------------------------

  private emit(type: string, clientId: string, resource: BdEvent['payload']['resource'], data: Record<string, unknown>): void {
    const event: BdEvent = {
      _id: newId(),
      type,
      created: this.now(),
      clientId,
      partnerId: this.partnerId,
      identifier: this.data.clients.find((c) => c._id === clientId)?.identifier ?? '',
      payload: { resource, data },
    };
    this.eventLog.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // listeners must not break the simulated API
      }
    }
  }

  private authEventSummary(a: BdAuthRecord): Record<string, unknown> {
    const c = this.companyOf(a.companyId);
    return { _id: a._id, items: [...a.items], company: { _id: c._id, name: c.name }, status: { type: a.status } };
  }

  private billEvent(b: BdBillRecord, type: string, data: Record<string, unknown>): void {
    this.emit(type, b.clientId, { id: b._id, type: 'bill' }, { company: { name: this.companyOf(b.companyId).name }, ...data });
  }

  private mfaEvent(a: BdAuthRecord): void {
    const pub = this.publicAuth(a);
    const mfa = pub.mfa as { method: BdMfaMethod; mfa: BdMfaQuestion[]; input?: unknown[]; token: string; showRetry?: boolean };
    this.emit(
      'auth.mfa-required',
      a.clientId,
      { id: a.clientId, type: 'client' },
      {
        auth: this.authEventSummary(a),
        method: mfa.method,
        input: mfa.input ?? mfa.mfa,
        token: mfa.token,
        ...(mfa.showRetry ? { showRetry: true } : {}),
      },
    );
  }

  // ---- auth -----------------------------------------------------------------------------------

  private createAuth(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const client = this.client(ctx, reqString(body, 'clientId'));
    const record = this.companyRecord(reqString(body, 'companyId'));
    const company = record.company;
    const rawItems = body.items;
    if (!Array.isArray(rawItems) || rawItems.length === 0) return badRequest('items must be a non-empty array of bill, payment, swap');
    if (!rawItems.every((i): i is BdItem => typeof i === 'string' && (BD_ITEMS as readonly string[]).includes(i))) {
      return badRequest('items may only contain bill, payment, swap');
    }
    const items = [...new Set(rawItems)];
    if (items.includes('swap') && items.length > 1) return badRequest('items: swap cannot be combined with other items');
    for (const item of items) {
      if (!company.supportedItems.includes(item === 'payment' ? 'bill' : item)) {
        return fail(400, 'item_not_supported', `${company.name} does not support ${item}`);
      }
    }
    const form = body.form;
    if (!isObject(form) || Object.keys(form).length === 0) return badRequest('form is required (the company login fields)');
    const paymentIdentifier = optString(body, 'paymentIdentifier');
    const meta = body.meta ?? {};
    if (!isObject(meta)) return badRequest('meta must be an object');
    const paymentMethodId = optString(meta, 'paymentMethodId', 'meta.paymentMethodId');
    const billId = optString(meta, 'billId', 'meta.billId');
    const swapId = optString(meta, 'swapId', 'meta.swapId');
    if (billId && swapId) return badRequest('meta.billId and meta.swapId cannot be used together');
    if (paymentMethodId && this.method(ctx, paymentMethodId).clientId !== client._id) {
      return badRequest('meta.paymentMethodId belongs to another client');
    }
    let auth: BdAuthRecord | undefined;
    if (billId || swapId) {
      const target = billId ? this.bill(ctx, billId) : (this.data.swaps.find((s) => s._id === swapId) ?? notFound('Swap'));
      if (target.clientId !== client._id) return badRequest(`${billId ? 'meta.billId' : 'meta.swapId'} belongs to another client`);
      if (target.companyId !== company._id) return badRequest(`${billId ? 'meta.billId' : 'meta.swapId'} belongs to another company`);
      auth = this.data.auths.find((a) => a._id === target.authId);
    }
    const start = resolveAuthStart(record, form);
    const isSwap = items.includes('swap');
    auth ??= this.authsOf(client._id).find((a) => a.companyId === company._id && a.items.includes('swap') === isSwap);
    if (!auth) {
      auth = { _id: newId(), clientId: client._id, companyId: company._id, created: this.now(), items, status: start.status, plan: start.plan };
      this.data.auths.push(auth);
    }
    auth.items = items;
    auth.paymentIdentifier = paymentIdentifier;
    auth.paymentMethodId = paymentMethodId;
    this.applyStart(auth, start);
    return { success: true, message: QUEUED, authId: auth._id };
  }

  private applyStart(auth: BdAuthRecord, start: AuthStart): void {
    auth.plan = start.plan;
    auth.pending = undefined;
    auth.reason = undefined;
    switch (start.status) {
      case 'verified':
        return this.completeAuth(auth);
      case 'authenticate':
        auth.status = 'authenticate';
        this.emit('auth.invalid', auth.clientId, { id: auth._id, type: 'auth' }, { company: this.authEventSummary(auth).company });
        return;
      case 'hold':
        return this.holdAuth(auth, start.holdCode ?? 'account_issue_accept_toc');
      case 'mfa-required':
        return this.startMfa(auth, start.mfaMethod ?? 'questions');
    }
  }

  private holdAuth(auth: BdAuthRecord, code: string): void {
    auth.status = 'hold';
    auth.pending = undefined;
    auth.reason = holdReason(code);
    this.emit(
      'auth.hold',
      auth.clientId,
      { id: auth._id, type: 'auth' },
      {
        hold: { code, text: auth.reason.userMessage },
        company: this.authEventSummary(auth).company,
      },
    );
    if (auth.items.includes('swap') && auth.paymentMethodId) this.upsertSwap(auth, auth.paymentMethodId, 'hold');
  }

  private startMfa(auth: BdAuthRecord, method: BdMfaMethod): void {
    auth.status = 'mfa-required';
    const questions =
      method === 'questions'
        ? [
            { question: 'What city did you grow up in?', identifier: shortId() },
            { question: 'What is your favorite food?', identifier: shortId() },
          ]
        : [];
    const destinations: BdCodeDestination[] =
      method === 'code'
        ? [
            { type: 'text', mask: 'xxx-xxx-1234', identifier: shortId(), label: 'Text: xxx-xxx-1234' },
            { type: 'email', mask: 'e..e@example.com', identifier: shortId(), label: 'Email: e..e@example.com' },
          ]
        : [];
    auth.pending = { stage: method, token: newId(), questions, destinations };
    this.mfaEvent(auth);
  }

  /** Verified: auth.success, then the bill, payment and swap the items asked for. */
  private completeAuth(auth: BdAuthRecord): void {
    auth.status = 'verified';
    auth.pending = undefined;
    auth.reason = undefined;
    this.emit('auth.success', auth.clientId, { id: auth.clientId, type: 'client' }, { auth: this.authEventSummary(auth) });
    const company = this.companyOf(auth.companyId);
    if (auth.items.includes('bill') || auth.items.includes('payment')) {
      const bill = this.upsertBill(auth);
      const method = auth.paymentMethodId ? this.data.paymentMethods.find((m) => m.method._id === auth.paymentMethodId) : undefined;
      if (method && method.method.status === 'verified' && (!company.requiredPayment || company.requiredPayment === method.method.type)) {
        this.assign(method, bill);
      }
      if (auth.items.includes('payment')) {
        const payer = this.methodFor(bill);
        if (payer && payer.method.status === 'verified' && bill.balanceCents && bill.status !== 'syncing') {
          bill.scheduled = { payDate: this.now(), amountCents: bill.balanceCents, paymentMethodId: payer.method._id };
          this.executeScheduled(bill);
        }
      }
    }
    if (company.supportedItems.includes('swap') && (auth.items.includes('swap') || auth.plan.autoSwap)) {
      const cards = auth.plan.autoSwap ? this.methodsOf(auth.clientId).filter((m) => m.method.type === 'card') : [];
      const card = auth.paymentMethodId ?? (cards.find((m) => m.method.default) ?? cards[0])?.method._id;
      if (card) this.upsertSwap(auth, card, auth.plan.swapStatus);
    }
    for (const swap of this.data.swaps) if (swap.authId === auth._id && swap.status === 'hold') this.setSwapStatus(swap, auth.plan.swapStatus);
  }

  private upsertBill(auth: BdAuthRecord): BdBillRecord {
    const now = this.clock();
    const start = billStart(auth.plan, now);
    const existing = this.data.bills.find((b) => b.authId === auth._id);
    const company = this.companyOf(auth.companyId);
    const bill: BdBillRecord = existing ?? {
      _id: newId(),
      clientId: auth.clientId,
      authId: auth._id,
      companyId: auth.companyId,
      created: now.toISOString(),
      status: start.status,
      accountNumber: maskLast4(String(1000 + (randomBytes(2).readUInt16BE(0) % 9000))),
      settings: { recurring: 'enabled', schedule: company.schedule ?? 'on-due-date', notifications: 'enabled' },
      payments: [],
      declineNext: false,
    };
    const previous = existing?.balanceCents;
    Object.assign(bill, {
      status: start.status,
      balanceCents: start.balanceCents,
      dueDate: start.dueDate,
      declineNext: start.declineNext,
      scheduled: undefined,
      lastFailedMethodId: undefined,
    });
    if (start.lastPaidOn) {
      bill.lastPaidAmountCents = start.lastPaidAmountCents;
      bill.lastPaidOn = start.lastPaidOn;
      bill.payments.push({ amountCents: start.lastPaidAmountCents ?? 0, paidOn: start.lastPaidOn });
    }
    if (!existing) {
      this.data.bills.push(bill);
      this.emit(
        'bill.created',
        bill.clientId,
        { id: bill._id, type: 'bill' },
        {
          auth: { _id: auth._id, status: { type: auth.status }, company: this.companyRef(auth.companyId) },
        },
      );
    }
    if (bill.balanceCents !== undefined && bill.dueDate) {
      this.billEvent(bill, 'bill.update', {
        bill: {
          balance: { ...(previous !== undefined ? { previous: formatCents(previous) } : {}), current: formatCents(bill.balanceCents) },
          dueDate: { current: eventDate(bill.dueDate) },
        },
      });
      const untilDue = Date.parse(bill.dueDate) - now.getTime();
      if (bill.status === 'upcoming' && untilDue <= 2 * DAY_MS) {
        this.billEvent(bill, 'bill.upcoming', { bill: { balance: formatCents(bill.balanceCents), dueDate: eventDate(bill.dueDate) } });
      }
    }
    return bill;
  }

  private upsertSwap(auth: BdAuthRecord, paymentMethodId: string, status: BdSwapStatus): BdSwapRecord {
    let swap = this.data.swaps.find((s) => s.authId === auth._id && s.paymentMethodId === paymentMethodId);
    if (!swap) {
      swap = { _id: newId(), clientId: auth.clientId, authId: auth._id, companyId: auth.companyId, paymentMethodId, status, created: this.now() };
      this.data.swaps.push(swap);
      if (status === 'completed' || status === 'card-on-file') this.swapSuccess(swap);
    } else {
      this.setSwapStatus(swap, status);
    }
    return swap;
  }

  private setSwapStatus(swap: BdSwapRecord, status: BdSwapStatus): void {
    const was = swap.status;
    swap.status = status;
    if (was !== status && (status === 'completed' || status === 'card-on-file')) this.swapSuccess(swap);
  }

  private swapSuccess(swap: BdSwapRecord): void {
    const method = this.data.paymentMethods.find((m) => m.method._id === swap.paymentMethodId);
    this.emit(
      'swap.success',
      swap.clientId,
      { id: swap._id, type: 'swap' },
      {
        clientId: swap.clientId,
        company: structuredClone(this.companyOf(swap.companyId)),
        paymentMethod: this.eventMethod(method),
      },
    );
  }

  private authStep(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const token = reqString(body, 'token');
    const method = reqEnum(body, 'method', BD_MFA_METHODS);
    const retry = optBool(body, 'didNotReceiveCode') ?? false;
    const auth = this.data.auths.find((a) => a.pending?.token === token) ?? notFound('MFA token');
    this.own(ctx, auth.clientId);
    const pending = auth.pending;
    if (!pending) return notFound('MFA token');
    const queued = { success: 'true', message: STEP_QUEUED };
    if (retry) {
      if (pending.stage !== 'code-questions') return fail(409, 'retry_not_available', 'didNotReceiveCode is only accepted after a code was sent');
      pending.token = newId();
      pending.questions = pending.questions.map((q) => ({ ...q, identifier: shortId() }));
      this.mfaEvent(auth);
      return queued;
    }
    const expected = pending.stage === 'code-questions' ? 'questions' : pending.stage;
    if (method !== expected) return badRequest(`method must be "${expected}" for this MFA step`);
    let wrong: boolean;
    if (pending.stage === 'code') {
      const security = body.security;
      const id = isObject(security) ? security.identifier : undefined;
      const destination = pending.destinations.find((d) => d.identifier === id);
      if (!destination) return badRequest('security.identifier must be one of the offered code destinations');
      auth.pending = {
        stage: 'code-questions',
        token: newId(),
        destinations: pending.destinations,
        destination,
        questions: [{ question: `What is the code sent to ${destination.mask}?`, identifier: shortId() }],
      };
      this.mfaEvent(auth);
      return queued;
    }
    if (pending.stage === 'prompt') {
      wrong = isObject(body.security) && isWrongAnswer(body.security.answer);
    } else {
      wrong = checkAnswers(pending.questions, body.security, 'security');
    }
    if (wrong) this.holdAuth(auth, 'authentication_not_completed');
    else this.completeAuth(auth);
    return queued;
  }

  private answerQuestions(ctx: Ctx): unknown {
    const auth = this.auth(ctx, ctx.params.authId);
    const body = this.body(ctx);
    const pending = auth.pending;
    if (auth.status !== 'mfa-required' || !pending || (pending.stage !== 'questions' && pending.stage !== 'code-questions')) {
      return fail(409, 'not_mfa_required', 'This auth has no unanswered MFA questions');
    }
    if (checkAnswers(pending.questions, body.answers, 'answers')) this.holdAuth(auth, 'authentication_not_completed');
    else this.completeAuth(auth);
    return { ...ok };
  }

  private fixHold(ctx: Ctx): unknown {
    const auth = this.auth(ctx, ctx.params.authId);
    if (auth.status !== 'hold') return fail(409, 'not_on_hold', 'This auth is not on hold');
    this.completeAuth(auth);
    return { ...ok };
  }

  private deleteAuth(ctx: Ctx): unknown {
    const auth = this.auth(ctx, ctx.params.authId);
    const billIds = new Set(this.data.bills.filter((b) => b.authId === auth._id).map((b) => b._id));
    for (const m of this.data.paymentMethods) m.method.assignedBills = m.method.assignedBills.filter((id) => !billIds.has(id));
    this.data.bills = this.data.bills.filter((b) => !billIds.has(b._id));
    this.data.swaps = this.data.swaps.filter((s) => s.authId !== auth._id);
    this.data.auths = this.data.auths.filter((a) => a !== auth);
    this.emit('auth.deleted', auth.clientId, { id: auth._id, type: 'auth' }, { company: this.authEventSummary(auth).company });
    return { ...ok };
  }

  // ---- bills and companies --------------------------------------------------------------------

  private listByPartner(ctx: Ctx): unknown {
    if (ctx.params.partnerId !== this.partnerId) return notFound('Partner');
    return {
      data: this.data.bills.map((b) => ({ ...this.billDetails(b), partnerUserId: b.clientId, partnerId: this.partnerId })),
    };
  }

  // ---- payment methods ------------------------------------------------------------------------

  /** Adds a card or bank method from `body` (already validated by the caller for cards in sync). */
  private addMethod(client: BdClient, body: Body, label = ''): BdPaymentMethodRecord {
    const type = label ? 'card' : readPaymentType(body);
    const identifier = optString(body, 'identifier', `${label}identifier`);
    const name = optString(body, 'name', `${label}name`);
    const customLabel = optString(body, 'customLabel', `${label}customLabel`);
    const setAsDefault = optBool(body, 'setAsDefault', `${label}setAsDefault`) ?? false;
    const base = {
      _id: newId(),
      type,
      ...(identifier ? { identifier } : {}),
      default: false,
      ...(name ? { name } : {}),
      ...(customLabel ? { customLabel } : {}),
      assignedBills: [] as string[],
    };
    let record: BdPaymentMethodRecord;
    if (type === 'card') {
      const card = readCard(body, this.clock(), label);
      record = {
        method: {
          ...base,
          status: card.approved ? 'verified' : 'declined',
          card: { number: maskLast4(card.last4), brand: card.brand, type: card.type, expDate: card.expDate },
        },
        clientId: client._id,
        created: this.now(),
        approved: card.approved,
        bin: card.bin,
        declines: card.approved ? 0 : 1,
        paidAt: [],
      };
    } else {
      const bank = readBank(body);
      record = {
        method: {
          ...base,
          status: 'verified',
          bank: { routingNumber: maskLast4(bank.routingLast4), accountNumber: maskLast4(bank.accountLast4), type: bank.type },
        },
        clientId: client._id,
        created: this.now(),
        approved: true,
        declines: 0,
        paidAt: [],
      };
    }
    const others = this.methodsOf(client._id);
    if (setAsDefault || !others.some((m) => m.method.default)) {
      for (const m of others) m.method.default = false;
      record.method.default = true;
    }
    this.data.paymentMethods.push(record);
    return record;
  }

  private addPaymentMethod(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const client = this.client(ctx, reqString(body, 'clientId'));
    return { paymentMethodId: this.addMethod(client, body).method._id };
  }

  private removeMethod(m: BdPaymentMethodRecord): void {
    this.data.paymentMethods = this.data.paymentMethods.filter((x) => x !== m);
  }

  private deletePaymentMethod(ctx: Ctx): unknown {
    const m = this.method(ctx, ctx.params.paymentMethodId);
    const since = this.clock().getTime() - DAY_MS;
    if (m.paidAt.some((at) => Date.parse(at) > since)) {
      return fail(409, 'payment_method_recently_used', 'A payment was made with this payment method in the last 24 hours; try again later');
    }
    this.removeMethod(m);
    return { ...ok };
  }

  private assign(m: BdPaymentMethodRecord, bill: BdBillRecord): void {
    for (const other of this.methodsOf(bill.clientId)) other.method.assignedBills = other.method.assignedBills.filter((id) => id !== bill._id);
    m.method.assignedBills.push(bill._id);
    if (bill.status === 'payment-required' || bill.status === 'payment-declined') this.restoreStatus(bill);
  }

  private restoreStatus(bill: BdBillRecord): void {
    const past = bill.dueDate !== undefined && Date.parse(bill.dueDate) < Date.parse(startOfDay(this.clock()));
    bill.status = !bill.balanceCents ? 'zero-balance' : past ? 'overdue' : 'upcoming';
  }

  private checkPayer(m: BdPaymentMethodRecord, bill: BdBillRecord): void {
    if (m.method.status === 'declined') fail(409, 'payment_method_declined', 'The payment method is declined; retry it or use another one');
    const required = this.companyOf(bill.companyId).requiredPayment;
    if (required && m.method.type !== required) fail(409, 'payment_type_required', `This company only accepts ${required} payments`);
  }

  private assignPaymentMethod(ctx: Ctx): unknown {
    const m = this.method(ctx, ctx.params.paymentMethodId);
    const bill = this.bill(ctx, reqString(this.body(ctx), 'billId'));
    if (bill.clientId !== m.clientId) return badRequest('billId belongs to another client');
    this.checkPayer(m, bill);
    this.assign(m, bill);
    return { ...ok };
  }

  private retryPaymentMethod(ctx: Ctx): unknown {
    const m = this.method(ctx, ctx.params.paymentMethodId);
    if (m.method.status !== 'declined') return fail(409, 'not_declined', 'Only a declined payment method can be retried');
    if (!m.approved) {
      this.decline(m);
      return { ...ok };
    }
    m.method.status = 'verified';
    for (const bill of this.billsOf(m.clientId)) {
      if (bill.status === 'payment-declined' && bill.lastFailedMethodId === m.method._id && bill.balanceCents) {
        this.attemptPayment(bill, m, bill.balanceCents);
      }
    }
    return { ...ok };
  }

  private decline(m: BdPaymentMethodRecord): void {
    m.method.status = 'declined';
    m.declines += 1;
    if (m.declines >= 3) this.removeMethod(m);
  }

  // ---- bill payments --------------------------------------------------------------------------

  private paymentSettings(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const bill = this.bill(ctx, reqString(body, 'billId'));
    const recurring = optEnum(body, 'recurring', ['enabled', 'disabled'] as const);
    const schedule = optEnum(body, 'schedule', BD_SCHEDULES);
    const notifications = optEnum(body, 'notifications', ['enabled', 'disabled'] as const);
    if (!recurring && !schedule && !notifications) return badRequest('recurring or schedule is required');
    const record = this.companyRecord(bill.companyId);
    if (recurring === 'disabled' && record.recurringRequired) {
      return fail(409, 'recurring_required', `${record.company.name} requires recurring payments; they cannot be disabled`);
    }
    if (schedule && record.company.schedule && schedule !== record.company.schedule) {
      return fail(409, 'schedule_fixed', `${record.company.name} uses the fixed schedule ${record.company.schedule}`);
    }
    if (recurring) bill.settings.recurring = recurring;
    if (schedule) bill.settings.schedule = schedule;
    if (notifications) bill.settings.notifications = notifications;
    return { ...ok };
  }

  private schedulePayment(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const bill = this.bill(ctx, reqString(body, 'billId'));
    const payDate = optIsoDate(body, 'payDate') ?? optIsoDate(body, 'date');
    if (bill.status === 'syncing') return fail(409, 'bill_syncing', 'The bill is still syncing');
    if (!bill.balanceCents) return fail(409, 'nothing_to_pay', 'The bill has no balance to pay');
    const payer = this.methodFor(bill) ?? fail(409, 'no_payment_method', 'The client has no payment method for this bill');
    this.checkPayer(payer, bill);
    const now = this.clock();
    if (payDate && Date.parse(payDate) < Date.parse(startOfDay(now))) return badRequest('payDate must not be in the past');
    const immediate = !payDate || Date.parse(payDate) <= now.getTime();
    bill.scheduled = { payDate: immediate ? now.toISOString() : (payDate as string), amountCents: bill.balanceCents, paymentMethodId: payer.method._id };
    this.billEvent(bill, 'bill.payment.scheduled', {
      paymentMethod: this.eventMethod(payer),
      amount: formatCents(bill.balanceCents),
      payDate: eventDate(bill.scheduled.payDate),
      ...this.surcharge(bill, payer, bill.balanceCents),
    });
    if (immediate) this.executeScheduled(bill);
    return { ...ok };
  }

  private cancelPayment(ctx: Ctx): unknown {
    const bill = this.bill(ctx, reqString(this.body(ctx), 'billId'));
    const s = bill.scheduled ?? fail(409, 'no_scheduled_payment', 'The bill has no scheduled payment');
    bill.scheduled = undefined;
    this.billEvent(bill, 'bill.payment.cancelled', {
      paymentMethod: this.eventMethod(this.data.paymentMethods.find((m) => m.method._id === s.paymentMethodId)),
      bill: { ...(bill.dueDate ? { dueDate: { current: eventDate(bill.dueDate) } } : {}), amount: { current: formatCents(s.amountCents) } },
      trigger: 'client',
    });
    return { ...ok };
  }

  private surcharge(bill: BdBillRecord, m: BdPaymentMethodRecord, amountCents: number): { surcharge?: { type: string; rate: string } } {
    const fees = this.companyOf(bill.companyId).fees;
    const card = m.method.card;
    const fee = card ? fees?.cards?.[card.brand]?.[card.type] : fees?.ach;
    if (!fee) return {};
    const cents = fee.percentage ? Math.round((amountCents * fee.rate) / 100) : Math.round(fee.rate * 100);
    return { surcharge: { type: card ? card.type : 'ach', rate: formatCents(cents) } };
  }

  private executeScheduled(bill: BdBillRecord): void {
    const s = bill.scheduled;
    if (!s) return;
    bill.scheduled = undefined;
    const payer = this.data.paymentMethods.find((m) => m.method._id === s.paymentMethodId) ?? this.methodFor(bill);
    if (!payer) {
      bill.status = 'payment-declined';
      this.billEvent(bill, 'bill.payment.failed', { amount: formatCents(s.amountCents), paymentMethod: null });
      return;
    }
    const amount = Math.min(s.amountCents, bill.balanceCents ?? 0);
    if (amount > 0) this.attemptPayment(bill, payer, amount);
  }

  private attemptPayment(bill: BdBillRecord, m: BdPaymentMethodRecord, amountCents: number): void {
    const auth = this.data.auths.find((a) => a._id === bill.authId);
    if (auth?.plan.paymentsFail || bill.declineNext || !m.approved || m.method.status === 'declined') {
      bill.declineNext = false;
      bill.status = 'payment-declined';
      bill.lastFailedMethodId = m.method._id;
      m.method.status = 'declined';
      this.billEvent(bill, 'bill.payment.failed', { amount: formatCents(amountCents), paymentMethod: this.eventMethod(m) });
      m.declines += 1;
      if (m.declines >= 3) this.removeMethod(m);
      return;
    }
    const now = this.now();
    const previous = bill.balanceCents ?? 0;
    m.declines = 0;
    m.paidAt.push(now);
    bill.payments.push({ amountCents, paidOn: now, paymentMethodId: m.method._id });
    bill.lastPaidAmountCents = amountCents;
    bill.lastPaidOn = now;
    bill.balanceCents = Math.max(0, previous - amountCents);
    bill.lastFailedMethodId = undefined;
    if (bill.balanceCents === 0) bill.status = 'paid';
    else this.restoreStatus(bill);
    this.billEvent(bill, 'bill.payment.sent', {
      amount: formatCents(amountCents),
      paymentMethod: this.eventMethod(m),
      ...this.surcharge(bill, m, amountCents),
    });
    this.billEvent(bill, 'bill.update', {
      bill: {
        balance: { previous: formatCents(previous), current: formatCents(bill.balanceCents) },
        ...(bill.dueDate ? { dueDate: { current: eventDate(bill.dueDate) } } : {}),
      },
    });
  }

  // ---- clients and tokens ---------------------------------------------------------------------

  private upsertClient(identifier: string, meta: unknown, label: string): BdClient {
    if (meta !== undefined && meta !== null && !isObject(meta)) return badRequest(`${label} must be an object`);
    const existing = this.data.clients.find((c) => c.identifier === identifier);
    if (existing) {
      if (isObject(meta)) existing.meta = { ...existing.meta, ...meta };
      return existing;
    }
    const client: BdClient = { _id: newId(), identifier, meta: isObject(meta) ? { ...meta } : {}, created: this.now() };
    this.data.clients.push(client);
    return client;
  }

  private createClient(ctx: Ctx): unknown {
    const body = this.body(ctx);
    return { clientId: this.upsertClient(reqString(body, 'identifier'), body.meta, 'meta')._id };
  }

  /** Validates create-token options (`label` prefixes field names) and returns an issuer. */
  private tokenOptions(body: Body, label: string): (client: BdClient) => string {
    const nonce = optBool(body, 'nonce', `${label}nonce`) ?? false;
    const expiration = optIsoDate(body, 'expiration', `${label}expiration`);
    const accessTokenExpiresIn = optPositiveInt(body, 'accessTokenExpiresIn', `${label}accessTokenExpiresIn`) ?? 3600;
    const now = this.clock();
    if (expiration && Date.parse(expiration) <= now.getTime()) return badRequest(`${label}expiration must be in the future`);
    return (client) => {
      const token = randomBytes(17).toString('hex');
      this.data.tokens.push({
        token,
        clientId: client._id,
        created: now.toISOString(),
        expiresAt: expiration ?? new Date(now.getTime() + DAY_MS).toISOString(),
        nonce,
        used: false,
        revoked: false,
        accessTokenExpiresIn,
      });
      return token;
    };
  }

  private createToken(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const identifier = reqString(body, 'identifier');
    const issue = this.tokenOptions(body, '');
    return { token: issue(this.upsertClient(identifier, undefined, 'meta')) };
  }

  private revokeTokens(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const identifier = optString(body, 'identifier');
    const clientToken = optString(body, 'clientToken');
    if (!identifier && !clientToken) return badRequest('identifier or clientToken is required');
    if (identifier) {
      const client = this.data.clients.find((c) => c.identifier === identifier) ?? notFound('Client');
      for (const t of this.data.tokens) if (t.clientId === client._id) t.revoked = true;
    } else {
      const token = this.data.tokens.find((t) => t.token === clientToken) ?? notFound('Client token');
      token.revoked = true;
    }
    return { ...ok };
  }

  private syncClient(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const clientBody = body.client;
    if (!isObject(clientBody)) return badRequest('client is required (the create-client body)');
    const identifier = reqString(clientBody, 'identifier', 'client.identifier');
    const tokenBody = body.token ?? {};
    if (!isObject(tokenBody)) return badRequest('token must be an object (the create-token body)');
    const issue = this.tokenOptions(tokenBody, 'token.');
    const cards = body.cards ?? [];
    if (!Array.isArray(cards)) return badRequest('cards must be an array');
    // Validate every card before anything is stored.
    cards.forEach((card, i) => {
      if (!isObject(card)) badRequest(`cards[${i}] must be an object`);
      else readCard(card, this.clock(), `cards[${i}].`);
    });
    const client = this.upsertClient(identifier, clientBody.meta, 'client.meta');
    const ssoToken = issue(client);
    const added = (cards as Body[]).map((card, i) => {
      const m = this.addMethod(client, card, `cards[${i}].`);
      return { paymentMethodId: m.method._id, ...(m.method.identifier ? { identifier: m.method.identifier } : {}) };
    });
    return { clientId: client._id, ssoToken, cards: added };
  }

  // ---- swaps ----------------------------------------------------------------------------------

  private createSwap(ctx: Ctx): unknown {
    const body = this.body(ctx);
    const auth = this.auth(ctx, reqString(body, 'authId'));
    const m = this.method(ctx, reqString(body, 'paymentMethodId'));
    if (m.clientId !== auth.clientId) return badRequest('paymentMethodId belongs to another client');
    if (m.method.type !== 'card') return badRequest('paymentMethodId must be a card');
    const company = this.companyOf(auth.companyId);
    if (!company.supportedItems.includes('swap')) return fail(409, 'item_not_supported', `${company.name} does not support swaps`);
    if (!auth.items.includes('swap') && !auth.plan.autoSwap) return fail(409, 'swap_not_requested', 'The auth was not created with items ["swap"]');
    if (auth.status !== 'verified' && auth.status !== 'hold') return fail(409, 'auth_not_verified', `The auth is ${auth.status}`);
    const swap = this.upsertSwap(auth, m.method._id, auth.status === 'hold' ? 'hold' : auth.plan.swapStatus);
    return { success: true, swapId: swap._id };
  }
}
