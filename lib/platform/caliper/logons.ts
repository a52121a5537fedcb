/**
 * Caliper: logons, credentials and TAC targets (CALIPER §4 E): check a password, reset it, unlock, disable and enable a
 * logon, flush its registered browsers, and list, add and delete its TAC (secure access code) targets. Every operation
 * is a write (never retried once it may have reached Q2) except TacTargets: even Authenticate, which can count a
 * failed attempt (`IncrementInvalidLogin`) and so lock the logon. `Password` is a credential of the node.
 */
import type { ResourceSpec } from '../../model/operation';
import { caliper, req } from './common';

const TARGET_TYPES = ['Email', 'Sms', 'Voice'] as const;

/** the logon name in the path of ResetPassword, UnlockUser, DisableLogon and EnableLogon */
const logonname = req({ key: 'logonname', in: 'path', type: 'string' });

/** the body of AddTacTarget and DeleteTacTarget */
const tacTarget = [
  req({ key: 'LogonName', in: 'body', type: 'string' }),
  req({ key: 'Target', in: 'body', type: 'string' }),
  req({ key: 'TargetType', in: 'body', type: 'enum', enum: TARGET_TYPES }),
] as const;

export const logons: ResourceSpec = {
  type: 'q2-platform-logons',
  icon: 'font-awesome/fa-key',
  operations: [
    caliper('Authenticate', 'POST', '/Authenticate', [
      req({ key: 'LoginName', in: 'header', type: 'string' }),
      req({ key: 'Password', in: 'header', type: 'string', sensitive: true }),
      { key: 'LoginChannel', in: 'header', type: 'string' },
      { key: 'IncrementInvalidLogin', in: 'header', type: 'boolean' },
      { key: 'IgnoreExternalAuth', in: 'header', type: 'boolean' },
    ]),
    caliper('ResetPassword', 'POST', '/ResetPassword/{logonname}', [logonname, { key: 'Password', in: 'body', type: 'string', sensitive: true }]),
    caliper('UnlockUser', 'POST', '/UnlockUser/{logonname}', [logonname]),
    caliper('DisableLogon', 'POST', '/DisableLogon/{logonname}', [logonname]),
    caliper('EnableLogon', 'POST', '/EnableLogon/{logonname}', [logonname]),
    caliper(
      'FlushBrowserRegistrations',
      'POST',
      '/FlushBrowserRegistrations',
      [
        { key: 'LoginName', in: 'body', type: 'string' },
        { key: 'UserLogonID', in: 'body', type: 'id' },
        { key: 'UserID', in: 'body', type: 'id' },
        { key: 'CustomerID', in: 'body', type: 'id' },
        { key: 'GroupID', in: 'body', type: 'id' },
      ],
      { exactlyOne: ['LoginName', 'UserLogonID', 'UserID', 'CustomerID', 'GroupID'] },
    ),
    caliper('TacTargets', 'GET', '/TacTargets', [req({ key: 'login_name', in: 'query', type: 'string' })]),
    caliper('AddTacTarget', 'POST', '/AddTacTarget', [...tacTarget, { key: 'CountryCode', in: 'body', type: 'string' }]),
    caliper('DeleteTacTarget', 'DELETE', '/DeleteTacTarget', [...tacTarget]),
  ],
};
