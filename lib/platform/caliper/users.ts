/**
 * Caliper: users and their logons (CALIPER §4 B–D): search, login info, add a user under an existing customer, add a
 * logon, associate an account, and the user-level profile updates (user info, demographics, SSO identifier,
 * corporate access, logon name).
 */
import type { ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';
import { positiveId, text } from '../schemas';

/** AddUser: `{User: {LogonName*, CustomerID*, FirstName*, LastName*, …}}` (the optional fields' names are partly truncated ⚠). */
const addUser = {
  type: 'object',
  required: ['User'],
  properties: {
    User: {
      type: 'object',
      required: ['LogonName', 'CustomerID', 'FirstName', 'LastName'],
      properties: {
        LogonName: text,
        CustomerID: positiveId,
        FirstName: text,
        LastName: text,
        Addresses: { type: 'array', items: { type: 'object' } },
        Phones: { type: 'array', items: { type: 'object' } },
        Emails: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object' }] } },
        Password: text,
        PrimaryCIF: text,
        SSN: text,
        DOB: text,
      },
    },
  },
};

/** UpdateDemographicInfo: the new `Address` and `Phones` (their inner fields are not captured ⚠). */
const demographics = {
  type: 'object',
  properties: {
    Address: { type: 'object' },
    Phones: { type: 'array', items: { type: 'object' } },
  },
};

export const users: ResourceSpec = {
  type: 'q2-platform-users',
  icon: 'font-awesome/fa-users',
  operations: [
    caliper(
      'SearchUser',
      'POST',
      '/SearchUser',
      [
        { key: 'FirstName', in: 'body', type: 'string' },
        { key: 'LastName', in: 'body', type: 'string' },
        { key: 'PhoneNumber', in: 'body', type: 'string' },
        { key: 'Email', in: 'body', type: 'string' },
        { key: 'SSOIdentifier', in: 'body', type: 'string', sensitive: true },
      ],
      { safe: true, exactlyOne: ['FirstName', 'LastName', 'PhoneNumber', 'Email', 'SSOIdentifier'] },
    ),
    caliper('GetUserLoginInfo', 'GET', '/GetUserLoginInfo', [req({ key: 'filter', in: 'query', type: 'list' })]),
    caliper('AddUser', 'POST', '/AddUser', [], { body: payloadBody(addUser) }),
    caliper('AddUserLogon', 'POST', '/AddUserLogon', [
      req({ key: 'LogonName', in: 'body', type: 'string' }),
      req({ key: 'UserID', in: 'body', type: 'id' }),
      { key: 'Password', in: 'body', type: 'string', sensitive: true },
      { key: 'Require_Password_Reset', in: 'body', type: 'boolean' },
    ]),
    caliper('AddAccountAssociation', 'POST', '/AddAccountAssociation', [
      req({ key: 'UserID', in: 'body', type: 'id' }),
      req({ key: 'CanDeposit', in: 'body', type: 'boolean' }),
      req({ key: 'CanView', in: 'body', type: 'boolean' }),
      req({ key: 'CanWithdraw', in: 'body', type: 'boolean' }),
      { key: 'AccountNumber', in: 'body', type: 'string', sensitive: true },
      { key: 'PrimaryCif', in: 'body', type: 'string' },
      { key: 'ProductTypeID', in: 'body', type: 'id' },
      { key: 'UserRoleID', in: 'body', type: 'id' },
    ]),
    // ⚠ no user identifier is documented: UserID is our choice (see the words). 1of{PrimaryCif, UnsetPrimaryCif} is
    // left to Q2: the editor stores an unticked boolean as false, which an exactlyOne would count as given, so
    // UnsetPrimaryCif is sent only when true
    caliper('UpdateUserInfo', 'PUT', '/UpdateUserInfo', [
      req({ key: 'UserID', in: 'body', type: 'id' }),
      { key: 'PrimaryCif', in: 'body', type: 'string' },
      { key: 'UnsetPrimaryCif', in: 'body', type: 'boolean', sendOnlyTrue: true },
    ]),
    caliper(
      'UpdateDemographicInfo',
      'PUT',
      '/UpdateDemographicInfo',
      [
        { key: 'LogonName', in: 'body', type: 'string' },
        { key: 'CustomerID', in: 'body', type: 'id' },
      ],
      { exactlyOne: ['LogonName', 'CustomerID'], body: payloadBody(demographics, true) },
    ),
    caliper('UpdateSSOIdentifier', 'PUT', '/UpdateSSOIdentifier', [
      req({ key: 'login_name', in: 'query', type: 'string' }),
      req({ key: 'sso_token', in: 'query', type: 'string', sensitive: true }),
    ]),
    caliper('UpdateCorporateAccess', 'PUT', '/UpdateCorporateAccess', [
      req({ key: 'LoginName', in: 'body', type: 'string' }),
      { key: 'CanAddUsers', in: 'body', type: 'boolean' },
      { key: 'CanManageUsers', in: 'body', type: 'boolean' },
    ]),
    caliper('ChangeUserLogonName', 'PUT', '/ChangeUserLogonName', [
      req({ key: 'LogonName', in: 'body', type: 'string' }),
      req({ key: 'NewLogonName', in: 'body', type: 'string' }),
    ]),
  ],
};
