/**
 * The connection's HTTP client goes through a proxy as core's `http request` node does: a chosen core
 * `http proxy` config node, else the environment (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, lower case first), read
 * at deploy. Requests (token and action) tunnel through the proxy with CONNECT; exempt hosts go direct. The
 * rules themselves are unit-tested in proxy-env.test.ts; here they are seen end to end, on the real runtime.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import helper from 'node-red-node-test-helper';
import { caughtTexts, CONNECTION_CREDENTIALS, flowWith, type FlowNode, NODES, send, simulatorContext, spiedTexts, useSimulator } from './harness';
import { PROXY_ENV_NAMES } from '../lib/connection/proxy-env';
import httpProxyNode = require('@node-red/nodes/core/network/06-httpproxy.js');
import tlsConfigNode = require('@node-red/nodes/core/network/05-tls.js');

const ctx = simulatorContext();

interface TestProxy {
  url: string;
  /** the CONNECT targets (host:port) it tunnelled */
  tunnels: string[];
  /** the Proxy-Authorization header of each CONNECT ('' without one) */
  auth: string[];
  close(): Promise<void>;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((done) => {
      for (const s of sockets) s.destroy();
      server.close(() => done());
    });
}

function track(sockets: Set<net.Socket>, ...list: net.Socket[]): void {
  for (const s of list) {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  }
}

/**
 * A minimal CONNECT proxy on loopback that records the tunnels it opened and connects each to the requested port
 * on loopback, whatever the host name; with `auth`, it wants that Basic user:password (407 otherwise).
 */
function startProxy(auth?: string): Promise<TestProxy> {
  const tunnels: string[] = [];
  const auths: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const given = req.headers['proxy-authorization'] ?? '';
    auths.push(given);
    track(sockets, client);
    if (auth !== undefined && given !== `Basic ${Buffer.from(auth).toString('base64')}`) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    tunnels.push(req.url ?? '');
    const port = Number((req.url ?? '').split(':').pop());
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(sockets, upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, tunnels, auth: auths, close: closer(server, sockets) });
    }),
  );
}

/** A loopback port nothing listens on (a proxy that is down). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- a throw-away self-signed certificate (DER by hand: Node has no X.509 writer) --------------------------------

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

function selfSigned(): { key: string; cert: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const seq = (...parts: Buffer[]) => der(0x30, ...parts);
  const ecdsaSha256 = seq(Buffer.from('06082a8648ce3d040302', 'hex'));
  const name = seq(der(0x31, seq(Buffer.from('0603550403', 'hex'), der(0x0c, Buffer.from('q2 proxy test')))));
  const utc = (ms: number) => der(0x17, Buffer.from(`${new Date(ms).toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const tbs = seq(der(0x02, Buffer.from([1])), ecdsaSha256, name, seq(utc(Date.now() - 86_400_000), utc(Date.now() + 86_400_000)), name, spki);
  const certificate = seq(tbs, ecdsaSha256, der(0x03, Buffer.from([0]), sign('sha256', tbs, privateKey)));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
  };
}

/** An https front for the simulator: TLS on a loopback port, the plain bytes piped to the simulator. */
function startHttpsFront(simUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const sim = new URL(simUrl);
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(selfSigned(), (socket) => {
    const upstream = net.connect(Number(sim.port), sim.hostname);
    track(sockets, socket, upstream);
    socket.pipe(upstream).pipe(socket);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: `https://127.0.0.1:${port}`, close: closer(server, sockets) });
    }),
  );
}

// ---- the environment --------------------------------------------------------------------------------------------

const PROXY_VARIABLES = [...PROXY_ENV_NAMES, 'nr_proxy_mode'].flatMap((name) => [name, name.toUpperCase()]);

/** Clears the proxy variables before each test (the runner's own must not steer these tests) and restores them after. */
function useCleanProxyEnv(): void {
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = {};
    for (const name of PROXY_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of PROXY_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
}

function setEnv(values: Record<string, string>): void {
  Object.assign(process.env, values);
}

const DELETE_USER: FlowNode = { id: 'n1', type: 'q2-delete-user', userID: '3' };

/** The flow succeeded: the message reached the output with HTTP 200, and the simulator saw the token and action requests. */
async function succeeds(): Promise<void> {
  const { out, caught } = await send({});
  assert.equal(caught, undefined, caught?.error?.message);
  assert.equal(out?.statusCode, 200);
  assert.equal(ctx.sim.server.requests.length, 2, 'token and action requests');
}

function simHostPort(): string {
  return new URL(ctx.sim.url).host;
}

describe('connection through a core http proxy node', () => {
  useSimulator(ctx);
  useCleanProxyEnv();

  it('tunnels the token and action requests through the proxy', async () => {
    const proxy = await startProxy();
    try {
      const flow = flowWith(ctx.sim.url, [DELETE_USER], { proxy: 'proxy1' });
      flow.push({ id: 'proxy1', type: 'http proxy', url: proxy.url, noproxy: [] });
      await helper.load([...NODES, httpProxyNode], flow, { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.ok(proxy.tunnels.length >= 1, 'at least one tunnel');
      assert.ok(
        proxy.tunnels.every((t) => t === simHostPort()),
        JSON.stringify(proxy.tunnels),
      );
    } finally {
      await proxy.close();
    }
  });

  it('goes direct for a host in the no-proxy list', async () => {
    const proxy = await startProxy();
    try {
      const flow = flowWith(ctx.sim.url, [DELETE_USER], { proxy: 'proxy1' });
      flow.push({ id: 'proxy1', type: 'http proxy', url: proxy.url, noproxy: ['127.0.0.1'] });
      await helper.load([...NODES, httpProxyNode], flow, { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.deepEqual(proxy.tunnels, []);
    } finally {
      await proxy.close();
    }
  });

  it('wins over the environment: its proxy is used, and the environment’s NO_PROXY does not apply', async () => {
    const chosen = await startProxy();
    const fromEnv = await startProxy();
    try {
      setEnv({ HTTP_PROXY: fromEnv.url, HTTPS_PROXY: fromEnv.url, NO_PROXY: '127.0.0.1' });
      const flow = flowWith(ctx.sim.url, [DELETE_USER], { proxy: 'proxy1' });
      flow.push({ id: 'proxy1', type: 'http proxy', url: chosen.url, noproxy: [] });
      await helper.load([...NODES, httpProxyNode], flow, { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.ok(chosen.tunnels.length >= 1, 'the chosen proxy tunnelled');
      assert.deepEqual(fromEnv.tunnels, [], 'the environment’s proxy saw nothing');
    } finally {
      await chosen.close();
      await fromEnv.close();
    }
  });
});

describe('connection through a proxy from the environment', () => {
  useSimulator(ctx);
  useCleanProxyEnv();
  let proxy: TestProxy;
  /** a second proxy: set where a variable must NOT be used, it proves so by seeing nothing */
  let decoy: TestProxy;
  beforeEach(async () => {
    proxy = await startProxy();
    decoy = await startProxy();
  });
  afterEach(async () => {
    await proxy.close();
    await decoy.close();
  });

  it('tunnels requests to an https base URL through HTTPS_PROXY (not HTTP_PROXY)', async () => {
    const front = await startHttpsFront(ctx.sim.url);
    try {
      setEnv({ HTTPS_PROXY: proxy.url, HTTP_PROXY: decoy.url });
      const flow = flowWith(front.url, [DELETE_USER], { tls: 'tls1' });
      flow.push({ id: 'tls1', type: 'tls-config', cert: '', key: '', ca: '', verifyservercert: false });
      await helper.load([...NODES, tlsConfigNode], flow, { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      const target = new URL(front.url).host;
      assert.ok(proxy.tunnels.length >= 1, 'at least one tunnel');
      assert.ok(
        proxy.tunnels.every((t) => t === target),
        JSON.stringify(proxy.tunnels),
      );
      assert.deepEqual(decoy.tunnels, []);
    } finally {
      await front.close();
    }
  });

  it('does not fall back to HTTP_PROXY for an https base URL (as core)', async () => {
    const front = await startHttpsFront(ctx.sim.url);
    try {
      setEnv({ HTTP_PROXY: decoy.url });
      const flow = flowWith(front.url, [DELETE_USER], { tls: 'tls1' });
      flow.push({ id: 'tls1', type: 'tls-config', cert: '', key: '', ca: '', verifyservercert: false });
      await helper.load([...NODES, tlsConfigNode], flow, { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.deepEqual(decoy.tunnels, []);
    } finally {
      await front.close();
    }
  });

  it('tunnels requests to an http base URL through HTTP_PROXY (not HTTPS_PROXY)', async () => {
    setEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: decoy.url });
    await helper.load(NODES, flowWith(ctx.sim.url, [DELETE_USER]), { conn: CONNECTION_CREDENTIALS });
    await succeeds();
    assert.ok(proxy.tunnels.length >= 1, 'at least one tunnel');
    assert.ok(
      proxy.tunnels.every((t) => t === simHostPort()),
      JSON.stringify(proxy.tunnels),
    );
    assert.deepEqual(decoy.tunnels, []);
  });

  for (const [lower, upper] of [
    ['http_proxy', 'HTTP_PROXY'],
    ['all_proxy', 'ALL_PROXY'],
  ]) {
    it(`takes the lower-case ${lower} over ${upper} (as core)`, async () => {
      setEnv({ [lower]: proxy.url, [upper]: decoy.url });
      await helper.load(NODES, flowWith(ctx.sim.url, [DELETE_USER]), { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.ok(proxy.tunnels.length >= 1, `${lower} used`);
      assert.deepEqual(decoy.tunnels, [], `${upper} not used`);
    });
  }

  it('takes the lower-case https_proxy for an https base URL', async () => {
    const front = await startHttpsFront(ctx.sim.url);
    try {
      setEnv({ https_proxy: proxy.url });
      const flow = flowWith(front.url, [DELETE_USER], { tls: 'tls1' });
      flow.push({ id: 'tls1', type: 'tls-config', cert: '', key: '', ca: '', verifyservercert: false });
      await helper.load([...NODES, tlsConfigNode], flow, { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.ok(proxy.tunnels.length >= 1, 'at least one tunnel');
    } finally {
      await front.close();
    }
  });

  /** the simulator's URL with another host name (the test proxy connects every tunnel to loopback) */
  const simAs = (host: string) => ctx.sim.url.replace('127.0.0.1', host);
  const exempting: [string, string, (port: string) => Record<string, string>][] = [
    ['NO_PROXY with the host', '127.0.0.1', () => ({ NO_PROXY: 'example.com, 127.0.0.1' })],
    ['no_proxy (lower case) with host:port', '127.0.0.1', (port) => ({ no_proxy: `127.0.0.1:${port}` })],
    ['NO_PROXY=*', '127.0.0.1', () => ({ NO_PROXY: '*' })],
    ['NO_PROXY with * among other entries', '127.0.0.1', () => ({ NO_PROXY: 'example.com,*' })],
    ['NO_PROXY with a *suffix of the host', 'localhost', () => ({ NO_PROXY: '*HOST' })],
  ];
  for (const [what, host, env] of exempting) {
    it(`goes direct for ${what}: the proxy sees nothing`, async () => {
      setEnv({ HTTP_PROXY: proxy.url, ...env(new URL(ctx.sim.url).port) });
      await helper.load(NODES, flowWith(simAs(host), [DELETE_USER]), { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.deepEqual(proxy.tunnels, []);
    });
  }

  // the last two are where curl differs from core: curl would exempt both (so a direct connection, and
  // api.q2.test does not resolve: the request would fail)
  const notExempting: [string, string, Record<string, string>][] = [
    ['another port of the host', '127.0.0.1', { NO_PROXY: '127.0.0.1:1' }],
    ['.localhost, for localhost itself', 'localhost', { NO_PROXY: '.localhost' }],
    ['q2.test (a bare entry: that host only), for api.q2.test', 'api.q2.test', { NO_PROXY: 'q2.test' }],
  ];
  for (const [what, host, env] of notExempting) {
    it(`still tunnels for a NO_PROXY with ${what}`, async () => {
      setEnv({ HTTP_PROXY: proxy.url, ...env });
      await helper.load(NODES, flowWith(simAs(host), [DELETE_USER]), { conn: CONNECTION_CREDENTIALS });
      await succeeds();
      assert.ok(proxy.tunnels.length >= 1, 'tunnelled');
      assert.ok(
        proxy.tunnels.every((t) => t === `${host}:${new URL(ctx.sim.url).port}`),
        JSON.stringify(proxy.tunnels),
      );
    });
  }

  it('reads the environment at deploy, not per request', async () => {
    setEnv({ HTTP_PROXY: proxy.url });
    await helper.load(NODES, flowWith(ctx.sim.url, [DELETE_USER]), { conn: CONNECTION_CREDENTIALS });
    setEnv({ HTTP_PROXY: decoy.url, NO_PROXY: '*' });
    await succeeds();
    assert.ok(proxy.tunnels.length >= 1, 'the proxy of the deploy');
    assert.deepEqual(decoy.tunnels, []);
  });

  it('sends the credentials of the proxy URL (percent-decoded) and shows them nowhere', async () => {
    const user = 'svc@q2';
    const password = 'pa:ss w0rd!';
    const guarded = await startProxy(`${user}:${password}`);
    try {
      const origin = new URL(guarded.url);
      setEnv({ HTTP_PROXY: `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${origin.host}` });
      await helper.load(NODES, flowWith(ctx.sim.url, [DELETE_USER]), { conn: CONNECTION_CREDENTIALS });
      const { out, caught } = await send({});
      assert.equal(caught, undefined, caught?.error?.message);
      assert.equal(out?.statusCode, 200);
      assert.ok(guarded.tunnels.length >= 1, `tunnelled with the credentials (sent: ${JSON.stringify(guarded.auth)})`);
      for (const { where, text } of [...spiedTexts(), { where: 'output message', text: JSON.stringify(out) }]) {
        assert.ok(!text.includes(password) && !text.includes(encodeURIComponent(password)), `the proxy password in ${where}: ${text}`);
      }
    } finally {
      await guarded.close();
    }
  });

  it('a dead proxy from the environment: Catch names its origin, never its credentials', async () => {
    const port = await deadPort();
    setEnv({ HTTP_PROXY: `http://agent007:Sh4ken-n0t-stirred@127.0.0.1:${port}` });
    await helper.load(NODES, flowWith(ctx.sim.url, [DELETE_USER], { retryAttempts: 1 }), { conn: CONNECTION_CREDENTIALS });
    const { out, caught } = await send({});
    assert.equal(out, undefined, 'the message did not reach the output');
    const message = caught?.error?.message ?? '';
    assert.match(message, new RegExp(`ECONNREFUSED via proxy http://127\\.0\\.0\\.1:${port}\\b`), message);
    assert.equal(ctx.sim.server.requests.length, 0, 'nothing reached the simulator');
    for (const { where, text } of [...spiedTexts(), ...caughtTexts(caught ? [caught] : [])]) {
      assert.ok(!text.includes('Sh4ken') && !text.includes('agent007'), `the proxy credentials in ${where}: ${text}`);
    }
  });

  it('an unusable proxy URL fails the request (no silent direct connection) without showing the value', async () => {
    setEnv({ HTTP_PROXY: 'socks5://agent007:Sh4ken@127.0.0.1:1080' });
    await helper.load(NODES, flowWith(ctx.sim.url, [DELETE_USER], { retryAttempts: 1 }), { conn: CONNECTION_CREDENTIALS });
    const { out, caught } = await send({});
    assert.equal(out, undefined, 'the message did not reach the output');
    assert.match(caught?.error?.message ?? '', /invalid proxy URL/);
    assert.equal(ctx.sim.server.requests.length, 0, 'nothing reached the simulator');
    for (const { where, text } of [...spiedTexts(), ...caughtTexts(caught ? [caught] : [])]) {
      assert.ok(!text.includes('Sh4ken') && !text.includes('agent007'), `the proxy credentials in ${where}: ${text}`);
    }
  });
});
