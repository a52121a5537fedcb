/**
 * The connection's HTTP client honours a core `http proxy` config node: requests (token and action) tunnel
 * through the proxy with CONNECT, and hosts in its no-proxy list go direct.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import helper from 'node-red-node-test-helper';
import { CONNECTION_CREDENTIALS, flowWith, NODES, send, simulatorContext, useSimulator } from './harness';
import httpProxyNode = require('@node-red/nodes/core/network/06-httpproxy.js');

const ctx = simulatorContext();

/** A minimal CONNECT proxy on loopback that counts the tunnels it opened. */
function startProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        tunnels,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}

describe('connection through a core http proxy node', () => {
  useSimulator(ctx);
  it('tunnels the token and action requests through the proxy', async () => {
    const { sim } = ctx;
    const proxy = await startProxy();
    try {
      const flow = flowWith(sim.url, [{ id: 'n1', type: 'q2-delete-user', userID: '3' }], { proxy: 'proxy1' });
      flow.push({ id: 'proxy1', type: 'http proxy', url: proxy.url, noproxy: [] });
      await helper.load([...NODES, httpProxyNode], flow, { conn: CONNECTION_CREDENTIALS });
      const { out, caught } = await send({});
      assert.equal(caught, undefined, caught?.error?.message);
      assert.equal(out?.statusCode, 200);
      const port = new URL(sim.url).port;
      assert.ok(proxy.tunnels.length >= 1, 'at least one tunnel');
      assert.ok(
        proxy.tunnels.every((t) => t === `127.0.0.1:${port}`),
        JSON.stringify(proxy.tunnels),
      );
      assert.equal(sim.server.requests.length, 2);
    } finally {
      await proxy.close();
    }
  });

  it('goes direct for a host in the no-proxy list', async () => {
    const { sim } = ctx;
    const proxy = await startProxy();
    try {
      const flow = flowWith(sim.url, [{ id: 'n1', type: 'q2-delete-user', userID: '3' }], { proxy: 'proxy1' });
      flow.push({ id: 'proxy1', type: 'http proxy', url: proxy.url, noproxy: ['127.0.0.1'] });
      await helper.load([...NODES, httpProxyNode], flow, { conn: CONNECTION_CREDENTIALS });
      const { out } = await send({});
      assert.equal(out?.statusCode, 200);
      assert.deepEqual(proxy.tunnels, []);
    } finally {
      await proxy.close();
    }
  });
});
