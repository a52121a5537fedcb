/**
 * Generic core of the Q2 simulator: a small in-process HTTP server (Node built-ins only) that
 * records every request, injects faults, and dispatches to pluggable route modules (Q2 Platform
 * today; Biller Direct and CorePro/Helix later). Control endpoints live under `/__sim/`.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Raw path as sent (percent-encoding kept, no query string). */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  rawBody: string;
  /** Parsed JSON, form fields for application/x-www-form-urlencoded, or undefined. */
  body: unknown;
  /** Set when the body looked like JSON (JSON or missing content-type) but did not parse. */
  bodyParseError?: string;
  at: number;
}

export interface FaultSpec {
  method?: string;
  /** Exact path match, or a prefix when the string ends with '*'. */
  path?: string | RegExp;
  /** How many matching requests to fault; default 1; `<= 0` or Infinity = until clearFaults(). */
  times?: number;
  status?: number;
  /** JSON-serialised unless a string. */
  body?: unknown;
  /** Added to the fault response, or to the normal response for a delay-only fault. */
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Answer (status ?? 200) with content-type application/json and a non-JSON body. */
  malformed?: boolean;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: RecordedRequest, params: Record<string, string>) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  /** e.g. '/:version/DeleteCustomer/:customerID'; params are URL-decoded. */
  pattern: string;
  handler: RouteHandler;
}

export interface RouteModule {
  name: string;
  routes: Route[];
  /** Extra control routes; patterns must start with '/__sim/'. Not recorded, never faulted. */
  controlRoutes?: Route[];
  reset(): void;
  /** Answer for an unmatched path, or undefined to let the next module (or the default 404) answer. */
  notFound?(req: RecordedRequest): SimResponse | undefined;
}

export interface SimServerOptions {
  host?: string;
  port?: number;
}

const MAX_BODY = 1024 * 1024;
const CONTROL_PREFIX = '/__sim/';
const MALFORMED_BODY = '<html>gateway</html>';

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

class PathDecodeError extends Error {}

/** Matches a path against an exact string, a 'prefix*' string or a RegExp. */
export function pathMatches(path: string, matcher: string | RegExp): boolean {
  if (matcher instanceof RegExp) {
    matcher.lastIndex = 0;
    return matcher.test(path);
  }
  return matcher.endsWith('*') ? path.startsWith(matcher.slice(0, -1)) : path === matcher;
}

function matchRoute(route: Route, method: string, segments: string[]): Record<string, string> | undefined {
  if (route.method.toUpperCase() !== method) return undefined;
  const parts = route.pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.startsWith(':')) {
      if (segments[i] === '') return undefined;
      params[part.slice(1)] = decodeSegment(segments[i]);
    } else if (part !== segments[i]) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new PathDecodeError('Malformed percent-encoding in path');
  }
}

function parseBody(rawBody: string, contentType: string | undefined): Pick<RecordedRequest, 'body' | 'bodyParseError'> {
  if (rawBody === '') return { body: undefined };
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { body: Object.fromEntries(new URLSearchParams(rawBody)) };
  }
  if (type === '' || type === 'application/json' || type.endsWith('+json')) {
    try {
      return { body: JSON.parse(rawBody) as unknown };
    } catch (err) {
      return { body: undefined, bodyParseError: err instanceof Error ? err.message : 'Invalid JSON' };
    }
  }
  return { body: undefined };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function json(status: number, body: unknown): SimResponse {
  return { status, body };
}

export class SimServer {
  readonly requests: RecordedRequest[] = [];
  private readonly host: string;
  private readonly port: number;
  private readonly modules: RouteModule[] = [];
  private faults: ActiveFault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private server: http.Server | undefined;
  private baseUrl: string | undefined;

  constructor(opts: SimServerOptions = {}) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
  }

  /** Base URL such as `http://127.0.0.1:12345`; throws before start(). */
  get url(): string {
    if (this.baseUrl === undefined) throw new Error('SimServer is not started');
    return this.baseUrl;
  }

  use(module: RouteModule): this {
    this.modules.push(module);
    return this;
  }

  start(): Promise<string> {
    if (this.server) return Promise.reject(new Error('SimServer already started'));
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise<string>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        const { port } = server.address() as AddressInfo;
        const host = this.host.includes(':') ? `[${this.host}]` : this.host;
        this.baseUrl = `http://${host}:${port}`;
        resolve(this.baseUrl);
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  requestsTo(pathOrRegex: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => pathMatches(r.path, pathOrRegex));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  injectFault(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    this.faults.push({ spec, remaining: times > 0 ? times : Infinity });
  }

  clearFaults(): void {
    this.faults = [];
  }

  reset(): void {
    this.clearRequests();
    this.clearFaults();
    for (const module of this.modules) module.reset();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
      const query = Object.fromEntries(new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)));
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const { rawBody, tooLarge } = await readBody(req);
      const recorded: RecordedRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path,
        query,
        headers,
        rawBody,
        ...parseBody(rawBody, headers['content-type']),
        at: Date.now(),
      };
      const isControl = path.startsWith(CONTROL_PREFIX);
      if (!isControl) this.requests.push(recorded);
      if (tooLarge) return send(res, json(413, { error: 'payload_too_large', message: 'Request body exceeds 1 MiB' }));
      if (isControl) return send(res, await this.control(recorded));

      const fault = this.takeFault(recorded);
      if (fault?.delayMs) await this.sleep(fault.delayMs);
      if (fault && (fault.reset || fault.malformed || fault.status !== undefined || fault.body !== undefined)) {
        if (fault.reset) {
          req.socket.destroy();
          return;
        }
        const status = fault.status ?? (fault.malformed ? 200 : 500);
        const body = fault.malformed ? MALFORMED_BODY : fault.body;
        const extra: Record<string, string> = fault.malformed ? { 'content-type': 'application/json' } : {};
        return send(res, { status, body, headers: { ...extra, ...fault.headers } });
      }
      const response = await this.route(recorded);
      if (fault?.headers) response.headers = { ...response.headers, ...fault.headers };
      send(res, response);
    } catch (err) {
      const status = err instanceof PathDecodeError ? 400 : 500;
      const message = err instanceof Error ? err.message : String(err);
      send(res, json(status, { error: status === 400 ? 'bad_request' : 'simulator_error', message }));
    }
  }

  private takeFault(req: RecordedRequest): FaultSpec | undefined {
    const index = this.faults.findIndex(
      ({ spec }) =>
        (spec.method === undefined || spec.method.toUpperCase() === req.method) &&
        (spec.path === undefined || pathMatches(req.path, spec.path)),
    );
    if (index === -1) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.spec;
  }

  private async route(req: RecordedRequest): Promise<SimResponse> {
    const segments = req.path.split('/');
    for (const module of this.modules) {
      for (const route of module.routes) {
        const params = matchRoute(route, req.method, segments);
        if (params) return route.handler(req, params);
      }
    }
    for (const module of this.modules) {
      const answer = module.notFound?.(req);
      if (answer) return answer;
    }
    return json(404, { error: 'not_found', message: `No simulator route for ${req.method} ${req.path}` });
  }

  private async control(req: RecordedRequest): Promise<SimResponse> {
    const key = `${req.method} ${req.path}`;
    switch (key) {
      case 'GET /__sim/health':
        return json(200, { ok: true, modules: this.modules.map((m) => m.name) });
      case 'GET /__sim/requests':
        return json(200, req.query.path ? this.requestsTo(req.query.path) : this.requests);
      case 'POST /__sim/reset':
        this.reset();
        return json(200, { ok: true });
      case 'POST /__sim/faults': {
        const spec = req.body;
        const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
        if (!isPlainObject(spec) || !optString(spec.path) || !optString(spec.method)) {
          return json(400, { error: 'bad_request', message: 'Body must be a JSON FaultSpec object (path as a string)' });
        }
        this.injectFault(spec as FaultSpec);
        return json(201, { ok: true });
      }
      case 'DELETE /__sim/faults':
        this.clearFaults();
        return json(200, { ok: true });
    }
    const segments = req.path.split('/');
    for (const module of this.modules) {
      for (const route of module.controlRoutes ?? []) {
        const params = matchRoute(route, req.method, segments);
        if (params) return route.handler(req, params);
      }
    }
    return json(404, { error: 'not_found', message: `No control endpoint ${req.method} ${req.path}` });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** Reads the body; past 1 MiB it keeps draining (discarding) so the 413 can still be delivered. */
function readBody(req: http.IncomingMessage): Promise<{ rawBody: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
      else if (size > 16 * MAX_BODY) req.socket.destroy();
    });
    req.on('end', () => {
      const tooLarge = size > MAX_BODY;
      resolve({ rawBody: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge });
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('Request aborted'));
    });
  });
}

function send(res: http.ServerResponse, response: SimResponse): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  let payload = '';
  if (response.body !== undefined) {
    payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    headers['content-type'] ??= typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}
