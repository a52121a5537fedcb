/**
 * Every Caliper operation of the resource tables (lib/platform/caliper/), generically (issue 12): each resource node
 * starts in the real runtime (a schema ajv refuses would leave the node uncreated); each operation with required
 * inputs refuses an empty message at Catch naming the field, sending nothing; writes are never marked safe to
 * retry; a 401/403 names the operation and the scope it probably needs.
 */
import assert from 'node:assert/strict';
import { platformNodeSet } from '../lib/platform/node-set';
import { platformFamily } from '../lib/platform/envelope';
import type { NamedRequest, ParamSpec } from '../lib/model/operation';
import { isSafeRead } from '../lib/request/build';
import { compileBody, compileParams } from '../lib/request/validate';
import { apiCalls } from './caliper-harness';
import { flowWith, helper, load, send, simulatorContext, useSimulator } from './harness';

const ctx = simulatorContext();
const resources = platformNodeSet.resources ?? [];
const operations = resources.flatMap((r) => r.operations.map((op) => ({ type: r.type, op })));

/** Required and nothing fills it when blank (no connection fallback, no default). */
const needed = (p: ParamSpec): boolean => p.required === true && p.fallback === undefined && p.default === undefined;

/** Operations that move money or change credentials or access (issue 12, item 5): writes, whatever their method. */
const MUST_BE_WRITES = [
  'Authenticate',
  'ResetPassword',
  'UnlockUser',
  'DisableLogon',
  'EnableLogon',
  'AddTacTarget',
  'DeleteTacTarget',
  'AddUserRole',
  'ChangeUserRole',
  'GroupMover',
  'UpdatePolicyData',
  'EnableRestrictedEntitlementMode',
  'DisableRestrictedEntitlementMode',
  'ResetAdminPassword',
  'ChangeAdminRole',
  'UpdateAdminAccess',
  'AddFundsTransfer',
  'StopPayment',
  'CancelGeneratedTransaction',
  'UpdateTransactionStatus',
  'DecideSuspectGT',
  'ACH/MakePayment',
  'ACH/AuthorizePayment',
  'ACH/CreateRecipient',
  'MicroDeposit/Create',
  'MicroDeposit/Verify',
  'InstantPayments/CreateCreditTransfer',
  'OpenBanking/Payment/MakeACHPayments',
  'OpenBanking/Payment/MakeDomesticWire',
  'OpenBanking/Payment/MakeInternationalWire',
];

describe('Caliper operations, generically (every operation of lib/platform/caliper/)', function () {
  this.timeout(60000);
  useSimulator(ctx);

  it('the tables: unique operation ids, paths under /{apiVersion}, schemas ajv compiles', () => {
    const ids = operations.map(({ op }) => op.name);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
      'each operation id once',
    );
    for (const { type, op } of operations) {
      assert.match(op.path, /^\/\{apiVersion\}\//, `${type} ${op.name}: path`);
      assert.doesNotThrow(() => compileParams(op), `${type} ${op.name}: params`);
      if (op.body) assert.doesNotThrow(() => compileBody(op.body?.schema ?? {}, 'msg.payload'), `${type} ${op.name}: body schema`);
    }
  });

  it('writes: anything but a GET or a marked lookup, and every operation that moves money or changes access', () => {
    for (const { op } of operations) {
      if (op.method !== 'GET' && op.safe !== true) assert.equal(isSafeRead(op), false, op.name);
      if (MUST_BE_WRITES.includes(op.name)) assert.equal(isSafeRead(op), false, `${op.name} is a write`);
    }
    // the passthrough: as safe as the method chosen
    const cust = operations.find(({ op }) => op.name === 'Cust')?.op;
    assert.ok(cust);
    assert.deepEqual(
      (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((m) => isSafeRead(cust, m)),
      [true, false, false, false, false],
    );
    const get = operations.find(({ op }) => op.name === 'ACH/AuthorizePayment');
    if (get) assert.equal(get.op.method, 'GET', 'ACH/AuthorizePayment is a GET that changes state');
  });

  it('every resource node starts in the runtime', async () => {
    await load(
      flowWith(
        ctx.sim.url,
        resources.map((r, i) => ({ id: `n${i + 1}`, type: r.type, operation: r.operations[0].name })),
      ),
    );
    for (let i = 0; i < resources.length; i++) assert.ok(helper.getNode(`n${i + 1}`), `${resources[i].type} was created`);
  });

  for (const { type, op } of operations) {
    const required = op.params.filter(needed);
    if (!required.length && !op.exactlyOne) continue;
    it(`${type} ${op.name}: an empty message → Catch naming ${op.exactlyOne ? 'the selectors' : required[0].key}, nothing sent`, async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type, operation: op.name }]));
      ctx.sim.server.clearRequests();
      const outcome = await send({ payload: 'trigger' });
      assert.equal(outcome.out, undefined);
      const text = (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
      const named = op.exactlyOne ? op.exactlyOne.some((k) => text.includes(k)) : required.some((p) => text.includes(p.key));
      assert.ok(named, `${text} names the field`);
      assert.deepEqual(apiCalls(ctx), []);
    });
  }

  it('the Open Banking envelope: success:false inside HTTP 200 is a failure whose reason is its exceptionMessage', () => {
    const body = {
      success: false,
      exceptionMessage: 'from_date must not be in the future',
      data: null,
      errorReturnCode: 12,
      endUserMessage: '',
      log_ref_id: 'x',
    };
    const read = platformFamily.interpret({ status: 200, headers: {}, text: JSON.stringify(body) } as Parameters<typeof platformFamily.interpret>[0]);
    assert.equal(read.ok, false);
    assert.deepEqual(read.reasons, ['from_date must not be in the future']);
    const fine = platformFamily.interpret({ status: 200, headers: {}, text: JSON.stringify({ ...body, success: true, exceptionMessage: '' }) } as Parameters<
      typeof platformFamily.interpret
    >[0]);
    assert.equal(fine.ok, true);
  });

  for (const { type, op } of operations) {
    // every input but the connection's settings, wrongly typed (an object where a scalar belongs, a number where an
    // object does); of an exactly-one group only its first member, so that the group itself is satisfied
    const wrong: Record<string, unknown> = {};
    for (const p of op.params) {
      if (p.key === 'baseUrl' || p.key === 'apiVersion') continue;
      if (op.exactlyOne?.includes(p.key) && op.exactlyOne[0] !== p.key) continue;
      wrong[p.key] = p.type === 'object' ? 42 : { wrong: true };
    }
    if (!Object.keys(wrong).length) continue;
    it(`${type} ${op.name}: inputs of the wrong type → Catch naming one of them, nothing sent`, async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type, operation: op.name }]));
      ctx.sim.server.clearRequests();
      const outcome = await send({ payload: {}, config: wrong });
      assert.equal(outcome.out, undefined);
      const text = (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
      const named = /msg\.config\.([\w-]+) .*\(got (object|number)\)/.exec(text);
      assert.ok(named && named[1] in wrong, text);
      assert.deepEqual(apiCalls(ctx), []);
    });
  }

  describe('a refusal that looks like a missing scope names the operation and the scope', () => {
    const cases: Array<{ type: string; operation?: string; node?: Record<string, unknown>; path: string; scope: string }> = [
      { type: 'q2-platform-system', operation: 'GetVersion', path: '/v2/GetVersion', scope: 'CaliperAPI:GetVersion' },
      { type: 'q2-delete-user', node: { userID: '3' }, path: '/v2/DeleteUser/3', scope: 'CaliperAPI:DeleteUser' },
    ];
    for (const c of cases) {
      it(`${c.operation ?? c.type}: HTTP 403 → "${c.scope}"`, async () => {
        await load(flowWith(ctx.sim.url, [{ id: 'n1', type: c.type, operation: c.operation, ...c.node }]));
        ctx.sim.server.injectFault({ path: c.path, status: 403, body: { data: {}, success: false, errors: [{ code: 403, message: 'Forbidden' }] } });
        const outcome = await send({});
        const text = (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
        assert.match(text, /HTTP 403/);
        assert.ok(text.includes(`probably ${c.scope}`), text);
      });
    }
  });
});

export type { NamedRequest };
