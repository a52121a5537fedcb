/** `q2-billerdirect-config`: the Biller Direct connection — environment, API key (bearer) and optional RSA signing key. */
import type { NodeAPI } from 'node-red';
import { BILLER_DIRECT_HOSTS, BillerDirectConnection } from '../lib/billerdirect/connection';
import { ConnectionNodeDef, listOf, registerConnection } from '../lib/node-red/config-node';

interface BillerDirectConfigDef extends ConnectionNodeDef {
  environment?: 'sandbox' | 'production' | 'custom';
  baseUrl?: string;
  allowedOrigins?: string;
}

function billerDirectBaseUrl(def: BillerDirectConfigDef): string {
  if (def.environment === 'custom') return def.baseUrl ?? '';
  return BILLER_DIRECT_HOSTS[def.environment === 'production' ? 'production' : 'sandbox'];
}

export = function (RED: NodeAPI): void {
  registerConnection<BillerDirectConfigDef>(
    RED,
    'q2-billerdirect-config',
    { apiKey: { type: 'password' }, signingKey: { type: 'password' } },
    (def, creds, http, reliability) =>
      new BillerDirectConnection({
        baseUrl: billerDirectBaseUrl(def),
        apiKey: creds.apiKey,
        signingKey: creds.signingKey,
        allowedOrigins: listOf(def.allowedOrigins),
        http,
        reliability,
      }),
  );
};
