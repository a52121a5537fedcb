/**
 * Shared state and plumbing of the Biller Direct simulator, used by every resource module (auth.ts, bill.ts,
 * company.ts, payment.ts, client.ts, swap.ts, partner.ts): options, clock, the seeded state, the event log,
 * the guard every `/v1` route runs through (Bearer API key or SSO token, request signing, SimFailure →
 * `{success:false, message, code}`, `request-id` header), the body reader, lookups with the SSO-token scope
 * check, and the public shapes more than one resource needs. The behaviours are described in ../billerdirect.ts.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { RecordedRequest, RouteHandler, SimResponse } from '../server';
import {
  SeededStore,
  authParam,
  catchFailure,
  fail,
  hexId,
  jsonObject,
  routeFamily,
  safeEqual,
  systemClock,
  type Body,
  type RouteDeclarer,
  type SimFailure,
} from '../kit';
import {
  BILLER_DIRECT_DEMO_API_KEY,
  BILLER_DIRECT_PARTNER_ID,
  createBdSeedState,
  type BdAuthRecord,
  type BdBillRecord,
  type BdCard,
  type BdClient,
  type BdCompany,
  type BdCompanyRecord,
  type BdEvent,
  type BdPaymentMethod,
  type BdPaymentMethodRecord,
  type BdSsoToken,
  type BdState,
  type BdSwapRecord,
} from '../billerdirect-data';
import { badRequest, checkSignature, notFound, toPublicKey } from '../billerdirect-rules';

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

/** What a Biller Direct handler gets. */
export interface Ctx {
  req: RecordedRequest;
  params: Record<string, string>;
  /** Set when the bearer is an SSO token: the only client it may reach. */
  scope?: string;
}

/** A Biller Direct handler: answers the 200 body, or throws a SimFailure (see billerdirect-rules.ts `fail`). */
export type Handler = (ctx: Ctx) => unknown;

export const ok = { success: true } as const;

export class BdCore {
  /** Declares a `/v1` route any bearer may use (API key or SSO token). */
  readonly api: RouteDeclarer<Handler>;
  /** Declares a `/v1` route that needs the API key (an SSO token gets 403). */
  readonly partner: RouteDeclarer<Handler>;
  readonly partnerId: string;
  /** Events recorded since construction, reset() or clearEvents(), oldest first. */
  readonly eventLog: BdEvent[] = [];
  private readonly opts: BillerDirectOptions;
  private readonly skewSeconds: number;
  private readonly listeners = new Set<BdEventListener>();
  private readonly store: SeededStore<BdState>;
  private clockFn: () => Date;
  private apiKeys: string[];
  private signingKey: KeyObject | undefined;
  private keys: BdPartnerKey[] | undefined;

  /** `beforeRequest` runs after auth, before each handler (it sends the payments that have come due). */
  constructor(
    opts: BillerDirectOptions,
    private readonly beforeRequest: () => void,
  ) {
    this.opts = opts;
    this.partnerId = opts.partnerId ?? BILLER_DIRECT_PARTNER_ID;
    this.skewSeconds = opts.signatureMaxSkewSeconds ?? 300;
    if (!(this.skewSeconds >= 0)) throw new RangeError('signatureMaxSkewSeconds must be >= 0');
    this.clockFn = opts.now ?? systemClock;
    this.apiKeys = [...(opts.apiKeys ?? [BILLER_DIRECT_DEMO_API_KEY])];
    this.signingKey = opts.signingPublicKey === undefined ? undefined : toPublicKey(opts.signingPublicKey);
    this.store = new SeededStore(() => createBdSeedState(this.clock()));
    this.api = routeFamily('/v1', (handler: Handler) => this.guard(handler, false));
    this.partner = routeFamily('/v1', (handler: Handler) => this.guard(handler, true));
  }

  /** Live in-memory state (replaced by reset()). */
  get data(): BdState {
    return this.store.state;
  }

  clock(): Date {
    return this.clockFn();
  }

  /** The clock as an ISO string. */
  now(): string {
    return this.clock().toISOString();
  }

  setClock(now?: () => Date): void {
    this.clockFn = now ?? this.opts.now ?? systemClock;
  }

  setSigningPublicKey(key: string | KeyObject | undefined): void {
    this.signingKey = key === undefined ? undefined : toPublicKey(key);
  }

  setApiKeys(keys: string[]): void {
    this.apiKeys = [...keys];
  }

  /** The partner key pairs once made (see partner.ts), kept across reset(). */
  cachedKeys(make: () => BdPartnerKey[]): BdPartnerKey[] {
    this.keys ??= make();
    return this.keys;
  }

  /** Restores the seed state, empties the event log and restores clock, API keys and signing key to the options. */
  reset(): void {
    this.setClock();
    this.apiKeys = [...(this.opts.apiKeys ?? [BILLER_DIRECT_DEMO_API_KEY])];
    this.setSigningPublicKey(this.opts.signingPublicKey);
    this.store.reset();
    this.eventLog.length = 0;
  }

  // ---- events ---------------------------------------------------------------------------------

  onEvent(listener: BdEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(type: string, clientId: string, resource: BdEvent['payload']['resource'], data: Record<string, unknown>): void {
    const event: BdEvent = {
      _id: hexId(),
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

  billEvent(b: BdBillRecord, type: string, data: Record<string, unknown>): void {
    this.emit(type, b.clientId, { id: b._id, type: 'bill' }, { company: { name: this.companyOf(b.companyId).name }, ...data });
  }

  // ---- plumbing -------------------------------------------------------------------------------

  error(status: number, code: string, message: string): SimResponse {
    const body: BillerDirectErrorBody = { success: false, message, code };
    return { status, body };
  }

  private failure(f: SimFailure): SimResponse {
    const res = this.error(f.status, String(f.code), f.message);
    if (f.headers) res.headers = { ...f.headers };
    return res;
  }

  private guard(handler: Handler, partnerOnly: boolean): RouteHandler {
    return (req, params) => {
      const res = catchFailure<SimResponse>(
        () => {
          const scope = this.authorize(req, partnerOnly);
          this.beforeRequest();
          return { status: 200, body: handler({ req, params, scope }) };
        },
        (f) => this.failure(f),
      );
      res.headers = { 'request-id': randomUUID(), ...res.headers };
      return res;
    };
  }

  /** Checks the bearer (and signature); the SSO token's client, or undefined for an API key. */
  private authorize(req: RecordedRequest, partnerOnly: boolean): string | undefined {
    const bearer = authParam(req, 'Bearer');
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
      return fail(401, 'unauthorized', 'A valid API key is required as a Bearer token', { 'www-authenticate': 'Bearer' });
    }
    if (this.signingKey) {
      const problem = checkSignature(req, bearer, this.signingKey, this.clock().getTime(), this.skewSeconds);
      if (problem) return fail(401, problem.code, problem.message);
    }
    if (token?.nonce) token.used = true;
    if (token && partnerOnly) return fail(403, 'forbidden', 'This route needs the API key, not a client token');
    return token?.clientId;
  }

  /** The JSON object body; no body reads as `{}`. */
  body(ctx: Ctx): Body {
    return jsonObject(ctx.req, badRequest, true);
  }

  /** 403 when an SSO token reaches another client. */
  own(ctx: Ctx, clientId: string): void {
    if (ctx.scope !== undefined && ctx.scope !== clientId) fail(403, 'forbidden', 'This client token may only reach its own client');
  }

  // ---- lookups --------------------------------------------------------------------------------

  client(ctx: Ctx, id: string): BdClient {
    const c = this.data.clients.find((x) => x._id === id) ?? notFound('Client');
    this.own(ctx, c._id);
    return c;
  }

  companyRecord(id: string): BdCompanyRecord {
    return this.data.companies.find((x) => x.company._id === id) ?? notFound('Company');
  }

  companyOf(id: string): BdCompany {
    return this.companyRecord(id).company;
  }

  auth(ctx: Ctx, id: string): BdAuthRecord {
    const a = this.data.auths.find((x) => x._id === id) ?? notFound('Auth');
    this.own(ctx, a.clientId);
    return a;
  }

  bill(ctx: Ctx, id: string): BdBillRecord {
    const b = this.data.bills.find((x) => x._id === id) ?? notFound('Bill');
    this.own(ctx, b.clientId);
    return b;
  }

  method(ctx: Ctx, id: string): BdPaymentMethodRecord {
    const m = this.data.paymentMethods.find((x) => x.method._id === id) ?? notFound('Payment method');
    this.own(ctx, m.clientId);
    return m;
  }

  authsOf = (clientId: string): BdAuthRecord[] => this.data.auths.filter((a) => a.clientId === clientId);
  billsOf = (clientId: string): BdBillRecord[] => this.data.bills.filter((b) => b.clientId === clientId);
  swapsOf = (clientId: string): BdSwapRecord[] => this.data.swaps.filter((s) => s.clientId === clientId);
  methodsOf = (clientId: string): BdPaymentMethodRecord[] => this.data.paymentMethods.filter((m) => m.clientId === clientId);

  /** The method that pays a bill: the one assigned to it, else the client's default. */
  methodFor(bill: BdBillRecord): BdPaymentMethodRecord | undefined {
    const methods = this.methodsOf(bill.clientId);
    return methods.find((m) => m.method.assignedBills.includes(bill._id)) ?? methods.find((m) => m.method.default);
  }

  // ---- public shapes --------------------------------------------------------------------------

  companyRef(id: string): Pick<BdCompany, '_id' | 'name' | 'logo'> {
    const c = this.companyOf(id);
    return { _id: c._id, name: c.name, logo: structuredClone(c.logo) };
  }

  /** Payment method as in event payloads (adds `bin` and `cancelled` to cards). */
  eventMethod(m: BdPaymentMethodRecord | undefined): BdEventPaymentMethod | null {
    if (!m) return null;
    const { card, ...rest } = structuredClone(m.method);
    return card ? { ...rest, card: { ...card, bin: m.bin, cancelled: false } } : rest;
  }
}
