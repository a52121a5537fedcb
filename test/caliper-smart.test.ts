/**
 * Caliper area "SMART" (q2-platform-smart): audiences (a bare integer or an array of ints as `data`) and traits (all
 * or nothing for one user; a batch is a partial success, sent to the output with the users not set in `errors`).
 */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';
import { BORROWERS, LOAN_SEEKERS } from '../lib/simulator/caliper/smart';

const ctx = simulatorContext();
const TYPE = 'q2-platform-smart';

type Envelope = { success: boolean; data: unknown; errors: Array<{ code: number; message: string; result?: { user_id: string } }> };
const env = (out: Msg | undefined): Envelope => {
  assert.ok(out, 'reached the output');
  return out.payload as Envelope;
};

function failure(outcome: Outcome): { caught: Msg; text: string } {
  assert.equal(outcome.out, undefined, 'must not reach the output');
  assert.ok(outcome.caught, 'reached Catch');
  return { caught: outcome.caught, text: outcome.caught.error?.message ?? '' };
}

describe('Caliper: Q2 SMART (q2-platform-smart) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'SMART/Audiences',
      title: 'GET /v2/SMART/Audiences: the two seeded audiences',
      expect: { method: 'GET', path: '/v2/SMART/Audiences' },
      check: (out) => {
        const data = env(out).data as Array<Record<string, unknown>>;
        assert.deepEqual(
          data.map((a) => a.id),
          [BORROWERS, LOAN_SEEKERS],
        );
        assert.deepEqual(Object.keys(data[0]).sort(), ['audience', 'created_at', 'description', 'id', 'is_global', 'owner', 'updated_at']);
      },
    },
    {
      operation: 'SMART/Audiences/count',
      title: 'the audience id in its segment; data is a bare integer',
      node: { audience_id: BORROWERS },
      payload: { ignored: true },
      expect: { method: 'GET', path: `/v2/SMART/Audiences/${BORROWERS}/count` },
      check: (out) => assert.equal(env(out).data, 3),
    },
    {
      operation: 'SMART/Audiences/users',
      title: 'msg.config.audience_id; data is an array of user ids',
      config: { audience_id: BORROWERS },
      expect: { method: 'GET', path: `/v2/SMART/Audiences/${BORROWERS}/users` },
      check: (out) => assert.deepEqual(env(out).data, [2, 3, 4]),
    },
    {
      operation: 'SMART/Traits/users',
      title: 'user_id as a number in msg.config, {traits} from the data property',
      config: { user_id: 4 },
      payload: { traits: { loan_propensity: 0.9, has_mobile_app: true, preferred_channel: 'push' } },
      expect: { method: 'POST', path: '/v2/SMART/Traits/users/4', body: { traits: { loan_propensity: 0.9, has_mobile_app: true, preferred_channel: 'push' } } },
      check: (out) => assert.deepEqual(env(out).data, { success_count: 3 }),
    },
    {
      operation: 'SMART/Traits/batch',
      title: 'the trait id in its segment, {users} from the data property',
      node: { trait_id: 'loan_propensity' },
      payload: { users: { 1: 0.2, 4: 0.75 } },
      expect: { method: 'POST', path: '/v2/SMART/Traits/loan_propensity/batch', body: { users: { 1: 0.2, 4: 0.75 } } },
      check: (out) => {
        assert.deepEqual(env(out).data, { success_count: 2 });
        assert.deepEqual(env(out).errors, []);
      },
    },
    {
      operation: 'SMART/Traits/batch',
      title: 'a partial success reaches the output: success true, success_count and the users not set in errors',
      node: { trait_id: 'loan_propensity' },
      payload: { users: { 4: 0.9, 99: 0.5, 2: 3 } },
      expect: { method: 'POST', path: '/v2/SMART/Traits/loan_propensity/batch', body: { users: { 4: 0.9, 99: 0.5, 2: 3 } } },
      check: (out) => {
        const e = env(out);
        assert.equal(e.success, true);
        assert.deepEqual(e.data, { success_count: 1 });
        assert.deepEqual(e.errors.map((x) => [x.code, x.result?.user_id]).sort(), [
          [40002, '2'],
          [40004, '99'],
        ]);
      },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'SMART/Audiences/count', title: 'no audience id', error: /audience_id is required/ },
    { operation: 'SMART/Audiences/users', title: 'no audience id', error: /audience_id is required/ },
    {
      operation: 'SMART/Traits/users',
      title: "user_id 'abc'",
      config: { user_id: 'abc' },
      payload: { traits: { has_mobile_app: true } },
      error: /msg\.config\.user_id must be a positive whole number/,
    },
    {
      operation: 'SMART/Traits/users',
      title: 'no traits in the data property',
      config: { user_id: 2 },
      payload: {},
      error: /msg\.payload\.traits is required/,
    },
    {
      operation: 'SMART/Traits/users',
      title: 'a trait value that is an object',
      config: { user_id: 2 },
      payload: { traits: { loan_propensity: { value: 1 } } },
      error: /msg\.payload\.traits\.loan_propensity/,
    },
    { operation: 'SMART/Traits/batch', title: 'no trait id', payload: { users: { 2: 1 } }, error: /trait_id is required/ },
    {
      operation: 'SMART/Traits/batch',
      title: 'a user value that is not a number',
      node: { trait_id: 'loan_propensity' },
      payload: { users: { 2: 'high' } },
      error: /msg\.payload\.users\[2\] must be of type number/,
    },
  ]);

  it('journey: setting traits moves users into and out of the "Likely loan seekers" audience; a failed set changes nothing', async () => {
    const nodes = [
      { id: 'count', type: TYPE, operation: 'SMART/Audiences/count', audience_id: LOAN_SEEKERS },
      { id: 'users', type: TYPE, operation: 'SMART/Audiences/users', audience_id: LOAN_SEEKERS },
      { id: 'set', type: TYPE, operation: 'SMART/Traits/users' },
      { id: 'batch', type: TYPE, operation: 'SMART/Traits/batch', trait_id: 'loan_propensity' },
    ];
    await load(flowWith(ctx.sim.url, nodes));
    const read = async (): Promise<[unknown, unknown]> => [env((await send({}, 'count')).out).data, env((await send({}, 'users')).out).data];

    assert.deepEqual(await read(), [1, [1]]);
    const set = await send({ config: { user_id: '4' }, payload: { traits: { loan_propensity: 0.92 } } }, 'set');
    assert.deepEqual(env(set.out).data, { success_count: 1 });
    assert.deepEqual(await read(), [2, [1, 4]]);

    const batch = await send({ payload: { users: { 1: 0.1 } } }, 'batch');
    assert.deepEqual(env(batch.out).data, { success_count: 1 });
    assert.deepEqual(await read(), [1, [4]]);

    // all or nothing: user 2 would join with 0.95, but the unknown trait refuses the whole set (400, code 40001)
    ctx.sim.server.clearRequests();
    const { caught, text } = failure(await send({ config: { user_id: 2 }, payload: { traits: { loan_propensity: 0.95, favourite_colour: 'blue' } } }, 'set'));
    assert.match(text, /Unknown trait favourite_colour/);
    assert.equal(caught.statusCode, 400);
    assert.deepEqual(
      (caught.payload as Envelope).errors.map((e) => e.code),
      [40001],
    );
    assert.equal(apiCalls(ctx).length, 1, 'a write is sent once');
    assert.deepEqual(await read(), [1, [4]]);
  });

  it('SMART/Traits/batch: a batch that sets nobody is a failure (success false inside HTTP 200) → Catch', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'SMART/Traits/batch', trait_id: 'engagement_score' }]));
    const { caught, text } = failure(await send({ payload: { users: { 98: 10, 99: 20 } } }));
    assert.match(text, /User not found/);
    assert.equal(caught.statusCode, 200);
  });

  it('SMART/Traits/batch: a trait that does not take numbers → 400 → Catch', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'SMART/Traits/batch', trait_id: 'has_mobile_app' }]));
    const { text } = failure(await send({ payload: { users: { 2: 1 } } }));
    assert.match(text, /does not take numbers/);
  });

  it('SMART/Audiences/count: an audience id is encoded inside its segment; an unknown one → 404 → Catch', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'SMART/Audiences/count' }]));
    ctx.sim.server.clearRequests();
    const { caught, text } = failure(await send({ config: { audience_id: 'a b/c' } }));
    assert.match(text, /Audience not found/);
    assert.equal(caught.statusCode, 404);
    assert.deepEqual(
      apiCalls(ctx).map((r) => r.path),
      ['/v2/SMART/Audiences/a%20b%2Fc/count'],
    );
  });

  it('a deleted user leaves the audiences', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'SMART/Audiences/users', audience_id: BORROWERS }]));
    const user = ctx.sim.platform.state.users.find((u) => u.UserID === 3);
    assert.ok(user);
    user.DeletedDate = new Date().toISOString();
    assert.deepEqual(env((await send({})).out).data, [2, 4]);
  });
});
