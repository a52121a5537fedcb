/**
 * Caliper area "SMART" (CALIPER §4 N): audiences and traits. [OUR] Two audiences are seeded: "Borrowers" (Q2's,
 * global: the active users of customers holding a Loan account) and "Likely loan seekers" (the FI's: active users
 * whose `loan_propensity` trait is 0.7 or more), so setting traits moves users in and out of the second one. Five
 * traits are known (the custom-trait types of Q2-smart): `loan_propensity` (Float 0–1), `engagement_score` (Float
 * 0–100), `has_mobile_app` (Boolean), `preferred_channel` (Enum email|sms|push|branch) and `last_branch_visit`
 * (Date, epoch seconds). Setting a user's traits is all-or-nothing (400 with code 40001 for an unknown trait, 40002
 * for a value the trait does not take; nothing set). The batch set of a trait answers `success: true` with
 * `data.success_count` and `errors: [{code, message, result: {user_id}}]` for the users not set; when no user was
 * set it is `success: false` (HTTP 200).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimResponse } from '../server';
import type { CaliperApi, CaliperArea } from './api';

type TraitValue = number | boolean | string;

interface Trait {
  type: 'Float' | 'Boolean' | 'Enum' | 'Date';
  min?: number;
  max?: number;
  values?: readonly string[];
}

export const SMART_TRAITS: Readonly<Record<string, Trait>> = {
  loan_propensity: { type: 'Float', min: 0, max: 1 },
  engagement_score: { type: 'Float', min: 0, max: 100 },
  has_mobile_app: { type: 'Boolean' },
  preferred_channel: { type: 'Enum', values: ['email', 'sms', 'push', 'branch'] },
  last_branch_visit: { type: 'Date', min: 0 },
};

export const BORROWERS = '3f6c1a52-8d4e-4b7a-9c21-5e0f7a9b1c01';
export const LOAN_SEEKERS = '9b2e4d10-6a7c-4f3e-8b15-2c9d0e1f4a02';

interface Audience {
  id: string;
  audience: string;
  description: string;
  is_global: boolean;
  owner: string;
  created_at: string;
  updated_at: string;
}

const AUDIENCES: readonly Audience[] = [
  {
    id: BORROWERS,
    audience: 'Borrowers',
    description: 'Users whose customer holds a loan account',
    is_global: true,
    owner: 'Q2',
    created_at: '2024-02-01T10:00:00Z',
    updated_at: '2024-02-01T10:00:00Z',
  },
  {
    id: LOAN_SEEKERS,
    audience: 'Likely loan seekers',
    description: 'Users whose loan propensity is 0.7 or more',
    is_global: false,
    owner: 'fi.admin',
    created_at: '2025-05-12T15:30:00Z',
    updated_at: '2025-05-12T15:30:00Z',
  },
];

const seedTraits = (): Map<number, Record<string, TraitValue>> =>
  new Map<number, Record<string, TraitValue>>([
    [1, { loan_propensity: 0.85, has_mobile_app: true }],
    [2, { loan_propensity: 0.4, preferred_channel: 'email' }],
  ]);

/** A standard envelope with a SMART error code (40001 …) rather than the HTTP status. */
function failure(status: number, errors: unknown, data: unknown = {}): SimResponse {
  const requestid = randomUUID();
  return {
    status,
    headers: { 'x-request-id': requestid },
    body: { data, success: false, errors, requestid, status, log_ref_id: `log-${randomBytes(6).toString('hex')}` },
  };
}

/** Why a value does not suit a trait, or undefined when it does. */
function unsuitable(trait: Trait, value: unknown): string | undefined {
  switch (trait.type) {
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'Enum':
      return typeof value === 'string' && trait.values?.includes(value) ? undefined : `must be one of ${trait.values?.join(', ') ?? ''}`;
    case 'Float':
    case 'Date':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (trait.type === 'Date' && !Number.isInteger(value)) return 'must be whole epoch seconds';
      if ((trait.min !== undefined && value < trait.min) || (trait.max !== undefined && value > trait.max)) {
        return `must be from ${trait.min ?? '-∞'} to ${trait.max ?? '∞'}`;
      }
      return undefined;
  }
}

export function smartArea(api: CaliperApi): CaliperArea {
  let traits = seedTraits();

  const members = (audience: Audience): number[] => {
    const active = api.state.users.filter((u) => u.DeletedDate === null);
    if (audience.id === BORROWERS) {
      const borrowing = new Set(api.state.accounts.filter((a) => a.AccountType === 'Loan').map((a) => a.CustomerID));
      return active.filter((u) => borrowing.has(u.CustomerID)).map((u) => u.UserID);
    }
    return active.filter((u) => Number(traits.get(u.UserID)?.loan_propensity ?? 0) >= 0.7).map((u) => u.UserID);
  };

  const audienceOf = (raw: string): Audience => {
    const id = decodeURIComponent(raw);
    const audience = AUDIENCES.find((a) => a.id.toLowerCase() === id.toLowerCase());
    return audience ?? api.fail(404, 'Audience not found');
  };

  return {
    reset: () => {
      traits = seedTraits();
    },
    routes: [
      { method: 'GET', path: '/SMART/Audiences', handler: () => api.ok(AUDIENCES.map((a) => ({ ...a }))) },
      { method: 'GET', path: '/SMART/Audiences/:audience_id/count', handler: (_req, p) => api.ok(members(audienceOf(p.audience_id)).length) },
      { method: 'GET', path: '/SMART/Audiences/:audience_id/users', handler: (_req, p) => api.ok(members(audienceOf(p.audience_id))) },
      {
        method: 'POST',
        path: '/SMART/Traits/users/:user_id',
        handler: (req, p) => {
          const id = api.id(decodeURIComponent(p.user_id));
          if (id === undefined) api.invalid('user_id must be a positive integer');
          const body = api.body(req);
          api.required(body, ['traits']);
          const given = body.traits;
          if (given === null || typeof given !== 'object' || Array.isArray(given) || !Object.keys(given).length) {
            return api.invalid('traits must be an object of trait id → value');
          }
          if (!api.activeUser(id)) return api.fail(404, 'User not found');
          // all or nothing: every trait is checked before any is set
          for (const [name, value] of Object.entries(given)) {
            const trait = SMART_TRAITS[name];
            if (!trait) return failure(400, [{ code: 40001, message: `Unknown trait ${name}` }]);
            const why = unsuitable(trait, value);
            if (why) return failure(400, [{ code: 40002, message: `Trait ${name} ${why}` }]);
          }
          traits.set(id, { ...traits.get(id), ...(given as Record<string, TraitValue>) });
          return api.ok({ success_count: Object.keys(given).length });
        },
      },
      {
        method: 'POST',
        path: '/SMART/Traits/:trait_id/batch',
        handler: (req, p) => {
          const name = decodeURIComponent(p.trait_id);
          const body = api.body(req);
          api.required(body, ['users']);
          const users = body.users;
          if (users === null || typeof users !== 'object' || Array.isArray(users) || !Object.keys(users).length) {
            return api.invalid('users must be an object of user id → number');
          }
          const trait = SMART_TRAITS[name];
          if (!trait) return failure(400, [{ code: 40001, message: `Unknown trait ${name}` }]);
          if (trait.type !== 'Float' && trait.type !== 'Date')
            return failure(400, [{ code: 40003, message: `Trait ${name} does not take numbers in a batch` }]);
          const errors: Array<{ code: number; message: string; result: { user_id: string } }> = [];
          let count = 0;
          for (const [key, value] of Object.entries(users)) {
            const id = api.id(key);
            const why = unsuitable(trait, value);
            if (id === undefined || !api.activeUser(id)) errors.push({ code: 40004, message: 'User not found', result: { user_id: key } });
            else if (why) errors.push({ code: 40002, message: `Trait ${name} ${why}`, result: { user_id: key } });
            else {
              traits.set(id, { ...traits.get(id), [name]: value as number });
              count += 1;
            }
          }
          if (!count) return api.okFailure({ success_count: 0 }, errors);
          return api.ok({ success_count: count }, errors);
        },
      },
    ],
  };
}
