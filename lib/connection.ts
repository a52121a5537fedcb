/**
 * What every Q2 connection (config node) provides to the operation nodes, whatever the API family: one HTTP
 * client, the origins its secrets may be sent to, defaults for blank settings, how to authorise a request and
 * how to read the family's responses.
 */
import { HttpClient, HttpClientOptions, HttpResponse } from './http';
import { t } from './i18n';
import type { ConnectionDefault } from './operation';

/** A family's reading of one HTTP response. */
export interface Interpreted {
  ok: boolean;
  /** the parsed body (the whole envelope), or the raw text when it is not JSON */
  body: unknown;
  requestId?: string;
  logRefId?: string;
  /** short, redacted reasons from the API's error fields, for the error message */
  reasons: string[];
  /** the body could not be read as the family's format */
  unreadable?: boolean;
  /** extra fields for msg.q2 (e.g. Helix throttle) */
  extra?: Record<string, unknown>;
}

/** What authorise() is asked to sign (Biller Direct signs method, path and query). */
export interface OutgoingRequest {
  method: string;
  url: string;
}

export interface Authorization {
  /** headers to add: Authorization, and for signed requests Signature and Date */
  headers: Record<string, string>;
  /** drops the managed credential so the next authorise() renews it; undefined when it cannot be renewed */
  renew?: () => void;
}

export interface ApiFamily {
  readonly id: 'platform' | 'billerdirect' | 'helix';
  /** whether a message may bring its own bearer token in msg.config.accessToken */
  readonly userTokens: boolean;
  interpret(res: HttpResponse): Interpreted;
}

export interface ConnectionOptions {
  family: ApiFamily;
  baseUrl: string;
  /** origins besides baseUrl's that may receive the connection's secrets */
  extraOrigins: string[];
  defaults: Partial<Record<ConnectionDefault, string>>;
  http: HttpClientOptions;
}

export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export abstract class Connection {
  readonly family: ApiFamily;
  readonly http: HttpClient;
  readonly baseUrl: string;
  private readonly origins: Set<string>;
  private readonly defaultValues: Partial<Record<ConnectionDefault, string>>;
  /** origins in the settings that are not URLs (reported by the config node) */
  readonly badOrigins: string[] = [];

  constructor(options: ConnectionOptions) {
    this.family = options.family;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.defaultValues = { ...options.defaults, baseUrl: this.baseUrl };
    this.origins = new Set();
    for (const candidate of [this.baseUrl, ...options.extraOrigins]) {
      const origin = originOf(candidate);
      if (origin) this.origins.add(origin);
      else if (candidate) this.badOrigins.push(candidate);
    }
    this.http = new HttpClient(options.http);
  }

  get validBaseUrl(): boolean {
    return originOf(this.baseUrl) !== undefined;
  }

  /** Why the connection cannot be used (reported on every message), or undefined. */
  get problem(): string | undefined {
    return this.validBaseUrl ? undefined : t('errors.badBaseUrl');
  }

  /** The connection's setting for a blank parameter. */
  defaultFor(key: ConnectionDefault): string | undefined {
    const value = this.defaultValues[key];
    return value === undefined || value === '' ? undefined : value;
  }

  /** True when the connection's secrets and tokens may be sent to `url`. */
  isOwnOrigin(url: string): boolean {
    const origin = originOf(url);
    return origin !== undefined && this.origins.has(origin);
  }

  /** How to authorise a request with the connection's own credentials. */
  abstract authorize(request: OutgoingRequest): Promise<Authorization>;

  close(): void {
    this.http.close();
  }
}
