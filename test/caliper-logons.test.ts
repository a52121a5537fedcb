/**
 * Caliper area "logons" (q2-platform-logons): Authenticate (header params, the password a credential), ResetPassword,
 * UnlockUser, DisableLogon, EnableLogon (the logon name in the path), FlushBrowserRegistrations (exactly one selector),
 * TacTargets (query), AddTacTarget and DeleteTacTarget (a DELETE with a JSON body); the password never reaches Catch;
 * the simulator's logon state (disable, lock, reset) across several messages.
 */
import assert from 'node:assert/strict';
import { DEMO_LOGON_PASSWORD } from '../lib/simulator/caliper/logons';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-logons';

/** the envelope's data of a message that reached the output */
const data = (out: Msg): Record<string, unknown> => (out.payload as { data: Record<string, unknown> }).data;
const caughtText = (o: Outcome): string => (o.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';

describe('Caliper: Q2 Logons (q2-platform-logons) against the simulator', () => {
  useSimulator(ctx);
  // logons whose names need encoding in a path segment (a space, a slash), for user 4, added after each reset
  beforeEach(() => {
    ctx.sim.platform.state.logons.push({ LogonID: 90, LogonName: 'jane doe', UserID: 4 }, { LogonID: 91, LogonName: 'ops/desk', UserID: 4 });
  });

  wireCases(ctx, TYPE, [
    {
      operation: 'Authenticate',
      title: 'the login name and the password (a node credential) as headers, the flags as header text, no body',
      node: { LoginName: 'test2' },
      credentials: { Password: DEMO_LOGON_PASSWORD },
      config: { LoginChannel: 'Online', IncrementInvalidLogin: true, IgnoreExternalAuth: false },
      expect: {
        method: 'POST',
        path: '/v2/Authenticate',
        headers: { loginname: 'test2', password: DEMO_LOGON_PASSWORD, loginchannel: 'Online', incrementinvalidlogin: 'true', ignoreexternalauth: 'false' },
      },
      check: (out) => {
        assert.deepEqual([data(out).UserLogonID, data(out).UserID, data(out).Status], [1, 2, 'Normal']);
        assert.ok(!JSON.stringify(out).includes(DEMO_LOGON_PASSWORD), 'the password is not in the output message');
      },
    },
    {
      operation: 'Authenticate',
      title: 'the password from msg.config, a logon name with a space',
      config: { LoginName: 'jane doe', Password: DEMO_LOGON_PASSWORD },
      expect: { method: 'POST', path: '/v2/Authenticate', headers: { loginname: 'jane doe', password: DEMO_LOGON_PASSWORD } },
      check: (out, call) => {
        assert.equal(data(out).UserLogonID, 90);
        assert.equal(call.headers.incrementinvalidlogin, undefined, 'a flag left blank is not sent');
      },
    },
    {
      operation: 'ResetPassword',
      title: 'the logon name with a space encoded in its segment; no password → no body, a generated one comes back',
      config: { logonname: 'jane doe' },
      expect: { method: 'POST', path: '/v2/ResetPassword/jane%20doe' },
      check: (out) => assert.match(String(data(out).Password), /^\S{8,}$/),
    },
    {
      operation: 'ResetPassword',
      title: 'a slash stays inside the segment; the new password (a node credential) in the JSON body, not returned',
      node: { logonname: 'ops/desk' },
      credentials: { Password: 'N3w-Passw0rd' },
      expect: { method: 'POST', path: '/v2/ResetPassword/ops%2Fdesk', body: { Password: 'N3w-Passw0rd' } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'UnlockUser',
      title: 'POST with the encoded logon name, no body',
      config: { logonname: 'jane doe' },
      expect: { method: 'POST', path: '/v2/UnlockUser/jane%20doe' },
      check: (out) => assert.deepEqual(data(out), { UserUnlocked: true, 'Login Status': 'UserLogonPasswordStatusNormal' }),
    },
    {
      operation: 'DisableLogon',
      title: 'POST with the encoded logon name, no body',
      node: { logonname: 'ops/desk' },
      expect: { method: 'POST', path: '/v2/DisableLogon/ops%2Fdesk' },
      check: (out) => assert.deepEqual(data(out), { LogonDisabled: true, 'Login Status': 'Disabled' }),
    },
    {
      operation: 'EnableLogon',
      title: 'POST with the encoded logon name, no body',
      config: { logonname: 'jane doe' },
      expect: { method: 'POST', path: '/v2/EnableLogon/jane%20doe' },
      check: (out) => assert.deepEqual(data(out), { LogonEnabled: true, 'Login Status': 'Enabled' }),
    },
    {
      operation: 'FlushBrowserRegistrations',
      title: 'one selector (UserID, a number) in the JSON body',
      config: { UserID: '2' },
      expect: { method: 'POST', path: '/v2/FlushBrowserRegistrations', body: { UserID: 2 } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'FlushBrowserRegistrations',
      title: 'msg.config switches the selector: its GroupID wins over the node’s LoginName',
      node: { LoginName: 'test2' },
      config: { GroupID: 4 },
      expect: { method: 'POST', path: '/v2/FlushBrowserRegistrations', body: { GroupID: 4 } },
    },
    {
      operation: 'FlushBrowserRegistrations',
      title: 'the LoginName selector in the body (not a header here)',
      node: { LoginName: 'jane doe' },
      expect: { method: 'POST', path: '/v2/FlushBrowserRegistrations', body: { LoginName: 'jane doe' } },
      check: (_out, call) => assert.equal(call.headers.loginname, undefined),
    },
    {
      operation: 'TacTargets',
      title: 'GET with login_name in the query; the seeded Email target',
      config: { login_name: 'test2' },
      expect: { method: 'GET', path: '/v2/TacTargets', query: { login_name: 'test2' } },
      check: (out) => {
        const targets = (out.payload as { data: Array<Record<string, unknown>> }).data;
        assert.deepEqual(
          targets.map((t) => [t.TargetTypeShortName, t.UnmaskedTargetAddress, t.TargetAddress, t.UserID]),
          [['Email', 'test2@example.com', 't*****@example.com', 2]],
        );
      },
    },
    {
      operation: 'TacTargets',
      title: 'a logon without targets: success with data {} and a "No Results Found" error',
      config: { login_name: 'jane doe' },
      expect: { method: 'GET', path: '/v2/TacTargets', query: { login_name: 'jane doe' } },
      check: (out) => {
        assert.deepEqual(data(out), {});
        assert.match(JSON.stringify((out.payload as { errors: unknown }).errors), /No Results Found/);
      },
    },
    {
      operation: 'AddTacTarget',
      title: 'the four fields in the JSON body',
      config: { LogonName: 'test2', Target: '5125550100', TargetType: 'Sms', CountryCode: 'USA' },
      expect: { method: 'POST', path: '/v2/AddTacTarget', body: { LogonName: 'test2', Target: '5125550100', TargetType: 'Sms', CountryCode: 'USA' } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'DeleteTacTarget',
      title: 'a DELETE with a JSON body',
      node: { LogonName: 'test2', TargetType: 'Email' },
      config: { Target: 'test2@example.com' },
      expect: { method: 'DELETE', path: '/v2/DeleteTacTarget', body: { LogonName: 'test2', Target: 'test2@example.com', TargetType: 'Email' } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'Authenticate', title: 'no password', config: { LoginName: 'test2' }, error: /Password is required/ },
    { operation: 'Authenticate', title: 'no login name', config: { Password: 'x-Secret-9' }, error: /LoginName is required/ },
    {
      operation: 'Authenticate',
      title: 'a flag that is not a boolean',
      config: { LoginName: 'test2', Password: 'x-Secret-9', IncrementInvalidLogin: 'maybe' },
      error: /IncrementInvalidLogin must be true or false/,
    },
    { operation: 'ResetPassword', title: 'no logon name', error: /logonname is required/ },
    { operation: 'UnlockUser', title: 'no logon name', error: /logonname is required/ },
    { operation: 'DisableLogon', title: 'a logon name of ".."', config: { logonname: '..' }, error: /logonname must not be empty, "\."/ },
    { operation: 'EnableLogon', title: 'no logon name', error: /logonname is required/ },
    {
      operation: 'FlushBrowserRegistrations',
      title: 'no selector',
      error: /one of msg\.config\.LoginName, msg\.config\.UserLogonID, msg\.config\.UserID, msg\.config\.CustomerID, msg\.config\.GroupID is required/,
    },
    {
      operation: 'FlushBrowserRegistrations',
      title: 'a UserID that is not a number',
      config: { UserID: 'abc' },
      error: /UserID must be a positive whole number/,
    },
    {
      operation: 'FlushBrowserRegistrations',
      title: 'two selectors at once',
      config: { UserID: 2, CustomerID: 2 },
      error: /only one of .*UserID.*CustomerID.* may be given|only one of .*CustomerID.*UserID.* may be given/,
    },
    { operation: 'TacTargets', title: 'no login_name', error: /login_name is required/ },
    { operation: 'AddTacTarget', title: 'no target', config: { LogonName: 'test2', TargetType: 'Email' }, error: /Target is required/ },
    {
      operation: 'AddTacTarget',
      title: 'a target type Q2 does not know',
      config: { LogonName: 'test2', Target: 'a@example.com', TargetType: 'Fax' },
      error: /TargetType must be one of Email, Sms, Voice/,
    },
    { operation: 'DeleteTacTarget', title: 'no target type', config: { LogonName: 'test2', Target: 'a@example.com' }, error: /TargetType is required/ },
  ]);

  describe('the password never reaches Catch', () => {
    const SECRET = 'Wr0ng-Secret-4711';

    for (const [where, node, credentials, config] of [
      ['msg.config', {}, undefined, { LoginName: 'test2', Password: SECRET, IncrementInvalidLogin: true }],
      ['the node credential', { LoginName: 'test2' }, { Password: SECRET }, { IncrementInvalidLogin: true }],
    ] as const) {
      it(`Authenticate: a wrong password from ${where} → Catch "Invalid Password", without the password in the error or msg.config`, async () => {
        await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'Authenticate', ...node }]), credentials ? { n1: credentials } : {});
        ctx.sim.server.clearRequests();
        const outcome = await send({ payload: 'trigger', config: { ...config } });
        assert.equal(outcome.out, undefined);
        assert.match(caughtText(outcome), /Invalid Password/);
        const caught = outcome.caught as Msg;
        assert.ok(!caughtText(outcome).includes(SECRET), 'not in the error text');
        assert.equal((caught.config as Record<string, unknown> | undefined)?.Password, undefined, 'removed from msg.config');
        assert.equal((caught.config as Record<string, unknown> | undefined)?.LoginName, where === 'msg.config' ? 'test2' : undefined, 'the rest is kept');
        assert.ok(!JSON.stringify(caught).includes(SECRET), 'nowhere in the caught message');
        const calls = apiCalls(ctx);
        assert.equal(calls.length, 1, 'sent once: a write, not retried');
        assert.equal(calls[0].headers.password, SECRET, 'the password did reach Q2');
      });
    }

    it('a refused message (no login name) keeps the password out of Catch too', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'Authenticate' }]));
      const outcome = await send({ payload: 'trigger', config: { Password: SECRET } });
      assert.match(caughtText(outcome), /LoginName is required/);
      assert.ok(!JSON.stringify(outcome.caught).includes(SECRET));
    });

    it('ResetPassword: a password Q2 refuses is not echoed in the error', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'ResetPassword' }]));
      const outcome = await send({ payload: 'trigger', config: { logonname: 'test2', Password: 'sh0rt' } });
      assert.match(caughtText(outcome), /Password must have at least 8 characters/);
      assert.ok(!JSON.stringify(outcome.caught).includes('sh0rt'));
    });
  });

  describe('journeys (one node, msg.config.operation picks the request)', () => {
    async function step(config: Record<string, unknown>): Promise<Outcome> {
      return send({ payload: 'trigger', config });
    }
    const login = (LoginName: string, Password: string, extra: Record<string, unknown> = {}) =>
      step({ operation: 'Authenticate', LoginName, Password, ...extra });

    it('DisableLogon → Authenticate fails → EnableLogon → ResetPassword with a new password → Authenticate succeeds (the old one fails)', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'Authenticate' }]));
      const disabled = await step({ operation: 'DisableLogon', logonname: 'retail0' });
      assert.equal(disabled.out && data(disabled.out).LogonDisabled, true);
      assert.match(caughtText(await login('retail0', DEMO_LOGON_PASSWORD)), /Logon Disabled/);
      const enabled = await step({ operation: 'EnableLogon', logonname: 'retail0' });
      assert.equal(enabled.out && data(enabled.out).LogonEnabled, true);
      const reset = await step({ operation: 'ResetPassword', logonname: 'retail0', Password: 'N3w-Passw0rd' });
      assert.deepEqual(reset.out && data(reset.out), {});
      assert.match(caughtText(await login('retail0', DEMO_LOGON_PASSWORD)), /Invalid Password/);
      const ok = await login('retail0', 'N3w-Passw0rd');
      assert.ok(ok.out, caughtText(ok));
      assert.deepEqual([data(ok.out).UserLogonID, data(ok.out).UserID], [2, 2]);
      assert.equal(apiCalls(ctx).filter((r) => r.method === 'POST').length, 6, 'each step sent once');
    });

    it('three counted failures lock the logon (even the right password then fails) until UnlockUser; uncounted ones do not', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'Authenticate' }]));
      for (let i = 0; i < 5; i++) assert.match(caughtText(await login('dgorczany', 'wrong-one')), /Invalid Password/, 'not counted');
      assert.ok((await login('dgorczany', DEMO_LOGON_PASSWORD)).out, 'not locked');
      for (let i = 1; i <= 3; i++) {
        const failed = await login('dgorczany', 'wrong-one', { IncrementInvalidLogin: true });
        assert.match(caughtText(failed), /Invalid Password/);
      }
      assert.match(caughtText(await login('dgorczany', DEMO_LOGON_PASSWORD)), /Logon Locked/);
      const unlocked = await step({ operation: 'UnlockUser', logonname: 'dgorczany' });
      assert.deepEqual(unlocked.out && data(unlocked.out), { UserUnlocked: true, 'Login Status': 'UserLogonPasswordStatusNormal' });
      const ok = await login('dgorczany', DEMO_LOGON_PASSWORD);
      assert.ok(ok.out, caughtText(ok));
      assert.equal(data(ok.out).NumInvalidAttempts, 0);
    });

    it('a generated password works; an unknown logon is refused as documented per operation', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'Authenticate' }]));
      const reset = await step({ operation: 'ResetPassword', logonname: 'test2' });
      const generated = reset.out && data(reset.out).Password;
      assert.equal(typeof generated, 'string');
      assert.ok((await login('test2', generated as string)).out);
      assert.match(caughtText(await login('nobody', 'x-Secret-9')), /User Missing/);
      assert.match(caughtText(await step({ operation: 'UnlockUser', logonname: 'nobody' })), /Invalid Logon Name/);
      assert.match(caughtText(await step({ operation: 'TacTargets', login_name: 'nobody' })), /LogonName Not Found/);
      assert.match(
        caughtText(await step({ operation: 'DeleteTacTarget', LogonName: 'nobody', Target: 'a@example.com', TargetType: 'Email' })),
        /LogonName Not Found/,
      );
      assert.match(caughtText(await step({ operation: 'FlushBrowserRegistrations', CustomerID: 999 })), /Invalid CustomerID/);
    });

    it('TAC targets: add an Sms target, list both, delete the Email one, list the Sms one; a second add of it fails', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'TacTargets', login_name: 'test2' }]));
      const list = async (): Promise<unknown[]> => {
        const o = await step({});
        assert.ok(o.out, caughtText(o));
        return (o.out.payload as { data: Array<Record<string, unknown>> }).data.map((t) => [t.TargetTypeShortName, t.UnmaskedTargetAddress]);
      };
      const add = { operation: 'AddTacTarget', LogonName: 'test2', Target: '(512) 555-0100', TargetType: 'Sms' };
      assert.ok((await step(add)).out);
      assert.deepEqual(await list(), [
        ['Email', 'test2@example.com'],
        ['Sms', '5125550100'],
      ]);
      assert.ok((await step({ operation: 'DeleteTacTarget', LogonName: 'test2', Target: 'TEST2@example.com', TargetType: 'Email' })).out);
      assert.deepEqual(await list(), [['Sms', '5125550100']]);
      assert.match(caughtText(await step(add)), /Internal Platform Error/);
      assert.match(
        caughtText(await step({ operation: 'DeleteTacTarget', LogonName: 'test2', Target: 'gone@example.com', TargetType: 'Email' })),
        /Internal Platform Error/,
      );
    });

    it('the simulator reset restores the seed: passwords, statuses and TAC targets', async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'Authenticate' }]));
      await step({ operation: 'ResetPassword', logonname: 'test2', Password: 'N3w-Passw0rd' });
      await step({ operation: 'DisableLogon', logonname: 'retail0' });
      await step({ operation: 'DeleteTacTarget', LogonName: 'test2', Target: 'test2@example.com', TargetType: 'Email' });
      ctx.sim.server.reset();
      assert.ok((await login('test2', DEMO_LOGON_PASSWORD)).out);
      assert.ok((await login('retail0', DEMO_LOGON_PASSWORD)).out);
      const targets = await step({ operation: 'TacTargets', login_name: 'test2' });
      assert.equal((targets.out?.payload as { data: unknown[] }).data.length, 1);
    });
  });
});
