/** Caliper: user roles, groups, policy data and Restricted Entitlement Mode (CALIPER §4 F, operations 37–46). */
import type { ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';

const ENTITIES = ['User', 'Customer', 'SSOIdentifier', 'Group', 'UserRole', 'Company'];
const positiveId = { type: 'integer', minimum: 1 };

export const roles: ResourceSpec = {
  type: 'q2-platform-roles',
  icon: 'font-awesome/fa-sitemap',
  operations: [
    // the body field is `CustomerId` with a lower-case d, as Q2 documents it (every other operation says CustomerID)
    caliper('AddUserRole', 'POST', '/AddUserRole', [
      req({ key: 'CustomerId', in: 'body', type: 'id' }),
      req({ key: 'UserRoleDescription', in: 'body', type: 'string' }),
      req({ key: 'UserRoleExtendedDescription', in: 'body', type: 'string' }),
    ]),
    caliper('GetUserRoles', 'GET', '/GetUserRoles/{customer_id}', [req({ key: 'customer_id', in: 'path', type: 'id' })]),
    // ⚠ both typed string in Q2's spec; ids are accepted and sent as numbers
    caliper('ChangeUserRole', 'PUT', '/ChangeUserRole', [req({ key: 'UserID', in: 'body', type: 'id' }), req({ key: 'UserRoleID', in: 'body', type: 'id' })]),
    caliper('GetGroups', 'GET', '/GetGroups', []),
    // one customer in CustomerID (a param), several in msg.payload.CustomerIDs (an array of ids): exactly one of them
    caliper(
      'GroupMover',
      'PUT',
      '/GroupMover',
      [req({ key: 'NewGroupID', in: 'body', type: 'id' }), { key: 'CustomerID', in: 'body', type: 'id' }, { key: 'OmitPending', in: 'body', type: 'boolean' }],
      {
        body: payloadBody(
          {
            type: 'object',
            properties: {
              NewGroupID: {},
              CustomerID: {},
              CustomerIDs: { type: 'array', minItems: 1, items: positiveId },
              OmitPending: {},
            },
            oneOf: [{ required: ['CustomerID'] }, { required: ['CustomerIDs'] }],
            'x-hint': 'q2-platform:q2-platform-roles.hint.customerIds',
          },
          true,
        ),
      },
    ),
    caliper('GroupMoveTreasury', 'PUT', '/GroupMoveTreasury', [
      req({ key: 'CustomerID', in: 'body', type: 'id' }),
      req({ key: 'GroupID', in: 'body', type: 'id' }),
      { key: 'MoveReason', in: 'body', type: 'string' },
    ]),
    caliper('GetPolicyData', 'GET', '/GetPolicyData', [
      req({ key: 'entity', in: 'query', type: 'enum', enum: ENTITIES }),
      req({ key: 'entity_id', in: 'query', type: 'id' }),
      { key: 'include_parent_data', in: 'query', type: 'boolean' },
    ]),
    // ⚠ EntityID is typed string in Q2's spec (e.g. a UserID); ids are accepted and sent as numbers
    caliper(
      'UpdatePolicyData',
      'PUT',
      '/UpdatePolicyData',
      [req({ key: 'Entity', in: 'body', type: 'enum', enum: ENTITIES }), req({ key: 'EntityID', in: 'body', type: 'id' })],
      {
        body: payloadBody({
          type: 'object',
          properties: {
            GeneratedTransactionRights: {
              type: 'array',
              items: { type: 'object', required: ['ShortName'], properties: { ShortName: { type: 'string', minLength: 1 } } },
            },
            Accounts: { type: 'array', items: { type: 'object' } },
            Features: { type: 'array', items: { type: 'object', required: ['Enabled'], properties: { Enabled: { type: 'boolean' } } } },
            Data: { type: 'array', items: { type: 'object' } },
          },
        }),
      },
    ),
    caliper(
      'EnableRestrictedEntitlementMode',
      'POST',
      '/EnableRestrictedEntitlementMode',
      [
        { key: 'CustomerID', in: 'body', type: 'id' },
        { key: 'UserID', in: 'body', type: 'id' },
      ],
      { exactlyOne: ['CustomerID', 'UserID'] },
    ),
    caliper(
      'DisableRestrictedEntitlementMode',
      'POST',
      '/DisableRestrictedEntitlementMode',
      [
        { key: 'CustomerID', in: 'body', type: 'id' },
        { key: 'UserID', in: 'body', type: 'id' },
      ],
      { exactlyOne: ['CustomerID', 'UserID'] },
    ),
  ],
};
