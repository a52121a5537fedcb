/**
 * SSO links that open Q2's white-label products (docs/api-notes.md §2.1, §2.8 "URL params"): the product's host for
 * the environment, `token` (an SSO token from client/create-token or client/sync) and exactly the URL
 * parameters given, URL-encoded.
 */
import type { ParamSpec, RequestSpec } from '../model/operation';
import { ISO_DATE_PATTERN } from './operations';

export const SSO_HOSTS = {
  connect: { sandbox: 'https://sb-connect.q2open.io', production: 'https://connect.q2open.io' },
  cardswap: { sandbox: 'https://sb-cardswap.q2open.io', production: 'https://cardswap.q2open.io' },
  'biller-direct': { sandbox: 'https://sb-biller-direct.q2open.io', production: 'https://biller-direct.q2open.io' },
} as const;

export type Product = keyof typeof SSO_HOSTS;

/** The URL parameters, in the order they are written. `authId` is Connect's only (docs/api-notes.md B22). */
export const URL_PARAMS = [
  'companyId',
  'billId',
  'swapId',
  'paymentMethodId',
  'items',
  'cardPaymentsOnly',
  'authId',
  'startView',
  'sessionId',
  'skipOnboarding',
] as const;

const text = (key: string): ParamSpec => ({ key, in: 'setting', type: 'string' });

/** The create-token options (docs/api-notes.md §2.4 Client); they go in the create-token body, never in the URL. */
export const TOKEN_OPTIONS = ['nonce', 'expiration', 'accessTokenExpiresIn'] as const;

/** What the node validates (node properties and msg.config alike), with lib/request/validate.ts. */
export const ssoSpec: RequestSpec = {
  method: 'GET',
  path: '',
  auth: 'connection',
  params: [
    { key: 'product', in: 'setting', type: 'enum', enum: Object.keys(SSO_HOSTS), required: true, default: 'connect' },
    { key: 'environment', in: 'setting', type: 'enum', enum: ['sandbox', 'production'], required: true, default: 'sandbox' },
    { key: 'token', in: 'setting', type: 'string', sensitive: true },
    text('identifier'),
    // a one-time token unless set to false (existing flows without the property get true)
    { key: 'nonce', in: 'setting', type: 'boolean', default: 'true' },
    { key: 'expiration', in: 'setting', type: 'string', pattern: ISO_DATE_PATTERN, patternHint: 'hint.isoDate' },
    // seconds: a positive whole number, or the same as a string; sent as a number
    { key: 'accessTokenExpiresIn', in: 'setting', type: 'id' },
    text('authId'),
    text('companyId'),
    text('billId'),
    text('swapId'),
    text('paymentMethodId'),
    { key: 'items', in: 'setting', type: 'string', pattern: '^(bill|payment|swap)(,(bill|payment|swap))*$', patternHint: 'hint.items' },
    { key: 'cardPaymentsOnly', in: 'setting', type: 'boolean' },
    { key: 'startView', in: 'setting', type: 'enum', enum: ['brands'] },
    text('sessionId'),
    { key: 'skipOnboarding', in: 'setting', type: 'boolean' },
  ],
};

export function ssoUrl(
  product: Product,
  environment: 'sandbox' | 'production',
  token: string,
  params: Partial<Record<(typeof URL_PARAMS)[number], string | boolean | number | undefined>>,
): string {
  const url = new URL(`${SSO_HOSTS[product][environment]}/`);
  url.searchParams.set('token', token);
  for (const key of URL_PARAMS) {
    // authId is a Connect parameter (B22): left out of CardSwap and Biller Direct links
    if (key === 'authId' && product !== 'connect') continue;
    const value = params[key];
    if (value === undefined || value === false || value === '') continue;
    url.searchParams.set(key, String(value));
  }
  return url.toString();
}
