/** Caliper area "roles" (q2-platform-roles): user roles, groups, policy data and Restricted Entitlement Mode. */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator, type Msg, type Outcome } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-roles';

const data = <T>(out: Msg): T => (out.payload as { data: T }).data;
const errorOf = (outcome: Outcome): string => (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';

describe('Caliper: Q2 Roles & Groups (q2-platform-roles) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'AddUserRole',
      title: 'POST /v2/AddUserRole with CustomerId (lower-case d) and the two descriptions; the new UserRoleID comes back',
      node: { CustomerId: '2', UserRoleDescription: 'Approver', UserRoleExtendedDescription: 'Approves ACH batches' },
      expect: {
        method: 'POST',
        path: '/v2/AddUserRole',
        body: { CustomerId: 2, UserRoleDescription: 'Approver', UserRoleExtendedDescription: 'Approves ACH batches' },
      },
      check: (out) => {
        const role = data<{ CustomerId: number; UserRoleID: number }>(out);
        assert.equal(role.CustomerId, 2);
        assert.ok(role.UserRoleID > 0);
      },
    },
    {
      operation: 'GetUserRoles',
      title: 'GET /v2/GetUserRoles/{customer_id}, the id in the path',
      config: { customer_id: 2 },
      expect: { method: 'GET', path: '/v2/GetUserRoles/2' },
      check: (out) =>
        assert.deepEqual(
          data<Array<{ Description: string }>>(out).map((r) => r.Description),
          ['Administrator', 'Viewer'],
        ),
    },
    {
      operation: 'ChangeUserRole',
      title: 'PUT /v2/ChangeUserRole with ids given as text (⚠ typed string by Q2), sent as numbers',
      config: { UserID: '4', UserRoleID: '2' },
      expect: { method: 'PUT', path: '/v2/ChangeUserRole', body: { UserID: 4, UserRoleID: 2 } },
      check: () => assert.equal(ctx.sim.platform.state.users.find((u) => u.UserID === 4)?.UserRoleID, 2),
    },
    {
      operation: 'GetGroups',
      title: 'GET /v2/GetGroups, the counts from the shared state',
      expect: { method: 'GET', path: '/v2/GetGroups' },
      check: (out) => {
        const premier = data<Array<{ GroupID: number; CustomerCount: number; UserCount: number; UserRoleCount: number }>>(out).find((g) => g.GroupID === 4);
        assert.deepEqual([premier?.CustomerCount, premier?.UserCount, premier?.UserRoleCount], [2, 3, 2]);
      },
    },
    {
      operation: 'GroupMover',
      title: 'PUT /v2/GroupMover with one CustomerID from the node and OmitPending',
      node: { NewGroupID: '5', CustomerID: '1', OmitPending: true },
      expect: { method: 'PUT', path: '/v2/GroupMover', body: { NewGroupID: 5, CustomerID: 1, OmitPending: true } },
      check: () => assert.equal(ctx.sim.platform.state.customers.find((c) => c.CustomerID === 1)?.GroupID, 5),
    },
    {
      operation: 'GroupMover',
      title: 'several customers: CustomerIDs from the data property, NewGroupID merged over it',
      config: { NewGroupID: 6 },
      payload: { CustomerIDs: [1, 2] },
      expect: { method: 'PUT', path: '/v2/GroupMover', body: { CustomerIDs: [1, 2], NewGroupID: 6 } },
      check: () =>
        assert.deepEqual(
          ctx.sim.platform.state.customers.map((c) => c.GroupID),
          [6, 6, 5],
        ),
    },
    {
      operation: 'GroupMoveTreasury',
      title: 'PUT /v2/GroupMoveTreasury with CustomerID, GroupID and MoveReason',
      config: { CustomerID: 3, GroupID: 6, MoveReason: 'Treasury onboarding' },
      expect: { method: 'PUT', path: '/v2/GroupMoveTreasury', body: { CustomerID: 3, GroupID: 6, MoveReason: 'Treasury onboarding' } },
      check: () => assert.equal(ctx.sim.platform.state.customers.find((c) => c.CustomerID === 3)?.GroupID, 6),
    },
    {
      operation: 'GetPolicyData',
      title: 'GET /v2/GetPolicyData?entity&entity_id&include_parent_data',
      node: { entity: 'User', entity_id: '4', include_parent_data: true },
      expect: { method: 'GET', path: '/v2/GetPolicyData', query: { entity: 'User', entity_id: '4', include_parent_data: 'true' } },
      check: (out) => assert.deepEqual(Object.keys(data<object>(out)), ['User', 'Customer', 'Group']),
    },
    {
      operation: 'UpdatePolicyData',
      title: 'PUT /v2/UpdatePolicyData: Entity and EntityID merged over the arrays of the data property',
      config: { Entity: 'Customer', EntityID: 2 },
      payload: { Features: [{ ShortName: 'MobileDeposit', Enabled: false }], GeneratedTransactionRights: [{ ShortName: 'FundsTransfer' }] },
      expect: {
        method: 'PUT',
        path: '/v2/UpdatePolicyData',
        body: {
          Entity: 'Customer',
          EntityID: 2,
          Features: [{ ShortName: 'MobileDeposit', Enabled: false }],
          GeneratedTransactionRights: [{ ShortName: 'FundsTransfer' }],
        },
      },
    },
    {
      operation: 'EnableRestrictedEntitlementMode',
      title: 'POST /v2/EnableRestrictedEntitlementMode by UserID: the REM profile of its customer',
      config: { UserID: 4 },
      expect: { method: 'POST', path: '/v2/EnableRestrictedEntitlementMode', body: { UserID: 4 } },
      check: (out) => assert.equal(data<{ CustomerID: number }>(out).CustomerID, 2),
    },
    {
      operation: 'DisableRestrictedEntitlementMode',
      title: 'POST /v2/DisableRestrictedEntitlementMode by CustomerID',
      node: { CustomerID: '3' },
      expect: { method: 'POST', path: '/v2/DisableRestrictedEntitlementMode', body: { CustomerID: 3 } },
    },
  ]);

  refusalCases(ctx, TYPE, [
    {
      operation: 'AddUserRole',
      title: 'no CustomerId',
      config: { UserRoleDescription: 'a', UserRoleExtendedDescription: 'b' },
      error: /CustomerId is required/,
    },
    {
      operation: 'AddUserRole',
      title: "CustomerId 'abc'",
      config: { CustomerId: 'abc', UserRoleDescription: 'a', UserRoleExtendedDescription: 'b' },
      error: /msg\.config\.CustomerId must be/,
    },
    { operation: 'GetUserRoles', title: "customer_id 'abc'", config: { customer_id: 'abc' }, error: /msg\.config\.customer_id must be/ },
    { operation: 'ChangeUserRole', title: 'no UserRoleID', config: { UserID: 4 }, error: /UserRoleID is required/ },
    { operation: 'GroupMover', title: 'no NewGroupID', config: { CustomerID: 1 }, error: /NewGroupID is required/ },
    {
      operation: 'GroupMover',
      title: 'neither CustomerID nor CustomerIDs',
      config: { NewGroupID: 5 },
      error: /needs exactly one of CustomerID .* or CustomerIDs/,
    },
    {
      operation: 'GroupMover',
      title: 'both CustomerID and CustomerIDs',
      config: { NewGroupID: 5, CustomerID: 1 },
      payload: { CustomerIDs: [2] },
      error: /needs exactly one of CustomerID .* or CustomerIDs/,
    },
    {
      operation: 'GroupMover',
      title: "CustomerIDs holding 'abc'",
      config: { NewGroupID: 5 },
      payload: { CustomerIDs: ['abc'] },
      error: /msg\.payload\.CustomerIDs\[0\] must be of type integer/,
    },
    { operation: 'GroupMoveTreasury', title: 'no GroupID', config: { CustomerID: 3 }, error: /GroupID is required/ },
    {
      operation: 'GetPolicyData',
      title: 'an entity outside the enum',
      config: { entity: 'Account', entity_id: 1 },
      error: /msg\.config\.entity must be one of User, Customer/,
    },
    { operation: 'GetPolicyData', title: 'no entity_id', config: { entity: 'User' }, error: /entity_id is required/ },
    {
      operation: 'UpdatePolicyData',
      title: 'a feature without Enabled',
      config: { Entity: 'User', EntityID: 4 },
      payload: { Features: [{ ShortName: 'MobileDeposit' }] },
      error: /msg\.payload\.Features\[0\]\.Enabled is required/,
    },
    {
      operation: 'UpdatePolicyData',
      title: 'no data object',
      config: { Entity: 'User', EntityID: 4 },
      payload: 'trigger',
      error: /msg\.payload must be of type object/,
    },
    {
      operation: 'EnableRestrictedEntitlementMode',
      title: 'both CustomerID and UserID',
      config: { CustomerID: 2, UserID: 4 },
      error: /only one of msg\.config\.CustomerID, msg\.config\.UserID/,
    },
    {
      operation: 'DisableRestrictedEntitlementMode',
      title: 'neither CustomerID nor UserID',
      error: /one of msg\.config\.CustomerID, msg\.config\.UserID is required/,
    },
    { operation: 'DisableRestrictedEntitlementMode', title: "UserID 'abc'", config: { UserID: 'abc' }, error: /msg\.config\.UserID must be/ },
  ]);

  it('journey: add a role → listed for its customer → give it to a user → the user holds it; moves change the group counts', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'GetUserRoles' }]));
    const ok = async (config: Record<string, unknown>, payload: unknown = 'go'): Promise<Msg> => {
      const outcome = await send({ payload, config });
      assert.equal(errorOf(outcome), '');
      assert.ok(outcome.out);
      return outcome.out;
    };
    const added = data<{ UserRoleID: number }>(
      await ok({ operation: 'AddUserRole', CustomerId: 2, UserRoleDescription: 'Payroll clerk', UserRoleExtendedDescription: 'Runs payroll' }),
    );
    const listed = data<Array<{ UserRoleID: number; Description: string; CustomerID: number }>>(await ok({ customer_id: 2 }));
    assert.deepEqual(
      listed.find((r) => r.UserRoleID === added.UserRoleID),
      {
        UserRoleID: added.UserRoleID,
        CustomerID: 2,
        Description: 'Payroll clerk',
        ExtendedDescription: 'Runs payroll',
        PolicyID: 100 + added.UserRoleID,
        DeletedDate: null,
        Enabled: true,
        IsTemplate: false,
      },
    );
    // not for another customer
    assert.equal(data<unknown[]>(await ok({ customer_id: 1 })).length, 0);
    await ok({ operation: 'ChangeUserRole', UserID: 4, UserRoleID: added.UserRoleID });
    assert.equal(ctx.sim.platform.state.users.find((u) => u.UserID === 4)?.UserRoleID, added.UserRoleID);
    // the role is now a parent level of the user's policy
    const policy = data<Record<string, { EntityID: number }>>(
      await ok({ operation: 'GetPolicyData', entity: 'User', entity_id: 4, include_parent_data: true }),
    );
    assert.equal(policy.UserRole.EntityID, added.UserRoleID);

    const counts = async (): Promise<Record<number, number>> =>
      Object.fromEntries(
        data<Array<{ GroupID: number; CustomerCount: number }>>(await ok({ operation: 'GetGroups' })).map((g) => [g.GroupID, g.CustomerCount]),
      );
    assert.deepEqual(await counts(), { 1: 0, 4: 2, 5: 1, 6: 0 });
    await ok({ operation: 'GroupMover', NewGroupID: 1 }, { CustomerIDs: [1, 2] });
    assert.deepEqual(await counts(), { 1: 2, 4: 0, 5: 1, 6: 0 });
    await ok({ operation: 'GroupMoveTreasury', CustomerID: 3, GroupID: 6 });
    assert.deepEqual(await counts(), { 1: 2, 4: 0, 5: 0, 6: 1 });
  });

  it('policy data: an update reads back, also as a parent level', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'UpdatePolicyData', Entity: 'Customer', EntityID: '2' }]));
    const features = [{ ShortName: 'MobileDeposit', Enabled: false }];
    const updated = await send({ payload: { Features: features } });
    assert.equal(errorOf(updated), '');
    const read = await send({ payload: 'go', config: { operation: 'GetPolicyData', entity: 'User', entity_id: 2, include_parent_data: true } });
    assert.deepEqual(data<Record<string, { Features: unknown[] }>>(read.out as Msg).Customer.Features, features);
    const own = await send({ payload: 'go', config: { operation: 'GetPolicyData', entity: 'Customer', entity_id: 2 } });
    assert.deepEqual(Object.keys(data<object>(own.out as Msg)), ['Customer']);
  });

  it('answers: AddUserRole for an unknown customer → 409; ChangeUserRole for an unknown user → 404; GroupMover to an unknown group → success:false inside HTTP 200; each sent once', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'GetGroups' }]));
    ctx.sim.server.clearRequests();
    const role = await send({
      payload: 'go',
      config: { operation: 'AddUserRole', CustomerId: 99, UserRoleDescription: 'x', UserRoleExtendedDescription: 'y' },
    });
    assert.match(errorOf(role), /Invalid CustomerID/);
    assert.equal((role.caught as Msg).statusCode, 409);
    const change = await send({ payload: 'go', config: { operation: 'ChangeUserRole', UserID: 99, UserRoleID: 1 } });
    assert.match(errorOf(change), /Invalid UserID/);
    assert.equal((change.caught as Msg).statusCode, 404);
    const move = await send({ payload: 'go', config: { operation: 'GroupMover', NewGroupID: 77, CustomerID: 1 } });
    assert.match(errorOf(move), /Invalid Request Parameters/);
    assert.equal(ctx.sim.platform.state.customers.find((c) => c.CustomerID === 1)?.GroupID, 4, 'not moved');
    assert.deepEqual(
      apiCalls(ctx).map((r) => `${r.method} ${r.path}`),
      ['POST /v2/AddUserRole', 'PUT /v2/ChangeUserRole', 'PUT /v2/GroupMover'],
      'writes are never retried',
    );
  });

  it('REM: enabled by UserID and by CustomerID for the same customer answers the same profile; disabled afterwards', async () => {
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'EnableRestrictedEntitlementMode' }]));
    const byUser = await send({ payload: 'go', config: { UserID: 2 } });
    const byCustomer = await send({ payload: 'go', config: { CustomerID: 2 } });
    assert.deepEqual(data(byUser.out as Msg), data(byCustomer.out as Msg));
    const off = await send({ payload: 'go', config: { operation: 'DisableRestrictedEntitlementMode', CustomerID: 2 } });
    assert.deepEqual(data(off.out as Msg), {});
    const unknown = await send({ payload: 'go', config: { operation: 'DisableRestrictedEntitlementMode', UserID: 99 } });
    assert.match(errorOf(unknown), /Invalid UserID/);
  });
});
