/**
 * Routes on Node-RED's HTTP server (RED.httpNode), as core `http in` serves them: added at deploy, removed on
 * close, bodies read with a size limit.
 *
 * Node-RED mounts RED.httpNode behind its admin app, whose JSON and form parsers may already have read a request
 * (`req._body` set, `req.body` parsed, the stream ended). Such a body is taken from `req.body` — waiting for the
 * ended stream would never finish.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeAPI } from 'node-red';

export type Request = IncomingMessage & { body?: unknown; _body?: boolean };
export type RouteHandler = (req: Request, res: ServerResponse) => void;

interface Layer {
  route?: { stack?: Array<{ handle?: unknown }> };
}
interface HttpApp {
  get(path: string, handler: RouteHandler): void;
  post(path: string, handler: RouteHandler): void;
  _router?: { stack: Layer[] };
  router?: { stack: Layer[] };
}

/** `/path` from what a user typed (`path`, `/path`, `//path`). */
export function routePath(text: string): string {
  return `/${text.trim().replace(/^\/+/, '')}`;
}

/** Serves `handler` for `method path`; the returned function removes exactly this route (Express 4 and 5). */
export function addRoute(RED: NodeAPI, method: 'get' | 'post', path: string, handler: RouteHandler): () => void {
  const app = RED.httpNode as unknown as HttpApp;
  app[method](path, handler);
  return () => {
    const router = app._router ?? app.router;
    if (router) router.stack = router.stack.filter((layer) => !layer.route?.stack?.some((l) => l.handle === handler));
  };
}

function isForm(req: Request): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(String(req.headers['content-type'] ?? ''));
}

/** What an earlier parser made of the body, as bytes again. */
function fromParsed(req: Request): Buffer {
  const body = req.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (isForm(req) && typeof body === 'object') {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      for (const one of Array.isArray(value) ? value : [value]) params.append(key, String(one));
    }
    return Buffer.from(params.toString());
  }
  return Buffer.from(JSON.stringify(body));
}

/** The request body, or 'tooLarge' past `limit` bytes (the rest is drained so the answer can be read). */
export function readBody(req: Request, limit: number): Promise<Buffer | 'tooLarge'> {
  if (req._body === true || req.readableEnded || Buffer.isBuffer(req.body) || typeof req.body === 'string') {
    const body = fromParsed(req);
    return Promise.resolve(body.length > limit ? 'tooLarge' : body);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        resolve('tooLarge');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Lower-cased request headers, repeated ones joined. */
export function headersOf(req: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return headers;
}
