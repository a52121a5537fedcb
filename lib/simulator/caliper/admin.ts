/**
 * Caliper area "admin" (CALIPER §4 G): admin (CSR) users, admin groups and CSR Assist sessions. Its own store: two
 * seeded admins (`csr.jane`, id 1, group 1, may use Q2 Assist, password `Assist-Demo-1` until reset; `ops.kim`, id 2,
 * group 3, a random password), the admin groups 1–3 and
 * the CSR Assist policies 1 (ReadOnly) and 2 (Full). A generated password is answered once (AddAdminUser,
 * ResetAdminPassword) and kept only as a SHA-256 hash; GetAdminUserList never shows it. CSRAssist checks the CSR's
 * login name and password (a wrong pair, a disabled admin or one without Q2 Assist access: 400 "Invalid CSR
 * credentials", never naming the password). DeleteAdminUser answers an unknown id with 500 "No Customer Found", as
 * Q2 documents it (⚠).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Body } from '../kit/body';
import type { CaliperApi, CaliperArea } from './api';

interface AdminUser {
  UserID: number;
  LoginName: string;
  FirstName: string;
  MiddleName: string;
  LastName: string;
  GroupID: number;
  Status: 'Active' | 'Disabled';
  ABA: string;
  Phone: string;
  UserLogonID: number;
  LastChange: string;
  LastLogon: string | null;
  NumInvalidAttempts: number;
  CanAccessQ2central: boolean;
  CanAccessQ2assist: boolean;
  EmailAddress: string;
  /** SHA-256 of the current password (never answered) */
  passwordHash: string;
}

const GROUPS = [
  { GroupID: 1, GroupDesc: 'Customer Service' },
  { GroupID: 2, GroupDesc: 'Customer Service Supervisor' },
  { GroupID: 3, GroupDesc: 'Back Office Administrator' },
];
const POLICIES = new Set([1, 2]);
const FI_NAME = 'Q2 Simulator Bank';
/** the seeded CSR's password (simulator demo data, like the demo client's secret) */
export const DEMO_CSR_PASSWORD = 'Assist-Demo-1';
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+)$/;

const hash = (password: string): string => createHash('sha256').update(password).digest('hex');
const newPassword = (): string => `Q2!${randomBytes(9).toString('base64url')}`;

function seedAdmins(): AdminUser[] {
  const seeded = '2024-05-01T09:00:00+00:00';
  const admin = (UserID: number, LoginName: string, FirstName: string, LastName: string, GroupID: number, password: string): AdminUser => ({
    UserID,
    LoginName,
    FirstName,
    MiddleName: '',
    LastName,
    GroupID,
    Status: 'Active',
    ABA: '111000025',
    Phone: '',
    UserLogonID: 900 + UserID,
    LastChange: seeded,
    LastLogon: null,
    NumInvalidAttempts: 0,
    CanAccessQ2central: true,
    CanAccessQ2assist: UserID === 1,
    EmailAddress: `${LoginName}@bank.example`,
    passwordHash: hash(password),
  });
  return [admin(1, 'csr.jane', 'Jane', 'Doe', 1, DEMO_CSR_PASSWORD), admin(2, 'ops.kim', 'Kim', 'Park', 3, newPassword())];
}

export function adminArea(api: CaliperApi): CaliperArea {
  let admins = seedAdmins();
  let nextId = 3;

  const byLogin = (name: unknown): AdminUser | undefined =>
    typeof name === 'string' ? admins.find((a) => a.LoginName.toLowerCase() === name.toLowerCase()) : undefined;
  const strings = (body: Body, keys: readonly string[]): void => {
    for (const key of keys) if (body[key] !== undefined && typeof body[key] !== 'string') api.invalid(`${key} must be a string`);
  };
  const touched = (a: AdminUser): void => {
    a.LastChange = new Date().toISOString();
  };
  const listed = (a: AdminUser) => ({
    UserID: a.UserID,
    LoginName: a.LoginName,
    FirstName: a.FirstName,
    MiddleName: a.MiddleName,
    LastName: a.LastName,
    GroupID: a.GroupID,
    GroupDesc: GROUPS.find((g) => g.GroupID === a.GroupID)?.GroupDesc ?? '',
    Status: a.Status,
    FIName: FI_NAME,
    ABA: a.ABA,
    UserLogonID: a.UserLogonID,
    LastChange: a.LastChange,
    LastLogon: a.LastLogon,
    NumInvalidAttempts: a.NumInvalidAttempts,
    AuthenticationType: 'Password',
    IsExternalAuthentication: false,
    CanAccessQ2central: a.CanAccessQ2central,
    CanAccessQ2assist: a.CanAccessQ2assist,
    RequireAuthenticationToken: false,
    AuthenticationTokenPresent: false,
    EmailAddress: a.EmailAddress,
  });
  const setStatus = (status: AdminUser['Status']) => (req: Parameters<CaliperArea['routes'][number]['handler']>[0]) => {
    const body = api.body(req);
    api.required(body, ['AdminLoginName']);
    strings(body, ['AdminLoginName', 'Reason']);
    const a = byLogin(body.AdminLoginName) ?? api.fail(404, 'Login Not Found');
    a.Status = status;
    touched(a);
    return api.ok({});
  };

  return {
    reset: () => {
      admins = seedAdmins();
      nextId = 3;
    },
    routes: [
      {
        method: 'POST',
        path: '/AddAdminUser',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LoginName', 'FirstName', 'LastName', 'Email', 'AdminGroupID']);
          strings(body, ['LoginName', 'FirstName', 'LastName', 'Email', 'ABA', 'Phone']);
          const groupId = api.id(body.AdminGroupID) ?? api.invalid('Invalid AdminGroupID');
          if (!GROUPS.some((g) => g.GroupID === groupId)) return api.invalid('Invalid AdminGroupID');
          if (!/^[^@\s]+@[^@\s]+$/.test(body.Email as string)) return api.invalid('Invalid Email');
          if (byLogin(body.LoginName)) return api.fail(409, 'Login already exists');
          const password = newPassword();
          const id = nextId++;
          admins.push({
            UserID: id,
            LoginName: body.LoginName as string,
            FirstName: body.FirstName as string,
            MiddleName: '',
            LastName: body.LastName as string,
            GroupID: groupId,
            Status: 'Active',
            ABA: (body.ABA as string | undefined) ?? '',
            Phone: (body.Phone as string | undefined) ?? '',
            UserLogonID: 900 + id,
            LastChange: new Date().toISOString(),
            LastLogon: null,
            NumInvalidAttempts: 0,
            CanAccessQ2central: true,
            CanAccessQ2assist: false,
            EmailAddress: body.Email as string,
            passwordHash: hash(password),
          });
          return api.ok({ Password: password });
        },
      },
      {
        method: 'PUT',
        path: '/UpdateAdminUser',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LoginName']);
          strings(body, ['LoginName', 'FirstName', 'LastName', 'Email']);
          const a = byLogin(body.LoginName) ?? api.fail(404, 'Admin not found');
          if (typeof body.FirstName === 'string' && body.FirstName) a.FirstName = body.FirstName;
          if (typeof body.LastName === 'string' && body.LastName) a.LastName = body.LastName;
          if (typeof body.Email === 'string' && body.Email) a.EmailAddress = body.Email;
          touched(a);
          return api.ok({});
        },
      },
      { method: 'POST', path: '/DisableAdminUser', handler: setStatus('Disabled') },
      { method: 'POST', path: '/EnableAdminUser', handler: setStatus('Active') },
      {
        method: 'DELETE',
        path: '/DeleteAdminUser/:AdminUserID',
        handler: (_req, params) => {
          const id = api.id(decodeURIComponent(params.AdminUserID)) ?? api.invalid('Invalid AdminUserID');
          const index = admins.findIndex((a) => a.UserID === id);
          // Q2 documents this 500 for an unknown admin (⚠)
          if (index < 0) return api.fail(500, 'No Customer Found');
          admins.splice(index, 1);
          return api.ok({});
        },
      },
      {
        method: 'POST',
        path: '/ResetAdminPassword/:logonname',
        handler: (_req, params) => {
          const a = byLogin(decodeURIComponent(params.logonname)) ?? api.fail(404, 'Login does not exist');
          const password = newPassword();
          a.passwordHash = hash(password);
          a.NumInvalidAttempts = 0;
          touched(a);
          return api.ok({ Password: password });
        },
      },
      {
        method: 'PUT',
        path: '/UpdateAdminAccess',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['AdminLoginName']);
          strings(body, ['AdminLoginName']);
          for (const key of ['CanAccessQ2Central', 'CanAccessQ2Assist']) {
            if (body[key] !== undefined && typeof body[key] !== 'boolean') api.invalid(`${key} must be a boolean`);
          }
          const a = byLogin(body.AdminLoginName) ?? api.fail(404, 'User not found');
          if (typeof body.CanAccessQ2Central === 'boolean') a.CanAccessQ2central = body.CanAccessQ2Central;
          if (typeof body.CanAccessQ2Assist === 'boolean') a.CanAccessQ2assist = body.CanAccessQ2Assist;
          touched(a);
          const data = { CanAccessQ2Central: String(a.CanAccessQ2central), CanAccessQ2Assist: String(a.CanAccessQ2assist) };
          // "Success With Errors": unknown properties are named (never their values)
          const unknown = Object.keys(body).filter((k) => !['AdminLoginName', 'CanAccessQ2Central', 'CanAccessQ2Assist'].includes(k));
          return api.ok(
            data,
            unknown.map((k) => ({ code: 400, message: `Unknown property ${k}` })),
          );
        },
      },
      {
        method: 'PUT',
        path: '/ChangeAdminRole',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['AdminLoginName', 'GroupID']);
          strings(body, ['AdminLoginName']);
          const groupId = api.id(body.GroupID) ?? api.invalid('Invalid GroupID');
          if (!GROUPS.some((g) => g.GroupID === groupId)) return api.invalid('Invalid GroupID');
          const a = byLogin(body.AdminLoginName) ?? api.fail(404, 'User does not exist');
          a.GroupID = groupId;
          touched(a);
          return api.ok({});
        },
      },
      { method: 'GET', path: '/GetAdminUserList', handler: () => api.ok(admins.map(listed)) },
      { method: 'GET', path: '/GetAdminGroups', handler: () => api.ok(GROUPS.map((g) => ({ ...g }))) },
      {
        method: 'POST',
        path: '/CSRAssist',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['ExternalIPAddress', 'CSRUserName', 'CSRPassword', 'CSRAssistPolicyID', 'UserID']);
          strings(body, ['ExternalIPAddress', 'CSRUserName', 'CSRPassword']);
          if (!IP.test(body.ExternalIPAddress as string)) return api.invalid('Invalid ExternalIPAddress');
          const policy = api.id(body.CSRAssistPolicyID);
          if (policy === undefined || !POLICIES.has(policy)) return api.invalid('Invalid CSRAssistPolicyID');
          const userId = api.id(body.UserID) ?? api.invalid('Invalid UserID');
          if (!api.activeUser(userId)) return api.fail(404, 'Invalid UserID');
          const a = byLogin(body.CSRUserName);
          const good = a !== undefined && a.Status === 'Active' && a.CanAccessQ2assist && a.passwordHash === hash(body.CSRPassword as string);
          if (!good) {
            if (a) a.NumInvalidAttempts += 1;
            return api.invalid('Invalid CSR credentials');
          }
          a.LastLogon = new Date().toISOString();
          return api.ok({
            userToken: randomBytes(16).toString('hex'),
            authToken: randomBytes(16).toString('hex'),
            action: 'https://assist.bank.example/q2assist/session',
          });
        },
      },
    ],
  };
}
