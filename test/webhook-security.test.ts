/**
 * The Biller Direct webhook node's security routes in a REAL, separate Node-RED process (red.js, its admin app's JSON
 * and form parsers in front of RED.httpNode, as users run it): one process for the file, a flow deployed per test
 * through the admin API, each webhook's output posted by a core `http request` node to a collector here.
 *  1. the OAuth client-credentials token endpoint (`oauthPath`): form and Basic credentials, refusals; events need a
 *     token that route issued (not none, not a made-up one, not the static bearer, not another route's);
 *  2. the simulator's emitter fetching its token there, as Q2 does, and reusing it;
 *  3. fail closed: a token path without client credentials refuses every event and every token request;
 *  4. JWE key rotation: several decryption keys (PEM blocks, or a private JWKS with kids), chosen by kid;
 *  5. the published JWKS of the decryption keys (`jwksPath`): public members only, and usable to encrypt;
 *  6. the Biller Direct connection's published signing JWKS (its `jwksPath`);
 *  7. routes removed on redeploy;
 *  8. no secret in the Node-RED log.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  CompactEncrypt,
  CompactSign,
  compactVerify,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  type CryptoKey as KeyLike,
} from 'jose';
import { startSimulator, type RunningSimulator, type WebhookDelivery } from '../lib/simulator';
import { type Collector, deployFlows, type Runtime, startCollector, startNodeRed, stopNodeRed, userDirWithPack } from './node-red-process';

const CLIENT_ID = 'q2-webhooks';
/** Characters a form must encode, so the admin app's form parser and the node's re-encoding are both exercised. */
const CLIENT_SECRET = 'cs-Top/secret+&=value %41 zq7';
const OTHER_SECRET = 'cs-Other-secret-9f3k2';
const STATIC_BEARER = 'static-bearer-4f9d2c71';
const FORM = 'application/x-www-form-urlencoded';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

interface Collected {
  id: string;
  type: string;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface RsaPair {
  privateKey: KeyLike;
  publicKey: KeyLike;
  pkcs8: string;
  spki: string;
  publicJwk: JWK;
}

type NodeSpec = Record<string, unknown> & { credentials?: Record<string, string> };

async function rsaPair(alg = 'RSA-OAEP'): Promise<RsaPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  return { privateKey, publicKey, pkcs8: await exportPKCS8(privateKey), spki: await exportSPKI(publicKey), publicJwk: await exportJWK(publicKey) };
}

/** A middle line of a PEM's base64: what would show if the key text leaked. */
function pemFragments(pem: string): string[] {
  const lines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
  return [lines[3], lines[Math.floor(lines.length / 2)]];
}

async function send(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const json = (answer: Answer): Record<string, unknown> => JSON.parse(answer.text) as Record<string, unknown>;

function eventBody(id: string, type = 'bill.created'): string {
  return JSON.stringify({
    event: { _id: id, type, created: '2025-06-10T12:00:00.000Z', clientId: 'c1', payload: { resource: { id: 'b1', type: 'bill' }, data: {} } },
  });
}

async function until(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every member name anywhere in a JSON value. */
function memberNames(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) memberNames(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      into.push(k);
      memberNames(v, into);
    }
  }
  return into;
}

function assertPublicOnly(answer: Answer): void {
  const names = memberNames(JSON.parse(answer.text));
  for (const member of PRIVATE_MEMBERS) {
    assert.ok(!names.includes(member), `private member ${member} published: ${answer.text}`);
    assert.doesNotMatch(answer.text, new RegExp(`"${member}"\\s*:`), `private member ${member} in the body`);
  }
}

describe('webhook security routes in a real Node-RED process', function () {
  this.timeout(60_000);
  let runtime: Runtime;
  let sim: RunningSimulator;
  let work: string;
  let collector: Collector<Collected> | undefined;
  let collectorUrl = '';
  let collected: Collected[] = [];
  /** Everything that must never reach the log (checked in test 8). */
  const secrets = new Set<string>([CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), OTHER_SECRET, STATIC_BEARER]);
  let deploys = 0;
  let probe = '';
  let keyA: RsaPair;
  let keyB: RsaPair;
  let keyC: RsaPair;

  const url = (route: string): string => runtime.url + route;
  const collectedIds = (): string[] => collected.map((c) => c.id);

  /**
   * Deploys `hooks` (webhook nodes, wired to the collector) and `configs` (config nodes) with fresh node ids (so no
   * credentials carry over from an earlier deploy), plus a plain webhook on a fresh probe route, created last; resolves
   * once the probe answers, i.e. once the previous flow has closed and every node of this one is up.
   */
  async function deploy(hooks: NodeSpec[], configs: NodeSpec[] = []): Promise<string[]> {
    deploys += 1;
    const d = `d${deploys}x`;
    const tab = `${d}tab`;
    probe = `/probe-${deploys}`;
    const configNodes = configs.map((c, i) => ({ id: `${d}cfg${i}`, ...c }));
    const hookNodes = [...hooks, { url: probe }].map((h, i) => ({
      id: `${d}hook${i}`,
      z: tab,
      type: 'q2-billerdirect-webhook',
      keySource: 'none',
      wires: [[`${d}shape`]],
      ...h,
    }));
    await deployFlows(runtime, [
      { id: tab, type: 'tab', label: `deploy ${deploys}` },
      ...configNodes,
      {
        id: `${d}shape`,
        z: tab,
        type: 'function',
        func: 'msg.payload = { id: msg.payload && msg.payload._id, type: msg.topic }; return msg;',
        outputs: 1,
        wires: [[`${d}collect`]],
      },
      { id: `${d}collect`, z: tab, type: 'http request', method: 'POST', ret: 'txt', url: collectorUrl, wires: [[]] },
      ...hookNodes,
    ]);
    const end = Date.now() + 20_000;
    while ((await send('POST', url(probe), '{}', { 'content-type': 'application/json' })).status === 404) {
      if (Date.now() > end) throw new Error(`deploy ${deploys} did not come up:\n${runtime.log.slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return configNodes.map((c) => c.id);
  }

  /** Posts a plain event through the probe and waits for it: whatever was emitted before has been emitted by then. */
  async function settle(): Promise<void> {
    const id = `sentinel-${crypto.randomUUID()}`;
    assert.equal((await send('POST', url(probe), eventBody(id), { 'content-type': 'application/json' })).status, 200);
    await until(() => collectedIds().includes(id), `the sentinel ${id}`);
  }

  async function emitted(id: string): Promise<void> {
    await until(() => collectedIds().includes(id), `event ${id} to be emitted`);
  }

  async function notEmitted(...ids: string[]): Promise<void> {
    await settle();
    for (const id of ids) assert.ok(!collectedIds().includes(id), `${id} was emitted`);
  }

  const postEvent = (route: string, id: string, headers: Record<string, string> = {}): Promise<Answer> =>
    send('POST', url(route), eventBody(id), { 'content-type': 'application/json', ...headers });

  const tokenRequest = (route: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> =>
    send('POST', url(route), new URLSearchParams(params).toString(), { 'content-type': FORM, ...headers });

  async function issueToken(route: string, secret = CLIENT_SECRET): Promise<string> {
    const answer = await tokenRequest(route, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: secret });
    assert.equal(answer.status, 200, answer.text);
    const token = json(answer).access_token;
    assert.equal(typeof token, 'string');
    secrets.add(token as string);
    return token as string;
  }

  const control = async (method: string, sub: string, body?: unknown): Promise<Answer> =>
    send(method, `${sim.url}/__sim/billerdirect/webhooks${sub}`, body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json' });

  /** Emits a hand-made event from the simulator with its current configuration; answers its delivery record. */
  async function simEmit(id: string): Promise<WebhookDelivery> {
    const queued = await control('POST', '/emit', { type: 'bill.created', _id: id });
    assert.equal(queued.status, 202, queued.text);
    const flushed = await control('POST', '/flush');
    assert.equal(flushed.status, 200, flushed.text);
    const delivery = (JSON.parse(flushed.text) as WebhookDelivery[]).filter((d) => d.eventId === id);
    assert.equal(delivery.length, 1, flushed.text);
    return delivery[0];
  }

  async function configureSim(options: Record<string, unknown>): Promise<void> {
    const answer = await control('POST', '', { signing: false, ...options });
    assert.equal(answer.status, 200, answer.text);
  }

  /** The node's published JWKS. */
  async function publishedKeys(route: string): Promise<JWK[]> {
    const answer = await send('GET', url(route));
    assert.equal(answer.status, 200, answer.text);
    return (json(answer).keys ?? []) as JWK[];
  }

  const kidOf = (keys: JWK[], pair: RsaPair): string => {
    const key = keys.find((k) => k.n === pair.publicJwk.n);
    assert.ok(key?.kid, `no published key for that pair: ${JSON.stringify(keys)}`);
    return key.kid;
  };

  before(async function () {
    this.timeout(90_000);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'q2-websec-'));
    collector = await startCollector<Collected>();
    collectorUrl = collector.url;
    collected = collector.items;
    const userDir = userDirWithPack(path.join(work, 'user'));
    const started = startNodeRed(require.resolve('node-red/red.js'), userDir, { settings: "logging: { console: { level: 'debug' } }" });
    [runtime, sim, keyA, keyB, keyC] = await Promise.all([started, startSimulator({ port: 0 }), rsaPair(), rsaPair(), rsaPair()]);
    for (const pair of [keyA, keyB, keyC]) for (const fragment of pemFragments(pair.pkcs8)) secrets.add(fragment);
  });

  after(async () => {
    await stopNodeRed(runtime);
    await sim?.stop();
    await collector?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('1. OAuth token endpoint: form and Basic credentials, refusals; events need a token this route issued', async () => {
    await deploy([
      {
        url: '/q2/events',
        oauthPath: '/q2/token',
        oauthLifetime: 600,
        credentials: { oauthClientId: CLIENT_ID, oauthClientSecret: CLIENT_SECRET, bearerToken: STATIC_BEARER },
      },
      // another node with the same client credentials, on other routes
      { url: '/q2/events-b', oauthPath: '/q2/token-b', credentials: { oauthClientId: CLIENT_ID, oauthClientSecret: CLIENT_SECRET } },
    ]);

    // form credentials
    const issued = await tokenRequest('/q2/token', { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(issued.status, 200, issued.text);
    assert.equal(issued.headers.get('cache-control'), 'no-store');
    assert.match(issued.headers.get('content-type') ?? '', /^application\/json/);
    const body = json(issued);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 600, 'oauthLifetime is the token lifetime');
    assert.equal(typeof body.access_token, 'string');
    const token = body.access_token as string;
    secrets.add(token);

    // HTTP Basic (RFC 6749 §2.3.1: both parts form-encoded before base64)
    const basic = Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64');
    const byBasic = await tokenRequest('/q2/token', { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    assert.equal(byBasic.status, 200, byBasic.text);
    assert.equal(byBasic.headers.get('cache-control'), 'no-store');
    const basicToken = json(byBasic).access_token as string;
    secrets.add(basicToken);

    // refusals
    const wrongSecret = await tokenRequest('/q2/token', { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: OTHER_SECRET });
    assert.equal(wrongSecret.status, 401, wrongSecret.text);
    assert.deepEqual(json(wrongSecret), { error: 'invalid_client' });
    assert.match(wrongSecret.headers.get('www-authenticate') ?? '', /^Basic /);
    const wrongBasic = Buffer.from(`${CLIENT_ID}:${OTHER_SECRET}`).toString('base64');
    assert.equal((await tokenRequest('/q2/token', { grant_type: 'client_credentials' }, { authorization: `Basic ${wrongBasic}` })).status, 401);
    const wrongGrant = await tokenRequest('/q2/token', { grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(wrongGrant.status, 400, wrongGrant.text);
    assert.deepEqual(json(wrongGrant), { error: 'unsupported_grant_type' });
    const noGrant = await tokenRequest('/q2/token', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(noGrant.status, 400, noGrant.text);
    // a JSON body (which the admin app has parsed) is not a token request
    const asJson = await send(
      'POST',
      url('/q2/token'),
      JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
      {
        'content-type': 'application/json',
      },
    );
    assert.equal(asJson.status, 400, asJson.text);
    assert.equal(json(asJson).access_token, undefined);

    // events: the issued tokens are taken
    assert.equal((await postEvent('/q2/events', 't1-ok', { authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await postEvent('/q2/events', 't1-ok-basic', { authorization: `Bearer ${basicToken}` })).status, 200);
    await emitted('t1-ok');
    await emitted('t1-ok-basic');

    // …and nothing else
    const madeUp = `${token.split('.').slice(0, 2).join('.')}.${Buffer.from('forged signature bytes!!').toString('base64url')}`;
    const tokenB = await issueToken('/q2/token-b');
    const refused: Array<[string, Record<string, string>]> = [
      ['t1-none', {}],
      ['t1-made-up', { authorization: 'Bearer made-up-token' }],
      ['t1-forged', { authorization: `Bearer ${madeUp}` }],
      ['t1-static', { authorization: `Bearer ${STATIC_BEARER}` }],
      ['t1-basic-header', { authorization: `Basic ${basic}` }],
      ['t1-other-route', { authorization: `Bearer ${tokenB}` }],
    ];
    for (const [id, headers] of refused) {
      const answer = await postEvent('/q2/events', id, headers);
      assert.equal(answer.status, 401, `${id}: ${answer.status} ${answer.text}`);
      assert.deepEqual(json(answer), { received: false });
    }
    // and the other route takes only its own token
    assert.equal((await postEvent('/q2/events-b', 't1-b-foreign', { authorization: `Bearer ${token}` })).status, 401);
    assert.equal((await postEvent('/q2/events-b', 't1-b-ok', { authorization: `Bearer ${tokenB}` })).status, 200);
    await emitted('t1-b-ok');
    await notEmitted(...refused.map(([id]) => id), 't1-b-foreign');
  });

  it('2. OAuth end to end: the simulator fetches a token from the node, as Q2 does, delivers with it and reuses it', async () => {
    await deploy([{ url: '/q2/events', oauthPath: '/q2/token', credentials: { oauthClientId: CLIENT_ID, oauthClientSecret: CLIENT_SECRET } }]);
    await configureSim({ url: url('/q2/events'), oauth: { tokenUrl: url('/q2/token'), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    const before = await control('GET', '');
    assert.equal(json(before).tokenRequests, 0);

    const first = await simEmit('t2-first');
    assert.equal(first.status, 200, JSON.stringify(first));
    await emitted('t2-first');
    assert.equal(json(await control('GET', '')).tokenRequests, 1, 'one token request');

    const second = await simEmit('t2-second');
    assert.equal(second.status, 200, JSON.stringify(second));
    await emitted('t2-second');
    assert.equal(json(await control('GET', '')).tokenRequests, 1, 'the token is reused');

    // a wrong secret at the emitter: its token request is refused and the event is not posted
    await configureSim({ url: url('/q2/events'), oauth: { tokenUrl: url('/q2/token'), clientId: CLIENT_ID, clientSecret: OTHER_SECRET } });
    const wrong = await simEmit('t2-wrong-secret');
    assert.deepEqual([wrong.status, wrong.error], [0, 'token: HTTP 401']);
    await notEmitted('t2-wrong-secret');
    await control('DELETE', '');
  });

  it('3. fail closed: a token path without client credentials refuses every event and every token request', async () => {
    await deploy([
      { url: '/q2/events', oauthPath: '/q2/token', credentials: {} },
      { url: '/q2/events-id-only', oauthPath: '/q2/token-id-only', credentials: { oauthClientId: CLIENT_ID } },
      // a static bearer does not stand in for the missing OAuth client
      { url: '/q2/events-static', oauthPath: '/q2/token-static', credentials: { oauthClientSecret: CLIENT_SECRET, bearerToken: STATIC_BEARER } },
      // a working node, whose token must not open the others
      { url: '/q2/events-good', oauthPath: '/q2/token-good', credentials: { oauthClientId: CLIENT_ID, oauthClientSecret: CLIENT_SECRET } },
    ]);
    const goodToken = await issueToken('/q2/token-good');
    const ids: string[] = [];
    for (const suffix of ['', '-id-only', '-static']) {
      for (const token of ['', 'made-up', STATIC_BEARER, goodToken]) {
        const id = `t3${suffix}-${ids.length}`;
        ids.push(id);
        const answer = await postEvent(`/q2/events${suffix}`, id, token ? { authorization: `Bearer ${token}` } : {});
        assert.equal(answer.status, 401, `${id}: ${answer.status} ${answer.text}`);
      }
      const attempts: Array<Record<string, string>> = [
        { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
        { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: '' },
        { grant_type: 'client_credentials', client_id: '', client_secret: '' },
        { grant_type: 'client_credentials' },
      ];
      for (const params of attempts) {
        const answer = await tokenRequest(`/q2/token${suffix}`, params);
        assert.equal(answer.status, 401, `token${suffix} ${JSON.stringify(params)}: ${answer.status} ${answer.text}`);
        assert.equal(json(answer).access_token, undefined);
      }
    }
    assert.equal((await postEvent('/q2/events-good', 't3-good', { authorization: `Bearer ${goodToken}` })).status, 200);
    await emitted('t3-good');
    await notEmitted(...ids);
    assert.ok(
      runtime.log.some((l) => /\[error\]/.test(l) && /OAuth token path is set but the OAuth client id or secret is missing/.test(l)),
      'the misconfiguration is logged as an error',
    );
  });

  it('4. JWE key rotation: two PEM keys (then a private JWKS with kids) decrypt by kid; a third key is refused', async () => {
    const rotate = async (label: string, expectedKids?: [string, string]): Promise<void> => {
      const keys = await publishedKeys('/q2/jwks');
      assert.equal(keys.length, 2, JSON.stringify(keys));
      const kidA = kidOf(keys, keyA);
      const kidB = kidOf(keys, keyB);
      if (expectedKids) assert.deepEqual([kidA, kidB], expectedKids);
      else {
        // PEM keys: the RFC 7638 thumbprint
        assert.equal(kidA, await calculateJwkThumbprint(keyA.publicJwk, 'sha256'));
        assert.equal(kidB, await calculateJwkThumbprint(keyB.publicJwk, 'sha256'));
      }
      const target = url('/q2/events');
      const cases: Array<[string, Record<string, unknown>, number]> = [
        [`t4-${label}-a`, { publicKey: keyA.spki, kid: kidA }, 200],
        [`t4-${label}-b`, { publicKey: keyB.spki, kid: kidB }, 200],
        // no kid: each key in turn
        [`t4-${label}-b-nokid`, { publicKey: keyB.spki }, 200],
        // a third key, named or not
        [`t4-${label}-c`, { publicKey: keyC.spki, kid: await calculateJwkThumbprint(keyC.publicJwk, 'sha256') }, 400],
        [`t4-${label}-c-nokid`, { publicKey: keyC.spki }, 400],
        // a kid names one key only: B's payload under A's kid is refused
        [`t4-${label}-b-as-a`, { publicKey: keyB.spki, kid: kidA }, 400],
      ];
      for (const [id, encryption, status] of cases) {
        await configureSim({ url: target, encryption });
        const delivery = await simEmit(id);
        assert.equal(delivery.status, status, `${id}: ${JSON.stringify(delivery)}`);
      }
      for (const [id, , status] of cases) if (status === 200) await emitted(id);
      await notEmitted(...cases.filter(([, , status]) => status !== 200).map(([id]) => id));
      // a plain (unencrypted) event is refused while keys are set
      assert.equal((await postEvent('/q2/events', `t4-${label}-plain`)).status, 400);
      await notEmitted(`t4-${label}-plain`);
    };

    await deploy([{ url: '/q2/events', jwksPath: '/q2/jwks', credentials: { decryptionKey: `${keyA.pkcs8}\n${keyB.pkcs8}` } }]);
    await rotate('pem');

    const privateJwk = async (pair: RsaPair, kid: string): Promise<JWK> => {
      const jwk = { ...(await exportJWK(pair.privateKey)), kid };
      secrets.add(jwk.d ?? '');
      return jwk;
    };
    const jwks = JSON.stringify({ keys: [await privateJwk(keyA, 'rot-2025-01'), await privateJwk(keyB, 'rot-2025-06')] });
    await deploy([{ url: '/q2/events', jwksPath: '/q2/jwks', credentials: { decryptionKey: jwks } }]);
    await rotate('jwks', ['rot-2025-01', 'rot-2025-06']);
    await control('DELETE', '');
  });

  it('5. the published JWKS: one public key per decryption key, nothing private, usable to encrypt; 404 without keys', async () => {
    await deploy([
      { url: '/q2/events', jwksPath: '/q2/jwks', credentials: { decryptionKey: `${keyA.pkcs8}\n${keyB.pkcs8}` } },
      { url: '/q2/events-nokeys', jwksPath: '/q2/jwks-nokeys' },
    ]);
    const answer = await send('GET', url('/q2/jwks'));
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
    assertPublicOnly(answer);
    const body = json(answer);
    assert.deepEqual(Object.keys(body), ['keys']);
    const keys = body.keys as JWK[];
    assert.equal(keys.length, 2);
    for (const key of keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'], JSON.stringify(key));
      assert.deepEqual([key.kty, key.use, key.alg, key.e], ['RSA', 'enc', 'RSA-OAEP', 'AQAB']);
      assert.equal(typeof key.kid, 'string');
      assert.ok(key.n && key.n.length > 300, 'a 2048-bit modulus');
    }
    assert.deepEqual(
      keys.map((k) => k.n),
      [keyA.publicJwk.n, keyB.publicJwk.n],
    );

    // what Q2 does with the published key: encrypt to it, naming it by kid
    for (const [i, key] of keys.entries()) {
      const id = `t5-published-${i}`;
      const jwe = await new CompactEncrypt(new TextEncoder().encode(eventBody(id)))
        .setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: key.kid })
        .encrypt(await importJWK(key, 'RSA-OAEP'));
      const posted = await send('POST', url('/q2/events'), jwe, { 'content-type': 'application/jose+json' });
      assert.equal(posted.status, 200, `${id}: ${posted.text}`);
      await emitted(id);
    }
    // encrypted to a key not published: refused
    const foreign = await new CompactEncrypt(new TextEncoder().encode(eventBody('t5-foreign')))
      .setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: keys[0].kid })
      .encrypt(keyC.publicKey);
    assert.equal((await send('POST', url('/q2/events'), foreign, { 'content-type': 'application/jose+json' })).status, 400);
    await notEmitted('t5-foreign');

    const empty = await send('GET', url('/q2/jwks-nokeys'));
    assert.equal(empty.status, 404, empty.text);
    assert.ok(runtime.log.some((l) => /\[warn\]/.test(l) && /public key path is set but no decryption key is entered/.test(l)));
  });

  it('5b. a node that refuses its decryption keys (more than 8) publishes none of them', async () => {
    const extra = await Promise.all(Array.from({ length: 6 }, () => rsaPair()));
    for (const pair of extra) for (const fragment of pemFragments(pair.pkcs8)) secrets.add(fragment);
    const nine = [keyA, keyB, keyC, ...extra];
    await deploy([{ url: '/q2/events', jwksPath: '/q2/jwks', credentials: { decryptionKey: nine.map((p) => p.pkcs8).join('\n') } }]);
    // the node is in error: every event is refused, even one encrypted to the first of its keys…
    const jwe = await new CompactEncrypt(new TextEncoder().encode(eventBody('t5b-refused')))
      .setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM' })
      .encrypt(keyA.publicKey);
    assert.equal((await send('POST', url('/q2/events'), jwe, { 'content-type': 'application/jose+json' })).status, 401);
    await notEmitted('t5b-refused');
    assert.ok(runtime.log.some((l) => /\[error\]/.test(l) && /more than 8 decryption keys/.test(l)));
    // …so no key of it may be offered to Q2 to encrypt to
    const published = await send('GET', url('/q2/jwks'));
    assert.notEqual(published.status, 200, `a node that refuses every event publishes its keys: ${published.status} ${published.text.slice(0, 80)}…`);
    assert.doesNotMatch(published.text, /"kty"/);
  });

  it("6. the Biller Direct connection's published signing JWKS: one RS256 public key that verifies its signatures", async () => {
    const signing = await rsaPair('RS256');
    for (const fragment of pemFragments(signing.pkcs8)) secrets.add(fragment);
    // no node uses these connections: Node-RED still starts every config node of a flow
    await deploy(
      [],
      [
        {
          type: 'q2-billerdirect-config',
          name: 'bd',
          environment: 'custom',
          baseUrl: `${sim.url}/v1`,
          jwksPath: '/q2/signing-jwks',
          credentials: { apiKey: 'sandbox-api-key', signingKey: signing.pkcs8 },
        },
        { type: 'q2-billerdirect-config', name: 'bd-nokey', environment: 'sandbox', jwksPath: '/q2/signing-jwks-nokey', credentials: { apiKey: 'k' } },
      ],
    );
    const answer = await send('GET', url('/q2/signing-jwks'));
    assert.equal(answer.status, 200, answer.text);
    assertPublicOnly(answer);
    const keys = json(answer).keys as JWK[];
    assert.equal(keys.length, 1, answer.text);
    const [jwk] = keys;
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.deepEqual([jwk.kty, jwk.alg, jwk.use, jwk.n, jwk.e], ['RSA', 'RS256', 'sig', signing.publicJwk.n, signing.publicJwk.e]);
    assert.equal(jwk.kid, await calculateJwkThumbprint(signing.publicJwk, 'sha256'));

    // a signature made with the private key (as the connection signs requests) verifies with the published key
    const data = Buffer.from('POST:/v1/client/create-token:sandbox-api-key:2025-06-10T12:00:00.000Z');
    const signature = crypto.sign('sha256', data, { key: crypto.KeyObject.from(signing.privateKey), padding: crypto.constants.RSA_PKCS1_PADDING });
    const published = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' });
    assert.ok(crypto.verify('sha256', data, { key: published, padding: crypto.constants.RSA_PKCS1_PADDING }, signature));
    const otherSignature = crypto.sign('sha256', data, crypto.KeyObject.from(keyC.privateKey));
    assert.ok(!crypto.verify('sha256', data, published, otherSignature), 'another key does not verify');
    const jws = await new CompactSign(data).setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).sign(signing.privateKey);
    const verified = await compactVerify(jws, await importJWK(jwk, 'RS256'));
    assert.deepEqual(Buffer.from(verified.payload), data);

    const none = await send('GET', url('/q2/signing-jwks-nokey'));
    assert.equal(none.status, 404, none.text);
    assert.ok(runtime.log.some((l) => /\[warn\]/.test(l) && /public key path is set on the Biller Direct connection but it has no signing key/.test(l)));
  });

  it('7. redeploy: routes of removed settings answer 404; the same paths with new settings serve only the new ones', async () => {
    const signing = await rsaPair('RS256');
    for (const fragment of pemFragments(signing.pkcs8)) secrets.add(fragment);
    const connection = (): NodeSpec => ({
      type: 'q2-billerdirect-config',
      environment: 'sandbox',
      jwksPath: '/q2/signing-jwks',
      credentials: { apiKey: 'k', signingKey: signing.pkcs8 },
    });
    await deploy(
      [
        {
          url: '/q2/events',
          oauthPath: '/q2/token',
          jwksPath: '/q2/jwks',
          credentials: { oauthClientId: CLIENT_ID, oauthClientSecret: CLIENT_SECRET, decryptionKey: keyA.pkcs8 },
        },
      ],
      [connection()],
    );
    const oldToken = await issueToken('/q2/token');
    assert.equal((await send('GET', url('/q2/jwks'))).status, 200);
    assert.equal((await send('GET', url('/q2/signing-jwks'))).status, 200);

    // the same paths, another secret and another key: the first node's routes must be gone, not shadowing
    await deploy(
      [
        {
          url: '/q2/events',
          oauthPath: '/q2/token',
          jwksPath: '/q2/jwks',
          credentials: { oauthClientId: CLIENT_ID, oauthClientSecret: OTHER_SECRET, decryptionKey: keyB.pkcs8 },
        },
      ],
      [connection()],
    );
    const refusedOld = await tokenRequest('/q2/token', { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(refusedOld.status, 401, refusedOld.text);
    const newToken = await issueToken('/q2/token', OTHER_SECRET);
    const keys = await publishedKeys('/q2/jwks');
    assert.deepEqual(
      keys.map((k) => k.n),
      [keyB.publicJwk.n],
    );
    const jwe = async (id: string, key: KeyLike): Promise<string> =>
      new CompactEncrypt(new TextEncoder().encode(eventBody(id))).setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM' }).encrypt(key);
    const post = async (id: string, token: string, key: KeyLike): Promise<number> =>
      (await send('POST', url('/q2/events'), await jwe(id, key), { 'content-type': 'application/jose+json', authorization: `Bearer ${token}` })).status;
    assert.equal(await post('t7-old-token', oldToken, keyB.publicKey), 401);
    assert.equal(await post('t7-old-key', newToken, keyA.publicKey), 400);
    assert.equal(await post('t7-new', newToken, keyB.publicKey), 200);
    await emitted('t7-new');
    await notEmitted('t7-old-token', 't7-old-key');

    // without those paths: 404
    await deploy([{ url: '/q2/events' }]);
    const gone: Array<[string, string]> = [
      ['POST', '/q2/token'],
      ['GET', '/q2/jwks'],
      ['GET', '/q2/signing-jwks'],
    ];
    for (const [method, route] of gone) {
      const answer =
        method === 'POST'
          ? await tokenRequest(route, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: OTHER_SECRET })
          : await send(method, url(route));
      assert.equal(answer.status, 404, `${method} ${route}: ${answer.status} ${answer.text}`);
      assert.doesNotMatch(answer.text, /access_token|"keys"/);
    }
    // and the event route, no longer asking for a token, takes a plain event
    assert.equal((await postEvent('/q2/events', 't7-plain')).status, 200);
    await emitted('t7-plain');
  });

  it('8. no client secret, issued token or private key text appears in the Node-RED log', () => {
    const log = runtime.log.join('\n');
    // the log is being read: the refusals and misconfigurations above were logged
    assert.match(log, /a token request was refused with HTTP 401 \(invalid_client\)/);
    assert.match(log, /Q2 webhook: .*401/);
    assert.ok(secrets.size >= 15, `secrets gathered: ${secrets.size}`);
    for (const secret of secrets) {
      assert.ok(secret.length >= 12, 'each secret is long enough to mean something');
      assert.ok(!log.includes(secret), `the log carries a secret (${secret.slice(0, 6)}…)`);
    }
    assert.doesNotMatch(log, /PRIVATE KEY/);
    assert.doesNotMatch(log, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, 'no JWT or JWE');
  });
});
