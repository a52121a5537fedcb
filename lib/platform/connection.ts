/**
 * The Q2 Platform connection: OAuth client-credentials. Owns the token cache shared by every node on the
 * connection, and fetches tokens (its own, or for Get Token with per-message credentials).
 */
import { Authorization, Connection } from '../connection';
import { clip, Q2Error, redact } from '../errors';
import type { HttpClientOptions } from '../http';
import { TransportError } from '../http';
import { t } from '../i18n';
import { TokenCache, TokenResponse } from '../token-cache';
import { parseJson, platformFamily, reasonsFrom } from './envelope';

export interface PlatformConnectionOptions {
  baseUrl: string;
  apiVersion: string;
  tokenUrl?: string;
  scope?: string;
  grantType?: string;
  clientId?: string;
  clientSecret?: string;
  allowedOrigins: string[];
  http: HttpClientOptions;
}

export interface TokenRequest {
  url: string;
  clientId: string;
  clientSecret: string;
  grantType: string;
  scope?: string;
}

export interface TokenResult {
  response: TokenResponse;
  statusCode: number;
  durationMs: number;
}

/** `{baseUrl}/v2/oauth2/token`, or the base URL itself when it already is a token URL (REFERENCE A10). */
export function tokenUrlFor(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/oauth2\/token$/.test(base) ? base : `${base}/v2/oauth2/token`;
}

function readTokenBody(text: string): Record<string, unknown> | undefined {
  const json = parseJson(text);
  if (json.ok) return json.value !== null && typeof json.value === 'object' ? (json.value as Record<string, unknown>) : undefined;
  // the scraped spec labels the response form-encoded: accept that too (REFERENCE §1.3)
  const form = new URLSearchParams(text);
  return form.has('access_token') ? Object.fromEntries(form) : undefined;
}

export class PlatformConnection extends Connection {
  readonly tokenUrl: string;
  readonly tokens: TokenCache;

  constructor(private readonly options: PlatformConnectionOptions) {
    const tokenUrl = options.tokenUrl?.trim() ? options.tokenUrl.trim() : tokenUrlFor(options.baseUrl);
    super({
      family: platformFamily,
      baseUrl: options.baseUrl,
      extraOrigins: [tokenUrl, ...options.allowedOrigins],
      defaults: {
        apiVersion: options.apiVersion,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        grantType: options.grantType || 'client_credentials',
        scope: options.scope,
      },
      http: options.http,
    });
    this.tokenUrl = tokenUrl;
    this.tokens = new TokenCache(() => this.fetchOwnToken());
  }

  private async fetchOwnToken(): Promise<TokenResponse> {
    const { clientId, clientSecret } = this.options;
    if (!clientId || !clientSecret) {
      throw new Q2Error(t('errors.noCredentials'), { kind: 'config', status: t('status.noCredentials') });
    }
    const result = await this.requestToken({
      url: this.tokenUrl,
      clientId,
      clientSecret,
      grantType: this.defaultFor('grantType') ?? 'client_credentials',
      scope: this.defaultFor('scope'),
    });
    return result.response;
  }

  /** POSTs a client-credentials token request (form fields, REFERENCE §1.3). Never puts a secret in an error. */
  async requestToken(req: TokenRequest): Promise<TokenResult> {
    const form = new URLSearchParams({ client_id: req.clientId, client_secret: req.clientSecret, grant_type: req.grantType });
    if (req.scope) form.set('scope', req.scope);
    let res;
    try {
      res = await this.http.send({
        method: 'POST',
        url: req.url,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
      });
    } catch (err) {
      if (err instanceof TransportError) {
        throw new Q2Error(t('errors.tokenTransport', { reason: t(`errors.${err.kind}`, { code: err.code }) }), {
          kind: err.kind,
          status: t(`status.${err.kind}`),
        });
      }
      throw err;
    }
    const body = readTokenBody(res.text);
    const token = body?.access_token;
    if (res.status >= 400 || typeof token !== 'string' || !token) {
      const reasons = body ? reasonsFrom(body.errors ?? [body]) : [];
      const reason = reasons.length ? reasons.join('; ') : body ? '' : t('errors.notJson');
      const requestId = typeof body?.requestid === 'string' ? body.requestid : (res.headers['x-request-id'] ?? res.headers['request-id']);
      const message = `${t('errors.token', { status: res.status })}${reason ? `: ${clip(redact(reason))}` : ''} (${t('errors.requestId', { id: requestId ?? t('errors.none') })})`;
      const { access_token: _dropped, ...safeBody } = body ?? {};
      throw new Q2Error(message, {
        kind: res.status >= 400 ? 'http' : 'parse',
        statusCode: res.status,
        requestId,
        body: body ? safeBody : res.text || undefined,
        status: t('status.tokenFailed'),
      });
    }
    const expires = Number(body?.expires_in);
    const response: TokenResponse = { ...body, access_token: token, expires_in: Number.isFinite(expires) ? expires : undefined };
    return { response, statusCode: res.status, durationMs: res.durationMs };
  }

  async authorize(): Promise<Authorization> {
    const token = await this.tokens.get();
    return { headers: { Authorization: `Bearer ${token.access_token}` }, renew: () => this.tokens.invalidate(token.access_token) };
  }

  override close(): void {
    this.tokens.clear();
    super.close();
  }
}
