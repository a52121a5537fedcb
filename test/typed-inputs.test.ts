/**
 * The generated fields as TypedInputs (issue 11, item 7): a parameter read for each message from msg, flow or global
 * context, env or JSONata; msg.config still wins (and then the field is not read at all); a field that cannot be read
 * goes to Catch naming the field, and nothing is sent; flows saved before (no `<key>Type`) keep working; the output
 * property. In the real Node-RED runtime against the simulator.
 */
import assert from 'node:assert/strict';
import type { RecordedRequest } from '../lib/simulator';
import { flowWith, helper, load, send, simulatorContext, statusesOf, useSimulator, type FlowNode, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();

const accountList = (extra: Record<string, unknown>): FlowNode => ({ id: 'n1', type: 'q2-get-account-list', ...extra });

function apiCalls(): RecordedRequest[] {
  return ctx.sim.server.requests.filter((r) => !/oauth2\/token$/.test(r.path));
}

function ok(outcome: Outcome): Msg {
  assert.equal(outcome.caught, undefined, (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message);
  assert.ok(outcome.out);
  return outcome.out;
}

function caughtText(outcome: Outcome): string {
  assert.equal(outcome.out, undefined, 'the message must not reach the output');
  const error = (outcome.caught as { error?: { message?: string } } | undefined)?.error;
  assert.ok(error?.message, 'the message reached Catch');
  return error.message;
}

describe('TypedInput parameters (the generated fields)', function () {
  this.timeout(20000);
  useSimulator(ctx);

  afterEach(() => {
    delete process.env.Q2_TYPED_TEST_USER;
  });

  it('reads a parameter from flow context, for each message', async () => {
    await load(flowWith(ctx.sim.url, [accountList({ userID: 'user.id', userIDType: 'flow' })]));
    const flow = helper.getNode('n1').context().flow;
    flow.set('user', { id: 2 });
    ok(await send({}));
    flow.set('user', { id: '3' });
    ok(await send({}));
    assert.deepEqual(
      apiCalls().map((r) => r.query.user_id),
      ['2', '3'],
    );
  });

  it('reads a parameter from global context', async () => {
    await load(flowWith(ctx.sim.url, [accountList({ userID: 'q2user', userIDType: 'global' })]));
    helper.getNode('n1').context().global.set('q2user', 2);
    ok(await send({}));
    assert.equal(apiCalls()[0].query.user_id, '2');
  });

  it('reads a parameter from an environment variable', async () => {
    process.env.Q2_TYPED_TEST_USER = '2';
    await load(flowWith(ctx.sim.url, [accountList({ userID: 'Q2_TYPED_TEST_USER', userIDType: 'env' })]));
    ok(await send({}));
    assert.equal(apiCalls()[0].query.user_id, '2');
  });

  it('reads a parameter from the message and from a JSONata expression', async () => {
    await load(
      flowWith(ctx.sim.url, [
        accountList({ userID: 'req.user', userIDType: 'msg' }),
        {
          id: 'n2',
          type: 'q2-get-account-list',
          userID: '$string(payload.n + 1)',
          userIDType: 'jsonata',
          accountTypes: 'payload.types',
          accountTypesType: 'msg',
        },
      ]),
    );
    ok(await send({ req: { user: 2 } }));
    ok(await send({ payload: { n: 2, types: ['D', 'L'] } }, 'n2'));
    const [first, second] = apiCalls();
    assert.equal(first.query.user_id, '2');
    assert.equal(second.query.user_id, '3');
    assert.equal(second.query.account_types, 'D,L');
  });

  it('msg.config wins over the field, and the field is not read at all then', async () => {
    await load(flowWith(ctx.sim.url, [accountList({ userID: '$error("not read")', userIDType: 'jsonata' })]));
    ok(await send({ config: { userID: 2 } }));
    assert.equal(apiCalls()[0].query.user_id, '2');
  });

  it('a field that cannot be read goes to Catch naming the field and where it read from; nothing is sent', async () => {
    await load(flowWith(ctx.sim.url, [accountList({ userID: '$error("no user today")', userIDType: 'jsonata' })]));
    const text = caughtText(await send({}));
    assert.match(text, /^Get Account List: cannot read the node's userID property from its JSONata expression: .*no user today/);
    assert.equal(apiCalls().length, 0);
  });

  it('a value read that has the wrong shape names the field and its source', async () => {
    await load(flowWith(ctx.sim.url, [accountList({ userID: 'user', userIDType: 'flow' })]));
    helper.getNode('n1').context().flow.set('user', 'abc');
    const text = caughtText(await send({}));
    assert.match(text, /the node's userID property \(read from flow\.user\) must be a positive whole number \(got string\)/);
    assert.equal(apiCalls().length, 0);
  });

  it('a msg path that is missing gives no value, so the field is required like a blank one', async () => {
    await load(flowWith(ctx.sim.url, [accountList({ userID: 'req.user.id', userIDType: 'msg' })]));
    const text = caughtText(await send({}));
    assert.match(text, /one of msg\.config\.username, msg\.config\.customerID, msg\.config\.userID is required/);
    assert.equal(apiCalls().length, 0);
  });

  it('a JSONata field that does not compile shows at deploy, and its messages go to Catch', async () => {
    await load(flowWith(ctx.sim.url, [accountList({ userID: '$string(', userIDType: 'jsonata' })]));
    assert.ok(
      statusesOf('n1').some((s) => s.text === 'invalid setting' && s.fill === 'red'),
      JSON.stringify(statusesOf('n1')),
    );
    const text = caughtText(await send({}));
    assert.match(text, /cannot read the node's userID property from its JSONata expression/);
    assert.equal(apiCalls().length, 0);
  });

  it('literal types: num, bool and the enum list; a flow saved before TypedInputs (no <key>Type) keeps working', async () => {
    await load(
      flowWith(ctx.sim.url, [
        accountList({ userID: '2', userIDType: 'num', accessLevel: '3', accessLevelType: 'q2-enum' }),
        // saved before: no types, the boolean as a checkbox left it
        { id: 'n2', type: 'q2-lookup-customer', includePhone: true, includeAddress: false },
        { id: 'n3', type: 'q2-lookup-customer', includePhone: 'true', includePhoneType: 'bool', includeAddress: 'false', includeAddressType: 'bool' },
        // the panel's list for a boolean: 'true', 'false' or blank (not sent)
        { id: 'n5', type: 'q2-lookup-customer', includePhone: 'true', includePhoneType: 'q2-enum', includeAddress: '', includeAddressType: 'q2-enum' },
        { id: 'n4', type: 'q2-get-account-list', userID: '2' },
      ]),
      { n2: { taxID: '123456789' }, n3: { taxID: '123456789' }, n5: { taxID: '123456789' } },
    );
    ok(await send({}));
    await send({}, 'n2');
    await send({}, 'n3');
    ok(await send({}, 'n4'));
    await send({}, 'n5');
    const [list, old, typed, plain, listed] = apiCalls();
    assert.equal((listed.body as Record<string, unknown>).IncludePhone, true);
    assert.equal((listed.body as Record<string, unknown>).IncludeAddress, undefined);
    assert.deepEqual([list.query.user_id, list.query.access_level], ['2', '3']);
    assert.equal((old.body as Record<string, unknown>).IncludePhone, true);
    assert.equal((old.body as Record<string, unknown>).IncludeAddress, undefined);
    assert.equal((typed.body as Record<string, unknown>).IncludePhone, true);
    assert.equal((typed.body as Record<string, unknown>).IncludeAddress, undefined);
    assert.equal(plain.query.user_id, '2');
  });

  describe('the output property', () => {
    it('puts the result where the node says, leaving msg.payload as it came', async () => {
      await load(flowWith(ctx.sim.url, [accountList({ userID: '2', outputProperty: 'q2result.accounts' })]));
      const out = ok(await send({ payload: 'kept' }));
      assert.equal(out.payload, 'kept');
      const result = (out as Msg & { q2result?: { accounts?: { data?: unknown } } }).q2result?.accounts;
      assert.ok(Array.isArray(result?.data), JSON.stringify(result));
    });

    it('on a failure, the response body goes to the output property', async () => {
      await load(flowWith(ctx.sim.url, [accountList({ userID: '2', outputProperty: 'answer' })]));
      ctx.sim.server.injectFault({ path: '/v2/GetAccountList', status: 400, body: { success: false, errors: [{ message: 'nope' }] } });
      const outcome = await send({ payload: 'in' });
      caughtText(outcome);
      const caught = outcome.caught as Msg & { answer?: unknown };
      assert.deepEqual(caught.answer, { success: false, errors: [{ message: 'nope' }] });
      assert.equal(caught.payload, 'in');
    });
  });
});
