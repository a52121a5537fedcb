/**
 * Caliper area "users" (q2-platform-users): search, login info, add a user / a logon / an account association, and
 * the user-level updates. The journeys check that a user added here lives in the shared state (the seed's Lookup
 * User node finds it) and that renames, SSO identifiers and corporate access are read back.
 */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases, caught, errorText, output } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-users';

type Envelope = { success: boolean; data: Record<string, unknown> & unknown[] };
const data = (out: Msg): Record<string, unknown> => (out.payload as Envelope).data;

const NEW_USER = { User: { LogonName: 'jdoe', CustomerID: 1, FirstName: 'Jane', LastName: 'Doe', SSN: '555667777', Emails: ['jane.doe@example.com'] } };

describe('Caliper: Q2 Users (q2-platform-users) against the simulator', function () {
  this.timeout(30000);
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'SearchUser',
      title: 'POST /v2/SearchUser with one selector from the node; data is one user object',
      node: { LastName: 'Avery' },
      expect: { method: 'POST', path: '/v2/SearchUser', body: { LastName: 'Avery' } },
      check: (out) => {
        assert.equal(data(out).UserID, 1);
        assert.equal(data(out).AuthToken, undefined);
      },
    },
    {
      operation: 'SearchUser',
      title: 'a phone number from msg.config; no match answers data {}',
      config: { PhoneNumber: '999-000-0000' },
      expect: { method: 'POST', path: '/v2/SearchUser', body: { PhoneNumber: '999-000-0000' } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'SearchUser',
      title: 'msg.config switches selector over the node one (the most specific source wins)',
      node: { LastName: 'Avery' },
      config: { Email: 'alex.avery@example.com' },
      expect: { method: 'POST', path: '/v2/SearchUser', body: { Email: 'alex.avery@example.com' } },
      check: (out) => assert.equal(data(out).UserID, 1),
    },
    {
      operation: 'GetUserLoginInfo',
      title: 'GET with the filter in the query; one login name gives the login-info object',
      node: { filter: 'aavery' },
      expect: { method: 'GET', path: '/v2/GetUserLoginInfo', query: { filter: 'aavery' } },
      check: (out) => {
        assert.equal(data(out).LoginName, 'aavery');
        assert.equal(data(out).CustomerName, 'Avery Household');
      },
    },
    {
      operation: 'GetUserLoginInfo',
      title: 'a list of login names from msg.config (an array joined with commas)',
      config: { filter: ['test2', 'dgorczany'] },
      expect: { method: 'GET', path: '/v2/GetUserLoginInfo', query: { filter: 'test2,dgorczany' } },
      check: (out) =>
        assert.deepEqual(
          (data(out) as unknown as Array<{ UserID: number }>).map((i) => i.UserID),
          [2, 4],
        ),
    },
    {
      operation: 'AddUser',
      title: 'POST /v2/AddUser with the User object of the data property',
      payload: NEW_USER,
      expect: { method: 'POST', path: '/v2/AddUser', body: NEW_USER },
      check: (out) => {
        assert.equal(data(out).UserLogon, 'jdoe');
        assert.equal(data(out).Result, 'Success');
        assert.equal(data(out).CustomerID, 1);
      },
    },
    {
      operation: 'AddUserLogon',
      title: 'POST /v2/AddUserLogon; the password from the node credential; the given password is not echoed',
      node: { LogonName: 'ryan.mobile', UserID: '2', Require_Password_Reset: false },
      credentials: { Password: 'S3cret-Passw0rd!' },
      expect: {
        method: 'POST',
        path: '/v2/AddUserLogon',
        body: { LogonName: 'ryan.mobile', UserID: 2, Password: 'S3cret-Passw0rd!', Require_Password_Reset: false },
      },
      check: (out) => {
        assert.equal(data(out).Result, 'Success');
        assert.equal(data(out).Password, null);
        assert.ok(!JSON.stringify(out.payload).includes('S3cret-Passw0rd!'));
      },
    },
    {
      operation: 'AddUserLogon',
      title: 'no password: Q2 generates one and returns it',
      config: { LogonName: 'alex.tablet', UserID: 1 },
      expect: { method: 'POST', path: '/v2/AddUserLogon', body: { LogonName: 'alex.tablet', UserID: 1 } },
      check: (out) => assert.match(String(data(out).Password), /^Tmp-/),
    },
    {
      operation: 'AddAccountAssociation',
      title: 'POST with the three required flags and an account number (credential)',
      node: { UserID: '4', CanDeposit: true, CanView: true, CanWithdraw: false },
      credentials: { AccountNumber: '2000000003' },
      expect: {
        method: 'POST',
        path: '/v2/AddAccountAssociation',
        body: { UserID: 4, CanDeposit: true, CanView: true, CanWithdraw: false, AccountNumber: '2000000003' },
      },
      check: (out) => {
        assert.deepEqual(data(out).Associations, [{ AccountID: 5003, AccessLevel: 3 }]);
        assert.ok(!JSON.stringify(out.payload).includes('2000000003'), 'the account number is not echoed');
      },
    },
    {
      operation: 'AddAccountAssociation',
      title: 'false flags from msg.config are sent (required booleans), a CIF pulls the customer accounts',
      config: { UserID: 1, CanDeposit: false, CanView: 'true', CanWithdraw: false, PrimaryCif: '111223333' },
      expect: {
        method: 'POST',
        path: '/v2/AddAccountAssociation',
        body: { UserID: 1, CanDeposit: false, CanView: true, CanWithdraw: false, PrimaryCif: '111223333' },
      },
      check: (out) => assert.deepEqual(data(out).Associations, [{ AccountID: 5001, AccessLevel: 2 }]),
    },
    {
      operation: 'UpdateUserInfo',
      title: 'PUT with UserID and a new PrimaryCif',
      node: { UserID: '3', PrimaryCif: 'CIF-0003' },
      expect: { method: 'PUT', path: '/v2/UpdateUserInfo', body: { UserID: 3, PrimaryCif: 'CIF-0003' } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
    {
      operation: 'UpdateUserInfo',
      title: 'an unticked UnsetPrimaryCif (false, as the editor stores it) is not sent beside PrimaryCif',
      node: { UserID: '3', PrimaryCif: 'CIF-0003', UnsetPrimaryCif: false },
      expect: { method: 'PUT', path: '/v2/UpdateUserInfo', body: { UserID: 3, PrimaryCif: 'CIF-0003' } },
    },
    {
      operation: 'UpdateUserInfo',
      title: 'UnsetPrimaryCif true from msg.config',
      config: { UserID: 3, UnsetPrimaryCif: true },
      expect: { method: 'PUT', path: '/v2/UpdateUserInfo', body: { UserID: 3, UnsetPrimaryCif: true } },
    },
    {
      operation: 'UpdateDemographicInfo',
      title: 'PUT by LogonName with Address and Phones from the data property',
      node: { LogonName: 'aavery' },
      payload: {
        Address: { StreetAddress1: '1 Lamar Blvd', City: 'Austin', State: 'TX', PostalCode: '78703' },
        Phones: [{ Phone: '5125550142', PhoneType: 'Mobile' }],
      },
      expect: {
        method: 'PUT',
        path: '/v2/UpdateDemographicInfo',
        body: {
          Address: { StreetAddress1: '1 Lamar Blvd', City: 'Austin', State: 'TX', PostalCode: '78703' },
          Phones: [{ Phone: '5125550142', PhoneType: 'Mobile' }],
          LogonName: 'aavery',
        },
      },
    },
    {
      operation: 'UpdateDemographicInfo',
      title: 'by CustomerID from msg.config, no data property object: the selector alone',
      config: { CustomerID: '3' },
      expect: { method: 'PUT', path: '/v2/UpdateDemographicInfo', body: { CustomerID: 3 } },
    },
    {
      operation: 'UpdateSSOIdentifier',
      title: 'PUT with login_name and sso_token in the query, no body',
      node: { login_name: 'dgorczany' },
      credentials: { sso_token: 'sso-token-4711' },
      expect: { method: 'PUT', path: '/v2/UpdateSSOIdentifier', query: { login_name: 'dgorczany', sso_token: 'sso-token-4711' } },
      check: (out) => assert.ok(!JSON.stringify(out.payload).includes('sso-token-4711')),
    },
    {
      operation: 'UpdateCorporateAccess',
      title: 'PUT with the login and both flags; data echoes them as strings',
      node: { LoginName: 'bakery.admin', CanAddUsers: false, CanManageUsers: true },
      expect: { method: 'PUT', path: '/v2/UpdateCorporateAccess', body: { LoginName: 'bakery.admin', CanAddUsers: false, CanManageUsers: true } },
      check: (out) => assert.deepEqual(data(out), { CanAddUsers: 'false', CanManageUsers: 'true' }),
    },
    {
      operation: 'ChangeUserLogonName',
      title: 'PUT with the current and the new logon name',
      config: { LogonName: 'retail0', NewLogonName: 'ryan.retail' },
      expect: { method: 'PUT', path: '/v2/ChangeUserLogonName', body: { LogonName: 'retail0', NewLogonName: 'ryan.retail' } },
      check: (out) => assert.deepEqual(data(out), {}),
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'SearchUser', title: 'no selector', error: /FirstName|LastName|PhoneNumber|Email|SSOIdentifier/ },
    {
      operation: 'SearchUser',
      title: 'two selectors from msg.config',
      config: { FirstName: 'Alex', LastName: 'Avery' },
      error: /only one|exactly one|one of/i,
    },
    { operation: 'GetUserLoginInfo', title: 'no filter', error: /filter is required/ },
    { operation: 'GetUserLoginInfo', title: 'a filter with a space', config: { filter: 'a b' }, error: /msg\.config\.filter/ },
    { operation: 'AddUser', title: 'no User in the data property', payload: { LogonName: 'x' }, error: /msg\.payload\.User/ },
    {
      operation: 'AddUser',
      title: 'a User without CustomerID',
      payload: { User: { LogonName: 'x', FirstName: 'A', LastName: 'B' } },
      error: /msg\.payload\.User\.CustomerID/,
    },
    {
      operation: 'AddUser',
      title: 'a CustomerID that is not an id',
      payload: { User: { ...NEW_USER.User, CustomerID: 'abc' } },
      error: /msg\.payload\.User\.CustomerID/,
    },
    { operation: 'AddUserLogon', title: 'no LogonName', config: { UserID: 2 }, error: /LogonName is required/ },
    { operation: 'AddUserLogon', title: "UserID 'abc'", config: { LogonName: 'x', UserID: 'abc' }, error: /msg\.config\.UserID/ },
    { operation: 'AddAccountAssociation', title: 'no CanWithdraw', config: { UserID: 2, CanDeposit: true, CanView: true }, error: /CanWithdraw is required/ },
    {
      operation: 'AddAccountAssociation',
      title: 'a flag that is not a boolean',
      config: { UserID: 2, CanDeposit: 'yes', CanView: true, CanWithdraw: true },
      error: /msg\.config\.CanDeposit/,
    },
    { operation: 'UpdateUserInfo', title: 'no UserID', config: { PrimaryCif: 'X' }, error: /UserID is required/ },
    { operation: 'UpdateUserInfo', title: "UserID 'abc'", config: { UserID: 'abc', PrimaryCif: 'X' }, error: /msg\.config\.UserID/ },
    {
      operation: 'UpdateDemographicInfo',
      title: 'both LogonName and CustomerID',
      config: { LogonName: 'aavery', CustomerID: 1 },
      error: /LogonName|CustomerID/,
    },
    { operation: 'UpdateDemographicInfo', title: "CustomerID 'abc'", config: { CustomerID: 'abc' }, error: /msg\.config\.CustomerID/ },
    {
      operation: 'UpdateDemographicInfo',
      title: 'Phones that are not an array',
      config: { LogonName: 'aavery' },
      payload: { Phones: 'x' },
      error: /msg\.payload\.Phones/,
    },
    { operation: 'UpdateSSOIdentifier', title: 'no sso_token', config: { login_name: 'aavery' }, error: /sso_token is required/ },
    { operation: 'UpdateCorporateAccess', title: 'no LoginName', config: { CanAddUsers: true }, error: /LoginName is required/ },
    { operation: 'ChangeUserLogonName', title: 'no NewLogonName', config: { LogonName: 'aavery' }, error: /NewLogonName is required/ },
  ]);

  it('journey: AddUser → the seed Lookup User finds it → AddUserLogon → ChangeUserLogonName → GetUserLoginInfo → corporate access → SSO search', async () => {
    await load(
      flowWith(ctx.sim.url, [
        { id: 'n1', type: TYPE, operation: 'AddUser' },
        { id: 'n2', type: 'q2-lookup-user' },
      ]),
    );
    const added = data(output(await send({ payload: NEW_USER })));
    const userId = added.UserID as number;
    assert.ok(userId > 4, 'a new user id');
    // the same user seen through the shared state, by the seed's node (by SSN) and by the simulator's state
    const looked = output(await send({ config: { ssn: '555667777' } }, 'n2'));
    const [found] = (looked.payload as { data: Array<{ UserID: number; LogonNames: Array<{ LogonIDMapping: Record<string, string> }> }> }).data;
    assert.equal(found.UserID, userId);
    assert.deepEqual(Object.keys(found.LogonNames[0].LogonIDMapping), ['jdoe']);
    // a second add with the same logon name: "Login Name Exists" inside HTTP 200 → Catch
    assert.match(errorText(await send({ payload: NEW_USER })), /Login Name Exists/);

    const logon = data(output(await send({ config: { operation: 'AddUserLogon', LogonName: 'jdoe.mobile', UserID: userId } })));
    assert.equal(logon.UserLogon, 'jdoe.mobile');
    assert.match(errorText(await send({ config: { operation: 'AddUserLogon', LogonName: 'JDOE', UserID: userId } })), /Login Name Exists/);

    output(await send({ config: { operation: 'ChangeUserLogonName', LogonName: 'jdoe', NewLogonName: 'jane.doe' } }));
    const renamed = output(await send({ config: { ssn: '555667777' } }, 'n2'));
    const mapping = (renamed.payload as { data: Array<{ LogonNames: Array<{ LogonIDMapping: Record<string, string> }> }> }).data[0].LogonNames[0]
      .LogonIDMapping;
    assert.deepEqual(Object.keys(mapping).sort(), ['jane.doe', 'jdoe.mobile']);
    const gone = await send({ config: { operation: 'GetUserLoginInfo', filter: 'jdoe' } });
    assert.match(errorText(gone), /LogonName Not Found/);
    assert.equal(caught(gone).statusCode, 404);

    const before = data(output(await send({ config: { operation: 'GetUserLoginInfo', filter: 'jane.doe' } })));
    assert.equal(before.UserID, userId);
    assert.equal(before.ManageUsers, false);
    assert.equal(before.EmailAddress, 'jane.doe@example.com');
    const access = data(output(await send({ config: { operation: 'UpdateCorporateAccess', LoginName: 'jane.doe', CanManageUsers: true } })));
    assert.deepEqual(access, { CanAddUsers: 'false', CanManageUsers: 'true' });
    const after = data(output(await send({ config: { operation: 'GetUserLoginInfo', filter: 'jane.doe' } })));
    assert.equal(after.ManageUsers, true);

    output(await send({ config: { operation: 'UpdateSSOIdentifier', login_name: 'jdoe.mobile', sso_token: 'idp|jane' } }));
    const bySso = data(output(await send({ config: { operation: 'SearchUser', SSOIdentifier: 'idp|jane' } })));
    assert.equal(bySso.UserID, userId);
    const byEmail = data(output(await send({ config: { operation: 'SearchUser', Email: 'JANE.DOE@example.com' } })));
    assert.equal(byEmail.UserID, userId);

    output(await send({ config: { operation: 'UpdateUserInfo', UserID: userId, PrimaryCif: 'CIF-JD' } }));
    assert.equal(ctx.sim.platform.state.users.find((u) => u.UserID === userId)?.PrimaryCIF, 'CIF-JD');
    output(await send({ config: { operation: 'UpdateUserInfo', UserID: userId, UnsetPrimaryCif: true } }));
    assert.equal(ctx.sim.platform.state.users.find((u) => u.UserID === userId)?.PrimaryCIF, '');
  });

  it('journey: UpdateDemographicInfo by login changes the customer phones SearchUser finds; by CustomerID the address LookupCustomer reads', async () => {
    await load(
      flowWith(ctx.sim.url, [
        { id: 'n1', type: TYPE, operation: 'UpdateDemographicInfo' },
        { id: 'n2', type: 'q2-lookup-customer', includeAddress: true, includePhone: true },
      ]),
    );
    assert.deepEqual(data(output(await send({ config: { operation: 'SearchUser', PhoneNumber: '(512) 555-0142' } }))), {});
    output(await send({ config: { LogonName: 'bakery.admin' }, payload: { Phones: [{ Phone: '512-555-0142', PhoneType: 'Mobile' }] } }));
    assert.equal(data(output(await send({ config: { operation: 'SearchUser', PhoneNumber: '(512) 555-0142' } }))).UserID, 3);
    output(await send({ config: { CustomerID: 3 }, payload: { Address: { StreetAddress1: '99 Mesa Dr', City: 'Austin', PostalCode: '78731' } } }));
    const customer = (
      output(await send({ config: { taxID: '741852963' } }, 'n2')).payload as {
        data: Array<{ Address: { StreetAddress1: string; City: string; PostalCode: string }; Phones: Array<{ LocalNumber: string }> }>;
      }
    ).data[0];
    assert.equal(customer.Address.StreetAddress1, '99 Mesa Dr');
    assert.equal(customer.Address.PostalCode, '78731');
    assert.deepEqual(
      customer.Phones.map((p) => p.LocalNumber),
      ['5550142'],
    );
    const unknown = await send({ config: { LogonName: 'nobody' } });
    assert.equal(caught(unknown).statusCode, 404);
  });

  it('failures: unknown ids are 404, UpdateCorporateAccess for an unknown login is success:false inside HTTP 200, a taken new logon name too', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'AddUserLogon' }]));
    const noUser = await send({ config: { LogonName: 'ghost.logon', UserID: 99 } });
    assert.match(errorText(noUser), /UserID Not Found/);
    assert.equal(caught(noUser).statusCode, 404);
    const noAccess = await send({ config: { operation: 'UpdateCorporateAccess', LoginName: 'nobody', CanAddUsers: true } });
    assert.match(errorText(noAccess), /Internal Platform Error/);
    assert.equal(caught(noAccess).statusCode, 200);
    const taken = await send({ config: { operation: 'ChangeUserLogonName', LogonName: 'aavery', NewLogonName: 'Test2' } });
    assert.match(errorText(taken), /Internal Platform Error/);
    const noRename = await send({ config: { operation: 'ChangeUserLogonName', LogonName: 'nobody', NewLogonName: 'x' } });
    assert.match(errorText(noRename), /LogonName Not Found/);
    // UpdateUserInfo's 1of{PrimaryCif, UnsetPrimaryCif} is Q2's to check (see the table): both, or neither, is its 400
    const both = await send({ config: { operation: 'UpdateUserInfo', UserID: 1, PrimaryCif: 'X', UnsetPrimaryCif: true } });
    assert.equal(caught(both).statusCode, 400);
    assert.match(errorText(both), /exactly one of PrimaryCif, UnsetPrimaryCif/);
    const neither = await send({ config: { operation: 'UpdateUserInfo', UserID: 1 } });
    assert.match(errorText(neither), /exactly one of PrimaryCif, UnsetPrimaryCif/);
    const noCustomer = await send({ config: { operation: 'AddUser' }, payload: { User: { ...NEW_USER.User, CustomerID: 77 } } });
    assert.match(errorText(noCustomer), /CustomerID Not Found/);
    // writes are sent once, never retried
    assert.equal(apiCalls(ctx).filter((r) => r.path === '/v2/AddUserLogon').length, 1);
  });

  describe('sensitive inputs never reach the Catch text nor msg.config of a failed message', () => {
    const cases: Array<{ title: string; config: Record<string, unknown>; payload?: unknown; secret: string; key: string }> = [
      {
        title: 'AddUserLogon: a taken login name with a password',
        config: { operation: 'AddUserLogon', LogonName: 'aavery', UserID: 1, Password: 'Pa55-word-XYZ' },
        secret: 'Pa55-word-XYZ',
        key: 'Password',
      },
      {
        title: 'AddAccountAssociation: an account number that is not in Q2',
        config: { operation: 'AddAccountAssociation', UserID: 1, CanDeposit: true, CanView: true, CanWithdraw: true, AccountNumber: '8765432109' },
        secret: '8765432109',
        key: 'AccountNumber',
      },
      {
        title: 'UpdateSSOIdentifier: an unknown login with a token in the query',
        config: { operation: 'UpdateSSOIdentifier', login_name: 'nobody', sso_token: 'sso-secret-991' },
        secret: 'sso-secret-991',
        key: 'sso_token',
      },
      {
        title: 'SearchUser: an SSO identifier refused with another selector',
        config: { operation: 'SearchUser', SSOIdentifier: 'sso-secret-992', Email: 'a@example.com' },
        secret: 'sso-secret-992',
        key: 'SSOIdentifier',
      },
      {
        title: 'AddAccountAssociation: an account number with a UserID that is not an id',
        config: { operation: 'AddAccountAssociation', UserID: 'abc', CanDeposit: true, CanView: true, CanWithdraw: true, AccountNumber: '8765432108' },
        secret: '8765432108',
        key: 'AccountNumber',
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'SearchUser' }]));
        const failed = caught(await send({ config: c.config, payload: c.payload ?? 'trigger' }));
        assert.ok(failed.error?.message, 'an error text');
        assert.ok(!failed.error.message.includes(c.secret), `the Catch text hides ${c.key}: ${failed.error.message}`);
        const config = failed.config as Record<string, unknown>;
        assert.ok(!(c.key in config), `msg.config.${c.key} is removed before Catch`);
        assert.ok(!JSON.stringify(failed).includes(c.secret), 'nowhere in the failed message');
      });
    }
  });
});
