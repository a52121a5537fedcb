/**
 * The HTTP client a connection (config node) owns: one keep-alive agent per connection, optional TLS options
 * from a core `tls-config` node and an optional core `http proxy` node. It never follows redirects (a redirect
 * could carry credentials to another origin) and returns the raw text so each API family decides how to parse.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, AxiosInstance } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';

export interface ProxySettings {
  url: string;
  noproxy: string[];
  username?: string;
  password?: string;
}

export interface HttpClientOptions {
  timeoutMs: number;
  tls?: https.AgentOptions;
  proxy?: ProxySettings;
  /** sockets per origin; the connection's scheduler keeps requests below it, so the agent never queues */
  maxSockets?: number;
  /** a larger response body is refused (and not kept) */
  maxResponseBytes?: number;
}

/** Per-request controls: a signal that cancels it (a node or connection closing). */
export interface SendControls {
  signal?: AbortSignal;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  durationMs: number;
}

/**
 * Why no usable HTTP response arrived: `timeout` (none within the timeout), `network` (refused, reset, DNS…),
 * `tooLarge` (the body passed the limit and was dropped), `cancelled` (aborted by a close).
 */
export type TransportKind = 'timeout' | 'network' | 'tooLarge' | 'cancelled';

/** Thrown when no usable HTTP response arrived; `code` is safe to show (never the URL or a header). */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportKind,
    readonly code: string,
    readonly durationMs: number,
    /** the request provably never reached a server (connection refused, DNS failure) */
    readonly neverSent = false,
    /** the HTTP status, when a response had started (a body over the limit) */
    readonly status?: number,
  ) {
    super(`${kind}: ${code}`);
    this.name = 'TransportError';
  }
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/** How long an idle keep-alive socket is kept. */
const FREE_SOCKET_MS = 4_000;

export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function bypassesProxy(target: URL, noproxy: string[]): boolean {
  const host = target.hostname.toLowerCase();
  return noproxy.some((entry) => {
    const rule = entry.trim().toLowerCase().replace(/^\*/, '');
    if (!rule) return false;
    const [ruleHost, rulePort] = rule.split(':');
    if (rulePort && rulePort !== (target.port || (target.protocol === 'https:' ? '443' : '80'))) return false;
    return host === ruleHost.replace(/^\./, '') || (ruleHost.startsWith('.') ? host.endsWith(ruleHost) : host.endsWith(`.${ruleHost}`));
  });
}

export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly proxyAgents: HttpsProxyAgent<string>[] = [];
  private readonly axios: AxiosInstance;

  constructor(private readonly options: HttpClientOptions) {
    const maxSockets = options.maxSockets ?? 34;
    // idle keep-alive sockets are closed after FREE_SOCKET_MS, before the usual 5 s of servers, so that a write
    // is not sent on a socket the server is closing at that moment (it would fail with a reset, and not be retried)
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets, timeout: FREE_SOCKET_MS });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, timeout: FREE_SOCKET_MS, ...options.tls });
    if (options.proxy) {
      const proxyUrl = new URL(options.proxy.url);
      if (options.proxy.username) {
        proxyUrl.username = encodeURIComponent(options.proxy.username);
        proxyUrl.password = encodeURIComponent(options.proxy.password ?? '');
      }
      const agent = new HttpsProxyAgent(proxyUrl.toString(), { keepAlive: true, maxSockets, ...options.tls });
      this.proxyAgents.push(agent);
    }
    this.axios = axios.create({
      proxy: false,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      decompress: true,
    });
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  get maxResponseBytes(): number {
    return this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  private agentsFor(target: URL): { httpAgent: http.Agent; httpsAgent: https.Agent } {
    const proxy = this.proxyAgents[0];
    if (proxy && this.options.proxy && !bypassesProxy(target, this.options.proxy.noproxy)) {
      return { httpAgent: proxy, httpsAgent: proxy };
    }
    return { httpAgent: this.httpAgent, httpsAgent: this.httpsAgent };
  }

  /**
   * Sends one request. The timeout runs from here (the request is sent now, not queued): no answer within it
   * aborts the request. `controls.signal` aborts it too (reported as `cancelled`).
   */
  async send(request: HttpRequest, controls: SendControls = {}): Promise<HttpResponse> {
    const started = Date.now();
    const target = new URL(request.url);
    const abort = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // the clock starts once the event loop has turned (the socket work is under way), so a long synchronous
    // stretch elsewhere (a burst of messages handed over at once) is not counted against this request
    const arm = setImmediate(() => {
      timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, this.options.timeoutMs);
    });
    const onCancel = (): void => abort.abort();
    if (controls.signal?.aborted) abort.abort();
    else controls.signal?.addEventListener('abort', onCancel, { once: true });
    const maxBytes = this.maxResponseBytes;
    let status: number | undefined;
    try {
      const res = await this.axios.request<string>({
        method: request.method,
        url: request.url,
        // no body, no Content-Type (axios would otherwise default to form-encoded)
        headers: request.body === undefined ? { 'Content-Type': false, ...request.headers } : request.headers,
        data: request.body,
        signal: abort.signal,
        maxContentLength: maxBytes,
        maxBodyLength: Infinity,
        ...this.agentsFor(target),
      });
      status = res.status;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers ?? {})) {
        if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return { status: res.status, headers, text: typeof res.data === 'string' ? res.data : '', durationMs: Date.now() - started };
    } catch (err) {
      const durationMs = Date.now() - started;
      const axiosErr = err as AxiosError;
      const code = axiosErr.code ?? (err as NodeJS.ErrnoException).code ?? 'ERROR';
      if (timedOut) throw new TransportError('timeout', 'timeout', durationMs);
      if (abort.signal.aborted) throw new TransportError('cancelled', 'cancelled', durationMs);
      if (/maxContentLength/.test(axiosErr.message ?? '')) {
        // axios raises this without a response; the status line had arrived on the request's response
        const started = (axiosErr.request as { res?: { statusCode?: number } } | undefined)?.res?.statusCode;
        throw new TransportError('tooLarge', 'tooLarge', durationMs, false, axiosErr.response?.status ?? started ?? status);
      }
      const cause = (axiosErr.cause as NodeJS.ErrnoException | undefined)?.code;
      const errno = NEVER_SENT.has(code) ? code : cause && NEVER_SENT.has(cause) ? cause : undefined;
      if (errno) throw new TransportError('network', errno, durationMs, true);
      throw new TransportError('network', code === 'ERR_BAD_RESPONSE' ? 'ECONNRESET' : code, durationMs);
    } finally {
      clearImmediate(arm);
      if (timer) clearTimeout(timer);
      controls.signal?.removeEventListener('abort', onCancel);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const agent of this.proxyAgents) agent.destroy();
  }
}
