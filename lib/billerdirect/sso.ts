/**
 * SSO links that open Q2's white-label products (docs/api-notes.md §2.1, §2.8 "URL params"): the product's host for
 * the environment, `token` (an SSO token from client/create-token or client/sync) and exactly the URL
 * parameters given, URL-encoded.
 */
import type { ParamSpec, RequestSpec } from '../model/operation';

export const SSO_HOSTS = {
  connect: { sandbox: 'https://sb-connect.q2open.io', production: 'https://connect.q2open.io' },
  cardswap: { sandbox: 'https://sb-cardswap.q2open.io', production: 'https://cardswap.q2open.io' },
  'biller-direct': { sandbox: 'https://sb-biller-direct.q2open.io', production: 'https://biller-direct.q2open.io' },
} as const;

export type Product = keyof typeof SSO_HOSTS;

/** The URL parameters, in the order they are written. */
export const URL_PARAMS = [
  'companyId',
  'billId',
  'swapId',
  'paymentMethodId',
  'items',
  'cardPaymentsOnly',
  'startView',
  'sessionId',
  'skipOnboarding',
] as const;

const text = (key: string): ParamSpec => ({ key, in: 'setting', type: 'string' });

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
    const value = params[key];
    if (value === undefined || value === false || value === '') continue;
    url.searchParams.set(key, String(value));
  }
  return url.toString();
}
