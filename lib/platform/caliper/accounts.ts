/**
 * Caliper: account details (HADEs), account history and the account nickname (CALIPER §4 H, rows 60, 61 and 27).
 * ChangeAccountNickname's account and nickname fields are not documented (⚠): `HostAccountID` and `Nickname` are
 * the pack's choice.
 */
import type { ResourceSpec } from '../../model/operation';
import { caliper, req } from './common';

export const accounts: ResourceSpec = {
  type: 'q2-platform-accounts',
  icon: 'font-awesome/fa-university',
  operations: [
    caliper('GetAccountDetails', 'GET', '/GetAccountDetails', [req({ key: 'accounts', in: 'query', type: 'list' })]),
    caliper('GetAccountHistory', 'GET', '/GetAccountHistory/{host_account_id}', [
      req({ key: 'host_account_id', in: 'path', type: 'id' }),
      req({ key: 'login_name', in: 'query', type: 'string' }),
      { key: 'order_by', in: 'query', type: 'string' },
      { key: 'order_direction', in: 'query', type: 'enum', enum: ['ASC', 'DESC'] },
      { key: 'PageSize', in: 'header', type: 'id' },
      { key: 'PageNumber', in: 'header', type: 'id' },
      { key: 'FromDate', in: 'header', type: 'string' },
      { key: 'ToDate', in: 'header', type: 'string' },
    ]),
    caliper(
      'ChangeAccountNickname',
      'PUT',
      '/ChangeAccountNickname',
      [
        { key: 'LoginName', in: 'body', type: 'string' },
        { key: 'UserID', in: 'body', type: 'id' },
        // ⚠ not documented: the pack's names for the account and the new nickname
        req({ key: 'HostAccountID', in: 'body', type: 'id' }),
        req({ key: 'Nickname', in: 'body', type: 'string' }),
      ],
      { exactlyOne: ['LoginName', 'UserID'] },
    ),
  ],
};
