/**
 * JSON-schema fragments the Q2 Platform tables share (lib/platform/operations.ts and lib/platform/caliper/): a
 * non-empty text, a positive id (a number or its digits), a routing number and an account number; `x-hint` values are
 * keys of locales/en-US/q2-common.json.
 */
export const text = { type: 'string', minLength: 1 };

export const positiveId = {
  anyOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^[1-9][0-9]*$' },
  ],
  'x-hint': 'hint.positiveId',
};

export const routingNumber = { type: 'string', pattern: '^[0-9]{9}$', 'x-hint': 'hint.routingNumber' };

export const accountNumber = { type: 'string', minLength: 1, maxLength: 17, 'x-hint': 'hint.accountNumber' };
