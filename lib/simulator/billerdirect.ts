/**
 * Q2 Biller Direct API simulator route module (docs/api-notes.md §2): the 30 endpoints of §2.4 under
 * `/v1` (a node's base URL is `{simulator}/v1`), Bearer API-key auth, optional RSA request signing (§2.10),
 * in-memory state seeded from billerdirect-data.ts, the sandbox behaviours of §2.3/§2.5 (rules in
 * billerdirect-rules.ts) and an event log in the documented envelope (§2.8), ready for webhooks.
 *
 * This class is a facade: the routes live in one module per resource under billerdirect/ (auth, bill, company,
 * payment, client, swap, partner, as in lib/billerdirect/operations.ts), all registered against the shared
 * state and guard of billerdirect/core.ts. A new operation is one `bd.api(method, path, handler)` line there.
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
import { randomUUID, type KeyObject } from 'node:crypto';
import type { RecordedRequest, Route, RouteModule, SimResponse } from './server';
import { allowedMethods, route } from './kit';
import type { BdEvent, BdState } from './billerdirect-data';
import { BdCore, type BdEventListener, type BdPartnerKey, type BillerDirectOptions } from './billerdirect/core';
import { authRoutes } from './billerdirect/auth';
import { billRoutes } from './billerdirect/bill';
import { companyRoutes } from './billerdirect/company';
import { paymentRoutes, runScheduledPayments } from './billerdirect/payment';
import { clientRoutes } from './billerdirect/client';
import { swapRoutes } from './billerdirect/swap';
import { partnerKeys, partnerRoutes } from './billerdirect/partner';

export type { BdEventListener, BdEventPaymentMethod, BdPartnerKey, BillerDirectErrorBody, BillerDirectOptions } from './billerdirect/core';

const RESOURCES = new Set(['auth', 'bill', 'company', 'payment', 'client', 'swap', 'partner']);

export class BillerDirectSim implements RouteModule {
  readonly name = 'biller-direct';
  readonly routes: Route[];
  readonly controlRoutes: Route[];
  private readonly bd: BdCore;

  constructor(opts: BillerDirectOptions = {}) {
    const bd = new BdCore(opts, () => runScheduledPayments(bd));
    this.bd = bd;
    this.routes = [
      ...authRoutes(bd),
      ...billRoutes(bd),
      ...companyRoutes(bd),
      ...paymentRoutes(bd),
      ...clientRoutes(bd),
      ...swapRoutes(bd),
      ...partnerRoutes(bd),
    ];
    const done = (): SimResponse => ({ status: 200, body: { ok: true } });
    this.controlRoutes = [
      route('GET', '/__sim/billerdirect/events', (req) => ({
        status: 200,
        body: req.query.type ? bd.eventLog.filter((e) => e.type === req.query.type) : bd.eventLog,
      })),
      route('DELETE', '/__sim/billerdirect/events', () => (this.clearEvents(), done())),
      route('POST', '/__sim/billerdirect/run-payments', () => (this.runScheduledPayments(), done())),
    ];
  }

  // ---- test helpers ---------------------------------------------------------------------------

  /** Live in-memory state (replaced by reset()). */
  get state(): BdState {
    return this.bd.data;
  }

  /** Events recorded since construction, reset() or clearEvents(), oldest first. */
  get events(): readonly BdEvent[] {
    return this.bd.eventLog;
  }

  /** Calls `listener` for every new event (kept across reset()); returns an unsubscribe function. */
  onEvent(listener: BdEventListener): () => void {
    return this.bd.onEvent(listener);
  }

  clearEvents(): void {
    this.bd.eventLog.length = 0;
  }

  /** Records an event no simulated call produces (e.g. `auth.needs-resync`) like the others; see billerdirect-webhooks.ts. */
  recordEvent(type: string, clientId: string, resource: BdEvent['payload']['resource'], data: Record<string, unknown>): BdEvent {
    this.bd.emit(type, clientId, resource, data);
    return this.bd.eventLog[this.bd.eventLog.length - 1];
  }

  /** Replaces the clock; without an argument restores the `now` option (or the real clock). */
  setClock(now?: () => Date): void {
    this.bd.setClock(now);
  }

  /** Turns request signing on (PEM or KeyObject of the partner's public key) or off (undefined). */
  setSigningPublicKey(key: string | KeyObject | undefined): void {
    this.bd.setSigningPublicKey(key);
  }

  setApiKeys(keys: string[]): void {
    this.bd.setApiKeys(keys);
  }

  /** The two partner key pairs (generated on first use), oldest first. */
  get partnerKeys(): readonly BdPartnerKey[] {
    return partnerKeys(this.bd);
  }

  /** The token an auth waiting for MFA expects in /auth/step (the webhook's `token`). */
  mfaToken(authId: string): string | undefined {
    return this.bd.data.auths.find((a) => a._id === authId)?.pending?.token;
  }

  /** Sends every scheduled payment whose payDate has come (also done at the start of each request). */
  runScheduledPayments(): void {
    runScheduledPayments(this.bd);
  }

  /** Restores the seed state, empties the event log and restores clock, API keys and signing key to the options. */
  reset(): void {
    this.bd.reset();
  }

  /** 404/405 for unknown routes under /v1/{auth|bill|company|payment|client|swap|partner}. */
  notFound(req: RecordedRequest): SimResponse | undefined {
    const segments = req.path.split('/');
    if (segments[1] !== 'v1' || !RESOURCES.has(segments[2] ?? '')) return undefined;
    const allowed = allowedMethods(this.routes, req.path);
    const res = allowed.length
      ? this.bd.error(405, 'method_not_allowed', `${req.method} is not allowed here`)
      : this.bd.error(404, 'not_found', `No Biller Direct route ${req.method} ${req.path}`);
    res.headers = { 'request-id': randomUUID(), ...(allowed.length ? { allow: allowed.join(', ') } : {}) };
    return res;
  }
}
