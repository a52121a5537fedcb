/** Biller Direct `/v1/partner` resource: the partner's public keys (two RSA-2048 pairs made on first use, kept across reset). */
import { generateKeyPairSync } from 'node:crypto';
import type { Route } from '../server';
import { hexId } from '../kit';
import { DAY_MS } from '../billerdirect-data';
import { notFound } from '../billerdirect-rules';
import type { BdCore, BdPartnerKey } from './core';

export function partnerRoutes(bd: BdCore): Route[] {
  return [
    bd.partner('GET', '/partner/public-keys', () => ({ keys: partnerKeys(bd).map(jwk) })),
    bd.partner('GET', '/partner/public-keys/latest', () => {
      const keys = partnerKeys(bd);
      return jwk(keys[keys.length - 1]);
    }),
    bd.partner('GET', '/partner/public-keys/:keyId', (c) => jwk(partnerKeys(bd).find((k) => k.kid === c.params.keyId) ?? notFound('Public key'))),
  ];
}

/** The two partner key pairs, oldest first. */
export function partnerKeys(bd: BdCore): BdPartnerKey[] {
  return bd.cachedKeys(() => {
    const base = bd.clock().getTime();
    return [0, 1].map((i) => {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return { kid: hexId(), created: new Date(base - (2 - i) * DAY_MS).toISOString(), publicKey, privateKey };
    });
  });
}

function jwk(k: BdPartnerKey): Record<string, unknown> {
  const { n, e } = k.publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', n, e, use: 'enc', kid: k.kid };
}
