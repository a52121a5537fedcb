/**
 * Diagnostics a user sees without sending anything (issue: the editor and the world a bank runs it in): at deploy, a
 * node whose connection has no credentials, a bad base URL or a `${VAR}` that is not set says so in its status; the
 * variable is named (never its value: there is none); a set variable works. Network errors name the origin they
 * tried (scheme, host, port — never path, query or user) and timeouts state the limit.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeStatus } from 'node-red';
import type { SinonSpy } from 'sinon';
import { startSimulator } from '../lib/simulator';
import {
  bdFlowWith,
  coreproFlowWith,
  flowWith,
  helper,
  load,
  loadBillerDirect,
  loadCorePro,
  NODES,
  send,
  simulatorContext,
  statusesOf,
  useSimulator,
  type FlowNode,
  type Msg,
} from './harness';

const ctx = simulatorContext();
const deleteUser: FlowNode = { id: 'n1', type: 'q2-delete-user', userID: '3' };

async function statusAtDeploy(id = 'n1'): Promise<NodeStatus | undefined> {
  await new Promise((r) => setImmediate(r));
  return statusesOf(id).at(-1);
}

function caughtMessage(msg: Msg | undefined): string {
  assert.ok(msg, 'the message reached Catch');
  return (msg as Msg & { error: { message: string } }).error.message;
}

describe('diagnostics: status at deploy, named variables, origins in network errors', function () {
  useSimulator(ctx);
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  describe('a connection without credentials shows it as soon as the flow starts', () => {
    it('Q2 Platform: a yellow ring "no credentials", before any message', async () => {
      await load(flowWith(ctx.sim.url, [deleteUser]), { conn: {} });
      assert.deepEqual(await statusAtDeploy(), { fill: 'yellow', shape: 'ring', text: 'no credentials' });
    });

    it('Biller Direct and CorePro alike; with credentials, no status at deploy', async () => {
      await loadBillerDirect(bdFlowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-billerdirect-company', operation: 'categories' }]), { conn: {} });
      assert.deepEqual(await statusAtDeploy(), { fill: 'yellow', shape: 'ring', text: 'no credentials' });
      await helper.unload();
      await loadCorePro(coreproFlowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-corepro-external-account', operation: 'list', customerId: '1001' }]), { conn: {} });
      assert.deepEqual(await statusAtDeploy(), { fill: 'yellow', shape: 'ring', text: 'no credentials' });
      await helper.unload();
      await load(flowWith(ctx.sim.url, [deleteUser]));
      assert.equal(await statusAtDeploy(), undefined);
    });

    it('a bad base URL: a red ring at deploy', async () => {
      await load(flowWith('not a url', [deleteUser]));
      assert.deepEqual(await statusAtDeploy(), { fill: 'red', shape: 'ring', text: 'connection invalid' });
      assert.match(caughtMessage((await send({})).caught), /base URL is not a valid http\(s\) URL/);
    });
  });

  describe('environment variables', () => {
    it('an unset ${VAR} in a setting is named at deploy (status, log) and at Catch; nothing is sent', async () => {
      delete process.env.Q2_TEST_UNSET_URL;
      await load(flowWith('${Q2_TEST_UNSET_URL}', [deleteUser]));
      assert.deepEqual(await statusAtDeploy(), { fill: 'red', shape: 'ring', text: '${Q2_TEST_UNSET_URL} not set' });
      const logged = (helper.getNode('conn').error as unknown as SinonSpy).getCalls().map((c) => String(c.args[0]));
      assert.ok(
        logged.some((l) => /baseUrl is \$\{Q2_TEST_UNSET_URL\}.*not set/.test(l)),
        JSON.stringify(logged),
      );
      ctx.sim.server.clearRequests();
      assert.match(caughtMessage((await send({})).caught), /environment variable Q2_TEST_UNSET_URL is not set/);
      assert.equal(ctx.sim.server.requests.length, 0);
    });

    it('an unset ${VAR} in a credential is named too (never a value)', async () => {
      delete process.env.Q2_TEST_UNSET_SECRET;
      await load(flowWith(ctx.sim.url, [deleteUser]), { conn: { clientId: 'demo-client', clientSecret: '${Q2_TEST_UNSET_SECRET}' } });
      assert.deepEqual(await statusAtDeploy(), { fill: 'red', shape: 'ring', text: '${Q2_TEST_UNSET_SECRET} not set' });
      assert.match(caughtMessage((await send({})).caught), /clientSecret is \$\{Q2_TEST_UNSET_SECRET\}/);
    });

    it('a set ${VAR} is used: the base URL and the timeout from the environment', async () => {
      process.env.Q2_TEST_BASE_URL = ctx.sim.url;
      process.env.Q2_TEST_TIMEOUT = '7';
      await helper.load(NODES, flowWith('${Q2_TEST_BASE_URL}', [deleteUser], { timeout: '${Q2_TEST_TIMEOUT}' }), {
        conn: { clientId: 'demo-client', clientSecret: 'demo-secret' },
      });
      const outcome = await send({});
      assert.equal(outcome.caught, undefined, outcome.caught ? caughtMessage(outcome.caught) : '');
      assert.ok(ctx.sim.server.requests.some((r) => r.path === '/v2/DeleteUser/3'));
    });
  });

  describe('network errors name the origin, timeouts the limit', () => {
    it('a refused connection: "network error (ECONNREFUSED) reaching http://127.0.0.1:PORT", no path or user', async () => {
      const down = await startSimulator({ port: 0 });
      const url = new URL(down.url);
      await down.stop();
      const withUser = `http://someone@${url.host}/deep/path?q=secret-query`;
      await load(flowWith(withUser, [deleteUser]));
      const text = caughtMessage((await send({ config: { accessToken: 'own-token' } })).caught);
      assert.match(text, new RegExp(`network error \\(ECONNREFUSED\\) reaching http://${url.host.replace(/\./g, '\\.')}$`));
      assert.doesNotMatch(text, /deep|secret-query|someone/);
    });

    it('a timeout states the limit and the origin', async () => {
      const server = http.createServer(() => undefined); // never answers
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        await load(flowWith(`http://127.0.0.1:${port}`, [deleteUser], { timeout: 0.3 }));
        const text = caughtMessage((await send({ config: { accessToken: 'own-token' } })).caught);
        assert.match(text, new RegExp(`no response within the connection's timeout of 0\\.3 s from http://127\\.0\\.0\\.1:${port}`));
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
