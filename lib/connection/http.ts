/**
 * The HTTP client a connection (config node) owns: one keep-alive agent per connection, optional TLS options
 * from a core `tls-config` node, and a proxy as core's `http request` node picks it: a chosen core `http proxy`
 * node, else the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY…, read once, when the client is made: see
 * proxy-env.ts). It never follows redirects (a redirect could carry credentials to another origin) and returns
 * the raw text so each API family decides how to parse.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, AxiosInstance } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { ProxyEnv, proxyForUrl, proxyMode, proxyNodeEnv, ProxyOptions, snapshotProxyEnv } from './proxy-env';

export interface ProxySettings {
  url: string;
  noproxy: string[];
  username?: string;
  password?: string;
}

export interface HttpClientOptions {
  timeoutMs: number;
  tls?: https.AgentOptions;
  /** a core `http proxy` node: when set, the environment's proxy variables are not read */
  proxy?: ProxySettings;
  /** Node-RED's `proxyOptions` setting, as core's http request node applies it */
  proxyOptions?: ProxyOptions;
  /** where the proxy variables are read (once, by the constructor); default process.env */
  env?: NodeJS.ProcessEnv;
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

/**
 * Thrown when no usable HTTP response arrived; `code` is safe to show (never the URL, a header or a credential;
 * through a proxy it ends with ` via proxy {origin}`).
 */
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

/**
 * A CONNECT tunnel agent whose TLS connection to the target (inside the tunnel) gets the connection's TLS options
 * (a `tls-config` node): https-proxy-agent 7 applies its constructor's options to the proxy connection only. As
 * in core, they are not applied to the connection to an https proxy itself. Like an https.Agent's own options,
 * they win over the request's.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    options: ConstructorParameters<typeof HttpsProxyAgent<string>>[1],
    private readonly targetTls: https.AgentOptions | undefined,
  ) {
    super(proxy, options);
  }

  override connect(req: http.ClientRequest, opts: Parameters<HttpsProxyAgent<string>['connect']>[1]): ReturnType<HttpsProxyAgent<string>['connect']> {
    return super.connect(req, opts.secureEndpoint && this.targetTls ? { ...opts, ...this.targetTls } : opts);
  }
}

/** How requests reach one proxy: its agent (CONNECT tunnels, for http and https targets as in core), or why not. */
type ProxyRoute = { agent: HttpsProxyAgent<string>; origin: string } | { problem: string };

export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  /** the proxy variables in force: the environment's at construction, or the proxy node's stand-in */
  private readonly proxyEnv: ProxyEnv;
  private readonly proxyOptions: ProxyOptions;
  /** by proxy URL (as configured), made on first use */
  private readonly proxyRoutes = new Map<string, ProxyRoute>();
  private readonly maxSockets: number;
  private readonly axios: AxiosInstance;

  constructor(private readonly options: HttpClientOptions) {
    const maxSockets = options.maxSockets ?? 34;
    this.maxSockets = maxSockets;
    // idle keep-alive sockets are closed after FREE_SOCKET_MS, before the usual 5 s of servers, so that a write
    // is not sent on a socket the server is closing at that moment (it would fail with a reset, and not be retried)
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets, timeout: FREE_SOCKET_MS });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, timeout: FREE_SOCKET_MS, ...options.tls });
    // as core: a chosen proxy node replaces the environment's variables (its no-proxy list too); the mode
    // override NR_PROXY_MODE is read from the environment either way
    const env = options.env ?? process.env;
    this.proxyEnv = options.proxy ? proxyNodeEnv(options.proxy.url, options.proxy.noproxy) : snapshotProxyEnv(env);
    this.proxyOptions = { ...options.proxyOptions, mode: proxyMode(env, options.proxyOptions) };
    // axios must not pick a proxy from the environment itself (its rules are not core's): the agents do it
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

  /** The proxy for a request to `url` (undefined: direct). */
  private proxyFor(url: string): ProxyRoute | undefined {
    const proxyUrl = proxyForUrl(url, this.proxyEnv, this.proxyOptions);
    if (!proxyUrl) return undefined;
    let route = this.proxyRoutes.get(proxyUrl);
    if (!route) {
      route = this.makeRoute(proxyUrl);
      this.proxyRoutes.set(proxyUrl, route);
    }
    return route;
  }

  private makeRoute(proxyUrl: string): ProxyRoute {
    let url: URL;
    try {
      url = new URL(proxyUrl);
    } catch {
      // never the value: it may hold credentials
      return { problem: 'invalid proxy URL' };
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return { problem: 'invalid proxy URL' };
    const node = this.options.proxy;
    // as core: the proxy node's credentials, when it has any, replace those in its URL
    if (node && (node.username || node.password)) {
      url.username = encodeURIComponent(node.username ?? '');
      url.password = encodeURIComponent(node.password ?? '');
    }
    // https-proxy-agent decodes the URL's user and password for the Proxy-Authorization header
    const agent = new TunnelAgent(url.toString(), { keepAlive: true, maxSockets: this.maxSockets }, this.options.tls);
    return { agent, origin: url.origin };
  }

  /**
   * Sends one request. The timeout runs from here (the request is sent now, not queued): no answer within it
   * aborts the request. `controls.signal` aborts it too (reported as `cancelled`).
   */
  async send(request: HttpRequest, controls: SendControls = {}): Promise<HttpResponse> {
    const started = Date.now();
    // a malformed URL throws here, before anything is sent
    const route = this.proxyFor(new URL(request.url).href);
    if (route && 'problem' in route) throw new TransportError('network', route.problem, 0, true);
    const agents = route ? { httpAgent: route.agent, httpsAgent: route.agent } : { httpAgent: this.httpAgent, httpsAgent: this.httpsAgent };
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
        ...agents,
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
      // through a proxy, the error names it (its origin: scheme, host and port, never its credentials)
      const via = route ? ` via proxy ${route.origin}` : '';
      if (errno) throw new TransportError('network', errno + via, durationMs, true);
      throw new TransportError('network', (code === 'ERR_BAD_RESPONSE' ? 'ECONNRESET' : code) + via, durationMs);
    } finally {
      clearImmediate(arm);
      if (timer) clearTimeout(timer);
      controls.signal?.removeEventListener('abort', onCancel);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const route of this.proxyRoutes.values()) if ('agent' in route) route.agent.destroy();
  }
}
