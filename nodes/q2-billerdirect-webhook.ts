/**
 * `q2-billerdirect-webhook`: receives Biller Direct webhook events on a route of Node-RED's HTTP server (like core
 * `http in`), checks them (lib/billerdirect/webhook.ts), answers at once, and emits each event once:
 * msg.topic = the event type, msg.payload = the event. Each event id is claimed in the chosen dedupe store
 * (lib/billerdirect/dedupe.ts) before the 2xx is answered, so a redelivery is answered but not emitted again.
 */
import type { ServerResponse } from 'node:http';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { JSONWebKeySet } from 'jose';
import { KeySource, parseKeySource, WebhookReceiver } from '../lib/billerdirect/webhook';
import { parseDecryptionKeys, publicJwks, type PrivateKeyEntry } from '../lib/billerdirect/webhook-keys';
import { WebhookTokenIssuer } from '../lib/billerdirect/webhook-oauth';
import { ContextDedupe, ContextLike, DedupeStore, DedupeStoreKind, DedupeUnavailable, MemoryDedupe, RedisDedupe } from '../lib/billerdirect/dedupe';
import { clip } from '../lib/errors';
import { t, useRuntimeI18n } from '../lib/i18n';
import { listOf, unsetVariable } from '../lib/node-red/config-node';
import { addRoute, headersOf, readBody, routePath, sendJson, type Request } from '../lib/node-red/http-route';
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
  /** serves the public half of the decryption keys as a JWKS (Nexus "Public Key URL") */
  jwksPath?: string;
  /** serves a client-credentials token endpoint; events then need a token it issued */
  oauthPath?: string;
  oauthLifetime?: string | number;
  dedupe?: boolean;
  dedupeWindow?: string | number;
  dedupeStore?: DedupeStoreKind;
  redisUrl?: string;
  dedupeNamespace?: string;
  dedupeFailure?: 'reject' | 'accept';
  dedupeTimeout?: string | number;
  maxBodyKb?: string | number;
}

interface WebhookCredentials {
  signingKeys?: string;
  decryptionKey?: string;
  bearerToken?: string;
  oauthClientId?: string;
  oauthClientSecret?: string;
  redisPassword?: string;
}

/** A store call that takes longer fails (seconds; the node's `dedupeTimeout`). */
const DEFAULT_DEDUPE_TIMEOUT_S = 2;
/** Decryption keys tried one after another when a JWE names none of them: a bound on the work one bad event costs. */
const MAX_DECRYPTION_KEYS = 8;

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-billerdirect-webhook', RED._);
  function WebhookNode(this: Node, def: WebhookDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const creds = (node.credentials ?? {}) as WebhookCredentials;
    const path = routePath(String(def.url ?? ''));
    const types = new Set(listOf(def.types));
    const windowMs = Math.max(0, Number(def.dedupeWindow ?? 3600) || 0) * 1000;
    const dedupe = def.dedupe !== false && windowMs > 0;

    const keyFetches = new Set<Ticket>();
    // fail closed: a node meant to verify signatures (a key source chosen, or keys entered) that cannot verify them
    // answers 401 to every event until it is fixed. Keys entered with the source left at "none" are used.
    const source = def.keySource === 'connection' ? 'connection' : def.keySource === 'keys' || creds.signingKeys ? 'keys' : 'none';
    let unverifiable: 'noKeys' | 'noConnection' | 'noOAuthClient' | 'oauthPathClash' | undefined;
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
    // OAuth (B23): with a token path, events need a bearer token that endpoint issued; without client credentials
    // to check, it cannot issue any, so it fails closed like the signature check
    const oauthPath = def.oauthPath?.trim() ? routePath(def.oauthPath) : undefined;
    let tokenIssuer: WebhookTokenIssuer | undefined;
    if (oauthPath) {
      if (oauthPath === path) unverifiable = 'oauthPathClash';
      else if (!creds.oauthClientId || !creds.oauthClientSecret) unverifiable = 'noOAuthClient';
      else {
        const lifetime = Number(def.oauthLifetime);
        tokenIssuer = new WebhookTokenIssuer({
          clientId: creds.oauthClientId,
          clientSecret: creds.oauthClientSecret,
          audience: path,
          ...(Number.isInteger(lifetime) && lifetime >= 60 && lifetime <= 86_400 ? { lifetimeSeconds: lifetime } : {}),
        });
      }
    }

    // duplicate suppression: claims in the chosen store, made before the event is answered
    const failure = def.dedupeFailure === 'accept' ? 'accept' : 'reject';
    const outage = { down: false, events: 0 };
    const storeFailed = (err: DedupeUnavailable): void => {
      if (outage.down) return;
      outage.down = true;
      // one warning per outage, not per event; the status shows it until the store answers again
      node.warn(t(`webhook.dedupeDown.${failure}`, { store: store?.kind ?? '', reason: err.reason }));
      node.status({ fill: 'red', shape: 'ring', text: t(`webhook.status.dedupeDown.${failure}`) });
    };
    const storeAnswered = (): void => {
      if (!outage.down) return;
      node.log(t('webhook.dedupeBack', { store: store?.kind ?? '', count: outage.events }));
      outage.down = false;
      outage.events = 0;
    };
    let store: DedupeStore | undefined;
    let storeProblem: string | undefined;
    if (dedupe) {
      const timeoutMs = Math.max(0.05, Number(def.dedupeTimeout ?? DEFAULT_DEDUPE_TIMEOUT_S) || DEFAULT_DEDUPE_TIMEOUT_S) * 1000;
      if (def.dedupeStore === 'redis') {
        const url = String(def.redisUrl ?? '').trim();
        if (!/^rediss?:\/\/[^\s]+$/.test(url)) storeProblem = 'noRedisUrl';
        else
          store = new RedisDedupe({
            url,
            password: creds.redisPassword || undefined,
            namespace: String(def.dedupeNamespace ?? '').trim() || `q2:bd-webhook:${node.id}`,
            windowMs,
            timeoutMs,
            onError: storeFailed,
          });
      } else if (def.dedupeStore === 'context') {
        store = new ContextDedupe(node.context() as unknown as ContextLike, windowMs, timeoutMs, storeFailed);
      } else {
        store = new MemoryDedupe(windowMs);
      }
    }
    /** first: emit; duplicate: answer only; unchecked: the store failed and the policy is to accept */
    const claim = async (id: string): Promise<'first' | 'duplicate' | 'unchecked' | 'refused'> => {
      try {
        if (!store) throw new DedupeUnavailable(t('webhook.reason.noRedisUrl'));
        const result = await store.claim(id);
        storeAnswered();
        return result;
      } catch (err) {
        const unavailable = err instanceof DedupeUnavailable ? err : new DedupeUnavailable(err instanceof Error ? err.name : typeof err);
        storeFailed(unavailable);
        outage.events += 1;
        return failure === 'accept' ? 'unchecked' : 'refused';
      }
    };

    let receiver: WebhookReceiver | undefined;
    let decryptionKeys: PrivateKeyEntry[] = [];
    const problem = (async (): Promise<string | undefined> => {
      if (!def.url) return 'noUrl';
      // a setting or key still `${NAME}`: the variable is not set; fail closed rather than run on a default
      const unset = unsetVariable({ ...def, ...creds });
      if (unset) {
        node.status({ fill: 'red', shape: 'ring', text: t('status.unsetEnv', { name: unset[1] }) });
        node.error(t('webhook.unsetEnv', { name: unset[1], field: unset[0] }));
        return 'unsetEnv';
      }
      if (unverifiable) {
        node.status({ fill: 'red', shape: 'ring', text: t(`webhook.status.${unverifiable}`) });
        node.error(t(`webhook.${unverifiable}`));
        return unverifiable;
      }
      try {
        const entries = creds.decryptionKey?.trim() ? await parseDecryptionKeys(creds.decryptionKey) : [];
        if (entries.length > MAX_DECRYPTION_KEYS) throw new Error('too many keys');
        // published (jwksPath) only once usable: never keys for a node that refuses every event
        decryptionKeys = entries;
        receiver = new WebhookReceiver({
          signatureHeader: def.signatureHeader || 'signature',
          requireSignature: def.requireSignature === true,
          keys: await keys,
          issuer: def.issuer || undefined,
          audience: def.audience || undefined,
          decryptionKeys,
          keyManagementAlgorithms: listOf(def.keyAlgorithms).length ? listOf(def.keyAlgorithms) : ['RSA-OAEP'],
          contentEncryptionAlgorithms: listOf(def.contentAlgorithms).length ? listOf(def.contentAlgorithms) : ['A256GCM'],
          bearerToken: creds.bearerToken || undefined,
          tokenIssuer,
          maxBodyBytes: Math.max(1, Number(def.maxBodyKb ?? 256) || 256) * 1024,
        });
        if (storeProblem) {
          // events are still checked; their duplicate check fails and the failure policy applies
          node.status({ fill: 'red', shape: 'ring', text: t(`webhook.status.${storeProblem}`) });
          node.error(t(`webhook.${storeProblem}`));
        } else node.status({ fill: 'grey', shape: 'ring', text: t('webhook.status.listening') });
        return undefined;
      } catch {
        node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.badKey') });
        node.error(t('webhook.badKey'));
        return 'badKey';
      }
    })();

    const handler = (req: Request, res: ServerResponse): void => {
      void (async () => {
        try {
          if ((await problem) || !receiver) {
            // never 200: the events cannot be checked, so they are refused until the node is fixed
            sendJson(res, 401, { received: false });
            node.warn(t('webhook.rejected', { status: 401, reason: t('webhook.reason.unverifiable') }));
            return;
          }
          const body = await readBody(req, Math.max(1, Number(def.maxBodyKb ?? 256) || 256) * 1024);
          const verdict = body === 'tooLarge' ? ({ ok: false, status: 413, reason: 'tooLarge' } as const) : await receiver.receive(headersOf(req), body);
          if (!verdict.ok) {
            sendJson(res, verdict.status, { received: false });
            node.warn(t('webhook.rejected', { status: verdict.status, reason: t(`webhook.reason.${verdict.reason}`) }));
            node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.rejected', { status: verdict.status }) });
            return;
          }
          if (types.size && !types.has(verdict.type)) return sendJson(res, 200, { received: true });
          const id = typeof verdict.event._id === 'string' ? verdict.event._id : undefined;
          let checked: 'first' | 'unchecked' | undefined;
          if (dedupe && id) {
            // claimed before the answer: a redelivery that arrives meanwhile, here or at another instance, is a duplicate
            const result = await claim(id);
            if (result === 'refused') return sendJson(res, 503, { received: false }); // Q2 delivers it again later
            if (result === 'duplicate') {
              sendJson(res, 200, { received: true });
              node.status({ fill: 'yellow', shape: 'dot', text: t('webhook.status.duplicate') });
              return;
            }
            checked = result;
          }
          sendJson(res, 200, { received: true });
          if (!outage.down) node.status({ fill: 'green', shape: 'dot', text: clip(verdict.type, 30) });
          node.send({ topic: verdict.type, payload: verdict.event, ...(checked ? { q2: { dedupe: checked } } : {}) });
        } catch (err) {
          if (!res.headersSent) res.writeHead(500).end();
          node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.error') });
          // never the event or the error's own text (it could quote the payload): its kind only
          node.error(t('webhook.failed', { reason: err instanceof Error ? err.name : typeof err }));
        }
      })();
    };

    /** POST oauthPath: the client-credentials token endpoint Q2 asks for a token before it posts events (B23) */
    const tokenHandler = (req: Request, res: ServerResponse): void => {
      void (async () => {
        try {
          const body = await readBody(req, 8192);
          if (!tokenIssuer) return sendJson(res, 401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="q2-webhook"' });
          if (body === 'tooLarge') return sendJson(res, 400, { error: 'invalid_request' });
          const answer = await tokenIssuer.issue(headersOf(req), body, req.headers['content-type']);
          res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
          if (answer.status !== 200) node.warn(t('webhook.tokenRefused', { status: answer.status, error: String(answer.body.error) }));
        } catch (err) {
          if (!res.headersSent) res.writeHead(500).end();
          node.error(t('webhook.tokenFailed', { reason: err instanceof Error ? err.name : typeof err }));
        }
      })();
    };

    /** GET jwksPath: the public half of the decryption keys, for Nexus's "Public Key URL" (B24) */
    const jwksHandler = (req: Request, res: ServerResponse): void => {
      void problem.then(
        () => {
          if (!decryptionKeys.length) return sendJson(res, 404, { keys: [] });
          const alg = listOf(def.keyAlgorithms)[0] ?? 'RSA-OAEP';
          sendJson(res, 200, publicJwks(decryptionKeys, alg), { 'Cache-Control': 'public, max-age=300' });
        },
        () => res.writeHead(500).end(),
      );
    };

    const removers: Array<() => void> = [];
    if (def.url) removers.push(addRoute(RED, 'post', path, handler));
    else node.status({ fill: 'red', shape: 'ring', text: t('webhook.status.noUrl') });
    if (oauthPath && oauthPath !== path) removers.push(addRoute(RED, 'post', oauthPath, tokenHandler));
    if (def.jwksPath?.trim()) {
      removers.push(addRoute(RED, 'get', routePath(def.jwksPath), jwksHandler));
      if (!creds.decryptionKey?.trim()) node.warn(t('webhook.jwksNoKeys'));
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      for (const ticket of keyFetches) ticket.cancel(0);
      for (const remove of removers) remove();
      node.status({});
      // close() never rejects: a Redis client that does not close in time is destroyed
      void (store?.close() ?? Promise.resolve()).then(() => done());
    });
  }

  RED.nodes.registerType('q2-billerdirect-webhook', WebhookNode, {
    credentials: {
      signingKeys: { type: 'password' },
      decryptionKey: { type: 'password' },
      bearerToken: { type: 'password' },
      oauthClientId: { type: 'text' },
      oauthClientSecret: { type: 'password' },
      redisPassword: { type: 'password' },
    },
  });
};
