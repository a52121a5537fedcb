/**
 * What every Q2 connection (config node) provides to the operation nodes, whatever the API family, and the one
 * path to the wire: every request of every node, the webhook's key fetch and the SSO link go through send(),
 * which waits for a slot of the connection's scheduler, authorises (token, API key, Basic, signature), sends,
 * renews a rejected token once, retries per the connection's policy, reads the family's envelope and turns
 * every failure into a Q2Error whose texts and body carry none of the connection's secrets.
 */
import { clip, Q2Error, redact } from '../errors';
import { HttpClient, HttpClientOptions, HttpRequest, HttpResponse, TransportError } from './http';
import { t } from '../i18n';
import { maskData, scrubText } from '../mask';
import type { ConnectionDefault } from '../model/operation';
import { reliabilityOf } from './reliability';
import { decideRetry, parseRetryAfter, RetryPolicy, TryOutcome } from './retry';
import { QueueError, Scheduler, SchedulerLimits } from './scheduler';
import { Ticket } from './ticket';

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
  /** a wait the body advises before trying again (Helix throttle), when no Retry-After header says it */
  retryAfterMs?: number;
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
  readonly id: 'platform' | 'billerdirect' | 'corepro';
  /** whether a message may bring its own bearer token in msg.config.accessToken */
  readonly userTokens: boolean;
  interpret(res: HttpResponse): Interpreted;
}

/** One request as a node hands it to its connection. */
export interface WireRequest extends HttpRequest {
  /** a read (GET, or a POST the operation table marks as a safe read): retried on 502/503/504, timeouts, resets */
  safe: boolean;
  /** the connection's own credentials, a bearer token the message brought, or none (the token request itself) */
  auth: 'connection' | 'none' | { bearer: string };
}

/** A response the family reads as success, and how many tries it took. */
export interface Exchange {
  res: HttpResponse;
  read: Interpreted;
  attempts: number;
}

/** How a connection schedules, retries and stops (the connection's reliability settings). */
export interface Reliability {
  limits: SchedulerLimits;
  retry: RetryPolicy;
  /** on close, how long requests on the wire may still take before they are aborted */
  graceMs: number;
}

/** A connection built without settings has the editor's defaults. */
export const DEFAULT_RELIABILITY: Reliability = reliabilityOf({});

export interface ConnectionOptions {
  family: ApiFamily;
  baseUrl: string;
  /** origins besides baseUrl's that may receive the connection's secrets */
  extraOrigins: string[];
  defaults: Partial<Record<ConnectionDefault, string>>;
  http: HttpClientOptions;
  reliability?: Reliability;
}

export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The error text of a failed exchange; each reason is cleared of `secrets` before it is clipped. */
function describeFailure(statusCode: number, reasons: string[], requestId: string | undefined, secrets: readonly string[]): string {
  const parts = [t('errors.http', { status: statusCode })];
  if (reasons.length) parts.push(reasons.map((r) => clip(scrubText(r, secrets), 160)).join('; '));
  return `${parts.join(': ')} (${t('errors.requestId', { id: requestId ?? t('errors.none') })})`;
}

export abstract class Connection {
  readonly family: ApiFamily;
  /** the HTTP client: only this class sends (the one path to the wire) */
  private readonly http: HttpClient;
  readonly baseUrl: string;
  readonly reliability: Reliability;
  readonly scheduler: Scheduler;
  private readonly origins: Set<string>;
  private readonly defaultValues: Partial<Record<ConnectionDefault, string>>;
  /** requests holding a slot (on the wire or waiting to retry) */
  private readonly active = new Set<Ticket>();
  /** the connection's own token requests, aborted on close */
  private readonly ownWork = new AbortController();
  private closing = false;
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
    this.reliability = options.reliability ?? DEFAULT_RELIABILITY;
    this.scheduler = new Scheduler(this.reliability.limits);
    // the scheduler keeps requests below the agent's sockets (plus the token request), so the agent never queues
    this.http = new HttpClient({ maxSockets: this.reliability.limits.limit + 2, ...options.http });
  }

  get validBaseUrl(): boolean {
    return originOf(this.baseUrl) !== undefined;
  }

  /** True when the connection lacks the credentials it sends with (shown on its nodes at deploy). */
  get missingCredentials(): boolean {
    return false;
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

  /** The connection's secrets as they could appear in a server's answer (scrubbed from errors). */
  protected abstract secretValues(): Array<string | undefined>;

  /** Every secret of the connection, and the current token, longest first. */
  secrets(): string[] {
    const values = this.secretValues().filter((v): v is string => typeof v === 'string' && v.length >= 4);
    return [...new Set(values)].sort((a, b) => b.length - a.length);
  }

  /** Signal aborting the connection's own requests (token fetches) when it closes. */
  protected get closeSignal(): AbortSignal {
    return this.ownWork.signal;
  }

  /**
   * Sends one request and reads the family's envelope: resolves with a success, or rejects with a Q2Error for
   * Catch (HTTP error, `success: false`, unreadable body, timeout, network, queue full, stopped). `interpret`
   * replaces the family's reading (the token endpoint). `direct` skips the scheduler: only the connection's
   * own token requests use it, so that renewing a token never waits behind the API traffic.
   */
  async send(request: WireRequest, ticket: Ticket = new Ticket(), interpret?: (res: HttpResponse) => Interpreted, direct = false): Promise<Exchange> {
    const { res, read } = await this.exchange(request, ticket, interpret, direct);
    const q2 = this.q2Of(ticket, res, read);
    if (read.unreadable) {
      throw new Q2Error(
        `${t('errors.notJson')} (${t('errors.http', { status: res.status })}, ${t('errors.requestId', { id: read.requestId ?? t('errors.none') })})`,
        {
          kind: 'parse',
          statusCode: res.status,
          requestId: read.requestId,
          body: this.safeBody(read.body),
          status: t('status.badResponse'),
          q2,
        },
      );
    }
    if (!read.ok) {
      throw new Q2Error(describeFailure(res.status, read.reasons, read.requestId, this.secrets()), {
        kind: res.status >= 400 ? 'http' : 'api',
        statusCode: res.status,
        requestId: read.requestId,
        body: this.safeBody(read.body),
        status: res.status >= 400 ? t('status.httpError', { status: res.status }) : t('status.apiError'),
        q2,
      });
    }
    return { res, read, attempts: ticket.attempts };
  }

  /** msg.q2 for an exchange: request id, log ref, duration, tries, and the family's extras. */
  q2Of(ticket: Ticket, res: HttpResponse | undefined, read: Interpreted | undefined): Record<string, unknown> {
    return { requestId: read?.requestId, logRefId: read?.logRefId, durationMs: res?.durationMs, attempts: ticket.attempts, ...read?.extra };
  }

  /** A server body fit for Catch: personal data masked, token fields dropped, the connection's secrets scrubbed. */
  safeBody(body: unknown): unknown {
    return typeof body === 'string' ? clip(scrubText(redact(body), this.secrets()), 2000) : maskData(body, this.secrets(), true);
  }

  /**
   * Takes a slot (unless `direct`), then tries until the answer is final per the retry policy. Resolves with
   * the last response and its reading, whatever its status; rejects on transport failures and stops.
   */
  async exchange(
    request: WireRequest,
    ticket: Ticket,
    interpret: (res: HttpResponse) => Interpreted = (res) => this.family.interpret(res),
    direct = false,
  ): Promise<{ res: HttpResponse; read: Interpreted }> {
    if (this.closing || ticket.cancelled) throw this.stopped(ticket);
    if (!direct) {
      try {
        await this.scheduler.acquire((leave) => ticket.queued(leave));
      } catch (err) {
        ticket.setPhase('done');
        if (err instanceof QueueError && err.reason !== 'cancelled') {
          const limit = err.reason === 'queueFull' ? this.reliability.limits.queueLength : Math.round(this.reliability.limits.queueWaitMs / 100) / 10;
          throw new Q2Error(t(`errors.${err.reason}`, { limit }), { kind: 'queue', status: t(`status.${err.reason}`), q2: { attempts: 0 } });
        }
        throw this.stopped(ticket);
      }
    }
    this.active.add(ticket);
    try {
      return await this.tries(request, ticket, interpret, direct);
    } finally {
      this.active.delete(ticket);
      ticket.setPhase('done');
      if (!direct) this.scheduler.release();
    }
  }

  private async tries(
    request: WireRequest,
    ticket: Ticket,
    interpret: (res: HttpResponse) => Interpreted,
    direct: boolean,
  ): Promise<{ res: HttpResponse; read: Interpreted }> {
    const { retry } = this.reliability;
    let renewed = false;
    for (;;) {
      if (ticket.cancelled || this.closing) throw this.stopped(ticket);
      ticket.attempts += 1;
      let auth: Authorization = { headers: {} };
      if (request.auth === 'connection') auth = await this.authorize(request);
      else if (request.auth !== 'none') auth = { headers: { Authorization: `Bearer ${request.auth.bearer}` } };
      if (ticket.cancelled || this.closing) throw this.stopped(ticket);
      const wasSent = ticket.sent;
      ticket.sent = true;
      ticket.setPhase('sending');
      let res: HttpResponse;
      try {
        res = await this.http.send(
          { method: request.method, url: request.url, headers: { ...request.headers, ...auth.headers }, body: request.body },
          { signal: direct ? this.closeSignal : ticket.signal },
        );
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        if (err.neverSent) ticket.sent = wasSent;
        if (err.kind === 'cancelled') throw this.stopped(ticket);
        const outcome: TryOutcome =
          err.kind === 'timeout' ? { kind: 'timeout' } : err.neverSent ? { kind: 'neverSent' } : err.kind === 'network' ? { kind: 'reset' } : { kind: 'other' };
        const decision = decideRetry(outcome, ticket.attempts, request.safe, retry);
        if (decision.retry) {
          await ticket.sleep(decision.delayMs);
          continue;
        }
        throw this.transportFailure(err, ticket, request.safe, request.url);
      }
      ticket.status = res.status;
      if (res.status === 401 && !renewed && auth.renew) {
        // the request was refused, not processed: renew the credential once and send again, whatever the method
        renewed = true;
        auth.renew();
        continue;
      }
      const read = interpret(res);
      ticket.requestId = read.requestId;
      if (read.ok) return { res, read };
      const advised = parseRetryAfter(res.headers['retry-after']) ?? read.retryAfterMs;
      const decision = decideRetry({ kind: 'response', status: res.status, retryAfterMs: advised }, ticket.attempts, request.safe, retry);
      if (!decision.retry) return { res, read };
      await ticket.sleep(decision.delayMs);
    }
  }

  /** The error of a failed try: names the origin it was sent to (scheme, host, port — never path, query or user). */
  private transportFailure(err: TransportError, ticket: Ticket, safe: boolean, url: string): Q2Error {
    const q2 = { attempts: ticket.attempts, durationMs: err.durationMs, sent: ticket.sent };
    if (err.kind === 'tooLarge') {
      const mb = Math.round((this.http.maxResponseBytes / 1024 / 1024) * 10) / 10;
      return new Q2Error(t('errors.tooLarge', { limit: mb, status: err.status ?? '?' }), {
        kind: 'tooLarge',
        statusCode: err.status,
        status: t('status.tooLarge'),
        q2,
      });
    }
    const seconds = Math.round(this.http.timeoutMs / 100) / 10;
    const origin = originOf(url) ?? '?';
    let text = err.kind === 'timeout' ? t('errors.timeout', { seconds, origin }) : t('errors.network', { code: err.code, origin });
    // a write that left and got no answer is not sent again: say that it may have been processed
    if (!safe && ticket.sent) text += t('errors.maybeProcessed');
    return new Q2Error(text, {
      kind: err.kind === 'timeout' ? 'timeout' : 'network',
      status: t(`status.${err.kind === 'timeout' ? 'timeout' : 'network'}`),
      q2,
    });
  }

  /** The error of a request stopped by a close: says whether it had reached the wire. */
  stopped(ticket: Ticket): Q2Error {
    return new Q2Error(t(ticket.sent ? 'errors.stoppedSent' : 'errors.stoppedUnsent'), {
      kind: 'stopped',
      statusCode: ticket.status,
      requestId: ticket.requestId,
      status: t('status.stopped'),
      q2: { attempts: ticket.attempts, sent: ticket.sent },
    });
  }

  /**
   * Stops taking requests; queued ones leave unsent, retry waits end, requests on the wire get the grace
   * period and are then aborted, and the agents are destroyed. Resolves when nothing of it is left running.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.scheduler.cancelAll();
    this.ownWork.abort();
    const active = [...this.active];
    for (const ticket of active) ticket.cancel(this.reliability.graceMs);
    const deadline = Date.now() + this.reliability.graceMs + 1_000;
    while (this.active.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.http.close();
  }
}
