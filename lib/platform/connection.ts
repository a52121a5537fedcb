/**
 * The Q2 Platform connection: OAuth client-credentials. Owns the token cache shared by every node on the
 * connection, and fetches tokens (its own, or for Get Token with per-message credentials).
 */
import { Authorization, Connection, Interpreted, Reliability } from '../connection/connection';
import { clip, Q2Error, redact } from '../errors';
import type { HttpClientOptions, HttpResponse } from '../connection/http';
import { t } from '../i18n';
import { maskData, scrubText } from '../mask';
import { backoffMs, parseRetryAfter } from '../connection/retry';
import { Ticket } from '../connection/ticket';
import { TokenCache, TokenResponse } from '../connection/token-cache';
import { parseJson, reasonsFrom } from '../connection/envelope';
import { platformFamily } from './envelope';

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
  reliability?: Reliability;
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

/** `{baseUrl}/v2/oauth2/token`, or the base URL itself when it already is a token URL (docs/api-notes.md A10). */
export function tokenUrlFor(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/oauth2\/token$/.test(base) ? base : `${base}/v2/oauth2/token`;
}

function readTokenBody(text: string): Record<string, unknown> | undefined {
  const json = parseJson(text);
  if (json.ok) return json.value !== null && typeof json.value === 'object' ? (json.value as Record<string, unknown>) : undefined;
  // the scraped spec labels the response form-encoded: accept that too (docs/api-notes.md §1.3)
  const form = new URLSearchParams(text);
  return form.has('access_token') ? Object.fromEntries(form) : undefined;
}

/** The token endpoint's answer: JSON (or form-encoded) with an access_token is success, anything else is not. */
function readTokenResponse(res: HttpResponse): Interpreted {
  const body = readTokenBody(res.text);
  const token = body?.access_token;
  const requestId = typeof body?.requestid === 'string' ? body.requestid : (res.headers['x-request-id'] ?? res.headers['request-id']);
  const ok = res.status < 400 && typeof token === 'string' && token !== '';
  const reasons = !ok && body ? reasonsFrom(body.errors ?? [body]) : [];
  return { ok, body, requestId, reasons };
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
      reliability: options.reliability,
    });
    this.tokenUrl = tokenUrl;
    this.tokens = new TokenCache(() => this.fetchOwnToken());
  }

  private async fetchOwnToken(): Promise<TokenResponse> {
    const { clientId, clientSecret } = this.options;
    if (!clientId || !clientSecret) {
      throw new Q2Error(t('errors.noCredentials'), { kind: 'config', status: t('status.noCredentials') });
    }
    const request = {
      url: this.tokenUrl,
      clientId,
      clientSecret,
      grantType: this.defaultFor('grantType') ?? 'client_credentials',
      scope: this.defaultFor('scope'),
    };
    // the connection's own token never waits behind the API traffic: it skips the scheduler
    const result = await this.requestToken(request, new Ticket(), true);
    return result.response;
  }

  /**
   * POSTs a client-credentials token request (form fields, docs/api-notes.md §1.3), retried like a read (a token
   * request changes nothing) and after the wait a 429 or 503 asks for. Never puts a secret in an error; a
   * failure that asked for a wait carries `holdMs`, so the token cache holds off for that long.
   */
  async requestToken(req: TokenRequest, ticket: Ticket = new Ticket(), direct = false): Promise<TokenResult> {
    const form = new URLSearchParams({ client_id: req.clientId, client_secret: req.clientSecret, grant_type: req.grantType });
    if (req.scope) form.set('scope', req.scope);
    let exchange: { res: HttpResponse; read: Interpreted };
    try {
      exchange = await this.exchange(
        {
          method: 'POST',
          url: req.url,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: form.toString(),
          safe: true,
          auth: 'none',
        },
        ticket,
        readTokenResponse,
        direct,
      );
    } catch (err) {
      if (err instanceof Q2Error && (err.kind === 'timeout' || err.kind === 'network' || err.kind === 'tooLarge')) {
        throw new Q2Error(t('errors.tokenTransport', { reason: err.message }), { kind: err.kind, status: t(`status.${err.kind}`), q2: err.q2 });
      }
      throw err;
    }
    const { res, read } = exchange;
    const body = read.body as Record<string, unknown> | undefined;
    if (!read.ok) {
      const secrets = [req.clientSecret, req.clientId, ...this.secrets()];
      const reason = read.reasons.length ? read.reasons.join('; ') : body ? '' : t('errors.notJson');
      const cleared = reason ? clip(scrubText(redact(reason), secrets)) : '';
      const message = `${t('errors.token', { status: res.status })}${cleared ? `: ${cleared}` : ''} (${t('errors.requestId', { id: read.requestId ?? t('errors.none') })})`;
      const error = new Q2Error(message, {
        kind: res.status >= 400 ? 'http' : 'parse',
        statusCode: res.status,
        requestId: read.requestId,
        body: body ? maskData(body, secrets, true) : res.text ? clip(scrubText(redact(res.text), secrets), 500) : undefined,
        status: t('status.tokenFailed'),
        q2: this.q2Of(ticket, res, read),
      });
      if (res.status === 429 || res.status === 503) {
        const { retry } = this.reliability;
        error.holdMs =
          parseRetryAfter(res.headers['retry-after']) ??
          Math.max(
            retry.baseDelayMs,
            backoffMs(retry, ticket.attempts + 1, () => 1),
          );
      }
      throw error;
    }
    const expires = Number(body?.expires_in);
    const response: TokenResponse = { ...body, access_token: String(body?.access_token), expires_in: Number.isFinite(expires) ? expires : undefined };
    return { response, statusCode: res.status, durationMs: res.durationMs };
  }

  async authorize(): Promise<Authorization> {
    const token = await this.tokens.get();
    return { headers: { Authorization: `Bearer ${token.access_token}` }, renew: () => this.tokens.invalidate(token.access_token) };
  }

  override get missingCredentials(): boolean {
    return !this.options.clientId || !this.options.clientSecret;
  }

  protected secretValues(): Array<string | undefined> {
    return [this.options.clientSecret, this.options.clientId, this.tokens.current()];
  }

  override async close(): Promise<void> {
    await super.close();
    this.tokens.clear();
  }
}
