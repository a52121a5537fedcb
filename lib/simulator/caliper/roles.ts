/**
 * Caliper area "roles" (CALIPER §4 F): user roles per customer, groups, policy data and Restricted Entitlement Mode.
 * Its own store: the roles (seeded for customers 2 and 3), the groups (1 Retail, 4 Retail Premier, 5 Small Business,
 * 6 Treasury Corporate; the seed customers sit in 4, 4 and 5), the policy data stored per entity, and the customers
 * in REM. ChangeUserRole sets a user's UserRoleID and the group moves set a customer's GroupID in the shared state;
 * GetGroups counts from it. A GroupMover failure is answered inside HTTP 200 ("Invalid Request Parameters", as Q2
 * lists it); the response data of GroupMover and UpdatePolicyData are not documented: `{}` here.
 */
import type { Body } from '../kit/body';
import type { CaliperApi, CaliperArea } from './api';
import type { Customer } from '../platform-data';

interface UserRole {
  UserRoleID: number;
  CustomerID: number;
  Description: string;
  PolicyID: number;
  DeletedDate: string | null;
  Enabled: boolean;
  ExtendedDescription: string;
  IsTemplate: boolean;
}

interface Group {
  GroupID: number;
  GroupDesc: string;
  IsCommercial: boolean;
  IsCorporate: boolean;
}

interface Policy {
  GeneratedTransactionRights: unknown[];
  Accounts: unknown[];
  Features: unknown[];
  Data: unknown[];
}

const ENTITIES = ['User', 'Customer', 'SSOIdentifier', 'Group', 'UserRole', 'Company'] as const;
type Entity = (typeof ENTITIES)[number];
const POLICY_ARRAYS = ['GeneratedTransactionRights', 'Accounts', 'Features', 'Data'] as const;

function seedRoles(): UserRole[] {
  const role = (UserRoleID: number, CustomerID: number, Description: string, ExtendedDescription: string): UserRole => ({
    UserRoleID,
    CustomerID,
    Description,
    PolicyID: 100 + UserRoleID,
    DeletedDate: null,
    Enabled: true,
    ExtendedDescription,
    IsTemplate: false,
  });
  return [
    role(1, 2, 'Administrator', 'Manages users and approves payments'),
    role(2, 2, 'Viewer', 'Views balances and history only'),
    role(3, 3, 'Bookkeeper', 'Prepares payments for approval'),
  ];
}

function seedGroups(): Group[] {
  return [
    { GroupID: 1, GroupDesc: 'Retail', IsCommercial: false, IsCorporate: false },
    { GroupID: 4, GroupDesc: 'Retail Premier', IsCommercial: false, IsCorporate: false },
    { GroupID: 5, GroupDesc: 'Small Business', IsCommercial: true, IsCorporate: false },
    { GroupID: 6, GroupDesc: 'Treasury Corporate', IsCommercial: true, IsCorporate: true },
  ];
}

export function rolesArea(api: CaliperApi): CaliperArea {
  let roles = seedRoles();
  let nextRoleId = 10;
  let groups = seedGroups();
  let policies = new Map<string, Policy>();
  let rem = new Map<number, number>(); // CustomerID → ProfileID
  let nextProfileId = 700;

  const idOf = (body: Body, key: string): number => api.id(body[key]) ?? api.invalid(`Invalid ${key}`);
  const group = (id: number): Group | undefined => groups.find((g) => g.GroupID === id);
  const activeRoles = (customerId: number): UserRole[] => roles.filter((r) => r.CustomerID === customerId && r.DeletedDate === null);
  const boolean = (body: Body, key: string): void => {
    if (body[key] !== undefined && typeof body[key] !== 'boolean') api.invalid(`${key} must be a boolean`);
  };

  /** The customer of a REM request: by CustomerID, or the customer of UserID (REM applies at customer level). */
  const remCustomer = (body: Body): Customer => {
    const { key, value } = api.exactlyOne(body, ['CustomerID', 'UserID']);
    const id = api.id(value) ?? api.invalid(`Invalid ${key}`);
    if (key === 'UserID') {
      const user = api.activeUser(id) ?? api.invalid('Invalid UserID');
      return api.activeCustomer(user.CustomerID) ?? api.invalid('Invalid UserID');
    }
    return api.activeCustomer(id) ?? api.invalid('Invalid CustomerID');
  };

  /** Whether the entity exists (SSO identifiers are not modelled: any id is taken). */
  const exists = (entity: Entity, id: number): boolean => {
    switch (entity) {
      case 'User':
        return api.activeUser(id) !== undefined;
      case 'Customer':
        return api.activeCustomer(id) !== undefined;
      case 'Company':
        return api.activeCustomer(id)?.IsCompany === true;
      case 'Group':
        return group(id) !== undefined;
      case 'UserRole':
        return roles.some((r) => r.UserRoleID === id && r.DeletedDate === null);
      case 'SSOIdentifier':
        return true;
    }
  };

  const policyOf = (entity: string, id: number): Policy & { EntityID: number } => ({
    EntityID: id,
    ...(policies.get(`${entity}:${id}`) ?? { GeneratedTransactionRights: [], Accounts: [], Features: [], Data: [] }),
  });

  /** The levels above an entity (include_parent_data): a user's role, customer and group; a role's or customer's customer and group. */
  const parents = (entity: Entity, id: number): Array<[string, number]> => {
    const out: Array<[string, number]> = [];
    let customerId: number | undefined;
    if (entity === 'User') {
      const user = api.activeUser(id);
      if (user?.UserRoleID) out.push(['UserRole', user.UserRoleID]);
      customerId = user?.CustomerID;
    } else if (entity === 'UserRole') customerId = roles.find((r) => r.UserRoleID === id)?.CustomerID;
    else if (entity === 'Customer' || entity === 'Company') customerId = id;
    if (customerId !== undefined && entity !== 'Customer' && entity !== 'Company') out.push(['Customer', customerId]);
    const customer = customerId === undefined ? undefined : api.activeCustomer(customerId);
    if (customer) out.push(['Group', customer.GroupID]);
    return out;
  };

  return {
    reset: () => {
      roles = seedRoles();
      nextRoleId = 10;
      groups = seedGroups();
      policies = new Map();
      rem = new Map();
      nextProfileId = 700;
    },
    routes: [
      {
        method: 'POST',
        path: '/AddUserRole',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['CustomerId', 'UserRoleDescription', 'UserRoleExtendedDescription']);
          const customerId = idOf(body, 'CustomerId');
          for (const key of ['UserRoleDescription', 'UserRoleExtendedDescription']) {
            if (typeof body[key] !== 'string') api.invalid(`${key} must be a string`);
          }
          if (!api.activeCustomer(customerId)) return api.fail(409, 'Invalid CustomerID');
          const role: UserRole = {
            UserRoleID: nextRoleId++,
            CustomerID: customerId,
            Description: body.UserRoleDescription as string,
            PolicyID: 0,
            DeletedDate: null,
            Enabled: true,
            ExtendedDescription: body.UserRoleExtendedDescription as string,
            IsTemplate: false,
          };
          role.PolicyID = 100 + role.UserRoleID;
          roles.push(role);
          return api.ok({
            CustomerId: customerId,
            UserRoleDescription: role.Description,
            UserRoleExtendedDescription: role.ExtendedDescription,
            UserRoleID: role.UserRoleID,
          });
        },
      },
      {
        method: 'GET',
        path: '/GetUserRoles/:customer_id',
        handler: (_req, params) => {
          const id = api.id(decodeURIComponent(params.customer_id));
          if (id === undefined || !api.activeCustomer(id)) return api.invalid('Invalid Values Provided');
          return api.ok(activeRoles(id).map((r) => ({ ...r })));
        },
      },
      {
        method: 'PUT',
        path: '/ChangeUserRole',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['UserID', 'UserRoleID']);
          const userId = idOf(body, 'UserID');
          const roleId = idOf(body, 'UserRoleID');
          const user = api.activeUser(userId) ?? api.fail(404, 'Invalid UserID');
          // a role of the user's own customer (not documented: 400 here)
          if (!activeRoles(user.CustomerID).some((r) => r.UserRoleID === roleId)) return api.invalid('Invalid UserRoleID');
          user.UserRoleID = roleId;
          return api.ok({});
        },
      },
      {
        method: 'GET',
        path: '/GetGroups',
        handler: () => {
          const { customers, users, logons } = api.state;
          return api.ok(
            groups.map((g) => {
              const members = customers.filter((c) => c.GroupID === g.GroupID && c.DeletedDate === null).map((c) => c.CustomerID);
              const people = users.filter((u) => members.includes(u.CustomerID) && u.DeletedDate === null);
              const status = (s: string) => people.filter((u) => u.UserStatus === s).length;
              return {
                ...g,
                CustomerCount: members.length,
                UserCount: people.length,
                UserLogonCount: logons.filter((l) => people.some((u) => u.UserID === l.UserID)).length,
                ActiveUserCount: status('ACTIVE'),
                InactiveUserCount: status('INACTIVE'),
                DisabledUserCount: status('DISABLED'),
                UserRoleCount: roles.filter((r) => members.includes(r.CustomerID) && r.DeletedDate === null).length,
              };
            }),
          );
        },
      },
      {
        method: 'PUT',
        path: '/GroupMover',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['NewGroupID']);
          const newGroupId = idOf(body, 'NewGroupID');
          boolean(body, 'OmitPending');
          const single = body.CustomerID !== undefined && body.CustomerID !== null && body.CustomerID !== '';
          const many = Array.isArray(body.CustomerIDs) && body.CustomerIDs.length > 0;
          if (!single && !many) return api.invalid('Missing CustomerID Information');
          if (single && many) return api.invalid('Provide exactly one of CustomerID, CustomerIDs');
          if (body.CustomerIDs !== undefined && !Array.isArray(body.CustomerIDs)) return api.invalid('CustomerIDs must be an array');
          const ids = single ? [idOf(body, 'CustomerID')] : (body.CustomerIDs as unknown[]).map((v) => api.id(v) ?? api.invalid('Invalid CustomerIDs'));
          const failure = () => api.okFailure({}, [{ code: 400, message: 'Invalid Request Parameters' }]);
          if (!group(newGroupId)) return failure();
          const customers = ids.map((id) => api.activeCustomer(id));
          if (customers.some((c) => !c)) return failure();
          const moving = customers as Customer[];
          // all of CustomerIDs must be in the same current group
          if (new Set(moving.map((c) => c.GroupID)).size > 1) return failure();
          for (const c of moving) c.GroupID = newGroupId;
          return api.ok({});
        },
      },
      {
        method: 'PUT',
        path: '/GroupMoveTreasury',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['CustomerID', 'GroupID']);
          const customerId = idOf(body, 'CustomerID');
          const groupId = idOf(body, 'GroupID');
          if (body.MoveReason !== undefined && typeof body.MoveReason !== 'string') api.invalid('MoveReason must be a string');
          if (!group(groupId)) return api.invalid('Target group invalid');
          const customer = api.state.customers.find((c) => c.CustomerID === customerId) ?? api.invalid('Target customer invalid');
          if (customer.DeletedDate !== null) return api.invalid('Target customer marked deleted');
          customer.GroupID = groupId;
          return api.ok({});
        },
      },
      {
        method: 'GET',
        path: '/GetPolicyData',
        handler: (req) => {
          const q = req.query;
          api.required(q, ['entity', 'entity_id']);
          const entity = ENTITIES.find((e) => e === q.entity) ?? api.invalid('Invalid entity');
          const id = api.id(q.entity_id) ?? api.invalid('Invalid entity_id');
          const withParents = q.include_parent_data;
          if (withParents !== undefined && withParents !== 'true' && withParents !== 'false') api.invalid('include_parent_data must be true or false');
          if (!exists(entity, id)) return api.invalid('Invalid entity_id');
          const data: Record<string, unknown> = { [entity]: policyOf(entity, id) };
          if (withParents === 'true') for (const [level, levelId] of parents(entity, id)) data[level] = policyOf(level, levelId);
          return api.ok(data);
        },
      },
      {
        method: 'PUT',
        path: '/UpdatePolicyData',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['Entity', 'EntityID']);
          const entity = ENTITIES.find((e) => e === body.Entity) ?? api.invalid('Invalid Entity');
          const id = idOf(body, 'EntityID');
          if (!exists(entity, id)) return api.invalid('Invalid EntityID');
          for (const key of POLICY_ARRAYS) if (body[key] !== undefined && !Array.isArray(body[key])) api.invalid(`${key} must be an array`);
          if (body.Accounts !== undefined && entity !== 'User' && entity !== 'UserRole') api.invalid('Accounts can only be set for a User or a UserRole');
          const rights = (body.GeneratedTransactionRights ?? []) as Body[];
          if (rights.some((r) => typeof r?.ShortName !== 'string' || r.ShortName === '')) api.invalid('GeneratedTransactionRights: ShortName is required');
          const features = (body.Features ?? []) as Body[];
          if (features.some((f) => typeof f?.Enabled !== 'boolean')) api.invalid('Features: Enabled is required');
          const key = `${entity}:${id}`;
          const policy = policies.get(key) ?? { GeneratedTransactionRights: [], Accounts: [], Features: [], Data: [] };
          for (const name of POLICY_ARRAYS) if (Array.isArray(body[name])) policy[name] = structuredClone(body[name] as unknown[]);
          policies.set(key, policy);
          return api.ok({});
        },
      },
      {
        method: 'POST',
        path: '/EnableRestrictedEntitlementMode',
        handler: (req) => {
          const customer = remCustomer(api.body(req));
          let profileId = rem.get(customer.CustomerID);
          if (profileId === undefined) {
            profileId = nextProfileId++;
            rem.set(customer.CustomerID, profileId);
          }
          return api.ok({
            ProfileID: profileId,
            ProfileDescription: 'Restricted Entitlement Mode',
            ProfileMatchingValue: `REM-${customer.CustomerID}`,
            CustomerID: customer.CustomerID,
          });
        },
      },
      {
        method: 'POST',
        path: '/DisableRestrictedEntitlementMode',
        handler: (req) => {
          const customer = remCustomer(api.body(req));
          rem.delete(customer.CustomerID);
          return api.ok({});
        },
      },
    ],
  };
}
