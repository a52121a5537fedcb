/**
 * The connection's token in the real Node-RED runtime, against the simulator over loopback: shared by every
 * node on the connection and fetched once (single flight), renewed before it expires, renewed once with one
 * retry on a 401; and the rule that the connection's credentials and token only go to its own origins.
 */
import assert from 'node:assert/strict';
import type { NodeMessage, NodeStatus } from 'node-red';
import type { SinonSpy } from 'sinon';
import { startSimulator, type RecordedRequest, type RunningSimulator } from '../lib/simulator';
import { collect, flowWith, helper, load, send, useSimulator, type FlowNode, type Msg } from './harness';

const TOKEN_PATH = '/v2/oauth2/token';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function tokenRequests(sim: RunningSimulator): RecordedRequest[] {
  return sim.server.requestsTo(TOKEN_PATH);
}

function actionRequests(sim: RunningSimulator): RecordedRequest[] {
  return sim.server.requests.filter((r) => r.path !== TOKEN_PATH);
}

function bearerOf(request: RecordedRequest | undefined): string {
  const match = /^Bearer (\S+)$/.exec(request?.headers.authorization ?? '');
  assert.ok(match, `expected a bearer token, got ${String(request?.headers.authorization)}`);
  return match[1];
}

function succeeded(outcome: { out?: Msg; caught?: Msg }): Msg {
  assert.equal(outcome.caught, undefined, outcome.caught?.error?.message);
  assert.ok(outcome.out, 'the message reached the output');
  return outcome.out;
}

function caughtError(outcome: { out?: Msg; caught?: Msg }): Msg & { error: { message: string } } {
  assert.equal(outcome.out, undefined, 'the message must not reach the output');
  assert.ok(outcome.caught?.error, 'the error reached the Catch node');
  return outcome.caught as Msg & { error: { message: string } };
}

/** The texts of the statuses node `id` showed, in order. */
function statusTexts(id: string): string[] {
  const node = helper.getNode(id);
  const spy = node.status as unknown as SinonSpy<[NodeStatus], void>;
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node)
    .map((call) => String(call.args[0].text));
}

/** A successful Q2 envelope, as a fault the foreign simulator answers with. */
function successEnvelope(requestid: string): Record<string, unknown> {
  return { data: 'User 3 deleted successfully', success: true, errors: {}, requestid, status: 200, log_ref_id: 'log-foreign' };
}

const deleteUser: FlowNode = { id: 'n1', type: 'q2-delete-user', userID: '3' };

describe('tokens (Node-RED)', () => {
  const ctx = useSimulator();

  /** A second simulator, playing a server the connection does not know. */
  let foreign: RunningSimulator;
  before(async () => {
    foreign = await startSimulator({ port: 0 });
  });
  after(async () => {
    await foreign.stop();
  });
  beforeEach(() => foreign.server.reset());

  describe('the connection token', () => {
    it('50 messages arriving together across three action nodes cause exactly one token request', async () => {
      const { sim } = ctx;
      const nodes: FlowNode[] = [
        { id: 'n1', type: 'q2-get-account-list', username: 'retail0' },
        { id: 'n2', type: 'q2-lookup-customer' },
        { id: 'n3', type: 'q2-lookup-user' },
      ];
      await load(flowWith(sim.url, nodes), { n2: { taxID: '012345678' }, n3: { ssn: '123456789' } });
      const ids = nodes.map((n) => n.id);

      const outcomes = collect(50);
      for (let i = 0; i < 50; i++) helper.getNode(ids[i % ids.length]).receive({ payload: i } as NodeMessage);
      const results = await outcomes;

      for (const result of results) {
        const out = succeeded(result);
        assert.equal((out.payload as { success: boolean }).success, true);
        assert.equal(out.statusCode, 200);
      }
      assert.equal(tokenRequests(sim).length, 1);
      assert.equal(sim.platform.tokensIssued, 1);
      const actions = actionRequests(sim);
      assert.equal(actions.length, 50);
      assert.deepEqual([...new Set(actions.map((r) => r.path))].sort(), ['/v2/GetAccountList', '/v2/LookupCustomer', '/v2/LookupUser']);
      assert.equal(new Set(actions.map(bearerOf)).size, 1, 'every request carried the same token');
      // each node showed its first message at once, and redrew its counts a few times, not once per message
      for (const id of ids) {
        assert.equal(statusTexts(id)[0], '1 in flight');
        assert.ok(statusTexts(id).length < 10, `${id}: ${statusTexts(id).length} status updates for 16 or 17 messages`);
      }
    });

    it('reuses the token while it is fresh and renews it a tenth of its lifetime before it expires', async () => {
      const { sim } = ctx;
      sim.platform.setTokenTtl(2); // the cache renews after 1.8 s
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-account-list', username: 'retail0' }]));

      succeeded(await send({}));
      const [firstTokenRequest] = tokenRequests(sim);
      const firstToken = bearerOf(actionRequests(sim)[0]);

      await sleep(firstTokenRequest.at + 900 - Date.now());
      succeeded(await send({}));
      assert.equal(tokenRequests(sim).length, 1, 'no renewal at 0.9 s');
      assert.equal(bearerOf(actionRequests(sim)[1]), firstToken);

      // 1.9 s: past the renewal point, before the simulator itself would reject the old token
      await sleep(firstTokenRequest.at + 1900 - Date.now());
      sim.server.clearRequests();
      succeeded(await send({}));
      assert.equal(tokenRequests(sim).length, 1, 'one renewal');
      assert.equal(sim.platform.tokensIssued, 2);
      const actions = actionRequests(sim);
      assert.equal(actions.length, 1, 'renewed before use, not after a 401');
      const renewed = bearerOf(actions[0]);
      assert.notEqual(renewed, firstToken);
    });

    it('renews a token that has fully expired', async () => {
      const { sim } = ctx;
      sim.platform.setTokenTtl(1);
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-account-list', username: 'retail0' }]));
      succeeded(await send({}));
      const firstToken = bearerOf(actionRequests(sim)[0]);
      await sleep(1100);
      sim.server.clearRequests();
      succeeded(await send({}));
      assert.equal(tokenRequests(sim).length, 1);
      const actions = actionRequests(sim);
      assert.equal(actions.length, 1);
      assert.notEqual(bearerOf(actions[0]), firstToken);
    });

    it('a 401 causes one renewal and one retry with the new token', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-account-list', username: 'retail0' }]));
      succeeded(await send({}));
      const oldToken = bearerOf(actionRequests(sim)[0]);

      sim.platform.expireAllTokens(); // the node still holds oldToken
      sim.server.clearRequests();
      const out = succeeded(await send({}));
      assert.equal((out.payload as { success: boolean }).success, true);
      assert.equal(out.statusCode, 200);

      const actions = actionRequests(sim);
      assert.equal(actions.length, 2, 'the original request and one retry');
      assert.equal(bearerOf(actions[0]), oldToken);
      const newToken = bearerOf(actions[1]);
      assert.notEqual(newToken, oldToken);
      assert.equal(tokenRequests(sim).length, 1, 'one renewal');
      assert.equal(sim.platform.tokensIssued, 2);

      // the renewed token is the one the connection keeps
      sim.server.clearRequests();
      succeeded(await send({}));
      assert.equal(tokenRequests(sim).length, 0);
      assert.equal(bearerOf(actionRequests(sim)[0]), newToken);
    });

    it('a 401 on the retry goes to Catch: no third attempt, no loop, and the node stays usable', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [deleteUser]));
      const unauthorised = { data: {}, success: false, errors: [{ code: 401, message: 'Unauthorized' }], requestid: 'req-401-twice', status: 401 };
      sim.server.injectFault({ path: '/v2/DeleteUser/3', status: 401, body: unauthorised, times: 2 });

      const caught = caughtError(await send({}));
      assert.equal(caught.statusCode, 401);
      assert.match(caught.error.message, /Delete User/);
      assert.match(caught.error.message, /HTTP 401/);
      assert.match(caught.error.message, /req-401-twice/);

      await sleep(300);
      const deletes = sim.server.requestsTo('/v2/DeleteUser/3');
      assert.equal(deletes.length, 2, 'the request and exactly one retry');
      assert.notEqual(bearerOf(deletes[0]), bearerOf(deletes[1]), 'the retry used a renewed token');
      assert.equal(tokenRequests(sim).length, 2, 'the first token and one renewal');

      // the fault is used up: the same node now succeeds with the renewed token, without another renewal
      succeeded(await send({}));
      assert.equal(tokenRequests(sim).length, 2);
      assert.equal(bearerOf(sim.server.requestsTo('/v2/DeleteUser/3')[2]), bearerOf(deletes[1]));
    });

    it('a msg.config.accessToken answered 401 is not renewed or retried', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [deleteUser]));
      const caught = caughtError(await send({ config: { accessToken: 'a-token-the-simulator-never-issued' } }));
      assert.equal(caught.statusCode, 401);
      assert.match(caught.error.message, /Delete User: HTTP 401/);
      await sleep(200);
      assert.equal(tokenRequests(sim).length, 0, 'the connection fetched no token');
      const actions = actionRequests(sim);
      assert.equal(actions.length, 1);
      assert.equal(actions[0].headers.authorization, 'Bearer a-token-the-simulator-never-issued');
    });
  });

  describe('the connection’s secrets only go to its own origins', () => {
    describe('Get Token with msg.config.baseUrl at a foreign origin', () => {
      for (const [label, config] of [
        ['neither client_id nor client_secret', {}],
        ['only client_id', { client_id: 'demo-client' }],
        ['only client_secret', { client_secret: 'demo-secret' }],
      ] as const) {
        it(`with ${label} of its own: refused, nothing sent anywhere`, async () => {
          const { sim } = ctx;
          await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-token' }]));
          const caught = caughtError(await send({ config: { baseUrl: foreign.url, ...config } }));
          assert.match(caught.error.message, /Get Token: the token URL is not one of the connection's origins/);
          await sleep(100);
          assert.equal(sim.server.requests.length, 0);
          assert.equal(foreign.server.requests.length, 0);
        });
      }

      it('with its own client_id and client_secret: the token request goes there, with those credentials only', async () => {
        const { sim } = ctx;
        await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-token' }]));
        const out = succeeded(await send({ config: { baseUrl: foreign.url, client_id: 'demo-client', client_secret: 'demo-secret' } }));
        assert.equal(sim.server.requests.length, 0);
        const [request] = foreign.server.requests;
        assert.equal(foreign.server.requests.length, 1);
        assert.equal(request.method, 'POST');
        assert.equal(request.path, TOKEN_PATH);
        assert.deepEqual(request.body, { client_id: 'demo-client', client_secret: 'demo-secret', grant_type: 'client_credentials', scope: 'CaliperAPI:All' });
        const payload = out.payload as { access_token: string };
        assert.equal(foreign.platform.tokensIssued, 1);
        assert.equal((out.config as { accessToken: string }).accessToken, payload.access_token);
      });
    });

    describe('an action with msg.config.baseUrl at a foreign origin', () => {
      it('without msg.config.accessToken: refused with an error at Catch, nothing sent to either server', async () => {
        const { sim } = ctx;
        await load(flowWith(sim.url, [deleteUser]));
        const caught = caughtError(await send({ config: { baseUrl: foreign.url } }));
        assert.match(caught.error.message, /Delete User: the base URL is not one of the connection's origins/);
        await sleep(100);
        assert.equal(sim.server.requests.length, 0, 'not even a token request');
        assert.equal(foreign.server.requests.length, 0);
      });

      it('with msg.config.accessToken: sent there with that token only', async () => {
        const { sim } = ctx;
        await load(flowWith(sim.url, [deleteUser]));
        const ownToken = foreign.platform.issueToken().access_token;
        const out = succeeded(await send({ config: { baseUrl: foreign.url, accessToken: ownToken } }));
        assert.equal(out.payload && (out.payload as { data: string }).data, 'User 3 deleted successfully');
        assert.equal(sim.server.requests.length, 0);
        assert.equal(foreign.server.requests.length, 1);
        assert.equal(foreign.server.requests[0].headers.authorization, `Bearer ${ownToken}`);
      });

      it('listed in the connection’s allowedOrigins: sent there with the connection’s token', async () => {
        const { sim } = ctx;
        await load(flowWith(sim.url, [deleteUser], { allowedOrigins: `https://elsewhere.example, ${foreign.url}` }));
        // the foreign simulator does not know the connection's token: it answers as the real allowed origin would
        foreign.server.injectFault({ path: '/v2/DeleteUser/3', status: 200, body: successEnvelope('req-foreign-1') });
        const out = succeeded(await send({ config: { baseUrl: foreign.url } }));
        assert.equal(out.q2?.requestId, 'req-foreign-1');

        assert.equal(tokenRequests(sim).length, 1, 'the token came from the connection’s own token URL');
        assert.equal(actionRequests(sim).length, 0);
        const [request] = foreign.server.requests;
        assert.equal(foreign.server.requests.length, 1);
        assert.equal(request.path, '/v2/DeleteUser/3');

        // the bearer is the connection's managed token: the next, ordinary message carries the same one
        succeeded(await send({ config: { userID: '2' } }));
        assert.equal(bearerOf(request), bearerOf(actionRequests(sim)[0]));
      });
    });
  });
});
