/**
 * Failures in the real Node-RED runtime, against the simulator over loopback: HTTP 400 and 500, success:false
 * on HTTP 200 (E2, E3), a timeout, a connection reset, a non-JSON body, no connection and a server that is
 * down each reach Catch with msg.statusCode, msg.payload = the body, an error naming the action, the status
 * and Q2's requestid, and a red ring; and Node-RED keeps running: the same node then succeeds.
 */
import assert from 'node:assert/strict';
import { startSimulator } from '../lib/simulator';
import { flowWith, load, send, statusesOf, useSimulator, type FlowNode, type Msg, type Outcome } from './harness';

type Caught = Msg & { error: { message: string; source?: { id: string; type: string } } };

const deleteUser: FlowNode = { id: 'n1', type: 'q2-delete-user', userID: '3' };

/** An E1 envelope with a known requestid. */
function e1(status: number, message: string, requestid: string): Record<string, unknown> {
  return { data: {}, success: false, errors: [{ code: status, message }], requestid, status, log_ref_id: `log-${requestid}` };
}

function caughtError(outcome: Outcome): Caught {
  assert.equal(outcome.out, undefined, 'a failure must not reach the output');
  assert.ok(outcome.caught?.error, 'the failure reached the Catch node');
  return outcome.caught as Caught;
}

function succeeded(outcome: Outcome): Msg {
  assert.equal(outcome.caught, undefined, outcome.caught?.error?.message);
  assert.ok(outcome.out);
  return outcome.out;
}

function assertRedRing(id: string, text: string | RegExp): void {
  const last = statusesOf(id).at(-1);
  assert.ok(last, 'the node set a status');
  assert.equal(last.fill, 'red');
  assert.equal(last.shape, 'ring');
  if (typeof text === 'string') assert.equal(last.text, text);
  else assert.match(String(last.text), text);
}

/** Node-RED kept running: the same node handles the next message successfully. */
async function assertNodeStillWorks(msg: Record<string, unknown> = {}): Promise<void> {
  const out = succeeded(await send(msg));
  assert.equal((out.payload as { success: boolean }).success, true);
  const last = statusesOf('n1').at(-1);
  assert.equal(last?.fill, 'green');
}

describe('failures reach Catch (Node-RED)', () => {
  const ctx = useSimulator();

  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  before(() => process.on('unhandledRejection', onRejection));
  after(() => process.off('unhandledRejection', onRejection));
  afterEach(() => assert.deepEqual(rejections, [], 'an unhandled promise rejection escaped'));

  describe('E1: HTTP errors with a JSON envelope', () => {
    for (const status of [400, 500]) {
      it(`HTTP ${status}: status, body, action, requestid and a red ring`, async () => {
        const { sim } = ctx;
        await load(flowWith(sim.url, [deleteUser]));
        const body = e1(status, status === 400 ? 'Invalid UserID' : 'Internal Server Error', `req-${status}-abc`);
        sim.server.injectFault({ path: '/v2/DeleteUser/3', status, body });

        const caught = caughtError(await send({ payload: 'in' }));
        assert.equal(caught.statusCode, status);
        assert.deepEqual(caught.payload, body);
        assert.equal(caught.q2?.requestId, `req-${status}-abc`);
        assert.equal(caught.q2?.logRefId, `log-req-${status}-abc`);
        assert.equal(typeof caught.q2?.durationMs, 'number');
        const message = caught.error.message;
        assert.match(message, /Delete User/);
        assert.match(message, new RegExp(`HTTP ${status}\\b`));
        assert.match(message, new RegExp(`req-${status}-abc`));
        assert.match(message, status === 400 ? /Invalid UserID/ : /Internal Server Error/);
        assert.equal(caught.error.source?.id, 'n1');
        assertRedRing('n1', `HTTP ${status}`);
        assert.equal(sim.server.requestsTo('/v2/DeleteUser/3').length, 1, 'an HTTP error other than 401 is not retried');

        await assertNodeStillWorks();
      });
    }

    it('an HTTP error without a requestid in the body takes it from the x-request-id header', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [deleteUser]));
      sim.server.injectFault({ path: '/v2/DeleteUser/3', status: 503, body: { message: 'busy' }, headers: { 'x-request-id': 'hdr-503-id' } });
      const caught = caughtError(await send({}));
      assert.equal(caught.statusCode, 503);
      assert.deepEqual(caught.payload, { message: 'busy' });
      assert.match(caught.error.message, /Delete User: HTTP 503/);
      assert.match(caught.error.message, /hdr-503-id/);
      await assertNodeStillWorks();
    });
  });

  describe('success: false on HTTP 200', () => {
    it('an injected envelope: status 200, body, requestid and a red ring', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [deleteUser]));
      const body = { data: {}, success: false, errors: [{ code: 42, message: 'Not allowed today' }], requestid: 'req-200-false', status: 200 };
      sim.server.injectFault({ path: '/v2/DeleteUser/3', status: 200, body });
      const caught = caughtError(await send({}));
      assert.equal(caught.statusCode, 200);
      assert.deepEqual(caught.payload, body);
      assert.match(caught.error.message, /Delete User: HTTP 200/);
      assert.match(caught.error.message, /42 Not allowed today/);
      assert.match(caught.error.message, /req-200-false/);
      assertRedRing('n1', 'Q2 error');
      await assertNodeStillWorks();
    });

    it('E2: Delete User of an unknown user (HTTP 200, errors object)', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-delete-user', userID: '999' }]));
      const caught = caughtError(await send({}));
      assert.equal(caught.statusCode, 200);
      const payload = caught.payload as { success: boolean; requestid: string; errors: Record<string, string> };
      assert.equal(payload.success, false);
      assert.equal(payload.errors.ErrorCode, '1003');
      assert.match(payload.requestid, /^[0-9a-f-]{36}$/);
      assert.match(caught.error.message, /Delete User: HTTP 200/);
      assert.match(caught.error.message, /1003 User not found or already deleted/);
      assert.ok(caught.error.message.includes(payload.requestid), 'the error names the requestid of the response');
      assert.equal(caught.q2?.requestId, payload.requestid);
      assertRedRing('n1', 'Q2 error');
      await assertNodeStillWorks({ config: { userID: '3' } });
    });

    it('E3: Add External Account with one bad item (per-item results in the payload, numbers masked)', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-add-external-account' }]));
      const good = { ABA: '022222222', Account: '99887766', LogonName: 'retail0' };
      const bad = { ABA: '022222222', Account: '11223344', LogonName: 'nobody-by-this-name' };
      const caught = caughtError(await send({ payload: [{ Account: good }, { Account: bad }] }));
      assert.equal(caught.statusCode, 200);
      const payload = caught.payload as { success: boolean; requestid: string; data: unknown[]; errors: unknown[] };
      assert.equal(payload.success, false);
      // routing and account numbers never reach Catch: the per-item results keep their last four digits
      assert.deepEqual(payload.data, [
        { ABA: '******2222', Account: '******7766', Success: true },
        { ABA: '******2222', Account: '******3344', Success: false },
      ]);
      assert.deepEqual(payload.errors, [{ ABA: '******2222', Account: '******3344', Error: 'Unable to add external account' }]);
      assert.match(caught.error.message, /Add External Account: HTTP 200/);
      assert.match(caught.error.message, /Unable to add external account/);
      assert.ok(caught.error.message.includes(payload.requestid));
      assertRedRing('n1', 'Q2 error');
      await assertNodeStillWorks({ payload: [{ Account: { ABA: '022222222', Account: '55667788', LogonName: 'retail0' } }] });
    });

    // A correct message must not become a failure: docs/api-notes.md §1.4 lets the body be a bare account object.
    it('Add External Account: a bare account object is sent as [{Account}], not refused as invalid input', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-add-external-account' }]));
      const bare = { ABA: '022222222', Account: '55667788', LogonName: 'retail0' };
      succeeded(await send({ payload: bare }));
      const [request] = sim.server.requestsTo('/v2/AddExternalAccount');
      assert.deepEqual(request?.body, [{ Account: bare }]);
    });
  });

  describe('Get Token', () => {
    it('a token endpoint answering 401 invalid_client: status, body and the reason at Catch', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-token' }]));
      const caught = caughtError(await send({ config: { client_secret: 'not-the-secret' } }));
      assert.equal(caught.statusCode, 401);
      assert.match(caught.error.message, /Get Token: could not get a token: HTTP 401: Client authentication failed/);
      assertRedRing('n1', 'token failed');
      assert.deepEqual(caught.payload, { error: 'invalid_client', error_description: 'Client authentication failed' }, 'msg.payload = the response body');
    });

    it('a token endpoint answering 500 with an E1 body: the requestid is named', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ id: 'n1', type: 'q2-get-token', scope: 'CaliperAPI:LookupUser' }]));
      const body = e1(500, 'Token service unavailable', 'req-token-500');
      sim.server.injectFault({ path: '/v2/oauth2/token', status: 500, body });
      const caught = caughtError(await send({}));
      assert.equal(caught.statusCode, 500);
      assert.match(caught.error.message, /Get Token: could not get a token: HTTP 500: 500 Token service unavailable/);
      assert.match(caught.error.message, /req-token-500/);
      assert.deepEqual(caught.payload, body);
    });
  });

  describe('no usable response', () => {
    it('a timeout (the connection’s timeout, 1 s) reaches Catch and the node stays usable', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [deleteUser], { timeout: 1 }));
      // a status on the delayed fault keeps the simulator from deleting the user when the delay ends
      sim.server.injectFault({ path: '/v2/DeleteUser/3', delayMs: 2500, status: 504, body: e1(504, 'late', 'req-late') });
      const started = Date.now();
      const caught = caughtError(await send({ payload: 'original' }));
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 900 && elapsed < 2300, `gave up after ${elapsed} ms`);
      assert.equal(caught.statusCode, undefined, 'there was no response');
      assert.equal(caught.payload, 'original', 'no body: msg.payload is left as it was');
      assert.match(caught.error.message, /Delete User: .*timeout/);
      assertRedRing('n1', 'timeout');

      await assertNodeStillWorks();
    });

    it('a connection reset reaches Catch as a network error and the node stays usable', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [deleteUser]));
      sim.server.injectFault({ path: '/v2/DeleteUser/3', reset: true });
      const caught = caughtError(await send({ payload: 'original' }));
      assert.equal(caught.statusCode, undefined);
      assert.equal(caught.payload, 'original');
      assert.match(caught.error.message, /Delete User: network error \(E[A-Z]+\)/);
      assertRedRing('n1', 'network error');
      await assertNodeStillWorks();
    });

    for (const status of [200, 502]) {
      it(`a body that is not JSON (HTTP ${status}) reaches Catch with the status, the raw body and the requestid`, async () => {
        const { sim } = ctx;
        await load(flowWith(sim.url, [deleteUser]));
        sim.server.injectFault({ path: '/v2/DeleteUser/3', malformed: true, status, headers: { 'x-request-id': `req-html-${status}` } });
        const caught = caughtError(await send({}));
        assert.equal(caught.statusCode, status);
        assert.equal(caught.payload, '<html>gateway</html>');
        assert.match(caught.error.message, /Delete User: the response is not JSON/);
        assert.match(caught.error.message, new RegExp(`HTTP ${status}\\b`));
        assert.match(caught.error.message, new RegExp(`req-html-${status}`));
        assertRedRing('n1', 'bad response');
        await assertNodeStillWorks();
      });
    }
  });

  describe('no server to talk to', () => {
    it('a node whose connection does not exist reports it at Catch and sends nothing', async () => {
      const { sim } = ctx;
      await load(flowWith(sim.url, [{ ...deleteUser, connection: 'nowhere' }]));
      assertRedRing('n1', 'no connection');
      const caught = caughtError(await send({}));
      assert.match(caught.error.message, /Delete User: no Q2 connection is selected/);
      assert.equal(caught.statusCode, undefined);
      assert.equal(sim.server.requests.length, 0);
      assertRedRing('n1', 'no connection');
    });

    it('a simulator that is down: network errors at Catch, for the token and for the action', async () => {
      const down = await startSimulator({ port: 0 });
      const downUrl = down.url;
      await down.stop();
      await load(flowWith(downUrl, [deleteUser]));

      const tokenFailure = caughtError(await send({}));
      assert.match(tokenFailure.error.message, /Delete User: could not get a token: network error \(ECONNREFUSED\)/);
      assert.equal(tokenFailure.statusCode, undefined);
      assertRedRing('n1', 'network error');

      const actionFailure = caughtError(await send({ config: { accessToken: 'own-token' } }));
      assert.match(actionFailure.error.message, /Delete User: network error \(ECONNREFUSED\)/);
      assertRedRing('n1', 'network error');
    });
  });

  describe('afterwards', () => {
    it('no unhandled promise rejection was reported while these failures ran', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(rejections, []);
    });
  });
});
