/** Caliper area "admin" (q2-platform-admin): admin (CSR) users, their groups and access, CSR Assist sessions. */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { DEMO_CSR_PASSWORD } from '../lib/simulator/caliper/admin';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-admin';

interface Admin {
  UserID: number;
  LoginName: string;
  FirstName: string;
  EmailAddress: string;
  GroupID: number;
  GroupDesc: string;
  Status: string;
  CanAccessQ2central: boolean;
  CanAccessQ2assist: boolean;
}

const data = <T>(out: Msg): T => (out.payload as { data: T }).data;
const errorOf = (outcome: Outcome): string => (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
const CSR = { ExternalIPAddress: '203.0.113.7', CSRUserName: 'csr.jane', CSRAssistPolicyID: 1, UserID: 2 };

describe('Caliper: Q2 Admin Users (q2-platform-admin) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'AddAdminUser',
      title: 'POST /v2/AddAdminUser with the required fields and ABA; the generated password comes back',
      node: { LoginName: 'csr.lee', FirstName: 'Lee', LastName: 'Chan', Email: 'lee@bank.example', AdminGroupID: '2', ABA: '111000025' },
      expect: {
        method: 'POST',
        path: '/v2/AddAdminUser',
        body: { LoginName: 'csr.lee', FirstName: 'Lee', LastName: 'Chan', Email: 'lee@bank.example', AdminGroupID: 2, ABA: '111000025' },
      },
      check: (out) => assert.match(data<{ Password: string }>(out).Password, /^\S{8,}$/),
    },
    {
      operation: 'UpdateAdminUser',
      title: 'PUT /v2/UpdateAdminUser, only the fields given',
      config: { LoginName: 'csr.jane', Email: 'jane.doe@bank.example' },
      expect: { method: 'PUT', path: '/v2/UpdateAdminUser', body: { LoginName: 'csr.jane', Email: 'jane.doe@bank.example' } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'DisableAdminUser',
      title: 'POST /v2/DisableAdminUser with a reason',
      node: { AdminLoginName: 'ops.kim', Reason: 'Left the bank' },
      expect: { method: 'POST', path: '/v2/DisableAdminUser', body: { AdminLoginName: 'ops.kim', Reason: 'Left the bank' } },
    },
    {
      operation: 'EnableAdminUser',
      title: 'POST /v2/EnableAdminUser without a reason',
      config: { AdminLoginName: 'ops.kim' },
      expect: { method: 'POST', path: '/v2/EnableAdminUser', body: { AdminLoginName: 'ops.kim' } },
    },
    {
      operation: 'DeleteAdminUser',
      title: 'DELETE /v2/DeleteAdminUser/{AdminUserID}, no body',
      config: { AdminUserID: 2 },
      expect: { method: 'DELETE', path: '/v2/DeleteAdminUser/2' },
    },
    {
      operation: 'ResetAdminPassword',
      title: 'POST /v2/ResetAdminPassword/{logonname}, the name encoded in its segment, no body',
      node: { logonname: 'CSR.Jane' },
      expect: { method: 'POST', path: '/v2/ResetAdminPassword/CSR%2EJane' },
      check: (out) => assert.equal(typeof data<{ Password: string }>(out).Password, 'string'),
    },
    {
      operation: 'UpdateAdminAccess',
      title: 'PUT /v2/UpdateAdminAccess with both flags; the answer echoes them as strings',
      node: { AdminLoginName: 'ops.kim', CanAccessQ2Central: false, CanAccessQ2Assist: true },
      expect: { method: 'PUT', path: '/v2/UpdateAdminAccess', body: { AdminLoginName: 'ops.kim', CanAccessQ2Central: false, CanAccessQ2Assist: true } },
      check: (out) => assert.deepEqual(data(out), { CanAccessQ2Central: 'false', CanAccessQ2Assist: 'true' }),
    },
    {
      operation: 'ChangeAdminRole',
      title: 'PUT /v2/ChangeAdminRole, GroupID given as text (⚠ typed string by Q2), sent as a number',
      config: { AdminLoginName: 'csr.jane', GroupID: '2' },
      expect: { method: 'PUT', path: '/v2/ChangeAdminRole', body: { AdminLoginName: 'csr.jane', GroupID: 2 } },
    },
    {
      operation: 'GetAdminUserList',
      title: 'GET /v2/GetAdminUserList: the two seeded admins, no password',
      expect: { method: 'GET', path: '/v2/GetAdminUserList' },
      check: (out) => {
        const list = data<Admin[]>(out);
        assert.deepEqual(
          list.map((a) => a.LoginName),
          ['csr.jane', 'ops.kim'],
        );
        for (const a of list)
          assert.deepEqual(
            Object.keys(a).filter((k) => /password|hash/i.test(k)),
            [],
            'no password field',
          );
      },
    },
    {
      operation: 'GetAdminGroups',
      title: 'GET /v2/GetAdminGroups',
      expect: { method: 'GET', path: '/v2/GetAdminGroups' },
      check: (out) =>
        assert.deepEqual(
          data<Array<{ GroupID: number }>>(out).map((g) => g.GroupID),
          [1, 2, 3],
        ),
    },
    {
      operation: 'CSRAssist',
      title: 'POST /v2/CSRAssist, the CSR password a node credential; the session tokens and form URL come back',
      node: { ExternalIPAddress: '203.0.113.7', CSRUserName: 'csr.jane', CSRAssistPolicyID: '1', UserID: '2' },
      credentials: { CSRPassword: DEMO_CSR_PASSWORD },
      expect: { method: 'POST', path: '/v2/CSRAssist', body: { ...CSR, CSRPassword: DEMO_CSR_PASSWORD } },
      check: (out) => {
        const answer = data<{ userToken: string; authToken: string; action: string }>(out);
        assert.match(answer.userToken, /^\w+$/);
        assert.match(answer.authToken, /^\w+$/);
        assert.match(answer.action, /^https:\/\//);
        assert.ok(!JSON.stringify(out).includes(DEMO_CSR_PASSWORD), 'the output does not carry the CSR password');
      },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'AddAdminUser', title: 'no Email', config: { LoginName: 'a', FirstName: 'b', LastName: 'c', AdminGroupID: 1 }, error: /Email is required/ },
    {
      operation: 'AddAdminUser',
      title: "AdminGroupID 'abc'",
      config: { LoginName: 'a', FirstName: 'b', LastName: 'c', Email: 'a@b', AdminGroupID: 'abc' },
      error: /msg\.config\.AdminGroupID must be/,
    },
    { operation: 'UpdateAdminUser', title: 'no LoginName', config: { FirstName: 'x' }, error: /LoginName is required/ },
    { operation: 'DisableAdminUser', title: 'no AdminLoginName', error: /AdminLoginName is required/ },
    { operation: 'DeleteAdminUser', title: "AdminUserID 'abc'", config: { AdminUserID: 'abc' }, error: /msg\.config\.AdminUserID must be/ },
    { operation: 'ResetAdminPassword', title: 'no logonname', error: /logonname is required/ },
    {
      operation: 'UpdateAdminAccess',
      title: "CanAccessQ2Assist 'abc'",
      config: { AdminLoginName: 'ops.kim', CanAccessQ2Assist: 'abc' },
      error: /msg\.config\.CanAccessQ2Assist must be/,
    },
    { operation: 'ChangeAdminRole', title: 'no GroupID', config: { AdminLoginName: 'csr.jane' }, error: /GroupID is required/ },
    { operation: 'CSRAssist', title: 'no CSRPassword', config: { ...CSR }, error: /CSRPassword is required/ },
    { operation: 'CSRAssist', title: "UserID 'abc'", config: { ...CSR, UserID: 'abc', CSRPassword: 'whatever-it-is' }, error: /msg\.config\.UserID must be/ },
  ]);

  it('journey: add an admin → listed → updated, disabled, regrouped → read back → deleted → gone', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'GetAdminUserList' }]));
    const ok = async (config: Record<string, unknown> = {}): Promise<Msg> => {
      const outcome = await send({ payload: 'go', config });
      assert.equal(errorOf(outcome), '');
      assert.ok(outcome.out);
      return outcome.out;
    };
    const find = async (login: string): Promise<Admin | undefined> => data<Admin[]>(await ok()).find((a) => a.LoginName === login);
    const { Password } = data<{ Password: string }>(
      await ok({ operation: 'AddAdminUser', LoginName: 'csr.temp', FirstName: 'Tem', LastName: 'Porary', Email: 'temp@bank.example', AdminGroupID: 1 }),
    );
    const added = await find('csr.temp');
    assert.ok(added);
    assert.deepEqual([added.FirstName, added.GroupDesc, added.Status], ['Tem', 'Customer Service', 'Active']);
    assert.ok(!JSON.stringify(data(await ok())).includes(Password), 'the list never shows the password');
    await ok({ operation: 'UpdateAdminUser', LoginName: 'csr.temp', FirstName: 'Terry' });
    await ok({ operation: 'DisableAdminUser', AdminLoginName: 'csr.temp' });
    await ok({ operation: 'ChangeAdminRole', AdminLoginName: 'csr.temp', GroupID: 3 });
    await ok({ operation: 'UpdateAdminAccess', AdminLoginName: 'csr.temp', CanAccessQ2Central: false, CanAccessQ2Assist: true });
    const changed = await find('csr.temp');
    assert.deepEqual(
      [changed?.FirstName, changed?.Status, changed?.GroupID, changed?.GroupDesc, changed?.CanAccessQ2central, changed?.CanAccessQ2assist],
      ['Terry', 'Disabled', 3, 'Back Office Administrator', false, true],
    );
    await ok({ operation: 'EnableAdminUser', AdminLoginName: 'csr.temp' });
    assert.equal((await find('csr.temp'))?.Status, 'Active');
    await ok({ operation: 'DeleteAdminUser', AdminUserID: added.UserID });
    assert.equal(await find('csr.temp'), undefined);
    const again = await send({ payload: 'go', config: { operation: 'DeleteAdminUser', AdminUserID: added.UserID } });
    assert.match(errorOf(again), /No Customer Found/, 'Q2 documents a 500 "No Customer Found" (⚠)');
  });

  it('answers: a login that exists → 409; unknown admins → 404; each write sent once', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'GetAdminGroups' }]));
    ctx.sim.server.clearRequests();
    const dup = await send({
      payload: 'go',
      config: { operation: 'AddAdminUser', LoginName: 'CSR.JANE', FirstName: 'J', LastName: 'D', Email: 'j@bank.example', AdminGroupID: 1 },
    });
    assert.match(errorOf(dup), /Login already exists/);
    assert.equal((dup.caught as Msg).statusCode, 409);
    for (const [operation, config, words] of [
      ['UpdateAdminUser', { LoginName: 'nobody' }, /Admin not found/],
      ['DisableAdminUser', { AdminLoginName: 'nobody' }, /Login Not Found/],
      ['ResetAdminPassword', { logonname: 'nobody' }, /Login does not exist/],
      ['UpdateAdminAccess', { AdminLoginName: 'nobody', CanAccessQ2Assist: true }, /User not found/],
      ['ChangeAdminRole', { AdminLoginName: 'nobody', GroupID: 1 }, /User does not exist/],
    ] as const) {
      const outcome = await send({ payload: 'go', config: { operation, ...config } });
      assert.match(errorOf(outcome), words, operation);
      assert.equal((outcome.caught as Msg).statusCode, 404, operation);
    }
    assert.equal(apiCalls(ctx).length, 6, 'no retry');
  });

  it('CSRAssist: a reset password opens a session (from msg.config); the old one no longer does', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'ResetAdminPassword', logonname: 'csr.jane' }]));
    const reset = await send({ payload: 'go' });
    const { Password } = data<{ Password: string }>(reset.out as Msg);
    assert.notEqual(Password, DEMO_CSR_PASSWORD);
    const session = await send({ payload: 'go', config: { operation: 'CSRAssist', ...CSR, CSRPassword: Password } });
    assert.equal(errorOf(session), '');
    assert.ok(!JSON.stringify((session.out as Msg).payload).includes(Password), 'the answer does not carry the CSR password');
    const old = await send({ payload: 'go', config: { operation: 'CSRAssist', ...CSR, CSRPassword: DEMO_CSR_PASSWORD } });
    assert.match(errorOf(old), /Invalid CSR credentials/);
  });

  it('CSRAssist: a wrong CSR password from msg.config → Catch; the value is neither in the error text nor in msg.config', async () => {
    const secret = 'Wrong-Secret-7731';
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'CSRAssist' }]));
    const outcome = await send({ payload: 'go', config: { ...CSR, CSRPassword: secret } });
    assert.match(errorOf(outcome), /Invalid CSR credentials/);
    assert.equal((outcome.caught as Msg).statusCode, 400);
    assert.ok(!errorOf(outcome).includes(secret));
    const config = (outcome.caught as Msg).config as Record<string, unknown> | undefined;
    assert.equal(config?.CSRPassword, undefined, 'removed from msg.config at Catch');
    assert.ok(!JSON.stringify(outcome.caught).includes(secret), 'nowhere in the failed message');
  });

  it('CSRAssist: a disabled CSR cannot open a session; the node credential never reaches the Catch message', async () => {
    const secret = 'Node-Credential-5519';
    await load(
      flowWith(ctx.sim.url, [
        { id: 'n1', type: TYPE, operation: 'CSRAssist', ...CSR, CSRAssistPolicyID: '1', UserID: '2' },
        { id: 'n2', type: TYPE, operation: 'DisableAdminUser', AdminLoginName: 'csr.jane' },
      ]),
      { n1: { CSRPassword: secret } },
    );
    assert.equal(errorOf(await send({ payload: 'go' }, 'n2')), '');
    const outcome = await send({ payload: 'go' });
    assert.match(errorOf(outcome), /Invalid CSR credentials/);
    assert.ok(!JSON.stringify(outcome.caught).includes(secret));
  });
});
