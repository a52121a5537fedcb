/**
 * Receiving Biller Direct webhooks safely (docs/api-notes.md §2.8, §2.11): an optional bearer check, an optional
 * OAuth token its own token endpoint issued (B23) or a static bearer, an optional signed JWT in a header (RS256 only,
 * key by `kid`, `exp` required, `iss`/`aud` when configured), an optional JWE body (compact; RSA-OAEP + A256GCM
 * unless configured otherwise; one of several private keys, by `kid`, B24), then `{"event": …}` or a bare event.
 * Q2 prints its real-time MFA webhooks with no `type` (`{resource, data: {method, token, …}}`, B21): such a body
 * is accepted and given the pack's own type name `auth.mfa-required` (MFA_TYPE); the event itself is left as sent.
 * All JOSE work is done by the `jose` library. Nothing here touches Node-RED: the node wires it to a route.
 */
import crypto from 'node:crypto';
import { isObject } from '../connection/envelope';
import { createLocalJWKSet, importSPKI, JSONWebKeySet, jwtVerify } from 'jose';
import { decryptCompact, type PrivateKeyEntry } from './webhook-keys';
import type { WebhookTokenIssuer } from './webhook-oauth';

export interface WebhookSecurity {
  /** header carrying the signed JWT (default `signature`) */
  signatureHeader: string;
  requireSignature: boolean;
  /** where verification keys come from, by `kid`; undefined = signatures are not checked unless required */
  keys?: KeySource;
  issuer?: string;
  audience?: string;
  /** private keys for JWE payloads, chosen by the JWE's `kid` (lib/billerdirect/webhook-keys.ts) */
  decryptionKeys?: PrivateKeyEntry[];
  keyManagementAlgorithms: string[];
  contentEncryptionAlgorithms: string[];
  /** a static bearer token compared as given */
  bearerToken?: string;
  /** the node's own OAuth token endpoint: only bearer tokens it issued (and not expired) are taken; wins over bearerToken */
  tokenIssuer?: WebhookTokenIssuer;
  maxBodyBytes: number;
}

/** Verification keys: fixed PEM keys, a JWKS, or a JWKS fetched on demand (the connection's partner keys). */
export type KeySource = { kind: 'pem'; keys: CryptoKey[] } | { kind: 'jwks'; jwks: JSONWebKeySet } | { kind: 'remote'; fetch: () => Promise<JSONWebKeySet> };

export type Verdict = { ok: true; event: Record<string, unknown>; type: string } | { ok: false; status: 400 | 401 | 413; reason: RejectReason };

export type RejectReason = 'bearer' | 'signatureMissing' | 'signatureInvalid' | 'decrypt' | 'json' | 'notEvent' | 'tooLarge';

/** Reads `signingKeys` credential text: a JWKS JSON document, or one or more PEM public keys. */
export async function parseKeySource(text: string): Promise<KeySource> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwks = JSON.parse(trimmed) as JSONWebKeySet;
    if (!Array.isArray(jwks.keys)) throw new Error('not a JWKS');
    return { kind: 'jwks', jwks };
  }
  const blocks = trimmed.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  if (!blocks.length) throw new Error('no PEM public key');
  return { kind: 'pem', keys: await Promise.all(blocks.map((pem) => importSPKI(pem, 'RS256'))) };
}

/**
 * Q2 marks its partner keys `use: "enc"` even where they verify signatures (docs/api-notes.md B10): keys are picked by
 * `kid` alone, so `use` and `key_ops` are dropped before jose sees them (it would skip non-`sig` keys).
 */
function byKidOnly(jwks: JSONWebKeySet): JSONWebKeySet {
  return { keys: jwks.keys.map(({ use: _use, key_ops: _ops, ...key }) => key) };
}

function equalSecret(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/** The pack's name for Q2's real-time MFA webhook, which is printed without a `type` (docs/api-notes.md B21). */
export const MFA_TYPE = 'auth.mfa-required';

/** A body shaped like Q2's printed MFA webhook: no `type`, a string `resource`, `data` with `method` and `token`. */
function isMfaEvent(event: Record<string, unknown>): boolean {
  return (
    event.type === undefined &&
    typeof event.resource === 'string' &&
    isObject(event.data) &&
    typeof event.data.method === 'string' &&
    typeof event.data.token === 'string'
  );
}

export class WebhookReceiver {
  private remote?: { jwks: JSONWebKeySet; at: number };

  constructor(
    private readonly security: WebhookSecurity,
    private readonly now: () => number = Date.now,
  ) {}

  private async verifySignature(token: string): Promise<boolean> {
    const source = this.security.keys;
    if (!source) return false;
    const options = {
      algorithms: ['RS256'],
      issuer: this.security.issuer || undefined,
      audience: this.security.audience || undefined,
      requiredClaims: ['exp'],
    };
    try {
      if (source.kind === 'pem') {
        for (const key of source.keys) {
          try {
            await jwtVerify(token, key, options);
            return true;
          } catch {
            /* try the next key */
          }
        }
        return false;
      }
      if (source.kind === 'jwks') {
        await jwtVerify(token, createLocalJWKSet(byKidOnly(source.jwks)), options);
        return true;
      }
      try {
        await jwtVerify(token, createLocalJWKSet(byKidOnly(await this.remoteKeys(false))), options);
        return true;
      } catch (err) {
        // an unknown kid may be a rotated key: fetch the keys again, at most once a minute
        if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') return false;
        await jwtVerify(token, createLocalJWKSet(byKidOnly(await this.remoteKeys(true))), options);
        return true;
      }
    } catch {
      return false;
    }
  }

  private async remoteKeys(refresh: boolean): Promise<JSONWebKeySet> {
    const source = this.security.keys;
    if (source?.kind !== 'remote') return { keys: [] };
    const stale = !this.remote || this.now() - this.remote.at > 3_600_000;
    const mayRefresh = !this.remote || this.now() - this.remote.at > 60_000;
    if (stale || (refresh && mayRefresh)) this.remote = { jwks: await source.fetch(), at: this.now() };
    return this.remote?.jwks ?? { keys: [] };
  }

  /** Checks one delivery; headers are lower-cased. */
  async receive(headers: Record<string, string | undefined>, body: Buffer): Promise<Verdict> {
    const s = this.security;
    if (body.length > s.maxBodyBytes) return { ok: false, status: 413, reason: 'tooLarge' };
    if (s.tokenIssuer) {
      if (!(await s.tokenIssuer.verify(headers.authorization))) return { ok: false, status: 401, reason: 'bearer' };
    } else if (s.bearerToken) {
      const auth = headers.authorization ?? '';
      const given = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() ?? '';
      if (!given || !equalSecret(given, s.bearerToken)) return { ok: false, status: 401, reason: 'bearer' };
    }
    const jwt = headers[s.signatureHeader.toLowerCase()];
    // with no key source a signature is not checked (signatures are optional, off by default)
    if (jwt && (s.keys || s.requireSignature)) {
      if (!(await this.verifySignature(jwt.trim()))) return { ok: false, status: 401, reason: 'signatureInvalid' };
    } else if (s.requireSignature) {
      return { ok: false, status: 401, reason: 'signatureMissing' };
    }
    let text = body.toString('utf8').trim();
    // with a decryption key every payload must be a JWE: a plain one is refused, not trusted
    if (s.decryptionKeys?.length) {
      try {
        const plaintext = await decryptCompact(text.replace(/^"|"$/g, ''), s.decryptionKeys, {
          keyManagementAlgorithms: s.keyManagementAlgorithms,
          contentEncryptionAlgorithms: s.contentEncryptionAlgorithms,
        });
        text = new TextDecoder().decode(plaintext);
      } catch {
        return { ok: false, status: 400, reason: 'decrypt' };
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, status: 400, reason: 'json' };
    }
    const event = isObject(parsed) && isObject(parsed.event) ? parsed.event : parsed;
    if (!isObject(event)) return { ok: false, status: 400, reason: 'notEvent' };
    if (isMfaEvent(event)) return { ok: true, event, type: MFA_TYPE };
    if (typeof event.type !== 'string' || !event.type) return { ok: false, status: 400, reason: 'notEvent' };
    return { ok: true, event, type: event.type };
  }
}
