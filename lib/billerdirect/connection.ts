/**
 * The Biller Direct connection: the API key as bearer, and optional RSA request signing (docs/api-notes.md §2.10):
 * `Signature` = base64(RSA-SHA256 PKCS#1 v1.5 of `METHOD:path-and-query:apiKey:ISO-date`) and `Date` = that
 * ISO date, on every request. Signing uses Node's crypto; the key is parsed once, when the node starts.
 */
import crypto from 'node:crypto';
import { Authorization, Connection, OutgoingRequest, Reliability } from '../connection/connection';
import { Q2Error } from '../errors';
import type { HttpClientOptions } from '../connection/http';
import { t } from '../i18n';
import { billerDirectFamily } from './envelope';
import type { JWK } from 'jose';
import { signingJwks } from './webhook-keys';

export const BILLER_DIRECT_HOSTS = {
  sandbox: 'https://sb-api.q2open.io/v1',
  production: 'https://api.q2open.io/v1',
} as const;

export interface BillerDirectConnectionOptions {
  baseUrl: string;
  apiKey?: string;
  signingKey?: string;
  allowedOrigins: string[];
  http: HttpClientOptions;
  reliability?: Reliability;
}

/** The string Biller Direct signs (docs/api-notes.md §2.10 step 2). */
export function stringToSign(method: string, url: string, apiKey: string, isoDate: string): string {
  const u = new URL(url);
  return `${method.toUpperCase()}:${u.pathname}${u.search}:${apiKey}:${isoDate}`;
}

export class BillerDirectConnection extends Connection {
  private readonly apiKey?: string;
  private readonly signingKey?: crypto.KeyObject;
  /** set when a signing key was given but could not be read */
  readonly signingKeyProblem?: string;

  constructor(
    options: BillerDirectConnectionOptions,
    private readonly now: () => Date = () => new Date(),
  ) {
    super({
      family: billerDirectFamily,
      baseUrl: options.baseUrl,
      extraOrigins: options.allowedOrigins,
      defaults: {},
      http: options.http,
      reliability: options.reliability,
    });
    this.apiKey = options.apiKey || undefined;
    if (options.signingKey?.trim()) {
      try {
        // a PEM pasted into a single-line field (or an env var) may carry literal \n
        const pem = options.signingKey.includes('\n') ? options.signingKey : options.signingKey.replace(/\\n/g, '\n');
        const key = crypto.createPrivateKey(pem);
        if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
        this.signingKey = key;
      } catch {
        this.signingKeyProblem = t('errors.badSigningKey');
      }
    }
  }

  override get problem(): string | undefined {
    return super.problem ?? this.signingKeyProblem;
  }

  override get missingCredentials(): boolean {
    return this.apiKey === undefined;
  }

  protected secretValues(): Array<string | undefined> {
    return [this.apiKey];
  }

  get signing(): boolean {
    return this.signingKey !== undefined;
  }

  /** The public half of the request-signing key as a JWKS (kid: its RFC 7638 thumbprint); undefined without a key. */
  signingJwks(): Promise<{ keys: JWK[] }> | undefined {
    if (!this.signingKey) return undefined;
    const jwks = signingJwks(this.signingKey);
    jwks.catch(() => undefined);
    return jwks;
  }

  authorize(request: OutgoingRequest): Promise<Authorization> {
    if (!this.apiKey) return Promise.reject(new Q2Error(t('errors.noApiKey'), { kind: 'config', status: t('status.noCredentials') }));
    const headers: Record<string, string> = { Authorization: `Bearer ${this.apiKey}` };
    if (this.signingKey) {
      const date = this.now().toISOString();
      const data = Buffer.from(stringToSign(request.method, request.url, this.apiKey, date), 'utf8');
      headers.Signature = crypto.sign('sha256', data, { key: this.signingKey, padding: crypto.constants.RSA_PKCS1_PADDING }).toString('base64');
      headers.Date = date;
    }
    return Promise.resolve({ headers });
  }
}
