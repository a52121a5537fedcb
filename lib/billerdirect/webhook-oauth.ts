/**
 * The partner's own client-credentials token endpoint for Biller Direct webhooks (docs/api-notes.md §2.11, B23): Q2
 * obtains a token from the partner's OAuth URL with the Nexus "OAuth Payload" (URL-encoded form), caches it until near
 * expiry and sends it as `Authorization: Bearer <token>` with each event. RFC 6749 §4.4 (client credentials), §2.3.1
 * (client authentication), §5.1/§5.2 (responses).
 *
 * Tokens are stateless HS256 JWTs whose key is derived from the client secret (HKDF-SHA256), so Node-RED instances
 * configured with the same credentials accept each other's tokens, tokens survive a restart, and changing the secret
 * invalidates every token. Nothing here touches Node-RED, and nothing returned or thrown carries the secret.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export interface WebhookTokenIssuerOptions {
  clientId: string;
  clientSecret: string;
  /**
   * Token lifetime, default 900 s. Q2 caches a token until near expiry, so a short life costs only one token request
   * every quarter hour, while it bounds how long a leaked token (a stateless bearer that cannot be revoked short of
   * changing the secret) stays usable. RFC 6749 leaves the value to the server; an hour is common but not required.
   */
  lifetimeSeconds?: number;
  /** what the tokens are for, e.g. the event route; bound into the key and the `aud` claim */
  audience: string;
}

export interface TokenResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** The `iss` of every token. */
export const TOKEN_ISSUER = 'node-red-q2-webhook';
export const DEFAULT_LIFETIME_SECONDS = 900;
/** A token request is a few hundred bytes; anything far larger is refused before it is parsed. */
export const MAX_TOKEN_REQUEST_BYTES = 8192;
/** Accepted clock skew between instances, seconds. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Fixed HKDF salt: versioned, so a future change of token format can invalidate old tokens by changing it. */
const HKDF_SALT = 'node-red-q2 webhook token key v1';
const REALM = 'q2-webhook';

const FORM = 'application/x-www-form-urlencoded';
/** RFC 6749 §5.1: token responses are never cached */
const NO_STORE: Readonly<Record<string, string>> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison against a stored SHA-256 digest (as `equalSecret` in webhook.ts). */
function matches(given: string, expected: Buffer): boolean {
  return crypto.timingSafeEqual(digest(given), expected);
}

/** application/x-www-form-urlencoded decoding of one Basic credential part (RFC 6749 §2.3.1); undefined if malformed. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

type Credentials = { id: string; secret: string };

/** The id/secret pairs a Basic header may mean: form-decoded as RFC 6749 asks, and as sent (clients that skip the encoding). */
function basicCredentials(value: string): Credentials[] | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(value)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const raw = { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  const id = formDecode(raw.id);
  const secret = formDecode(raw.secret);
  const candidates: Credentials[] = id !== undefined && secret !== undefined ? [{ id, secret }] : [];
  if (!candidates.some((c) => c.id === raw.id && c.secret === raw.secret)) candidates.push(raw);
  return candidates;
}

export class WebhookTokenIssuer {
  readonly lifetimeSeconds: number;
  readonly audience: string;
  private readonly clientId: string;
  /** digests only: the secret itself is not kept */
  private readonly idDigest: Buffer;
  private readonly secretDigest: Buffer;
  private readonly key: KeyObject;

  constructor(
    opts: WebhookTokenIssuerOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!opts.clientId || !opts.clientSecret) throw new Error('client id and client secret are required');
    if (!opts.audience) throw new Error('audience is required');
    const lifetime = opts.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > 86_400) throw new Error('lifetimeSeconds must be a whole number from 60 to 86400');
    this.lifetimeSeconds = lifetime;
    this.audience = opts.audience;
    this.clientId = opts.clientId;
    this.idDigest = digest(opts.clientId);
    this.secretDigest = digest(opts.clientSecret);
    // info binds the key to this client and audience; hashed, as HKDF info is limited to 1024 bytes
    const info = digest(JSON.stringify([TOKEN_ISSUER, opts.clientId, opts.audience]));
    this.key = crypto.createSecretKey(Buffer.from(crypto.hkdfSync('sha256', opts.clientSecret, HKDF_SALT, info, 32)));
  }

  private error(status: 400 | 401, error: string): TokenResponse {
    const headers: Record<string, string> = { ...NO_STORE };
    // RFC 6749 §5.2 asks for the challenge when Basic was tried; RFC 9110 §15.5.2 for every 401, so always
    if (status === 401) headers['WWW-Authenticate'] = `Basic realm="${REALM}"`;
    return { status, headers, body: { error } };
  }

  private authenticated(candidates: Credentials[]): boolean {
    let ok = false;
    for (const { id, secret } of candidates) {
      // both compared every time: the answer does not tell which one was wrong, nor how soon
      const idOk = matches(id, this.idDigest);
      const secretOk = matches(secret, this.secretDigest);
      ok = (idOk && secretOk) || ok;
    }
    return ok;
  }

  /**
   * Answers a token request (RFC 6749 §4.4.2): a POST the caller has read, headers lower-cased, the raw body, its
   * content type (else the `content-type` header). Client credentials as form `client_id`/`client_secret` or HTTP Basic.
   */
  async issue(headers: Record<string, string | undefined>, body: Buffer, contentType?: string): Promise<TokenResponse> {
    const mediaType = (contentType ?? headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== FORM || body.length > MAX_TOKEN_REQUEST_BYTES) return this.error(400, 'invalid_request');
    // RFC 6749 §3.1: a parameter sent without a value is as if omitted; none may be sent more than once
    const params = new Map<string, string>();
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
      if (value === '') continue;
      if (params.has(name)) return this.error(400, 'invalid_request');
      params.set(name, value);
    }
    const grant = params.get('grant_type');
    if (grant === undefined) return this.error(400, 'invalid_request');
    if (grant !== 'client_credentials') return this.error(400, 'unsupported_grant_type');

    const authorization = headers.authorization;
    const usesBasic = authorization !== undefined && /^Basic(\s|$)/i.test(authorization.trim());
    const formId = params.get('client_id');
    const formSecret = params.get('client_secret');
    let candidates: Credentials[];
    if (usesBasic) {
      // RFC 6749 §2.3: one authentication method per request; a client_id beside Basic must name the same client
      if (formSecret !== undefined) return this.error(400, 'invalid_request');
      const basic = basicCredentials(authorization);
      if (!basic) return this.error(401, 'invalid_client');
      candidates = formId === undefined ? basic : basic.filter((c) => c.id === formId);
      if (!candidates.length) return this.error(400, 'invalid_request');
    } else {
      if (formId === undefined || formSecret === undefined) return this.error(401, 'invalid_client');
      candidates = [{ id: formId, secret: formSecret }];
    }
    if (!this.authenticated(candidates)) return this.error(401, 'invalid_client');

    const issuedAt = Math.floor(this.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(this.audience)
      .setSubject(this.clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.lifetimeSeconds)
      .setJti(crypto.randomUUID())
      .sign(this.key);
    return {
      status: 200,
      headers: { ...NO_STORE },
      body: { access_token: token, token_type: 'Bearer', expires_in: this.lifetimeSeconds },
    };
  }

  /** True for `Bearer <jwt>` issued with these credentials for this audience and not expired (5 s tolerance). */
  async verify(authorizationHeader: string | undefined): Promise<boolean> {
    const token = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(authorizationHeader?.trim() ?? '')?.[1];
    if (!token) return false;
    try {
      await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        typ: 'JWT',
        issuer: TOKEN_ISSUER,
        audience: this.audience,
        subject: this.clientId,
        requiredClaims: ['iat', 'exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.now()),
      });
      return true;
    } catch {
      return false;
    }
  }
}
