/**
 * Caliper area "logons" (CALIPER §4 E): Authenticate (the login name and password in the `LoginName`/`Password`
 * headers), ResetPassword, UnlockUser, DisableLogon, EnableLogon, FlushBrowserRegistrations and the TAC targets
 * (TacTargets, AddTacTarget, DeleteTacTarget — the last one a DELETE with a JSON body).
 *
 * [OUR] simulator-only state, kept per LogonID of the shared state's logons: a password (every logon has the demo
 * password `Passw0rd!` until ResetPassword sets another — logons enrolled later too), a status (Normal, Locked,
 * Disabled), the count of failed attempts (Authenticate with `IncrementInvalidLogin: true` counts them and locks the
 * logon at the third; UnlockUser clears the lock, a successful Authenticate the count) and the TAC targets (seed:
 * an Email target for `test2`, an Sms target for `dgorczany`). Unknown logons: Authenticate answers "User Missing"
 * and DeleteTacTarget "LogonName Not Found" inside HTTP 200 (both documented as 200 answers), TacTargets and
 * AddTacTarget 404 "LogonName Not Found", the others 400 "Invalid Logon Name". Answers never echo a password or
 * another request value.
 */
import { randomBytes } from 'node:crypto';
import type { Logon } from '../platform-data';
import type { Body } from '../kit';
import type { CaliperApi, CaliperArea } from './api';

type Status = 'Normal' | 'Locked' | 'Disabled';

interface TacTarget {
  TargetID: number;
  Target: string;
  TargetType: (typeof TARGET_TYPES)[number];
  CountryCode: string;
}

interface LogonState {
  password: string;
  status: Status;
  failures: number;
  lastLogon: string | null;
  lastFailed: string | null;
  targets: TacTarget[];
}

/** [OUR] the password of every logon until ResetPassword sets another */
export const DEMO_LOGON_PASSWORD = 'Passw0rd!';
const TARGET_TYPES = ['Email', 'Sms', 'Voice'] as const;
/** [OUR] failed attempts (counted with IncrementInvalidLogin) that lock a logon */
const LOCK_AFTER = 3;
/** [OUR] AccessCodeTargetTypeID and NotificationTypeID per target type */
const TYPE_IDS: Record<TacTarget['TargetType'], number> = { Email: 1, Sms: 2, Voice: 3 };
/** the "Login Status" of each answer (CALIPER §4 E, rows 30–32) */
const LOGIN_STATUS: Record<Status, string> = { Normal: 'UserLogonPasswordStatusNormal', Locked: 'UserLogonPasswordStatusLocked', Disabled: 'Disabled' };
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const COUNTRY = /^[A-Z]{3}$/;

/** the seed's TAC targets, by logon name */
const SEED_TARGETS: Record<string, Array<Omit<TacTarget, 'TargetID'>>> = {
  test2: [{ Target: 'test2@example.com', TargetType: 'Email', CountryCode: 'USA' }],
  dgorczany: [{ Target: '5125550147', TargetType: 'Sms', CountryCode: 'USA' }],
};

const isTargetType = (v: unknown): v is TacTarget['TargetType'] => typeof v === 'string' && (TARGET_TYPES as readonly string[]).includes(v);
const phoneDigits = (v: string): string => v.replace(/[\s().-]/g, '');

/** `t*****@example.com`, `******0147` */
function masked(t: TacTarget): string {
  if (t.TargetType === 'Email') {
    const [local, domain] = t.Target.split('@');
    return `${local.slice(0, 1)}*****@${domain}`;
  }
  return `******${t.Target.slice(-4)}`;
}

export function logonsArea(api: CaliperApi): CaliperArea {
  /** per LogonID; a logon without an entry (enrolled after the seed) gets the defaults on first use */
  let logons = new Map<number, LogonState>();
  let nextTargetId = 1;

  const fresh = (): LogonState => ({ password: DEMO_LOGON_PASSWORD, status: 'Normal', failures: 0, lastLogon: null, lastFailed: null, targets: [] });

  function seed(): void {
    logons = new Map();
    nextTargetId = 1;
    for (const logon of api.state.logons) {
      const s = fresh();
      for (const t of SEED_TARGETS[logon.LogonName] ?? []) s.targets.push({ TargetID: nextTargetId++, ...t });
      logons.set(logon.LogonID, s);
    }
  }

  /** the logon of an active user, by name (case-insensitive), or undefined */
  function find(name: unknown): Logon | undefined {
    if (typeof name !== 'string' || name.trim() === '') return undefined;
    const wanted = name.toLowerCase();
    return api.state.logons.find((l) => l.LogonName.toLowerCase() === wanted && api.activeUser(l.UserID) !== undefined);
  }

  function stateOf(logon: Logon): LogonState {
    let s = logons.get(logon.LogonID);
    if (!s) {
      s = fresh();
      logons.set(logon.LogonID, s);
    }
    return s;
  }

  /** the logon named in the path (400 "Invalid Logon Name" when there is none) */
  function pathLogon(params: Record<string, string>): { logon: Logon; state: LogonState } {
    let name: string;
    try {
      name = decodeURIComponent(params.logonname ?? '');
    } catch {
      return api.invalid('Invalid Logon Name');
    }
    const logon = find(name);
    if (!logon) return api.invalid('Invalid Logon Name');
    return { logon, state: stateOf(logon) };
  }

  /** a boolean header: absent, `true` or `false` (400 otherwise) */
  function flag(value: string | undefined, name: string): boolean {
    if (value === undefined || value === '') return false;
    const v = value.toLowerCase();
    if (v !== 'true' && v !== 'false') api.invalid(`${name} must be a boolean`);
    return v === 'true';
  }

  /** the TAC body fields, checked; `LogonName`, `Target` and `TargetType` required */
  function tacBody(body: Body): { name: string; target: string; type: unknown } {
    api.required(body, ['LogonName', 'Target', 'TargetType']);
    for (const key of ['LogonName', 'Target']) if (typeof body[key] !== 'string') api.invalid(`${key} must be a string`);
    return { name: body.LogonName as string, target: (body.Target as string).trim(), type: body.TargetType };
  }

  const sameTarget = (t: TacTarget, type: TacTarget['TargetType'], target: string): boolean =>
    t.TargetType === type && (type === 'Email' ? t.Target.toLowerCase() === target.toLowerCase() : t.Target === phoneDigits(target));

  seed();

  return {
    reset: seed,
    routes: [
      {
        method: 'POST',
        path: '/Authenticate',
        handler: (req) => {
          const name = req.headers.loginname;
          const password = req.headers.password;
          if (name === undefined || name.trim() === '') api.invalid('LoginName is required');
          if (password === undefined || password === '') api.invalid('Password is required');
          const increment = flag(req.headers.incrementinvalidlogin, 'IncrementInvalidLogin');
          flag(req.headers.ignoreexternalauth, 'IgnoreExternalAuth');
          const logon = find(name);
          if (!logon) return api.okFailure({}, [{ code: 404, message: 'User Missing' }]);
          const s = stateOf(logon);
          if (s.status === 'Disabled') return api.okFailure({ Status: s.status }, [{ code: 403, message: 'Logon Disabled' }]);
          if (s.status === 'Locked') return api.okFailure({ Status: s.status, NumInvalidAttempts: s.failures }, [{ code: 423, message: 'Logon Locked' }]);
          if (password !== s.password) {
            s.lastFailed = new Date().toISOString();
            if (increment) {
              s.failures += 1;
              if (s.failures >= LOCK_AFTER) s.status = 'Locked';
            }
            return api.okFailure({ Status: s.status, NumInvalidAttempts: s.failures }, [{ code: 401, message: 'Invalid Password' }]);
          }
          const previous = s.lastLogon;
          s.lastLogon = new Date().toISOString();
          s.failures = 0;
          return api.ok({
            UserLogonID: logon.LogonID,
            UserID: logon.UserID,
            LastLogon: previous,
            Status: s.status,
            LastFailed: s.lastFailed,
            NumInvalidAttempts: 0,
          });
        },
      },
      {
        method: 'POST',
        path: '/ResetPassword/:logonname',
        handler: (req, params) => {
          const { state } = pathLogon(params);
          const body = api.body(req);
          const given = body.Password;
          if (given !== undefined && given !== null && given !== '') {
            if (typeof given !== 'string') return api.invalid('Password must be a string');
            if (given.length < 8) return api.invalid('Password must have at least 8 characters');
            state.password = given;
            state.failures = 0;
            return api.ok({});
          }
          // a random password, returned once (CALIPER §4 E row 29: shape assumed `{Password}`)
          state.password = `Q2-${randomBytes(9).toString('base64url')}`;
          state.failures = 0;
          return api.ok({ Password: state.password });
        },
      },
      {
        method: 'POST',
        path: '/UnlockUser/:logonname',
        handler: (_req, params) => {
          const { state } = pathLogon(params);
          if (state.status === 'Locked') state.status = 'Normal';
          state.failures = 0;
          return api.ok({ UserUnlocked: true, 'Login Status': LOGIN_STATUS[state.status] });
        },
      },
      {
        method: 'POST',
        path: '/DisableLogon/:logonname',
        handler: (_req, params) => {
          const { state } = pathLogon(params);
          state.status = 'Disabled';
          return api.ok({ LogonDisabled: true, 'Login Status': 'Disabled' });
        },
      },
      {
        method: 'POST',
        path: '/EnableLogon/:logonname',
        handler: (_req, params) => {
          const { state } = pathLogon(params);
          if (state.status === 'Disabled') state.status = 'Normal';
          return api.ok({ LogonEnabled: true, 'Login Status': state.status === 'Normal' ? 'Enabled' : LOGIN_STATUS[state.status] });
        },
      },
      {
        method: 'POST',
        path: '/FlushBrowserRegistrations',
        handler: (req) => {
          const body = api.body(req);
          const { key, value } = api.exactlyOne(body, ['LoginName', 'UserLogonID', 'UserID', 'CustomerID', 'GroupID']);
          if (key === 'LoginName') {
            if (!find(value)) return api.invalid('Invalid Logon Name');
            return api.ok({});
          }
          const id = api.id(value);
          if (id === undefined) return api.invalid(`${key} must be a positive integer`);
          const known =
            key === 'UserLogonID'
              ? api.state.logons.some((l) => l.LogonID === id && api.activeUser(l.UserID) !== undefined)
              : key === 'UserID'
                ? api.activeUser(id) !== undefined
                : key === 'CustomerID'
                  ? api.activeCustomer(id) !== undefined
                  : api.state.customers.some((c) => c.GroupID === id && c.DeletedDate === null);
          if (!known) return api.invalid(`Invalid ${key}`);
          return api.ok({});
        },
      },
      {
        method: 'GET',
        path: '/TacTargets',
        handler: (req) => {
          const name = req.query.login_name;
          if (name === undefined || name.trim() === '') return api.invalid('login_name is required');
          const logon = find(name);
          if (!logon) return api.fail(404, 'LogonName Not Found');
          const targets = stateOf(logon).targets;
          // documented: no targets is success with `data: {}` and a 404 error (CALIPER §3.3)
          if (!targets.length) return api.ok({}, [{ code: 404, message: 'No Results Found' }]);
          return api.ok(
            targets.map((t) => ({
              TargetID: t.TargetID,
              UserID: logon.UserID,
              TargetAddress: masked(t),
              DisplayName: t.TargetType === 'Email' ? 'Email' : t.TargetType === 'Sms' ? 'Text message' : 'Voice call',
              ShortName: t.TargetType,
              NotificationTypeID: TYPE_IDS[t.TargetType],
              UnmaskedTargetAddress: t.Target,
              TargetTypeShortName: t.TargetType,
              TargetTypeDisplayName: t.TargetType === 'Sms' ? 'SMS' : t.TargetType,
              AccessCodeTargetTypeID: TYPE_IDS[t.TargetType],
              CountryCode: t.CountryCode,
            })),
          );
        },
      },
      {
        method: 'POST',
        path: '/AddTacTarget',
        handler: (req) => {
          const body = api.body(req);
          const { name, target, type } = tacBody(body);
          if (!isTargetType(type)) return api.invalid(`TargetType must be one of ${TARGET_TYPES.join(', ')}`);
          const country = body.CountryCode ?? 'USA';
          if (typeof country !== 'string' || !COUNTRY.test(country)) return api.invalid('CountryCode must be an ISO 3166 alpha-3 code');
          if (type === 'Email' ? !EMAIL.test(target) : !/^\d{7,15}$/.test(phoneDigits(target))) {
            return api.invalid(type === 'Email' ? 'Target must be an email address' : 'Target must be a phone number');
          }
          const logon = find(name);
          if (!logon) return api.fail(404, 'LogonName Not Found');
          const s = stateOf(logon);
          // [OUR] a target the logon already has is refused as the documented 200 failure
          if (s.targets.some((t) => sameTarget(t, type, target))) return api.okFailure({}, [{ code: 500, message: 'Internal Platform Error' }]);
          s.targets.push({ TargetID: nextTargetId++, Target: type === 'Email' ? target : phoneDigits(target), TargetType: type, CountryCode: country });
          return api.ok({});
        },
      },
      {
        method: 'DELETE',
        path: '/DeleteTacTarget',
        handler: (req) => {
          const { name, target, type } = tacBody(api.body(req));
          // the documented 200 failures (CALIPER §4 E row 36)
          if (!isTargetType(type)) return api.okFailure({}, [{ code: 400, message: 'No Target Type' }]);
          const logon = find(name);
          if (!logon) return api.okFailure({}, [{ code: 404, message: 'LogonName Not Found' }]);
          const s = stateOf(logon);
          const index = s.targets.findIndex((t) => sameTarget(t, type, target));
          // [OUR] no such target: the documented catch-all 200 failure
          if (index < 0) return api.okFailure({}, [{ code: 500, message: 'Internal Platform Error' }]);
          s.targets.splice(index, 1);
          return api.ok({});
        },
      },
    ],
  };
}
