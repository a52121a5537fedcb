/**
 * `q2-billerdirect-webhook`: receives Biller Direct webhook events on a route of Node-RED's HTTP server (like core
 * `http in`), checks them (lib/billerdirect/webhook.ts), answers at once, and emits each event once:
 * msg.topic = the event type, msg.payload = the event. Seen event ids live in node context, so duplicate
 * suppression follows the context store the user configured.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { JSONWebKeySet } from 'jose';
import { KeySource, parseKeySource, WebhookReceiver } from '../lib/billerdirect/webhook';
import { clip } from '../lib/errors';
import { t } from '../lib/i18n';
import { listOf } from '../lib/node-red/config-node';
import { usableConnection } from '../lib/node-red/register';
import { Ticket } from '../lib/connection/ticket';

interface WebhookDef extends NodeDef {
  url?: string;
  types?: string;
  signatureHeader?: string;
  requireSignature?: boolean;
  keySource?: 'none' | 'keys' | 'connection';
  connection?: string;
  issuer?: string;
  audience?: string;
  keyAlgorithms?: string;
  contentAlgorithms?: string;
  dedupe?: boolean;
  dedupeWindow?: string | number;
  maxBodyKb?: string | number;
}

type Request = IncomingMessage & { body?: unknown };
type Router = { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
type HttpApp = { post(path: string, handler: (req: Request, res: ServerResponse) => void): void; _router?: Router; router?: Router };

const SEEN_KEY = 'q2SeenEventIds';

function readBody(req: Request, limit: number): Promise<Buffer | 'tooLarge'> {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body);
  if (typeof req.body === 'string') return Promise.resolve(Buffer.from(req.body));
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && Object.keys(req.body).length) {
    return Promise.resolve(Buffer.from(JSON.stringify(req.body)));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume(); // drain the rest so the 413 can be written and read
        resolve('tooLarge');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export = function (RED: NodeAPI): void {
  function WebhookNode(this: Node, def: WebhookDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const creds = (node.credentials ?? {}) as { signingKeys?: string; decryptionKey?: string; bearerToken?: string };
    const path = `/${String(def.url ?? '').replace(/^\/+/, '')}`;
    const types = new Set(listOf(def.types));
    const windowMs = Math.max(0, Number(def.dedupeWindow ?? 3600) || 0) * 1000;
    const dedupe = def.dedupe !== false && windowMs > 0;
    const app = RED.httpNode as unknown as HttpApp;

    const keyFetches = new Set<Ticket>();
    // fail closed: a node meant to verify signatures (a key source chosen, or keys entered) that cannot verify them
    // answers 401 to every event until it is fixed. Keys entered with the source left at "none" are used.
    const source = def.keySource === 'connection' ? 'connection' : def.keySource === 'keys' || creds.signingKeys ? 'keys' : 'none';
    let unverifiable: 'noKeys' | 'noConnection' | undefined;
    let keys: Promise<KeySource | undefined> = Promise.resolve(undefined);
    if (source === 'keys') {
      if (creds.signingKeys?.trim()) keys = parseKeySource(creds.signingKeys);
      else unverifiable = 'noKeys';
    }
    if (source === 'connection') {
      const { connection } = usableConnection(RED, def.connection, 'q2-billerdirect-config');
      if (!connection) unverifiable = 'noConnection';
      if (connection) {
        // through the connection like every request: its scheduler, retries for reads, timeouts and envelope
        const fetchKeys = async (): Promise<JSONWebKeySet> => {
          const ticket = new Ticket();
          keyFetches.add(ticket);
          try {
            const url = `${connection.baseUrl}/partner/public-keys`;
            const { read } = await connection.send({ method: 'GET', url, headers: { Accept: 'application/json' }, safe: true, auth: 'connection' }, ticket);
            return read.body as JSONWebKeySet;
          } finally {
            keyFetches.delete(ticket);
          }
        };
        keys = Promise.resolve({ kind: 'remote', fetch: fetchKeys });
      }
    }
    let receiver: WebhookReceiver | undefined;
    const problem = (async (): Promise<string | undefined> => {
      if (unverifiable) {
        node.status({ fill: 'red', shape: 'ring', text: t(`webhook.status.${unverifiable}`) });
        node.error(t(`webhook.${unverifiable}`));
        return unverifiable;
      }
      try {
        receiver = new WebhookReceiver({
          signatureHeader: def.signatureHeader || 'signature',
          requireSignature: def.requireSignature === true,
          keys: await keys,
          issuer: def.issuer || undefined,
          audience: def.audience || undefined,
          decryptionKey: creds.decryptionKey || undefined,
          keyManagementAlgorithms: listOf(def.keyAlgorithms).length ? listOf(def.keyAlgorithms) : ['RSA-OAEP'],
          contentEncryptionAlgorithms: listOf(def.contentAlgorithms).length ? listOf(def.contentAlgorithms) : ['A256GCM'],
          bearerToken: creds.bearerToken || undefined,
          maxBodyBytes: Math.max(1, Number(def.maxBodyKb ?? 256) || 256) * 1024,
        });
        await receiver.ready();
        node.status({ fill: 'grey', shape: 'ring', text: t('webhook.status.listening') });
        return undefined;
      } catch {
        node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.badKey') });
        node.error(t('webhook.badKey'));
        return 'badKey';
      }
    })();

    // duplicate suppression: one check at a time, ids and their time in node context
    let queue: Promise<unknown> = Promise.resolve();
    const context = node.context();
    const firstTime = (id: string): Promise<boolean> => {
      const next = queue.then(
        () =>
          new Promise<boolean>((resolve) => {
            context.get(SEEN_KEY, (err: Error | undefined, value: unknown) => {
              const now = Date.now();
              const seen: Record<string, number> = {};
              if (!err && value && typeof value === 'object') {
                for (const [k, at] of Object.entries(value as Record<string, number>)) if (now - at < windowMs) seen[k] = at;
              }
              const fresh = !(id in seen);
              if (fresh) seen[id] = now;
              context.set(SEEN_KEY, seen, () => resolve(fresh));
            });
          }),
      );
      queue = next.catch(() => undefined);
      return next;
    };

    const handler = (req: Request, res: ServerResponse): void => {
      void (async () => {
        try {
          if ((await problem) || !receiver) {
            // never 200: the events cannot be checked, so they are refused until the node is fixed
            res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: false }));
            node.warn(t('webhook.rejected', { status: 401, reason: t('webhook.reason.unverifiable') }));
            return;
          }
          const body = await readBody(req, Math.max(1, Number(def.maxBodyKb ?? 256) || 256) * 1024);
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          const verdict = body === 'tooLarge' ? ({ ok: false, status: 413, reason: 'tooLarge' } as const) : await receiver.receive(headers, body);
          if (!verdict.ok) {
            res.writeHead(verdict.status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: false }));
            node.warn(t('webhook.rejected', { status: verdict.status, reason: t(`webhook.reason.${verdict.reason}`) }));
            node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.rejected', { status: verdict.status }) });
            return;
          }
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: true }));
          if (types.size && !types.has(verdict.type)) return;
          const id = typeof verdict.event._id === 'string' ? verdict.event._id : undefined;
          if (dedupe && id && !(await firstTime(id))) {
            node.status({ fill: 'yellow', shape: 'dot', text: t('webhook.status.duplicate') });
            return;
          }
          node.status({ fill: 'green', shape: 'dot', text: clip(verdict.type, 30) });
          node.send({ topic: verdict.type, payload: verdict.event });
        } catch (err) {
          if (!res.headersSent) res.writeHead(500).end();
          node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.error') });
          // never the event or the error's own text (it could quote the payload): its kind only
          node.error(t('webhook.failed', { reason: err instanceof Error ? err.name : typeof err }));
        }
      })();
    };

    if (!def.url) {
      node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.noUrl') });
      return;
    }
    app.post(path, handler);

    node.on('close', (removed: boolean, done: () => void) => {
      for (const ticket of keyFetches) ticket.cancel(0);
      const router = app._router ?? app.router;
      if (router) {
        router.stack = router.stack.filter((layer) => !(layer.route && layer.route.path === path && layer.route.methods.post));
      }
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('q2-billerdirect-webhook', WebhookNode, {
    credentials: { signingKeys: { type: 'password' }, decryptionKey: { type: 'password' }, bearerToken: { type: 'password' } },
  });
};
