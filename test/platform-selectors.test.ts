/**
 * The seed's eight, completed (issue 12, item 6): Lookup User and Lookup Customer take exactly one of their documented
 * selectors (CALIPER.md #9, #11), the message's winning over the node's; Enrollment names the seed's misplaced Add
 * Account Association keys in one warning and does not send them. In the real runtime against the simulator.
 */
import assert from 'node:assert/strict';
import type { SinonSpy } from 'sinon';
import { apiCalls } from './caliper-harness';
import { flowWith, helper, load, send, simulatorContext, useSimulator, type Outcome } from './harness';

const ctx = simulatorContext();

function body(): Record<string, unknown> {
  const calls = apiCalls(ctx);
  assert.equal(calls.length, 1, calls.map((r) => r.path).join(', '));
  return calls[0].body as Record<string, unknown>;
}

function data(outcome: Outcome): Array<Record<string, unknown>> {
  const error = (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message;
  assert.equal(error, undefined, error);
  return (outcome.out?.payload as { data: Array<Record<string, unknown>> }).data;
}

function caught(outcome: Outcome): string {
  assert.equal(outcome.out, undefined);
  return (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
}

async function lookup(type: string, node: Record<string, unknown>, config?: Record<string, unknown>, credentials?: Record<string, string>): Promise<Outcome> {
  await helper.unload();
  await load(flowWith(ctx.sim.url, [{ id: 'n1', type, ...node }]), credentials ? { n1: credentials } : {});
  ctx.sim.server.clearRequests();
  return send(config ? { config } : {});
}

describe('Lookup User and Lookup Customer: exactly one documented selector; Enrollment’s misplaced keys', () => {
  useSimulator(ctx);

  describe('Lookup User (q2-lookup-user)', () => {
    it('by loginName: {LoginName}', async () => {
      const users = data(await lookup('q2-lookup-user', {}, { loginName: 'aavery' }));
      assert.deepEqual(body(), { LoginName: 'aavery' });
      assert.deepEqual(
        users.map((u) => u.UserID),
        [1],
      );
    });

    it('by userID, a number in msg.config sent as text (Q2 types it as a string)', async () => {
      data(await lookup('q2-lookup-user', {}, { userID: 2 }));
      assert.deepEqual(body(), { UserID: '2' });
    });

    it('by customerID from the node: every user of that customer', async () => {
      const users = data(await lookup('q2-lookup-user', { customerID: '2' }));
      assert.deepEqual(body(), { CustomerID: '2' });
      assert.ok(users.length >= 1 && users.every((u) => u.CustomerID === 2));
    });

    it("the node's SSN, replaced for one message by msg.config.loginName: only the message's selector is sent", async () => {
      data(await lookup('q2-lookup-user', {}, { loginName: 'test2' }, { ssn: '111223333' }));
      assert.deepEqual(body(), { LoginName: 'test2' });
    });

    it('two selectors in msg.config → Catch naming the selectors, nothing sent', async () => {
      const text = caught(await lookup('q2-lookup-user', {}, { loginName: 'test2', userID: 2 }));
      assert.match(text, /only one of msg\.config\.ssn, msg\.config\.userID, msg\.config\.loginName, msg\.config\.primaryCIF, msg\.config\.customerID/);
      assert.deepEqual(apiCalls(ctx), []);
    });

    it('none → Catch naming the selectors; a userID that is not a number → Catch naming it', async () => {
      assert.match(caught(await lookup('q2-lookup-user', {})), /one of msg\.config\.ssn, .* is required/);
      assert.match(caught(await lookup('q2-lookup-user', {}, { userID: 'abc' })), /msg\.config\.userID must be a positive whole number \(got string\)/);
      assert.deepEqual(apiCalls(ctx), []);
    });
  });

  describe('Lookup Customer (q2-lookup-customer)', () => {
    it('by customerID, loginName, primaryCIF and createdOnOrAfter', async () => {
      for (const [config, wire] of [
        [{ customerID: 1 }, { CustomerID: '1' }],
        [{ loginName: 'aavery' }, { LoginName: 'aavery' }],
        [{ primaryCIF: '012345678' }, { PrimaryCIF: '012345678' }],
        [{ createdOnOrAfter: '2000-01-01' }, { CreatedOnOrAfter: '2000-01-01' }],
      ] as const) {
        const customers = data(await lookup('q2-lookup-customer', {}, config));
        assert.deepEqual(body(), wire);
        assert.ok(Array.isArray(customers), JSON.stringify(config));
      }
    });

    it('a creation date that is not YYYY-MM-DD → Catch naming it, nothing sent', async () => {
      assert.match(
        caught(await lookup('q2-lookup-customer', {}, { createdOnOrAfter: 'yesterday' })),
        /msg\.config\.createdOnOrAfter must be a date written YYYY-MM-DD/,
      );
      assert.deepEqual(apiCalls(ctx), []);
    });
  });

  describe('Enrollment (q2-enrollment) and the seed’s Add Account Association keys', () => {
    it('msg.config.can_deposit and account_number: not sent; one warning naming them, not one per message', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: 'q2-enrollment' }]));
      const enrollment = (n: number) => ({
        Customer: {
          Name: 'Jane Doe',
          Address1: '1 Main St',
          City: 'Austin',
          State: 'TX',
          Zip: '78750',
          Phones: [{ Phone: '5121234567', PhoneType: 'Mobile' }],
        },
        User: { LogonName: `jdoe-sel-${n}`, FirstName: 'Jane', LastName: 'Doe', GroupID: 4 },
      });
      ctx.sim.server.clearRequests();
      for (const n of [1, 2]) {
        const outcome = await send({ payload: enrollment(n), config: { can_deposit: true, account_number: '123456789012' } });
        assert.equal((outcome.caught as { error?: { message?: string } } | undefined)?.error?.message, undefined);
      }
      for (const call of apiCalls(ctx)) {
        const sent = JSON.stringify(call.body);
        assert.ok(!sent.includes('can_deposit') && !sent.includes('123456789012'), sent);
      }
      const node = helper.getNode('n1');
      const warnings = (node.warn as unknown as SinonSpy)
        .getCalls()
        .filter((c) => c.thisValue === node)
        .map((c) => String(c.args[0]));
      assert.equal(warnings.length, 1, warnings.join(' | '));
      assert.match(warnings[0], /can_deposit, account_number: these are Add Account Association's fields/);
      assert.ok(!warnings[0].includes('123456789012'), 'names the keys, never their values');
    });
  });
});
