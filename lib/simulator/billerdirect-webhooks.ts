/**
 * Webhook emitter for the Biller Direct simulator (docs/api-notes.md §2.8 events, §2.11 webhook security; §4 B9,
 * B10, B13–B15): every event the BillerDirectSim records (onEvent) is POSTed to a configured target URL.
 *
 * - Body: `{"event": …}` (default, as in the documented examples) or the bare event (`wrap: false`, B15);
 *   `Content-Type: application/json`.
 * - Payload encryption (`encryption`): the body becomes the JWE compact serialisation of that JSON,
 *   `Content-Type: application/jose+json`, protected header `{alg, enc, kid?}`; default `RSA-OAEP` + `A256GCM` (B9).
 * - Signed JWT (`signing`, ON by default): header `signature` (name configurable) carries an RS256 JWT with
 *   protected header `{typ:"JWT", alg:"RS256", kid}` and claims `iat`, `exp` (default iat + 300 s; 0 = none),
 *   `iss`/`aud` when configured. Default key: the simulator's OLDER partner key (§2.11 "the older of the two
 *   keys signs") with its kid, so receivers can verify against `GET /v1/partner/public-keys`. Those JWKs carry
 *   `use:"enc"` (B10): jose's createLocalJWKSet skips keys whose `use` is not `sig`, so drop `use` first.
 * - `bearerToken`: `Authorization: Bearer <token>` (the OAuth client-credentials token of §2.11, pre-issued).
 * - `oauth` `{tokenUrl, clientId, clientSecret, scope?}` (not with `bearerToken`): as Q2 does (§2.11, the Nexus
 *   "OAuth URL" + "OAuth Payload"), before a delivery the emitter POSTs `grant_type=client_credentials&client_id=…
 *   &client_secret=…[&scope=…]` (`application/x-www-form-urlencoded`, same transport and timeout as the events) to
 *   `tokenUrl`, expects 200 JSON with a string `access_token` (`token_type` Bearer, any case, when present) and sends
 *   `Authorization: Bearer <access_token>`. The token is cached until 30 s before `expires_in` (absent: 300 s);
 *   concurrent deliveries share one token request; an event answered 401 drops it (the event is not re-posted).
 *   A failed token request records the delivery as failed (`status` 0, `error` `token: …`) and the event is not
 *   posted. Neither the secret nor a token appears in the delivery log, the summary or an error text; the summary
 *   counts token requests (`tokenRequests`, zeroed by reset()).
 * - One attempt per event, in order (a FIFO queue), with a timeout (default 3000 ms); each is recorded in
 *   `deliveries`. Nothing here ever throws into the simulator's request handling. `flush()` waits for the queue.
 * - Triggers for the two documented types that no simulated call produces: `auth.needs-resync` (for an auth)
 *   and `bill.scheduled-payment-notice` (moves a bill's due date). They are recorded in the Biller Direct event
 *   log like every other event (BillerDirectSim.recordEvent) and therefore delivered the same way.
 * - The real-time MFA events are recorded in the event log as `auth.mfa-required` (a name of ours) but posted as
 *   Q2 prints them (B21): `{"resource": "client", "data": {auth, method, input, token, showRetry?}}`, no `type`,
 *   `_id` or envelope (wrapped as `{"event": …}` unless `wrap: false`, like the others). The delivery log still
 *   names them by the event's `_id` and `auth.mfa-required`.
 *
 * Control endpoints (never recorded, never faulted), under `/__sim/billerdirect/webhooks`:
 *   GET    ''            current configuration (no key material, no secret or token) + delivery and token-request counts
 *   POST   ''            configure (replaces the whole configuration; JSON form of WebhookOptions, keys as PEM / JWK)
 *   PATCH  ''            merge top-level fields into the current options (`null` removes a field)
 *   DELETE ''            turn webhooks off (configure({}) — no URL)
 *   GET    'deliveries'  the delivery log;  DELETE 'deliveries' clears it
 *   POST   'flush'       waits for deliveries in flight, answers the delivery log
 *   POST   'emit'        delivers a hand-made event (`{"event": …}` or bare; `type` required) without recording it
 *                         (type `auth.mfa-required` with `payload.data`: posted in the MFA shape above)
 *   POST   'trigger'     `{type:"auth.needs-resync", authId}` | `{type:"bill.scheduled-payment-notice", billId, dueDate?}`
 */
import http from 'node:http';
import https from 'node:https';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CompactEncrypt, SignJWT, type JWK } from 'jose';
import type { RecordedRequest, Route, RouteHandler, RouteModule, SimResponse } from './server';
import { SimFailure, asFailure, hexId, isObject, routeFamily } from './kit';
import type { BillerDirectSim } from './billerdirect';
import { addDays, eventDate, type BdEvent } from './billerdirect-data';

/** RSA1_5 (in Q2's B9 example header) is not offered: it is broken (Bleichenbacher) and jose 6 no longer implements it. */
export type WebhookKeyAlg = 'RSA-OAEP' | 'RSA-OAEP-256' | 'RSA-OAEP-384' | 'RSA-OAEP-512';
export type WebhookContentEnc = 'A128GCM' | 'A192GCM' | 'A256GCM' | 'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512';

export const WEBHOOK_KEY_ALGS: readonly WebhookKeyAlg[] = ['RSA-OAEP', 'RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512'];
export const WEBHOOK_CONTENT_ENCS: readonly WebhookContentEnc[] = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];

export interface WebhookSigningOptions {
  /** RSA private key (KeyObject or PEM). Default: the simulator's older partner key. */
  privateKey?: KeyObject | string;
  /** JWT header `kid`; required with `privateKey`. Without `privateKey` it picks that partner key (e.g. the newer one). */
  kid?: string;
  issuer?: string;
  audience?: string | string[];
  /** `exp` = `iat` + this; default 300; 0 = no `exp` claim. */
  expiresInSeconds?: number;
  /** Request header carrying the JWT; default `signature`. */
  header?: string;
}

export interface WebhookEncryptionOptions {
  /** The receiver's RSA public key: KeyObject, PEM (SPKI or PKCS#1) or a JWK (its `kid` is used when `kid` is not given). */
  publicKey: KeyObject | string | JWK;
  /** Recipient key id in the JWE protected header (omitted when neither given nor in the JWK). */
  kid?: string;
  /** Default `RSA-OAEP`. */
  alg?: WebhookKeyAlg;
  /** Default `A256GCM`. */
  enc?: WebhookContentEnc;
}

/** Q2's webhook OAuth (§2.11): a client-credentials token from the partner's token URL, sent as the bearer. */
export interface WebhookOAuthOptions {
  /** The partner's token endpoint (http or https). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Sent as `scope` when given. */
  scope?: string;
}

export interface WebhookOptions {
  /** Target URL (http or https). Without it nothing is sent. */
  url?: string;
  /** Default true (the older partner key); false = no signature header. */
  signing?: WebhookSigningOptions | boolean;
  /** Off unless given. */
  encryption?: WebhookEncryptionOptions;
  /** Sent as `Authorization: Bearer <token>`. Not with `oauth`. */
  bearerToken?: string;
  /** Fetch a client-credentials token before delivering (cached) and send it as the bearer. Not with `bearerToken`. */
  oauth?: WebhookOAuthOptions;
  /** true (default): body `{"event": …}`; false: the bare event. */
  wrap?: boolean;
  /** Per-delivery timeout in ms; default 3000. */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  url: string;
  /** HTTP status of the answer; 0 when there was none (connection refused, timeout, stopped, token request failed). */
  status: number;
  /** Set unless the receiver answered 2xx; `token: …` when the OAuth token request failed (the event was not posted). */
  error?: string;
  /** ISO time the attempt finished. */
  at: string;
}

/** An event to deliver by hand: a recorded event or any object with `_id` and `type`. */
export type WebhookEvent = BdEvent | ({ _id: string; type: string } & Record<string, unknown>);

export type WebhookTrigger =
  | { type: 'auth.needs-resync'; authId: string }
  /** Moves the bill's due date to `dueDate` (ISO 8601; default one day later). */
  | { type: 'bill.scheduled-payment-notice'; billId: string; dueDate?: string };

export interface WebhookConfigSummary {
  url: string | null;
  wrap: boolean;
  timeoutMs: number;
  bearerToken: boolean;
  /** The OAuth settings without the secret. */
  oauth: false | { tokenUrl: string; clientId: string; scope?: string };
  signing: false | { kid: string; header: string; partnerKey: boolean; issuer?: string; audience?: string | string[]; expiresInSeconds: number };
  encryption: false | { kid?: string; alg: WebhookKeyAlg; enc: WebhookContentEnc };
  deliveries: number;
  inFlight: number;
  /** Token requests sent to `oauth.tokenUrl` since the start or the last reset(). */
  tokenRequests: number;
}

/** Thrown by configure()/trigger() for bad input (the kit's SimFailure); the control endpoints answer it with `status`. */
export class WebhookConfigError extends SimFailure {
  constructor(message: string, status = 400) {
    super(status, status === 404 ? 'not_found' : 'bad_request', message);
  }
}

interface Signing {
  /** Unset for the default older partner key, looked up when first needed (key generation is slow). */
  key?: KeyObject;
  kid?: string;
  partnerKey: boolean;
  header: string;
  issuer?: string;
  audience?: string | string[];
  expiresInSeconds: number;
}

interface Encryption {
  key: KeyObject;
  kid?: string;
  alg: WebhookKeyAlg;
  enc: WebhookContentEnc;
}

interface OAuth {
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** A cached access token, for the OAuth settings it was fetched with. */
interface CachedToken {
  oauth: OAuth;
  value: string;
  /** Date.now() value at which the token expires. */
  expiresAt: number;
}

interface Config {
  url?: URL;
  signing?: Signing;
  encryption?: Encryption;
  bearerToken?: string;
  oauth?: OAuth;
  wrap: boolean;
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_EXPIRES_IN = 300;
/** A token without `expires_in` is taken to live this long (seconds). */
const DEFAULT_TOKEN_LIFETIME = 300;
/** A cached token expiring within this many ms is fetched again before a delivery. */
const TOKEN_RENEW_MARGIN_MS = 30_000;
/** The most of a token endpoint's answer that is read. */
const MAX_TOKEN_ANSWER = 64 * 1024;
const OAUTH_KEYS: readonly (keyof WebhookOAuthOptions)[] = ['tokenUrl', 'clientId', 'clientSecret', 'scope'];
const PREFIX = '/__sim/billerdirect/webhooks';

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const bad = (message: string): never => {
  throw new WebhookConfigError(message);
};

/** The simulator's type name for Q2's real-time MFA webhook, which Q2 prints without a `type` (B21). */
export const MFA_EVENT_TYPE = 'auth.mfa-required';

/** What is posted for an event: the event itself, or for an MFA event the printed `{resource, data}` shape (B21). */
function postedBody(event: WebhookEvent): object {
  if (event.type !== MFA_EVENT_TYPE) return event;
  const payload: unknown = event.payload;
  if (!isObject(payload) || !isObject(payload.data)) return event;
  const resource = isObject(payload.resource) && typeof payload.resource.type === 'string' ? payload.resource.type : 'client';
  return { resource, data: payload.data };
}

function optionalString(v: unknown, label: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') return bad(`${label} must be a non-empty string`);
  return v;
}

function toPrivateKey(key: KeyObject | string, label: string): KeyObject {
  let k: KeyObject;
  try {
    k = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (err) {
    return bad(`${label} is not a private key: ${errorMessage(err)}`);
  }
  if (k.type !== 'private' || k.asymmetricKeyType !== 'rsa') bad(`${label} must be an RSA private key`);
  return k;
}

function toPublicKey(key: KeyObject | string | JWK, label: string): KeyObject {
  let k: KeyObject;
  try {
    if (typeof key === 'string') k = createPublicKey(key);
    else if (isKeyObject(key)) k = key.type === 'private' ? createPublicKey(key) : key;
    else k = createPublicKey({ key: publicJwk(key), format: 'jwk' });
  } catch (err) {
    return bad(`${label} is not a public key: ${errorMessage(err)}`);
  }
  if (k.type !== 'public' || k.asymmetricKeyType !== 'rsa') bad(`${label} must be an RSA public key`);
  return k;
}

function isKeyObject(v: KeyObject | JWK): v is KeyObject {
  return typeof (v as Partial<KeyObject>).export === 'function' && typeof (v as Partial<KeyObject>).type === 'string';
}

/** The RSA public members only (node refuses unknown combinations such as private members without all CRT values). */
function publicJwk(jwk: JWK): { kty: string; n: string; e: string } {
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return bad('the JWK must be an RSA key with n and e');
  return { kty: jwk.kty, n: jwk.n, e: jwk.e };
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], label: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) return bad(`${label} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Reads the JSON form of `oauth` (the values are checked by resolveOAuth). */
function parseOAuth(v: unknown): WebhookOAuthOptions {
  if (!isObject(v)) return bad('oauth must be an object {tokenUrl, clientId, clientSecret, scope?}');
  const unknown = Object.keys(v).filter((k) => !(OAUTH_KEYS as readonly string[]).includes(k));
  if (unknown.length) bad(`unknown oauth option(s): ${unknown.join(', ')}`);
  const required = (key: 'tokenUrl' | 'clientId' | 'clientSecret'): string => optionalString(v[key], `oauth.${key}`) ?? bad(`oauth.${key} is required`);
  const scope = optionalString(v.scope, 'oauth.scope');
  return {
    tokenUrl: required('tokenUrl'),
    clientId: required('clientId'),
    clientSecret: required('clientSecret'),
    ...(scope !== undefined ? { scope } : {}),
  };
}

/** Checks the OAuth settings (messages never carry the values: the secret must not leak into an error). */
function resolveOAuth(opts: WebhookOAuthOptions | undefined): OAuth | undefined {
  if (opts === undefined) return undefined;
  if (!isObject(opts)) return bad('oauth must be an object {tokenUrl, clientId, clientSecret, scope?}');
  for (const key of ['tokenUrl', 'clientId', 'clientSecret'] as const) {
    if (typeof opts[key] !== 'string' || opts[key] === '') bad(`oauth.${key} is required (a non-empty string)`);
  }
  if (opts.scope !== undefined && (typeof opts.scope !== 'string' || opts.scope === '')) bad('oauth.scope must be a non-empty string');
  let tokenUrl: URL;
  try {
    tokenUrl = new URL(opts.tokenUrl);
  } catch {
    return bad('oauth.tokenUrl must be an absolute http(s) URL');
  }
  if (tokenUrl.protocol !== 'http:' && tokenUrl.protocol !== 'https:') bad('oauth.tokenUrl must be an absolute http(s) URL');
  if (tokenUrl.username !== '' || tokenUrl.password !== '') bad('oauth.tokenUrl must not carry credentials (give clientId and clientSecret)');
  return { tokenUrl, clientId: opts.clientId, clientSecret: opts.clientSecret, ...(opts.scope !== undefined ? { scope: opts.scope } : {}) };
}

const sameOAuth = (a: OAuth | undefined, b: OAuth | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.tokenUrl.href === b.tokenUrl.href &&
  a.clientId === b.clientId &&
  a.clientSecret === b.clientSecret &&
  a.scope === b.scope;

/** The access token (and its lifetime in seconds) from a token endpoint's answer; throws with a text free of secrets. */
function readTokenAnswer(status: number, text: string): { value: string; expiresIn: number } {
  if (status !== 200) throw new Error(`HTTP ${status}`);
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new Error('the answer is not JSON');
  }
  if (!isObject(answer)) throw new Error('the answer is not a JSON object');
  const value = answer.access_token;
  if (typeof value !== 'string' || value === '') throw new Error('no access_token in the answer');
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error('access_token is not usable as a bearer token');
  const type = answer.token_type;
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) throw new Error('token_type is not Bearer');
  const raw = answer.expires_in;
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return { value, expiresIn: Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_TOKEN_LIFETIME };
}

/** Reads the JSON form of WebhookOptions (control endpoint); keys as PEM strings, the encryption key also as a JWK. */
export function parseWebhookOptions(body: unknown): WebhookOptions {
  if (body === undefined) return {};
  if (!isObject(body)) return bad('the body must be a JSON object (WebhookOptions)');
  const known = new Set<string>(OPTION_KEYS);
  const unknown = Object.keys(body).filter((k) => !known.has(k));
  if (unknown.length) bad(`unknown option(s): ${unknown.join(', ')}`);
  const opts: WebhookOptions = {};
  const url = optionalString(body.url, 'url');
  if (url !== undefined) opts.url = url;
  if (body.bearerToken !== undefined) opts.bearerToken = optionalString(body.bearerToken, 'bearerToken');
  if (body.oauth !== undefined) opts.oauth = parseOAuth(body.oauth);
  if (body.wrap !== undefined) {
    if (typeof body.wrap !== 'boolean') bad('wrap must be a boolean');
    opts.wrap = body.wrap as boolean;
  }
  if (body.timeoutMs !== undefined) {
    if (typeof body.timeoutMs !== 'number') bad('timeoutMs must be a number');
    opts.timeoutMs = body.timeoutMs as number;
  }
  const signing = body.signing;
  if (typeof signing === 'boolean') opts.signing = signing;
  else if (isObject(signing)) {
    const audience = signing.audience;
    if (audience !== undefined && typeof audience !== 'string' && !(Array.isArray(audience) && audience.every((a) => typeof a === 'string'))) {
      bad('signing.audience must be a string or an array of strings');
    }
    if (signing.expiresInSeconds !== undefined && typeof signing.expiresInSeconds !== 'number') bad('signing.expiresInSeconds must be a number');
    opts.signing = {
      privateKey: optionalString(signing.privateKey, 'signing.privateKey'),
      kid: optionalString(signing.kid, 'signing.kid'),
      issuer: optionalString(signing.issuer, 'signing.issuer'),
      audience: audience as string | string[] | undefined,
      expiresInSeconds: signing.expiresInSeconds as number | undefined,
      header: optionalString(signing.header, 'signing.header'),
    };
  } else if (signing !== undefined) bad('signing must be a boolean or an object');
  const encryption = body.encryption;
  if (isObject(encryption)) {
    const publicKey = encryption.publicKey;
    if (typeof publicKey !== 'string' && !isObject(publicKey)) bad('encryption.publicKey must be a PEM string or a JWK object');
    opts.encryption = {
      publicKey: publicKey as string | JWK,
      kid: optionalString(encryption.kid, 'encryption.kid'),
      alg: oneOf(encryption.alg, WEBHOOK_KEY_ALGS, 'encryption.alg'),
      enc: oneOf(encryption.enc, WEBHOOK_CONTENT_ENCS, 'encryption.enc'),
    };
  } else if (encryption !== undefined) bad('encryption must be an object');
  return opts;
}

export class BillerDirectWebhooks implements RouteModule {
  readonly name = 'biller-direct-webhooks';
  readonly routes: Route[] = [];
  readonly controlRoutes: Route[];
  /** One record per attempted delivery, oldest first (cleared by reset() and clearDeliveries()). */
  readonly deliveries: WebhookDelivery[] = [];
  private readonly sim: BillerDirectSim;
  private readonly initial: WebhookOptions;
  private options: WebhookOptions = {};
  private config: Config = { wrap: true, timeoutMs: DEFAULT_TIMEOUT_MS };
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private generation = 0;
  private closed = false;
  private readonly active = new Set<http.ClientRequest>();
  private readonly unsubscribe: () => void;
  /** The OAuth token in use (see accessToken()). */
  private token?: CachedToken;
  /** The token request in flight, shared by every delivery that needs a token meanwhile. */
  private tokenFetch?: { oauth: OAuth; promise: Promise<string> };
  private tokenRequests = 0;

  constructor(sim: BillerDirectSim, opts: WebhookOptions = {}) {
    this.sim = sim;
    this.initial = opts;
    this.configure(opts);
    this.unsubscribe = sim.onEvent((event) => this.enqueue(event));
    const control = routeFamily(PREFIX, (handler: RouteHandler) => this.safe(handler));
    this.controlRoutes = [
      control('GET', '', () => ({ status: 200, body: this.summary() })),
      control('POST', '', (req) => (this.configure(parseWebhookOptions(req.body)), { status: 200, body: this.summary() })),
      control('PATCH', '', (req) => {
        const remove = nullFields(req.body);
        const rest = isObject(req.body) ? Object.fromEntries(Object.entries(req.body).filter(([, v]) => v !== null)) : req.body;
        this.update(parseWebhookOptions(rest), remove);
        return { status: 200, body: this.summary() };
      }),
      control('DELETE', '', () => (this.configure({}), { status: 200, body: this.summary() })),
      control('GET', '/deliveries', () => ({ status: 200, body: this.deliveries })),
      control('DELETE', '/deliveries', () => (this.clearDeliveries(), { status: 200, body: { ok: true } })),
      control('POST', '/flush', async () => (await this.flush(), { status: 200, body: this.deliveries })),
      control('POST', '/emit', (req) => {
        const raw: unknown = isObject(req.body) && isObject(req.body.event) ? req.body.event : req.body;
        if (!isObject(raw) || typeof raw.type !== 'string' || raw.type === '') return bad('the body must be an event (or {"event": …}) with a string type');
        const event = { ...raw, _id: typeof raw._id === 'string' ? raw._id : hexId(), type: raw.type };
        this.emit(event);
        return { status: 202, body: { ok: true, eventId: event._id, queued: this.config.url !== undefined } };
      }),
      control('POST', '/trigger', (req) => ({ status: 201, body: this.trigger(parseTrigger(req.body)) })),
    ];
  }

  // ---- configuration --------------------------------------------------------------------------

  /** Replaces the whole configuration (validated first; on error the old one stays). */
  configure(opts: WebhookOptions): void {
    const next = this.resolve(opts);
    // Unchanged OAuth settings keep their cached token (e.g. a PATCH of `wrap`); other settings start afresh.
    if (sameOAuth(this.config.oauth, next.oauth)) next.oauth = this.config.oauth;
    else this.token = undefined;
    this.config = next;
    this.options = { ...opts };
  }

  /** Merges `opts` into the current options; `remove` names top-level options to drop. */
  update(opts: WebhookOptions, remove: readonly (keyof WebhookOptions)[] = []): void {
    const next: WebhookOptions = { ...this.options, ...opts };
    for (const key of remove) delete next[key];
    this.configure(next);
  }

  /** The options in force (as given, keys included). */
  get currentOptions(): WebhookOptions {
    return { ...this.options };
  }

  summary(): WebhookConfigSummary {
    const { url, signing, encryption, bearerToken, oauth, wrap, timeoutMs } = this.config;
    return {
      url: url ? url.href : null,
      wrap,
      timeoutMs,
      bearerToken: bearerToken !== undefined,
      oauth: oauth ? { tokenUrl: oauth.tokenUrl.href, clientId: oauth.clientId, ...(oauth.scope !== undefined ? { scope: oauth.scope } : {}) } : false,
      signing: signing
        ? {
            kid: this.signingKey(signing).kid,
            header: signing.header,
            partnerKey: signing.partnerKey,
            expiresInSeconds: signing.expiresInSeconds,
            ...(signing.issuer !== undefined ? { issuer: signing.issuer } : {}),
            ...(signing.audience !== undefined ? { audience: signing.audience } : {}),
          }
        : false,
      encryption: encryption ? { ...(encryption.kid !== undefined ? { kid: encryption.kid } : {}), alg: encryption.alg, enc: encryption.enc } : false,
      deliveries: this.deliveries.length,
      inFlight: this.pending,
      tokenRequests: this.tokenRequests,
    };
  }

  private resolve(opts: WebhookOptions): Config {
    let url: URL | undefined;
    if (opts.url !== undefined) {
      try {
        url = new URL(opts.url);
      } catch {
        return bad('url must be an absolute http(s) URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') bad('url must be an absolute http(s) URL');
    }
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) bad('timeoutMs must be a positive number');
    if (opts.bearerToken !== undefined && (typeof opts.bearerToken !== 'string' || !/^[\x21-\x7e]+$/.test(opts.bearerToken))) {
      bad('bearerToken must be a non-empty string of visible ASCII characters');
    }
    if (opts.oauth !== undefined && opts.bearerToken !== undefined) bad('oauth and bearerToken cannot both be set (oauth fetches the bearer token)');
    return {
      url,
      timeoutMs,
      wrap: opts.wrap ?? true,
      bearerToken: opts.bearerToken,
      oauth: resolveOAuth(opts.oauth),
      signing: this.resolveSigning(opts.signing ?? true),
      encryption: resolveEncryption(opts.encryption),
    };
  }

  private resolveSigning(opts: WebhookSigningOptions | boolean): Signing | undefined {
    if (opts === false) return undefined;
    const o: WebhookSigningOptions = opts === true ? {} : opts;
    const header = o.header ?? 'signature';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) bad('signing.header must be a valid HTTP header name');
    const expiresInSeconds = o.expiresInSeconds ?? DEFAULT_EXPIRES_IN;
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 0) bad('signing.expiresInSeconds must be an integer >= 0');
    const common = { header: header.toLowerCase(), issuer: o.issuer, audience: o.audience, expiresInSeconds };
    if (o.privateKey !== undefined) {
      if (o.kid === undefined || o.kid === '') bad('signing.kid is required with signing.privateKey');
      return { ...common, key: toPrivateKey(o.privateKey, 'signing.privateKey'), kid: o.kid as string, partnerKey: false };
    }
    if (o.kid === undefined) return { ...common, partnerKey: true };
    const partner = this.sim.partnerKeys.find((k) => k.kid === o.kid);
    if (!partner) return bad(`signing.kid ${o.kid} is not one of the simulator's partner keys`);
    return { ...common, key: partner.privateKey, kid: partner.kid, partnerKey: true };
  }

  /** The signing key and kid; by default "the older of the two keys signs" (§2.11; partnerKeys is oldest first). */
  private signingKey(s: Signing): { key: KeyObject; kid: string } {
    if (s.key && s.kid !== undefined) return { key: s.key, kid: s.kid };
    const oldest = this.sim.partnerKeys[0];
    return { key: oldest.privateKey, kid: oldest.kid };
  }

  // ---- deliveries -----------------------------------------------------------------------------

  /** Delivers `event` with the current configuration (not recorded in the Biller Direct event log). */
  emit(event: WebhookEvent): void {
    this.enqueue(event);
  }

  /** Resolves when every delivery queued so far (and any queued meanwhile) has finished. */
  async flush(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  clearDeliveries(): void {
    this.deliveries.length = 0;
  }

  /** Restores the constructor options and empties the delivery log (deliveries still in flight are not logged). */
  reset(): void {
    this.generation += 1;
    this.clearDeliveries();
    this.token = undefined;
    this.tokenFetch = undefined;
    this.tokenRequests = 0;
    this.configure(this.initial);
  }

  /** Stops listening and aborts the delivery in flight; queued ones are logged as not sent. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const req of this.active) req.destroy(new Error('simulator stopped'));
    await this.flush();
  }

  private enqueue(event: WebhookEvent): void {
    try {
      const config = this.config;
      const url = config.url;
      if (!url || this.closed) return;
      const generation = this.generation;
      const record = (status: number, error?: string): void => {
        if (generation !== this.generation) return;
        this.deliveries.push({
          eventId: event._id,
          type: event.type,
          url: url.href,
          status,
          ...(error !== undefined ? { error } : {}),
          at: new Date().toISOString(),
        });
      };
      // The body is fixed now: later state changes or reconfiguration do not alter an event already queued.
      const body = postedBody(event);
      const json = JSON.stringify(config.wrap ? { event: body } : body);
      const signer = config.signing ? { ...config.signing, ...this.signingKey(config.signing) } : undefined;
      this.pending += 1;
      this.queue = this.queue
        .then(async () => {
          if (this.closed) return record(0, 'simulator stopped');
          let token: string | undefined;
          if (config.oauth) {
            try {
              token = await this.accessToken(config.oauth, config.timeoutMs);
            } catch (err) {
              return record(0, `token: ${errorMessage(err)}`);
            }
            if (this.closed) return record(0, 'simulator stopped');
          }
          try {
            const status = await this.deliver(url, json, { ...config, signing: signer }, token);
            // A refused token is not used again: the next delivery fetches a new one (this event is not re-posted).
            if (status === 401 && config.oauth && this.token?.oauth === config.oauth && this.token.value === token) this.token = undefined;
            record(status, status >= 200 && status < 300 ? undefined : `HTTP ${status}`);
          } catch (err) {
            record(0, errorMessage(err));
          }
        })
        .catch(() => undefined)
        .finally(() => {
          this.pending -= 1;
        });
    } catch {
      // Webhooks must never break the simulated API.
    }
  }

  /**
   * The access token for `oauth`: the cached one unless it expires within 30 s, else the one of the token request
   * in flight for the same settings, else a new request (the only place tokenRequests counts).
   */
  private accessToken(oauth: OAuth, timeoutMs: number): Promise<string> {
    const cached = this.token;
    if (cached && cached.oauth === oauth && cached.expiresAt - Date.now() > TOKEN_RENEW_MARGIN_MS) return Promise.resolve(cached.value);
    if (this.tokenFetch && this.tokenFetch.oauth === oauth) return this.tokenFetch.promise;
    const generation = this.generation;
    this.tokenRequests += 1;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: oauth.clientId, client_secret: oauth.clientSecret });
    if (oauth.scope !== undefined) form.set('scope', oauth.scope);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const answer = this.request(oauth.tokenUrl, form.toString(), headers, timeoutMs, MAX_TOKEN_ANSWER).then(({ status, text }) => {
      const { value, expiresIn } = readTokenAnswer(status, text);
      // Not kept across reset() or for settings no longer in force.
      if (generation === this.generation && this.config.oauth === oauth) this.token = { oauth, value, expiresAt: Date.now() + expiresIn * 1000 };
      return value;
    });
    const entry = { oauth, promise: answer };
    this.tokenFetch = entry;
    const done = (): void => {
      if (this.tokenFetch === entry) this.tokenFetch = undefined;
    };
    answer.then(done, done);
    return answer;
  }

  private async deliver(url: URL, json: string, config: Config, oauthToken?: string): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    let body = json;
    if (config.encryption) {
      const { key, kid, alg, enc } = config.encryption;
      body = await new CompactEncrypt(new TextEncoder().encode(json)).setProtectedHeader({ alg, enc, ...(kid !== undefined ? { kid } : {}) }).encrypt(key);
      headers['content-type'] = 'application/jose+json';
    }
    if (config.signing) {
      const s = config.signing;
      const { key, kid } = this.signingKey(s);
      const jwt = new SignJWT({}).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid }).setIssuedAt();
      if (s.issuer !== undefined) jwt.setIssuer(s.issuer);
      if (s.audience !== undefined) jwt.setAudience(s.audience);
      if (s.expiresInSeconds > 0) jwt.setExpirationTime(`${s.expiresInSeconds}s`);
      headers[s.header] = await jwt.sign(key);
    }
    const bearer = oauthToken ?? config.bearerToken;
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    return (await this.request(url, body, headers, config.timeoutMs)).status;
  }

  /**
   * POSTs `body`; resolves with the status (and, with `readLimit`, the answer's text, read under the same timeout),
   * rejects on a connection error, the timeout, an answer cut off or longer than `readLimit` bytes, or close().
   */
  private request(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, readLimit?: number): Promise<{ status: number; text: string }> {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        fn();
      };
      const fail = (err: Error): void => settle(() => reject(err));
      let answered = false;
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(
        url,
        { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          answered = true;
          const status = res.statusCode ?? 0;
          if (readLimit === undefined) {
            res.on('error', () => undefined);
            res.resume();
            settle(() => resolve({ status, text: '' }));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          let ended = false;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= readLimit) chunks.push(chunk);
            else {
              fail(new Error(`the answer is longer than ${readLimit} bytes`));
              req.destroy();
            }
          });
          res.on('error', fail);
          res.on('end', () => {
            ended = true;
            settle(() => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
          });
          res.on('close', () => {
            if (!ended) fail(new Error('the answer was cut off'));
          });
        },
      );
      const timer = setTimeout(() => {
        const err = new Error(`no answer within ${timeoutMs} ms`);
        fail(err);
        req.destroy(err);
      }, timeoutMs);
      this.active.add(req);
      req.on('error', fail);
      req.on('close', () => {
        clearTimeout(timer);
        this.active.delete(req);
        if (!answered) fail(new Error('the connection closed without an answer'));
      });
      req.end(body);
    });
  }

  // ---- triggers -------------------------------------------------------------------------------

  /**
   * Produces one of the documented events no simulated call causes, recorded in the Biller Direct event log
   * (and so delivered like the others). Throws WebhookConfigError (404 unknown id, 400 bad input).
   */
  trigger(spec: WebhookTrigger): BdEvent {
    const state = this.sim.state;
    if (spec.type === 'auth.needs-resync') {
      const auth = state.auths.find((a) => a._id === spec.authId) ?? notFound('Auth');
      const company = state.companies.find((c) => c.company._id === auth.companyId)?.company;
      return this.sim.recordEvent(
        spec.type,
        auth.clientId,
        { id: auth._id, type: 'auth' },
        {
          company: company ? { _id: company._id, name: company.name } : { _id: auth.companyId },
        },
      );
    }
    if (spec.type === 'bill.scheduled-payment-notice') {
      const bill = state.bills.find((b) => b._id === spec.billId) ?? notFound('Bill');
      const previous = bill.dueDate;
      let current: string;
      if (spec.dueDate !== undefined) {
        const ms = Date.parse(spec.dueDate);
        if (typeof spec.dueDate !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(spec.dueDate) || Number.isNaN(ms)) bad('dueDate must be an ISO 8601 date');
        current = new Date(ms).toISOString();
      } else {
        if (!previous) return bad('the bill has no due date yet; give dueDate');
        current = addDays(previous, 1);
      }
      bill.dueDate = current;
      if (bill.scheduled && Date.parse(bill.scheduled.payDate) > Date.parse(current)) bill.scheduled.payDate = current;
      const company = state.companies.find((c) => c.company._id === bill.companyId)?.company;
      return this.sim.recordEvent(
        spec.type,
        bill.clientId,
        { id: bill._id, type: 'bill' },
        {
          company: { name: company?.name ?? '' },
          bill: { dueDate: { ...(previous ? { previous: eventDate(previous) } : {}), current: eventDate(current) } },
        },
      );
    }
    return bad('type must be auth.needs-resync or bill.scheduled-payment-notice');
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private safe(handler: RouteHandler): RouteHandler {
    return async (req: RecordedRequest, params: Record<string, string>): Promise<SimResponse> => {
      try {
        if (req.bodyParseError !== undefined) bad('Request body is not valid JSON');
        return await handler(req, params);
      } catch (err) {
        const failure = asFailure(err);
        return { status: failure.status, body: { error: failure.code, message: failure.message } };
      }
    };
  }
}

function notFound(what: string): never {
  throw new WebhookConfigError(`${what} not found`, 404);
}

function resolveEncryption(opts: WebhookEncryptionOptions | undefined): Encryption | undefined {
  if (opts === undefined) return undefined;
  if (!isObject(opts) || opts.publicKey === undefined) return bad('encryption.publicKey is required');
  const alg = oneOf(opts.alg, WEBHOOK_KEY_ALGS, 'encryption.alg') ?? 'RSA-OAEP';
  const enc = oneOf(opts.enc, WEBHOOK_CONTENT_ENCS, 'encryption.enc') ?? 'A256GCM';
  const jwkKid = typeof opts.publicKey === 'object' && !isKeyObject(opts.publicKey) ? opts.publicKey.kid : undefined;
  const key = toPublicKey(opts.publicKey, 'encryption.publicKey');
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) bad('encryption.publicKey must be at least 2048 bits');
  return { key, kid: opts.kid ?? jwkKid, alg, enc };
}

const OPTION_KEYS: readonly (keyof WebhookOptions)[] = ['url', 'signing', 'encryption', 'bearerToken', 'oauth', 'wrap', 'timeoutMs'];

/** Top-level option names set to `null` in a PATCH body (to be removed). */
function nullFields(body: unknown): (keyof WebhookOptions)[] {
  if (!isObject(body)) return [];
  return OPTION_KEYS.filter((k) => body[k] === null);
}

function parseTrigger(body: unknown): WebhookTrigger {
  if (!isObject(body)) return bad('the body must be a JSON object with a type');
  if (body.type === 'auth.needs-resync') {
    const authId = optionalString(body.authId, 'authId') ?? bad('authId is required');
    return { type: body.type, authId };
  }
  if (body.type === 'bill.scheduled-payment-notice') {
    const billId = optionalString(body.billId, 'billId') ?? bad('billId is required');
    return { type: body.type, billId, dueDate: optionalString(body.dueDate, 'dueDate') };
  }
  return bad('type must be auth.needs-resync or bill.scheduled-payment-notice');
}
