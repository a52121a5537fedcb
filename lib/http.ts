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
  maxSockets?: number;
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

/** Thrown when no HTTP response arrived; `code` is safe to show (never the URL or a header). */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    readonly code: string,
    readonly durationMs: number,
  ) {
    super(`${kind}: ${code}`);
    this.name = 'TransportError';
  }
}

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
    const maxSockets = options.maxSockets ?? 32;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, ...options.tls });
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

  private agentsFor(target: URL): { httpAgent: http.Agent; httpsAgent: https.Agent } {
    const proxy = this.proxyAgents[0];
    if (proxy && this.options.proxy && !bypassesProxy(target, this.options.proxy.noproxy)) {
      return { httpAgent: proxy, httpsAgent: proxy };
    }
    return { httpAgent: this.httpAgent, httpsAgent: this.httpsAgent };
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const target = new URL(request.url);
    try {
      const res = await this.axios.request<string>({
        method: request.method,
        url: request.url,
        // no body, no Content-Type (axios would otherwise default to form-encoded)
        headers: request.body === undefined ? { 'Content-Type': false, ...request.headers } : request.headers,
        data: request.body,
        timeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        ...this.agentsFor(target),
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers ?? {})) {
        if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return { status: res.status, headers, text: typeof res.data === 'string' ? res.data : '', durationMs: Date.now() - started };
    } catch (err) {
      const durationMs = Date.now() - started;
      const code = (err as AxiosError).code ?? (err as NodeJS.ErrnoException).code ?? 'ERROR';
      const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || (err as Error).name === 'CanceledError';
      throw new TransportError(timedOut ? 'timeout' : 'network', timedOut ? 'timeout' : code, durationMs);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const agent of this.proxyAgents) agent.destroy();
  }
}
