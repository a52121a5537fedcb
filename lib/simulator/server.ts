/**
 * Generic core of the Q2 simulator: a small in-process HTTP server (Node built-ins only) that
 * records every request, injects faults, and dispatches to pluggable route modules (Q2 Platform
 * today; Biller Direct and CorePro/Helix later). Control endpoints live under `/__sim/`.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isObject } from './kit/body';

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
  /**
   * Set when an injected fault matched this request: the kind of fault applied (see {@link FaultKind}).
   * Recorded before the fault takes effect, so a hanging or reset request is counted too.
   */
  faulted?: FaultKind;
}

/**
 * What an injected fault did to a request, by precedence when a spec combines several:
 * 'hang' > 'reset' > 'truncate' > 'bodyBytes' > 'html' > 'malformed' > 'status' (status or body) > 'delay'
 * (delayMs only) > 'headers' (only `headers`/`retryAfter` added to the normal response, or an empty spec).
 */
export type FaultKind = 'status' | 'reset' | 'hang' | 'truncate' | 'html' | 'bodyBytes' | 'malformed' | 'delay' | 'headers';

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
  /**
   * Accept the request and never answer: the socket stays open until the client gives up or the
   * server stops. No timer is kept; `pending()` counts it meanwhile; `clearFaults()`/`reset()` do not
   * release it. Takes precedence over every other field (delayMs included).
   */
  hang?: boolean;
  /**
   * Answer (status ?? 200) with content-type application/json (unless `headers` say otherwise) and a
   * content-length promising the whole body, send only the first half of its bytes, then destroy the
   * socket (a connection reset mid-response). The body is `body` (JSON-serialised unless a string; a
   * ~2 KB JSON object when absent), or the page of `html`, the body of `bodyBytes` or the `malformed` text.
   */
  truncate?: boolean;
  /**
   * Answer (status ?? 200) with content-type text/html and a small HTML error page naming the status,
   * like a gateway or load balancer would (`body`, when a string, replaces the page).
   */
  html?: boolean;
  /**
   * Answer (status ?? 200) with content-type application/json, a content-length of exactly this many
   * bytes and a valid JSON body of that size (`{"data":"xxx…","success":true}`; below 26 bytes `{}`
   * padded with spaces, `0` for 1 byte, an empty body for 0), streamed in chunks. A non-negative integer.
   */
  bodyBytes?: number;
  /**
   * Shorthand for a `Retry-After` header on the fault response (or on the normal response, like
   * `headers`, when the spec has no response of its own): a number of seconds, or a literal string such
   * as an HTTP date. Wins over a `retry-after` entry in `headers`.
   */
  retryAfter?: string | number;
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
/** Bytes of `{"data":"` + `","success":true}` around the padding of a `bodyBytes` body. */
const BODY_BYTES_HEAD = Buffer.from('{"data":"');
const BODY_BYTES_TAIL = Buffer.from('","success":true}');
const PAD_CHUNK = Buffer.alloc(256 * 1024, 'x');
/** Default body of a `truncate` fault: a JSON object of about 2 KB. */
const TRUNCATE_BODY = {
  data: Array.from({ length: 16 }, (_, i) => ({
    id: i + 1,
    name: `Record ${i + 1}`,
    description: `Simulated record ${i + 1} of a response that is cut off half-way`.padEnd(80, '.'),
  })),
  success: true,
};

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

class PathDecodeError extends Error {}

/** Why a FaultSpec's newer fields are unusable, or undefined when they are fine. */
function faultSpecProblem(spec: FaultSpec): string | undefined {
  for (const flag of ['hang', 'truncate', 'html'] as const) {
    if (spec[flag] !== undefined && typeof spec[flag] !== 'boolean') return `${flag} must be a boolean`;
  }
  const n = spec.bodyBytes;
  if (n !== undefined && !(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return 'bodyBytes must be a non-negative integer';
  const ra = spec.retryAfter;
  if (ra !== undefined && typeof ra !== 'string' && !(typeof ra === 'number' && Number.isFinite(ra))) {
    return 'retryAfter must be a number of seconds or a string';
  }
  return undefined;
}

function faultKind(spec: FaultSpec): FaultKind {
  if (spec.hang) return 'hang';
  if (spec.reset) return 'reset';
  if (spec.truncate) return 'truncate';
  if (spec.bodyBytes !== undefined) return 'bodyBytes';
  if (spec.html) return 'html';
  if (spec.malformed) return 'malformed';
  if (spec.status !== undefined || spec.body !== undefined) return 'status';
  if (spec.delayMs) return 'delay';
  return 'headers';
}

/** `headers` plus the `retryAfter` shorthand, or undefined when there are none. */
function faultHeaders(spec: FaultSpec): Record<string, string> | undefined {
  if (spec.retryAfter === undefined) return spec.headers;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (name.toLowerCase() !== 'retry-after') headers[name] = value;
  }
  headers['retry-after'] = String(spec.retryAfter);
  return headers;
}

function htmlPage(status: number): string {
  const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>q2-simulator</center>\r\n</body>\r\n</html>\r\n`;
}

/** A valid JSON text of exactly `size` bytes, in chunks that reuse one padding buffer. */
function* paddedJson(size: number): Generator<Buffer> {
  const frame = BODY_BYTES_HEAD.length + BODY_BYTES_TAIL.length;
  if (size < frame) {
    if (size > 0) yield Buffer.from(size === 1 ? '0' : '{}'.padEnd(size, ' '));
    return;
  }
  yield BODY_BYTES_HEAD;
  for (let left = size - frame; left > 0; left -= PAD_CHUNK.length) {
    yield left >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, left);
  }
  yield BODY_BYTES_TAIL;
}

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

function json(status: number, body: unknown): SimResponse {
  return { status, body };
}

export class SimServer {
  readonly requests: RecordedRequest[] = [];
  private readonly host: string;
  private readonly port: number;
  private readonly modules: RouteModule[] = [];
  private faults: ActiveFault[] = [];
  /** Pending delays: each timer with the function that ends its sleep early (false = do not go on). */
  private readonly timers = new Map<NodeJS.Timeout, (goOn: boolean) => void>();
  /** Responses held open by a hang or a delay, until answered, closed by the client or stop(). */
  private readonly held = new Set<http.ServerResponse>();
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
    const sleeping = [...this.timers];
    this.timers.clear();
    for (const [timer, wake] of sleeping) {
      clearTimeout(timer);
      wake(false);
    }
    this.held.clear();
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

  /** How many requests are currently held open by a `hang` or `delayMs` fault. */
  pending(): number {
    return this.held.size;
  }

  /** Throws a TypeError when `hang`, `truncate`, `html`, `bodyBytes` or `retryAfter` has the wrong type. */
  injectFault(spec: FaultSpec): void {
    const problem = faultSpecProblem(spec);
    if (problem) throw new TypeError(`Invalid FaultSpec: ${problem}`);
    const times = spec.times ?? 1;
    this.faults.push({ spec, remaining: times > 0 ? times : Infinity });
  }

  /** Forgets the injected faults; requests already hanging or delayed by one stay so. */
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
      if (fault) recorded.faulted = faultKind(fault);
      if (fault?.hang) return this.hold(res);
      if (fault?.delayMs && !(await this.sleep(fault.delayMs, res))) return;
      const extraHeaders = fault && faultHeaders(fault);
      if (fault && (fault.reset || fault.truncate || fault.bodyBytes !== undefined || fault.html)) {
        if (fault.reset) {
          req.socket.destroy();
          return;
        }
        return await sendFaultBody(res, fault, extraHeaders);
      }
      if (fault && (fault.malformed || fault.status !== undefined || fault.body !== undefined)) {
        const status = fault.status ?? (fault.malformed ? 200 : 500);
        const body = fault.malformed ? MALFORMED_BODY : fault.body;
        const extra: Record<string, string> = fault.malformed ? { 'content-type': 'application/json' } : {};
        return send(res, { status, body, headers: { ...extra, ...extraHeaders } });
      }
      const response = await this.route(recorded);
      if (extraHeaders) response.headers = { ...response.headers, ...extraHeaders };
      send(res, response);
    } catch (err) {
      const status = err instanceof PathDecodeError ? 400 : 500;
      const message = err instanceof Error ? err.message : String(err);
      send(res, json(status, { error: status === 400 ? 'bad_request' : 'simulator_error', message }));
    }
  }

  private takeFault(req: RecordedRequest): FaultSpec | undefined {
    const index = this.faults.findIndex(
      ({ spec }) => (spec.method === undefined || spec.method.toUpperCase() === req.method) && (spec.path === undefined || pathMatches(req.path, spec.path)),
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
        if (!isObject(spec) || !optString(spec.path) || !optString(spec.method)) {
          return json(400, { error: 'bad_request', message: 'Body must be a JSON FaultSpec object (path as a string)' });
        }
        const problem = faultSpecProblem(spec as FaultSpec);
        if (problem) return json(400, { error: 'bad_request', message: `Invalid FaultSpec: ${problem}` });
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

  /** Keeps a response open without answering; only the client or stop() ends it. */
  private hold(res: http.ServerResponse): void {
    if (res.destroyed) return;
    this.held.add(res);
    res.once('close', () => this.held.delete(res));
  }

  /**
   * Waits `ms`; true to go on, false when stop() cut it short. A client leaving meanwhile ends the
   * hold (pending()) but not the wait: the request is still routed afterwards, as a real server would.
   */
  private sleep(ms: number, res: http.ServerResponse): Promise<boolean> {
    this.hold(res);
    return new Promise((resolve) => {
      const wake = (goOn: boolean): void => {
        this.held.delete(res);
        resolve(goOn);
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        wake(true);
      }, ms);
      this.timers.set(timer, wake);
    });
  }
}

/**
 * Answers a `truncate`, `bodyBytes` or `html` fault: writes the headers with the full content-length,
 * streams the body with backpressure, and for `truncate` stops half-way and destroys the socket.
 */
async function sendFaultBody(res: http.ServerResponse, fault: FaultSpec, extra: Record<string, string> | undefined): Promise<void> {
  if (res.destroyed || res.headersSent) return;
  const status = fault.status ?? 200;
  let contentType = 'application/json';
  let total: number;
  let chunks: Iterable<Buffer>;
  if (fault.bodyBytes !== undefined) {
    total = fault.bodyBytes;
    chunks = paddedJson(total);
  } else {
    let text: string;
    if (fault.html) {
      contentType = 'text/html';
      text = typeof fault.body === 'string' ? fault.body : htmlPage(status);
    } else if (fault.malformed) {
      text = MALFORMED_BODY;
    } else {
      const body = fault.body ?? TRUNCATE_BODY;
      text = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const buffer = Buffer.from(text);
    total = buffer.length;
    chunks = [buffer];
  }
  const headers: Record<string, string> = { 'content-type': contentType };
  for (const [name, value] of Object.entries(extra ?? {})) headers[name.toLowerCase()] = value;
  headers['content-length'] = String(total);
  res.writeHead(status, headers);

  let budget = fault.truncate ? Math.floor(total / 2) : total;
  let flushed: Promise<void> = Promise.resolve();
  for (const chunk of chunks) {
    if (budget <= 0 || res.destroyed) break;
    const piece = chunk.length > budget ? chunk.subarray(0, budget) : chunk;
    budget -= piece.length;
    let ok = true;
    flushed = new Promise((resolve) => {
      ok = res.write(piece, () => resolve());
    });
    if (!ok) await drainOrClose(res);
  }
  if (!fault.truncate) {
    if (!res.destroyed) res.end();
    return;
  }
  if (res.destroyed) return;
  // Half the body, once handed to the kernel, then a dead connection where the rest should be.
  if (Math.floor(total / 2) === 0) res.flushHeaders();
  await Promise.race([flushed, closed(res)]);
  res.socket?.destroy();
}

function closed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.once('close', () => resolve());
  });
}

function drainOrClose(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
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
