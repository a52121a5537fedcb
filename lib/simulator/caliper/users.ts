/**
 * Caliper area "users" (CALIPER §4 B–D): SearchUser, GetUserLoginInfo, AddUser, AddUserLogon, AddAccountAssociation,
 * UpdateUserInfo, UpdateDemographicInfo, UpdateSSOIdentifier, UpdateCorporateAccess and ChangeUserLogonName.
 *
 * Users and logons live in the shared state (api.state.users / api.state.logons), so a user added here is found by
 * LookupUser, GetAccountList and the other areas, and a renamed logon is the one they see. What only this area
 * reads is kept in its own store (reset() clears it): each user's phones, e-mails and address, SSO identifiers by
 * logon id, the corporate-access flags and the account associations. Passwords and lock state belong to the
 * "logons" area: AddUser and AddUserLogon keep no password here. [OUR] choices where CALIPER.md is silent: unknown
 * ids answer 404 ("UserID Not Found", "CustomerID Not Found", "LogonName Not Found"); a taken logon name answers
 * HTTP 200 `success:false` "Login Name Exists" (documented for AddUserLogon, used for AddUser too); AddUser's and
 * AddAccountAssociation's answers (not captured) are `{UserID, UserLogonID, UserLogon, Result}` and
 * `{UserID, Associations: [{AccountID, AccessLevel}]}`.
 */
import { randomBytes } from 'node:crypto';
import { isObject, nextNumber, type Body } from '../kit';
import { makeUser, type Phone, type User } from '../platform-data';
import type { CaliperApi, CaliperArea } from './api';

interface Extras {
  /** phone numbers as digits */
  phones: string[];
  emails: string[];
  address?: Body;
}

interface Association {
  UserID: number;
  AccountID: number;
  AccessLevel: number;
  UserRoleID: number | null;
}

/** A string or number as text; anything else is ''. */
const scalar = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
const digits = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D/g, '') : '');
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const text = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** The digits of a phone given as `{Phone}`, `{PhoneNumber}` or `{CityOrAreaCode, LocalNumber}`. */
function phoneDigits(p: unknown): string {
  if (typeof p === 'string') return digits(p);
  if (!isObject(p)) return '';
  return digits(p.Phone ?? p.PhoneNumber ?? p.Number ?? `${scalar(p.CityOrAreaCode)}${scalar(p.LocalNumber)}`);
}

function emailOf(e: unknown): string {
  if (typeof e === 'string') return e;
  if (isObject(e)) {
    const v = e.EmailAddress ?? e.Email ?? e.Address;
    return typeof v === 'string' ? v : '';
  }
  return '';
}

/** A Phone record of the shared state from a request's phone (`{Phone, PhoneType}` as Enrollment takes, or a record). */
function phoneRecord(p: Body, PhoneID: number): Phone {
  const all = phoneDigits(p);
  const split = all.length === 10;
  return {
    PhoneID,
    CountryName: typeof p.CountryName === 'string' ? p.CountryName : 'United States',
    CityOrAreaCode: split ? all.slice(0, 3) : '',
    LocalNumber: split ? all.slice(3) : all,
    Extension: typeof p.Extension === 'string' ? p.Extension : '',
    PhoneTypeName: scalar(p.PhoneType ?? p.PhoneTypeName) || 'Home',
  };
}

export function usersArea(api: CaliperApi): CaliperArea {
  let extras = new Map<number, Extras>();
  let sso = new Map<number, string>();
  let canAddUsers = new Map<number, boolean>();
  let canManageUsers = new Map<number, boolean>();
  let associations: Association[] = [];

  const extrasOf = (userId: number): Extras => {
    let e = extras.get(userId);
    if (!e) {
      e = { phones: [], emails: [] };
      extras.set(userId, e);
    }
    return e;
  };
  const active = (): User[] => api.state.users.filter((u) => u.DeletedDate === null);
  const logonOf = (name: string) => api.state.logons.find((l) => same(l.LogonName, name) && api.activeUser(l.UserID));
  const nameTaken = (name: string): boolean => api.state.logons.some((l) => same(l.LogonName, name));
  const userRecord = (u: User): Omit<User, 'AuthToken'> => {
    const { AuthToken: _token, ...rest } = u;
    return { ...rest };
  };
  const addUsersOf = (customerId: number): boolean => canAddUsers.get(customerId) ?? api.activeCustomer(customerId)?.IsCompany ?? false;
  const manageUsersOf = (userId: number): boolean => canManageUsers.get(userId) ?? false;
  const idOf = (body: Body, key: string): number => {
    const id = api.id(body[key]);
    if (id === undefined) api.invalid(`${key} must be a positive integer`);
    return id;
  };
  const booleanOf = (body: Body, key: string): boolean | undefined => {
    const v = body[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') api.invalid(`${key} must be a boolean`);
    return v;
  };
  const stringOf = (body: Body, key: string): string | undefined => {
    const v = body[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') api.invalid(`${key} must be a non-empty string`);
    return v;
  };
  const newLogon = (LogonName: string, UserID: number) => {
    const logon = { LogonID: nextNumber(api.state.logons, (l) => l.LogonID), LogonName, UserID };
    api.state.logons.push(logon);
    return logon;
  };
  const loginExists = (UserID: number | null, UserLogon: string) =>
    api.okFailure({ UserID, UserLogon, UserLogonID: null, Error: 'Login Name Exists', Result: 'Login Name Exists', Password: null }, [
      { code: 409, message: 'Login Name Exists' },
    ]);

  function loginInfo(logonName: string, user: User) {
    const customer = api.state.customers.find((c) => c.CustomerID === user.CustomerID);
    const e = extras.get(user.UserID);
    return {
      AutoGenerated: user.AutoGenerated,
      ChallengeCodeEnabled: false,
      Channel: 'Online',
      CreateDate: user.CreateDate,
      CustomerID: user.CustomerID,
      CustomerName: customer?.CustomerName ?? '',
      CustomerPrimaryCIF: customer?.PrimaryCIF ?? '',
      DashboardProfile: null,
      EffectiveUserStatus: user.UserStatus,
      EmailAddress: user.PrimaryEmailAddress || e?.emails[0] || '',
      FirstName: user.FirstName,
      GamRightsBitFlag: 0,
      GroupID: customer?.GroupID ?? null,
      GroupName: customer ? `Group ${customer.GroupID}` : '',
      HasAuthorizationToken: false,
      HasPendingChanges: false,
      IsCommercialGroup: customer?.IsCompany ?? false,
      IsCompany: customer?.IsCompany ?? false,
      IsEnrolledInBillpay: false,
      IsTreasury: false,
      LanguageShortName: 'en-US',
      LastChange: user.LastUserProfileUpdate,
      LastFailed: null,
      LastLogon: null,
      LastName: user.LastName,
      LoginName: logonName,
      ManageUserRoles: manageUsersOf(user.UserID),
      ManageUsers: manageUsersOf(user.UserID),
      MiddleName: user.MiddleName,
      NumInvalidAttempts: 0,
      PlanName: '',
      ProfileUpdated: user.ProfileUpdated,
      SSN: user.SSN,
      Salutation: user.Salutation,
      SecurityAlertProfile: null,
      Status: 'Active',
      StatusShortName: 'Active',
      Suffix: user.Suffix,
      UISourceID: 1,
      UiLanguageID: 1,
      UiSelectionShortName: 'Default',
      UseCustomerAccounts: user.UseCustomerAccounts,
      UserID: user.UserID,
    };
  }

  return {
    reset: () => {
      extras = new Map();
      sso = new Map();
      canAddUsers = new Map();
      canManageUsers = new Map();
      associations = [];
    },
    routes: [
      {
        method: 'POST',
        path: '/SearchUser',
        handler: (req) => {
          const body = api.body(req);
          const { key, value } = api.exactlyOne(body, ['FirstName', 'LastName', 'PhoneNumber', 'Email', 'SSOIdentifier']);
          if (typeof value !== 'string') return api.invalid(`${key} must be a string`);
          let found: User | undefined;
          if (key === 'FirstName' || key === 'LastName') found = active().find((u) => same(u[key], value));
          else if (key === 'Email')
            found = active().find((u) => same(u.PrimaryEmailAddress, value) || extras.get(u.UserID)?.emails.some((m) => same(m, value)));
          else if (key === 'PhoneNumber') {
            const wanted = digits(value);
            found = active().find((u) => {
              const own = extras.get(u.UserID)?.phones ?? [];
              const theirs = api.activeCustomer(u.CustomerID)?.Phones.map(phoneDigits) ?? [];
              return wanted !== '' && [...own, ...theirs].some((p) => p === wanted || p.endsWith(wanted));
            });
          } else {
            const logon = api.state.logons.find((l) => sso.get(l.LogonID) === value);
            found = logon ? api.activeUser(logon.UserID) : undefined;
          }
          // one user object, or {} when none matches (CALIPER §4 #10)
          return api.ok(found ? userRecord(found) : {});
        },
      },
      {
        method: 'GET',
        path: '/GetUserLoginInfo',
        handler: (req) => {
          api.required(req.query, ['filter']);
          const names = req.query.filter
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean);
          const infos = names.flatMap((name) => {
            const logon = logonOf(name);
            const user = logon ? api.activeUser(logon.UserID) : undefined;
            return logon && user ? [loginInfo(logon.LogonName, user)] : [];
          });
          if (!infos.length) return api.fail(404, 'LogonName Not Found');
          // one login name: the documented object; several: [OUR] an array of them
          return api.ok(names.length === 1 ? infos[0] : infos);
        },
      },
      {
        method: 'POST',
        path: '/AddUser',
        handler: (req) => {
          const body = api.body(req);
          const u = body.User;
          if (!isObject(u)) return api.invalid('User is required');
          for (const key of ['LogonName', 'CustomerID', 'FirstName', 'LastName'])
            if (u[key] === undefined || u[key] === null || u[key] === '') api.invalid(`User.${key} is required`);
          const customerId = api.id(u.CustomerID);
          if (customerId === undefined) return api.invalid('User.CustomerID must be a positive integer');
          for (const key of ['LogonName', 'FirstName', 'LastName']) if (!text(u[key])) api.invalid(`User.${key} must be a non-empty string`);
          const customer = api.activeCustomer(customerId);
          if (!customer) return api.fail(404, 'CustomerID Not Found');
          const logonName = u.LogonName as string;
          if (nameTaken(logonName)) return loginExists(null, logonName);
          const optional = (key: string): string | undefined => {
            const v = u[key];
            if (v === undefined) return undefined;
            if (!text(v)) return api.invalid(`User.${key} must be a non-empty string`);
            return v;
          };
          for (const key of ['Addresses', 'Phones', 'Emails']) if (u[key] !== undefined && !Array.isArray(u[key])) api.invalid(`User.${key} must be an array`);
          const ssn = optional('SSN');
          const dob = optional('DOB');
          const cif = optional('PrimaryCIF');
          optional('Password');
          const emails = ((u.Emails as unknown[] | undefined) ?? []).map(emailOf).filter(Boolean);
          const user = makeUser({
            UserID: nextNumber(api.state.users, (x) => x.UserID),
            CustomerID: customer.CustomerID,
            FirstName: u.FirstName as string,
            LastName: u.LastName as string,
            ...(ssn ? { SSN: ssn, UserInfo: ssn } : {}),
            ...(dob ? { DOB: dob } : {}),
            PrimaryCIF: cif ?? customer.PrimaryCIF,
            PrimaryEmailAddress: emails[0] ?? '',
          });
          api.state.users.push(user);
          const logon = newLogon(logonName, user.UserID);
          const addresses = (u.Addresses as unknown[] | undefined) ?? [];
          extras.set(user.UserID, {
            phones: ((u.Phones as unknown[] | undefined) ?? []).map(phoneDigits).filter(Boolean),
            emails,
            ...(isObject(addresses[0]) ? { address: { ...addresses[0] } } : {}),
          });
          return api.ok({ UserID: user.UserID, CustomerID: user.CustomerID, UserLogonID: logon.LogonID, UserLogon: logon.LogonName, Result: 'Success' });
        },
      },
      {
        method: 'POST',
        path: '/AddUserLogon',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LogonName', 'UserID']);
          const name = stringOf(body, 'LogonName') as string;
          const userId = idOf(body, 'UserID');
          const password = stringOf(body, 'Password');
          booleanOf(body, 'Require_Password_Reset');
          const user = api.activeUser(userId);
          if (!user) return api.fail(404, 'UserID Not Found');
          if (nameTaken(name)) return loginExists(user.UserID, name);
          const logon = newLogon(name, user.UserID);
          // the generated password is returned when none was given; a given one is never echoed
          const generated = password === undefined ? `Tmp-${randomBytes(6).toString('base64url')}` : null;
          return api.ok({ UserID: user.UserID, UserLogon: logon.LogonName, UserLogonID: logon.LogonID, Error: null, Result: 'Success', Password: generated });
        },
      },
      {
        method: 'POST',
        path: '/AddAccountAssociation',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['UserID', 'CanDeposit', 'CanView', 'CanWithdraw']);
          const userId = idOf(body, 'UserID');
          const deposit = booleanOf(body, 'CanDeposit');
          const view = booleanOf(body, 'CanView');
          const withdraw = booleanOf(body, 'CanWithdraw');
          const accountNumber = stringOf(body, 'AccountNumber');
          stringOf(body, 'PrimaryCif');
          if (body.ProductTypeID !== undefined) idOf(body, 'ProductTypeID');
          const roleId = body.UserRoleID === undefined ? null : idOf(body, 'UserRoleID');
          if (roleId !== null && accountNumber === undefined) return api.invalid('UserRoleID requires AccountNumber');
          const user = api.activeUser(userId);
          if (!user) return api.fail(404, 'UserID Not Found');
          // the account must already exist in the Q2 database; without a number, the customer's accounts (the host pull)
          const accounts =
            accountNumber === undefined
              ? api.state.accounts.filter((a) => a.CustomerID === user.CustomerID && (a.UserID === null || a.UserID === user.UserID))
              : api.state.accounts.filter((a) => a.AccountNumber === accountNumber);
          if (!accounts.length) return api.fail(404, 'Account Not Found');
          const AccessLevel = (deposit ? 1 : 0) | (view ? 2 : 0) | (withdraw ? 4 : 0);
          for (const a of accounts) {
            associations = associations.filter((x) => !(x.UserID === user.UserID && x.AccountID === a.AccountID));
            associations.push({ UserID: user.UserID, AccountID: a.AccountID, AccessLevel, UserRoleID: roleId });
          }
          return api.ok({
            UserID: user.UserID,
            Associations: associations.filter((x) => x.UserID === user.UserID).map(({ AccountID, AccessLevel: level }) => ({ AccountID, AccessLevel: level })),
          });
        },
      },
      {
        method: 'PUT',
        path: '/UpdateUserInfo',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['UserID']);
          const userId = idOf(body, 'UserID');
          const { key } = api.exactlyOne(body, ['PrimaryCif', 'UnsetPrimaryCif']);
          if (key === 'UnsetPrimaryCif' && body.UnsetPrimaryCif !== true) return api.invalid('UnsetPrimaryCif must be true');
          const cif = key === 'PrimaryCif' ? stringOf(body, 'PrimaryCif') : '';
          const user = api.activeUser(userId);
          if (!user) return api.fail(404, 'UserID Not Found');
          user.PrimaryCIF = cif ?? '';
          user.LastUserProfileUpdate = new Date().toISOString();
          return api.ok({});
        },
      },
      {
        method: 'PUT',
        path: '/UpdateDemographicInfo',
        handler: (req) => {
          const body = api.body(req);
          const { key, value } = api.exactlyOne(body, ['LogonName', 'CustomerID']);
          if (body.Address !== undefined && !isObject(body.Address)) return api.invalid('Address must be an object');
          if (body.Phones !== undefined && (!Array.isArray(body.Phones) || !body.Phones.every(isObject)))
            return api.invalid('Phones must be an array of objects');
          const address = body.Address as Body | undefined;
          const phones = body.Phones as Body[] | undefined;
          const customerId = key === 'CustomerID' ? idOf(body, 'CustomerID') : undefined;
          const user = key === 'LogonName' ? (typeof value === 'string' ? api.userByLogon(value) : undefined) : undefined;
          if (key === 'LogonName' && !user) return api.fail(404, 'LogonName Not Found');
          const customer = api.activeCustomer(user ? user.CustomerID : (customerId as number));
          if (!customer) return api.fail(404, 'CustomerID Not Found');
          if (address) {
            const pick = (...names: string[]): string | undefined => {
              for (const n of names) if (typeof address[n] === 'string') return address[n] as string;
              return undefined;
            };
            const changes = {
              StreetAddress1: pick('StreetAddress1', 'Address1'),
              StreetAddress2: pick('StreetAddress2', 'Address2'),
              City: pick('City'),
              State: pick('State'),
              PostalCode: pick('PostalCode', 'Zip'),
            };
            if (user) extrasOf(user.UserID).address = { ...address };
            else for (const [k, v] of Object.entries(changes)) if (v !== undefined) (customer.Address as unknown as Body)[k] = v;
          }
          if (phones) {
            // a user's phones update the customer's too (CALIPER §4 #23)
            if (user) extrasOf(user.UserID).phones = phones.map(phoneDigits).filter(Boolean);
            let id = nextNumber(
              api.state.customers.flatMap((c) => c.Phones),
              (p) => p.PhoneID,
            );
            customer.Phones = phones.map((p) => phoneRecord(p, id++));
          }
          return api.ok({});
        },
      },
      {
        method: 'PUT',
        path: '/UpdateSSOIdentifier',
        handler: (req) => {
          api.required(req.query, ['login_name', 'sso_token']);
          const logon = logonOf(req.query.login_name);
          if (!logon) return api.invalid('Invalid Logon Name');
          sso.set(logon.LogonID, req.query.sso_token);
          return api.ok({});
        },
      },
      {
        method: 'PUT',
        path: '/UpdateCorporateAccess',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LoginName']);
          const name = stringOf(body, 'LoginName') as string;
          const add = booleanOf(body, 'CanAddUsers');
          const manage = booleanOf(body, 'CanManageUsers');
          const user = api.userByLogon(name);
          // Q2 documents no 404 here: an unknown login is its 200 "Internal Platform Error"
          if (!user) return api.okFailure({}, [{ code: 500, message: 'Internal Platform Error' }]);
          if (add !== undefined) canAddUsers.set(user.CustomerID, add);
          if (manage !== undefined) canManageUsers.set(user.UserID, manage);
          // the flags come back as strings (CALIPER §4 #25)
          return api.ok({ CanAddUsers: String(addUsersOf(user.CustomerID)), CanManageUsers: String(manageUsersOf(user.UserID)) });
        },
      },
      {
        method: 'PUT',
        path: '/ChangeUserLogonName',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['LogonName', 'NewLogonName']);
          const name = stringOf(body, 'LogonName') as string;
          const next = stringOf(body, 'NewLogonName') as string;
          const logon = logonOf(name);
          if (!logon) return api.fail(404, 'LogonName Not Found');
          const taken = api.state.logons.some((l) => l !== logon && same(l.LogonName, next));
          // Q2 documents only "Internal Platform Error" among its 200 failures: [OUR] a taken new name gives it
          if (taken) return api.okFailure({}, [{ code: 500, message: 'Internal Platform Error' }]);
          logon.LogonName = next;
          return api.ok({});
        },
      },
    ],
  };
}
