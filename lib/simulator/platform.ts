/**
 * Q2 Platform (Caliper) API simulator route module: OAuth2 client-credentials token endpoint plus
 * the eight seed-000 operations under /{v1|v2}/, with in-memory state seeded from platform-data.ts.
 * Response envelopes and error shapes E1/E2/E3 follow docs/api-notes.md §1.2. Error messages never echo
 * request values (SSN, TaxID, account numbers, tokens, secrets).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { RecordedRequest, Route, RouteModule, SimResponse } from './server';
import {
  SeededStore,
  authParam,
  catchFailure,
  decodeBasic,
  fail,
  isObject,
  jsonObject,
  nextNumber,
  route,
  routeFamily,
  safeEqual,
  toId,
  type Body,
  type SimFailure,
} from './kit';
import { CALIPER_AREAS, type CaliperApi, type CaliperArea } from './caliper';
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

/** A Platform operation: answers its response, or throws a SimFailure (`invalid`), answered as an E1 envelope. */
type PlatformHandler = (req: RecordedRequest, params: Record<string, string>) => SimResponse;

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
/** A 400 E1 answer, thrown. */
const invalid = (message: string): never => fail(400, 400, message);

function e1Failure(f: SimFailure): SimResponse {
  const res = e1(f.status, f.message);
  if (f.headers) res.headers = { ...res.headers, ...f.headers };
  return res;
}

/** An OAuth error answer (RFC 6749 §5.2) from a failure: `code` is the `error`, the message its description. */
function oauthError(f: SimFailure): SimResponse {
  return { status: f.status, body: { error: f.code, error_description: f.message }, headers: { 'cache-control': 'no-store', ...f.headers } };
}

// ---- input helpers ----------------------------------------------------------------------------

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** The single present key of `keys` in `body` (400 otherwise). */
function exactlyOne(body: Body, keys: readonly string[]): { key: string; value: unknown } {
  const found = keys.filter((k) => present(body[k]));
  if (found.length !== 1) return invalid(`Provide exactly one of ${keys.join(', ')}`);
  return { key: found[0], value: body[found[0]] };
}

/** Include flags must be booleans when present (400 otherwise); returns the flag values. */
function flags<K extends string>(body: Body, names: readonly K[]): Record<K, boolean> {
  const out = {} as Record<K, boolean>;
  for (const name of names) {
    const v = body[name];
    if (v !== undefined && typeof v !== 'boolean') return invalid(`${name} must be a boolean`);
    out[name] = v === true;
  }
  return out;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function parseBasic(credential: string): [string | undefined, string | undefined] {
  const pair = decodeBasic(credential);
  if (!pair) return [undefined, undefined];
  try {
    const unform = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    return [unform(pair[0]), unform(pair[1])];
  } catch {
    return [undefined, undefined];
  }
}

// ---- the module -------------------------------------------------------------------------------

export class PlatformSim implements RouteModule {
  readonly name = 'q2-platform';
  readonly routes: Route[];
  readonly controlRoutes: Route[];
  /** Tokens issued since construction or the last reset(). */
  tokensIssued = 0;
  private readonly store = new SeededStore(createSeedState);
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly clients: PlatformClient[];
  private readonly defaultTtl: number;
  private ttl: number;
  /** the Caliper areas beyond the seed's eight operations (lib/simulator/caliper/) */
  private readonly areas: readonly CaliperArea[];
  /** first path segments (after the version) the areas answer, for 404/405 answers */
  private readonly areaOperations: ReadonlySet<string>;

  constructor(opts: PlatformOptions = {}) {
    this.clients = opts.clients ?? [DEMO_CLIENT];
    this.defaultTtl = opts.tokenTtlSeconds ?? 3600;
    this.ttl = this.defaultTtl;
    this.setTokenTtl(this.defaultTtl); // validates the option
    const api = routeFamily('/:version', (handler: PlatformHandler) => this.guard(handler));
    const token = (req: RecordedRequest): SimResponse => catchFailure(() => this.token(req), oauthError);
    this.routes = [
      route('POST', '/v2/oauth2/token', token),
      route('POST', '/oauth2/token', token),
      api('POST', '/AddExternalAccount', (req) => this.addExternalAccount(req)),
      api('DELETE', '/DeleteCustomer/:id', (_req, p) => this.deleteCustomer(p.id)),
      api('DELETE', '/DeleteUser/:id', (_req, p) => this.deleteUser(p.id)),
      api('POST', '/Enrollment', (req) => this.enrollment(req)),
      api('GET', '/GetAccountList', (req) => this.getAccountList(req.query)),
      api('POST', '/LookupCustomer', (req) => this.lookupCustomer(req)),
      api('POST', '/LookupUser', (req) => this.lookupUser(req)),
    ];
    this.areas = CALIPER_AREAS.map((make) => make(this.caliperApi()));
    for (const area of this.areas) for (const r of area.routes) this.routes.push(api(r.method, r.path, r.handler));
    this.areaOperations = new Set(this.areas.flatMap((area) => area.routes.map((r) => r.path.split('/')[1])));
    this.controlRoutes = [route('POST', '/__sim/platform/expire-tokens', () => (this.expireAllTokens(), { status: 200, body: { ok: true } }))];
  }

  /** Live in-memory state (replaced by reset()). */
  get state(): PlatformState {
    return this.store.state;
  }

  private get data(): PlatformState {
    return this.store.state;
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
    this.store.reset();
    for (const area of this.areas) area.reset?.();
    this.ttl = this.defaultTtl;
    this.tokensIssued = 0;
  }

  notFound(req: RecordedRequest): SimResponse | undefined {
    const [, version, op] = req.path.split('/');
    if (!PLATFORM_OPERATIONS.some((name) => name === op) && !this.areaOperations.has(op)) return undefined;
    if (VERSIONS.has(version) && req.method !== this.routes.find((r) => r.pattern.includes(`/${op}`))?.method) {
      return e1(405, 'Method Not Allowed');
    }
    return e1(404, 'Not Found');
  }

  /** What the Caliper areas may use (lib/simulator/caliper/api.ts). */
  private caliperApi(): CaliperApi {
    const state = (): PlatformState => this.data;
    return {
      get state() {
        return state();
      },
      ok: (data, errors = []) => ok(data, errors),
      okFailure: (data, errors) => envelope(200, false, data, errors),
      fail: (status, message) => fail(status, status, message),
      invalid,
      body: (req) => jsonObject(req, invalid, true),
      required: (body, keys) => {
        for (const key of keys) if (!present(body[key])) invalid(`${key} is required`);
      },
      exactlyOne: (body, keys) => exactlyOne(body, keys),
      id: toId,
      activeUser: (id) => this.activeUser(id),
      activeCustomer: (id) => this.activeCustomer(id),
      userByLogon: (name) => this.userByLogon(name),
    };
  }

  // ---- auth -----------------------------------------------------------------------------------

  private token(req: RecordedRequest): SimResponse {
    const form = req.headers['content-type']?.toLowerCase().startsWith('application/x-www-form-urlencoded');
    if (!form || !isObject(req.body)) return fail(400, 'invalid_request', 'Body must be application/x-www-form-urlencoded');
    const fields = req.body as Record<string, string>;
    if (!fields.grant_type) return fail(400, 'invalid_request', 'grant_type is required');
    if (fields.grant_type !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'Only client_credentials is supported');
    let clientId: string | undefined = fields.client_id;
    let clientSecret: string | undefined = fields.client_secret;
    const basic = authParam(req, 'Basic');
    if (basic !== undefined) [clientId, clientSecret] = parseBasic(basic);
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client || typeof clientSecret !== 'string' || !safeEqual(client.clientSecret, clientSecret)) {
      const challenge = basic !== undefined ? { 'www-authenticate': 'Basic realm="q2-simulator"' } : undefined;
      return fail(401, 'invalid_client', 'Client authentication failed', challenge);
    }
    const issued = this.issueToken(client.clientId, fields.scope ?? '');
    return { status: 200, body: issued, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
  }

  /** Wraps an API handler: version must be v1/v2, then a valid unexpired Bearer token; a SimFailure becomes an E1 envelope. */
  private guard(handler: PlatformHandler): PlatformHandler {
    return (req, params) =>
      catchFailure(() => {
        if (!VERSIONS.has(params.version)) return fail(404, 404, 'Not Found');
        const bearer = authParam(req, 'Bearer');
        const token = bearer === undefined ? undefined : this.tokens.get(bearer);
        if (!token || Date.now() >= token.expiresAt) {
          if (bearer !== undefined && token) this.tokens.delete(bearer);
          return fail(401, 401, 'Unauthorized', { 'www-authenticate': 'Bearer error="invalid_token"' });
        }
        return handler(req, params);
      }, e1Failure);
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
      return invalid('Invalid request body');
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
    if (!customer) return invalid('Invalid CustomerID');
    const now = new Date().toISOString();
    customer.DeletedDate = now;
    for (const user of this.data.users) {
      if (user.CustomerID === customer.CustomerID && user.DeletedDate === null) user.DeletedDate = now;
    }
    return ok({});
  }

  private deleteUser(rawId: string): SimResponse {
    if (!/^[1-9]\d{0,14}$/.test(rawId)) return invalid('Invalid UserID');
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
    const body = jsonObject(req, () => invalid('Invalid request body'));
    const problem = validateEnrollment(body);
    if (problem) return invalid(problem);
    const c = body.Customer as Body;
    const u = body.User as Body;
    if (this.userByLogon(u.LogonName as string)) return invalid('LogonName already exists');

    const customerId = nextNumber(this.data.customers, (x) => x.CustomerID);
    const userId = nextNumber(this.data.users, (x) => x.UserID);
    const addressId = nextNumber(this.data.customers, (x) => x.Address.AddressID) + 100;
    let phoneId = nextNumber(
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
    this.data.logons.push({ LogonID: nextNumber(this.data.logons, (l) => l.LogonID), LogonName: String(u.LogonName), UserID: userId });
    return ok({});
  }

  private getAccountList(query: Record<string, string>): SimResponse {
    const selectors = ['username', 'customer_id', 'user_id'].filter((k) => present(query[k]));
    if (selectors.length !== 1) return invalid('Provide exactly one of username, customer_id, user_id');
    const level = query.access_level;
    if (present(level) && !/^[0-7]$/.test(level)) return invalid('Invalid access_level');
    let accounts: Account[] = [];
    if (selectors[0] === 'customer_id') {
      const id = toId(query.customer_id);
      if (id === undefined) return invalid('Invalid customer_id');
      accounts = this.activeCustomer(id) ? this.data.accounts.filter((a) => a.CustomerID === id) : [];
    } else {
      let user: User | undefined;
      if (selectors[0] === 'user_id') {
        const id = toId(query.user_id);
        if (id === undefined) return invalid('Invalid user_id');
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
    const body = jsonObject(req, () => invalid('Invalid request body'));
    const pick = exactlyOne(body, ['TaxID', 'CustomerID', 'LoginName', 'PrimaryCIF', 'CreatedOnOrAfter']);
    const include = flags(body, ['IncludePhone', 'IncludeCustomerData', 'IncludeAddress']);
    const { key, value } = pick;
    const active = this.data.customers.filter((c) => c.DeletedDate === null);
    let found: Customer[];
    if (key === 'CustomerID') {
      const id = toId(value);
      if (id === undefined) return invalid('Invalid CustomerID');
      found = active.filter((c) => c.CustomerID === id);
    } else if (key === 'LoginName') {
      const user = typeof value === 'string' ? this.userByLogon(value) : undefined;
      found = active.filter((c) => c.CustomerID === user?.CustomerID);
    } else if (key === 'CreatedOnOrAfter') {
      const since = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(since)) return invalid('Invalid CreatedOnOrAfter');
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
    const body = jsonObject(req, () => invalid('Invalid request body'));
    const pick = exactlyOne(body, ['SSN', 'UserID', 'LoginName', 'PrimaryCIF', 'CustomerID']);
    const include = flags(body, ['IncludeAuthToken']);
    const { key, value } = pick;
    const active = this.data.users.filter((u) => u.DeletedDate === null);
    let found: User[];
    if (key === 'UserID' || key === 'CustomerID') {
      const id = toId(value);
      if (id === undefined) return invalid(`Invalid ${key}`);
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
