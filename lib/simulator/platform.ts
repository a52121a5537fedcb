/**
 * Q2 Platform (Caliper) API simulator route module: OAuth2 client-credentials token endpoint plus
 * the eight seed-000 operations under /{v1|v2}/, with in-memory state seeded from platform-data.ts.
 * Response envelopes and error shapes E1/E2/E3 follow docs/api-notes.md §1.2. Error messages never echo
 * request values (SSN, TaxID, account numbers, tokens, secrets).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { RecordedRequest, Route, RouteHandler, RouteModule, SimResponse } from './server';
import { createSeedState, makeCustomer, makeUser, type Account, type Customer, type Phone, type PlatformState, type User } from './platform-data';

export interface PlatformClient {
  clientId: string;
  clientSecret: string;
}

export interface PlatformOptions {
  /** Accepted OAuth clients; default [DEMO_CLIENT]. */
  clients?: PlatformClient[];
  /** Token lifetime in whole seconds; default 3600. */
  tokenTtlSeconds?: number;
}

export const DEMO_CLIENT: PlatformClient = { clientId: 'demo-client', clientSecret: 'demo-secret' };

/** Operation names served under /{version}/ (used for 404/405 answers). */
export const PLATFORM_OPERATIONS = [
  'AddExternalAccount',
  'DeleteCustomer',
  'DeleteUser',
  'Enrollment',
  'GetAccountList',
  'LookupCustomer',
  'LookupUser',
] as const;

const VERSIONS = new Set(['v1', 'v2']);
const PHONE_TYPES = ['Home', 'Business', 'Mobile'];
type Body = Record<string, unknown>;

interface IssuedToken {
  clientId: string;
  scope: string;
  expiresAt: number;
}

// ---- response helpers -------------------------------------------------------------------------

function envelope(status: number, success: boolean, data: unknown, errors: unknown): SimResponse {
  const requestid = randomUUID();
  const log_ref_id = `log-${randomBytes(6).toString('hex')}`;
  return { status, headers: { 'x-request-id': requestid }, body: { data, success, errors, requestid, status, log_ref_id } };
}

const ok = (data: unknown, errors: unknown = []): SimResponse => envelope(200, true, data, errors);
/** E1: `{data:{}, success:false, errors:[{code,message}]}` with the HTTP status mirrored. */
const e1 = (status: number, message: string): SimResponse => envelope(status, false, {}, [{ code: status, message }]);

function oauthError(status: number, error: string, description: string, headers?: Record<string, string>): SimResponse {
  return { status, body: { error, error_description: description }, headers: { 'cache-control': 'no-store', ...headers } };
}

// ---- input helpers ----------------------------------------------------------------------------

function isObject(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** Positive integer from a number or a digit string. */
function toId(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  if (typeof v === 'string' && /^[1-9]\d{0,14}$/.test(v)) return Number(v);
  return undefined;
}

/** The single present key of `keys` in `body`, or an error message. */
function exactlyOne(body: Body, keys: readonly string[]): { key: string; value: unknown } | string {
  const found = keys.filter((k) => present(body[k]));
  if (found.length !== 1) return `Provide exactly one of ${keys.join(', ')}`;
  return { key: found[0], value: body[found[0]] };
}

/** Include flags must be booleans when present; returns an error message or the flag values. */
function flags<K extends string>(body: Body, names: readonly K[]): Record<K, boolean> | string {
  const out = {} as Record<K, boolean>;
  for (const name of names) {
    const v = body[name];
    if (v !== undefined && typeof v !== 'boolean') return `${name} must be a boolean`;
    out[name] = v === true;
  }
  return out;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function parseBasic(encoded: string): [string | undefined, string | undefined] {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return [undefined, undefined];
  try {
    const unform = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    return [unform(decoded.slice(0, colon)), unform(decoded.slice(colon + 1))];
  } catch {
    return [undefined, undefined];
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- the module -------------------------------------------------------------------------------

export class PlatformSim implements RouteModule {
  readonly name = 'q2-platform';
  readonly routes: Route[];
  readonly controlRoutes: Route[];
  /** Tokens issued since construction or the last reset(). */
  tokensIssued = 0;
  private data: PlatformState = createSeedState();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly clients: PlatformClient[];
  private readonly defaultTtl: number;
  private ttl: number;

  constructor(opts: PlatformOptions = {}) {
    this.clients = opts.clients ?? [DEMO_CLIENT];
    this.defaultTtl = opts.tokenTtlSeconds ?? 3600;
    this.ttl = this.defaultTtl;
    this.setTokenTtl(this.defaultTtl); // validates the option
    const api = (method: string, op: string, handler: RouteHandler): Route => ({
      method,
      pattern: `/:version/${op}${op.startsWith('Delete') ? '/:id' : ''}`,
      handler: this.guard(handler),
    });
    const token: RouteHandler = (req) => this.token(req);
    this.routes = [
      { method: 'POST', pattern: '/v2/oauth2/token', handler: token },
      { method: 'POST', pattern: '/oauth2/token', handler: token },
      api('POST', 'AddExternalAccount', (req) => this.addExternalAccount(req)),
      api('DELETE', 'DeleteCustomer', (_req, p) => this.deleteCustomer(p.id)),
      api('DELETE', 'DeleteUser', (_req, p) => this.deleteUser(p.id)),
      api('POST', 'Enrollment', (req) => this.enrollment(req)),
      api('GET', 'GetAccountList', (req) => this.getAccountList(req.query)),
      api('POST', 'LookupCustomer', (req) => this.lookupCustomer(req)),
      api('POST', 'LookupUser', (req) => this.lookupUser(req)),
    ];
    this.controlRoutes = [
      { method: 'POST', pattern: '/__sim/platform/expire-tokens', handler: () => (this.expireAllTokens(), { status: 200, body: { ok: true } }) },
    ];
  }

  /** Live in-memory state (replaced by reset()). */
  get state(): PlatformState {
    return this.data;
  }

  get tokenTtlSeconds(): number {
    return this.ttl;
  }

  /** Lifetime of tokens issued from now on, in whole seconds (>= 1). */
  setTokenTtl(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1) throw new RangeError('tokenTtlSeconds must be a positive integer');
    this.ttl = seconds;
  }

  /** Makes every token issued so far invalid (the next call gets 401). */
  expireAllTokens(): void {
    this.tokens.clear();
  }

  /** Issues a token without HTTP (handy in tests). */
  issueToken(clientId = this.clients[0]?.clientId ?? DEMO_CLIENT.clientId, scope = ''): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    if (this.tokens.size >= 1000) {
      for (const [key, t] of this.tokens) if (Date.now() >= t.expiresAt) this.tokens.delete(key);
    }
    const access_token = randomBytes(32).toString('base64url');
    this.tokens.set(access_token, { clientId, scope, expiresAt: Date.now() + this.ttl * 1000 });
    this.tokensIssued += 1;
    return { access_token, token_type: 'Bearer', expires_in: this.ttl };
  }

  /** Restores seed data, TTL and the counter. Already issued tokens stay valid; see expireAllTokens(). */
  reset(): void {
    this.data = createSeedState();
    this.ttl = this.defaultTtl;
    this.tokensIssued = 0;
  }

  notFound(req: RecordedRequest): SimResponse | undefined {
    const [, version, op] = req.path.split('/');
    if (!PLATFORM_OPERATIONS.some((name) => name === op)) return undefined;
    if (VERSIONS.has(version) && req.method !== this.routes.find((r) => r.pattern.includes(`/${op}`))?.method) {
      return e1(405, 'Method Not Allowed');
    }
    return e1(404, 'Not Found');
  }

  // ---- auth -----------------------------------------------------------------------------------

  private token(req: RecordedRequest): SimResponse {
    const form = req.headers['content-type']?.toLowerCase().startsWith('application/x-www-form-urlencoded');
    if (!form || !isObject(req.body)) {
      return oauthError(400, 'invalid_request', 'Body must be application/x-www-form-urlencoded');
    }
    const fields = req.body as Record<string, string>;
    if (!fields.grant_type) return oauthError(400, 'invalid_request', 'grant_type is required');
    if (fields.grant_type !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'Only client_credentials is supported');
    }
    let clientId: string | undefined = fields.client_id;
    let clientSecret: string | undefined = fields.client_secret;
    const basic = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (basic) [clientId, clientSecret] = parseBasic(basic[1]);
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client || typeof clientSecret !== 'string' || !safeEqual(client.clientSecret, clientSecret)) {
      const challenge = basic ? { 'www-authenticate': 'Basic realm="q2-simulator"' } : undefined;
      return oauthError(401, 'invalid_client', 'Client authentication failed', challenge);
    }
    const issued = this.issueToken(client.clientId, fields.scope ?? '');
    return { status: 200, body: issued, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
  }

  /** Wraps an API handler: version must be v1/v2, then a valid unexpired Bearer token. */
  private guard(handler: RouteHandler): RouteHandler {
    return (req, params) => {
      if (!VERSIONS.has(params.version)) return e1(404, 'Not Found');
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      const token = bearer ? this.tokens.get(bearer[1]) : undefined;
      if (!token || Date.now() >= token.expiresAt) {
        if (bearer && token) this.tokens.delete(bearer[1]);
        const res = e1(401, 'Unauthorized');
        res.headers = { ...res.headers, 'www-authenticate': 'Bearer error="invalid_token"' };
        return res;
      }
      return handler(req, params);
    };
  }

  // ---- lookups --------------------------------------------------------------------------------

  private activeUser(id: number): User | undefined {
    return this.data.users.find((u) => u.UserID === id && u.DeletedDate === null);
  }

  private userByLogon(name: string): User | undefined {
    const logon = this.data.logons.find((l) => sameName(l.LogonName, name) && this.activeUser(l.UserID));
    return logon ? this.activeUser(logon.UserID) : undefined;
  }

  private activeCustomer(id: number): Customer | undefined {
    return this.data.customers.find((c) => c.CustomerID === id && c.DeletedDate === null);
  }

  // ---- operations -----------------------------------------------------------------------------

  private addExternalAccount(req: RecordedRequest): SimResponse {
    const items = req.body;
    if (!Array.isArray(items) || items.length === 0 || !items.every((i) => isObject(i) && isObject(i.Account))) {
      return e1(400, 'Invalid request body');
    }
    const data: Array<{ ABA: unknown; Account: unknown; Success: boolean }> = [];
    const errors: Array<{ ABA: unknown; Account: unknown; Error: string }> = [];
    for (const item of items as Array<{ Account: Body }>) {
      const a = item.Account;
      const userId = toId(a.UserID);
      const user = nonEmpty(a.LogonName) ? this.userByLogon(a.LogonName) : userId === undefined ? undefined : this.activeUser(userId);
      const valid = user && typeof a.ABA === 'string' && /^\d{9}$/.test(a.ABA) && nonEmpty(a.Account) && /^[0-9A-Za-z-]{1,17}$/.test(a.Account);
      const duplicate = valid && this.data.externalAccounts.some((x) => x.UserID === user.UserID && x.ABA === a.ABA && x.Account === a.Account);
      if (valid && !duplicate) {
        this.data.externalAccounts.push({
          ExternalAccountID: this.data.externalAccounts.length + 1,
          UserID: user.UserID,
          ABA: a.ABA as string,
          Account: a.Account as string,
          AccountType: typeof a.AccountType === 'string' ? a.AccountType : 'Checking',
          AllowDeposit: a.AllowDeposit === true,
          AllowWithdrawal: a.AllowWithdrawal === true,
          CreateDate: new Date().toISOString(),
        });
        data.push({ ABA: a.ABA, Account: a.Account, Success: true });
      } else {
        data.push({ ABA: a.ABA, Account: a.Account, Success: false });
        errors.push({ ABA: a.ABA, Account: a.Account, Error: 'Unable to add external account' });
      }
    }
    return envelope(200, errors.length === 0, data, errors);
  }

  private deleteCustomer(rawId: string): SimResponse {
    const id = /^[1-9]\d{0,14}$/.test(rawId) ? Number(rawId) : undefined;
    const customer = id === undefined ? undefined : this.activeCustomer(id);
    if (!customer) return e1(400, 'Invalid CustomerID');
    const now = new Date().toISOString();
    customer.DeletedDate = now;
    for (const user of this.data.users) {
      if (user.CustomerID === customer.CustomerID && user.DeletedDate === null) user.DeletedDate = now;
    }
    return ok({});
  }

  private deleteUser(rawId: string): SimResponse {
    if (!/^[1-9]\d{0,14}$/.test(rawId)) return e1(400, 'Invalid UserID');
    const user = this.activeUser(Number(rawId));
    if (!user) {
      // E2: HTTP 200 with success:false; the error codes are [OUR] invented values.
      return envelope(200, false, 'Internal Platform Error', {
        ErrorCode: '1003',
        ErrorType: 'Failure',
        ErrorDescription: 'User not found or already deleted',
        HydraErrorReturnCode: '-1',
      });
    }
    user.DeletedDate = new Date().toISOString();
    user.UserStatus = 'DELETED';
    return ok(`User ${user.UserID} deleted successfully`, {});
  }

  private enrollment(req: RecordedRequest): SimResponse {
    const body = req.body;
    if (!isObject(body)) return e1(400, 'Invalid request body');
    const problem = validateEnrollment(body);
    if (problem) return e1(400, problem);
    const c = body.Customer as Body;
    const u = body.User as Body;
    if (this.userByLogon(u.LogonName as string)) return e1(400, 'LogonName already exists');

    const next = <T>(list: T[], key: (t: T) => number): number => list.reduce((m, t) => Math.max(m, key(t)), 0) + 1;
    const customerId = next(this.data.customers, (x) => x.CustomerID);
    const userId = next(this.data.users, (x) => x.UserID);
    const addressId = next(this.data.customers, (x) => x.Address.AddressID) + 100;
    let phoneId = next(
      this.data.customers.flatMap((x) => x.Phones),
      (p) => p.PhoneID,
    );
    const phones: Phone[] = (c.Phones as Body[]).map((p) => {
      const digits = String(p.Phone).replace(/\D/g, '');
      const split = digits.length === 10;
      return {
        PhoneID: phoneId++,
        CountryName: 'United States',
        CityOrAreaCode: split ? digits.slice(0, 3) : '',
        LocalNumber: split ? digits.slice(3) : digits,
        Extension: '',
        PhoneTypeName: String(p.PhoneType),
      };
    });
    this.data.customers.push(
      makeCustomer({
        CustomerID: customerId,
        CustomerName: String(c.Name),
        GroupID: toId(u.GroupID) as number,
        Phones: phones,
        Address: {
          AddressID: addressId,
          StreetAddress1: String(c.Address1),
          StreetAddress2: typeof c.Address2 === 'string' ? c.Address2 : '',
          City: String(c.City),
          State: typeof c.State === 'string' ? c.State : '',
          PostalCode: String(c.Zip),
          AddressType: 2,
          UserID: null,
          CountryID: 212,
          IsInternational: c.State === undefined,
          Province: null,
        },
      }),
    );
    this.data.users.push(makeUser({ UserID: userId, CustomerID: customerId, FirstName: String(u.FirstName), LastName: String(u.LastName) }));
    this.data.logons.push({ LogonID: next(this.data.logons, (l) => l.LogonID), LogonName: String(u.LogonName), UserID: userId });
    return ok({});
  }

  private getAccountList(query: Record<string, string>): SimResponse {
    const selectors = ['username', 'customer_id', 'user_id'].filter((k) => present(query[k]));
    if (selectors.length !== 1) return e1(400, 'Provide exactly one of username, customer_id, user_id');
    const level = query.access_level;
    if (present(level) && !/^[0-7]$/.test(level)) return e1(400, 'Invalid access_level');
    let accounts: Account[] = [];
    if (selectors[0] === 'customer_id') {
      const id = toId(query.customer_id);
      if (id === undefined) return e1(400, 'Invalid customer_id');
      accounts = this.activeCustomer(id) ? this.data.accounts.filter((a) => a.CustomerID === id) : [];
    } else {
      let user: User | undefined;
      if (selectors[0] === 'user_id') {
        const id = toId(query.user_id);
        if (id === undefined) return e1(400, 'Invalid user_id');
        user = this.activeUser(id);
      } else {
        user = this.userByLogon(query.username);
      }
      if (user) {
        const owner = user;
        accounts = this.data.accounts.filter((a) => a.CustomerID === owner.CustomerID && (a.UserID === null || a.UserID === owner.UserID));
      }
    }
    const wanted = Number(level || 0);
    const types = (query.account_types ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const result = accounts.filter((a) => (a.AccessLevel & wanted) === wanted && (types.length === 0 || types.includes(a.AccountType.toLowerCase())));
    return ok(result.map((a) => ({ ...a })));
  }

  private lookupCustomer(req: RecordedRequest): SimResponse {
    if (!isObject(req.body)) return e1(400, 'Invalid request body');
    const pick = exactlyOne(req.body, ['TaxID', 'CustomerID', 'LoginName', 'PrimaryCIF', 'CreatedOnOrAfter']);
    if (typeof pick === 'string') return e1(400, pick);
    const include = flags(req.body, ['IncludePhone', 'IncludeCustomerData', 'IncludeAddress']);
    if (typeof include === 'string') return e1(400, include);
    const { key, value } = pick;
    const active = this.data.customers.filter((c) => c.DeletedDate === null);
    let found: Customer[];
    if (key === 'CustomerID') {
      const id = toId(value);
      if (id === undefined) return e1(400, 'Invalid CustomerID');
      found = active.filter((c) => c.CustomerID === id);
    } else if (key === 'LoginName') {
      const user = typeof value === 'string' ? this.userByLogon(value) : undefined;
      found = active.filter((c) => c.CustomerID === user?.CustomerID);
    } else if (key === 'CreatedOnOrAfter') {
      const since = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(since)) return e1(400, 'Invalid CreatedOnOrAfter');
      found = active.filter((c) => Date.parse(c.CreateDate) >= since);
    } else {
      found = active.filter((c) => c[key as 'TaxID' | 'PrimaryCIF'] === String(value));
    }
    const data = found.map(({ Address, Phones, Data, ...rest }) => ({
      ...rest,
      ...(include.IncludeAddress ? { Address: { ...Address } } : {}),
      ...(include.IncludePhone ? { Phones: Phones.map((p) => ({ ...p })) } : {}),
      ...(include.IncludeCustomerData ? { Data: Data.map((d) => ({ ...d })) } : {}),
    }));
    return ok(data);
  }

  private lookupUser(req: RecordedRequest): SimResponse {
    if (!isObject(req.body)) return e1(400, 'Invalid request body');
    const pick = exactlyOne(req.body, ['SSN', 'UserID', 'LoginName', 'PrimaryCIF', 'CustomerID']);
    if (typeof pick === 'string') return e1(400, pick);
    const include = flags(req.body, ['IncludeAuthToken']);
    if (typeof include === 'string') return e1(400, include);
    const { key, value } = pick;
    const active = this.data.users.filter((u) => u.DeletedDate === null);
    let found: User[];
    if (key === 'UserID' || key === 'CustomerID') {
      const id = toId(value);
      if (id === undefined) return e1(400, `Invalid ${key}`);
      found = active.filter((u) => u[key] === id);
    } else if (key === 'LoginName') {
      const user = typeof value === 'string' ? this.userByLogon(value) : undefined;
      found = user ? [user] : [];
    } else {
      found = active.filter((u) => u[key as 'SSN' | 'PrimaryCIF'] === String(value));
    }
    const data = found.map(({ AuthToken, ...rest }) => {
      const mapping: Record<string, string> = {};
      for (const l of this.data.logons) if (l.UserID === rest.UserID) mapping[l.LogonName] = String(l.LogonID);
      return { ...rest, LogonNames: [{ LogonIDMapping: mapping }], ...(include.IncludeAuthToken ? { AuthToken } : {}) };
    });
    return ok(data);
  }
}

/** Enrollment body check; returns a message naming the field (never its value) or undefined. */
function validateEnrollment(body: Body): string | undefined {
  const c = body.Customer;
  const u = body.User;
  if (!isObject(c)) return 'Customer is required';
  if (!isObject(u)) return 'User is required';
  for (const field of ['Name', 'Address1', 'City', 'Zip']) {
    if (!nonEmpty(c[field])) return `Customer.${field} is required`;
  }
  if (c.State !== undefined && (typeof c.State !== 'string' || !/^[A-Za-z]{2}$/.test(c.State))) {
    return 'Customer.State must be a 2-letter code';
  }
  if (!Array.isArray(c.Phones) || c.Phones.length === 0) return 'Customer.Phones is required';
  for (const [i, p] of c.Phones.entries()) {
    if (!isObject(p) || !nonEmpty(p.Phone) || !/^[0-9 ()+.-]{7,20}$/.test(p.Phone)) return `Customer.Phones[${i}].Phone is invalid`;
    if (typeof p.PhoneType !== 'string' || !PHONE_TYPES.includes(p.PhoneType)) {
      return `Customer.Phones[${i}].PhoneType must be one of ${PHONE_TYPES.join(', ')}`;
    }
  }
  for (const field of ['LogonName', 'FirstName', 'LastName']) {
    if (!nonEmpty(u[field])) return `User.${field} is required`;
  }
  if (toId(u.GroupID) === undefined) return 'User.GroupID must be a positive integer';
  return undefined;
}
