/** Caliper: admin (CSR) users, their groups and access, and CSR Assist sessions (CALIPER §4 G, operations 47–56 and 58). */
import type { ResourceSpec } from '../../model/operation';
import { caliper, req } from './common';

export const admin: ResourceSpec = {
  type: 'q2-platform-admin',
  icon: 'font-awesome/fa-user-secret',
  operations: [
    caliper('AddAdminUser', 'POST', '/AddAdminUser', [
      req({ key: 'LoginName', in: 'body', type: 'string' }),
      req({ key: 'FirstName', in: 'body', type: 'string' }),
      req({ key: 'LastName', in: 'body', type: 'string' }),
      req({ key: 'Email', in: 'body', type: 'string' }),
      req({ key: 'AdminGroupID', in: 'body', type: 'id' }),
      { key: 'ABA', in: 'body', type: 'string' },
      { key: 'Phone', in: 'body', type: 'string' },
    ]),
    caliper('UpdateAdminUser', 'PUT', '/UpdateAdminUser', [
      req({ key: 'LoginName', in: 'body', type: 'string' }),
      { key: 'FirstName', in: 'body', type: 'string' },
      { key: 'LastName', in: 'body', type: 'string' },
      { key: 'Email', in: 'body', type: 'string' },
    ]),
    caliper('DisableAdminUser', 'POST', '/DisableAdminUser', [
      req({ key: 'AdminLoginName', in: 'body', type: 'string' }),
      { key: 'Reason', in: 'body', type: 'string' },
    ]),
    caliper('EnableAdminUser', 'POST', '/EnableAdminUser', [
      req({ key: 'AdminLoginName', in: 'body', type: 'string' }),
      { key: 'Reason', in: 'body', type: 'string' },
    ]),
    caliper('DeleteAdminUser', 'DELETE', '/DeleteAdminUser/{AdminUserID}', [req({ key: 'AdminUserID', in: 'path', type: 'id' })]),
    caliper('ResetAdminPassword', 'POST', '/ResetAdminPassword/{logonname}', [req({ key: 'logonname', in: 'path', type: 'string' })]),
    caliper('UpdateAdminAccess', 'PUT', '/UpdateAdminAccess', [
      req({ key: 'AdminLoginName', in: 'body', type: 'string' }),
      { key: 'CanAccessQ2Central', in: 'body', type: 'boolean' },
      { key: 'CanAccessQ2Assist', in: 'body', type: 'boolean' },
    ]),
    // ⚠ GroupID is typed string in Q2's spec; an id is accepted and sent as a number
    caliper('ChangeAdminRole', 'PUT', '/ChangeAdminRole', [
      req({ key: 'AdminLoginName', in: 'body', type: 'string' }),
      req({ key: 'GroupID', in: 'body', type: 'id' }),
    ]),
    caliper('GetAdminUserList', 'GET', '/GetAdminUserList', []),
    caliper('GetAdminGroups', 'GET', '/GetAdminGroups', []),
    caliper('CSRAssist', 'POST', '/CSRAssist', [
      req({ key: 'ExternalIPAddress', in: 'body', type: 'string' }),
      req({ key: 'CSRUserName', in: 'body', type: 'string' }),
      req({ key: 'CSRPassword', in: 'body', type: 'string', sensitive: true }),
      req({ key: 'CSRAssistPolicyID', in: 'body', type: 'id' }),
      req({ key: 'UserID', in: 'body', type: 'id' }),
    ]),
  ],
};
