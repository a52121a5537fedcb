/**
 * `q2-billerdirect-config`: the Biller Direct connection — environment, API key (bearer) and optional RSA signing
 * key, whose public half it can publish as a JWKS on Node-RED's HTTP server (`jwksPath`), for Q2 to register.
 */
import type { NodeAPI } from 'node-red';
import { BILLER_DIRECT_HOSTS, BillerDirectConnection } from '../lib/billerdirect/connection';
import { ConnectionNodeDef, listOf, registerConnection } from '../lib/node-red/config-node';
import { addRoute, routePath, sendJson } from '../lib/node-red/http-route';
import { t, useRuntimeI18n } from '../lib/i18n';

interface BillerDirectConfigDef extends ConnectionNodeDef {
  environment?: 'sandbox' | 'production' | 'custom';
  baseUrl?: string;
  allowedOrigins?: string;
  /** GET route serving the public half of the request-signing key as a JWKS */
  jwksPath?: string;
}

function billerDirectBaseUrl(def: BillerDirectConfigDef): string {
  if (def.environment === 'custom') return def.baseUrl ?? '';
  return BILLER_DIRECT_HOSTS[def.environment === 'production' ? 'production' : 'sandbox'];
}

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-billerdirect-config', RED._);
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
    (node, def, connection) => {
      if (!def.jwksPath?.trim() || !(connection instanceof BillerDirectConnection)) return undefined;
      const jwks = connection.signingJwks();
      if (!jwks) node.warn(t('errors.jwksNoSigningKey'));
      return addRoute(RED, 'get', routePath(def.jwksPath), (_req, res) => {
        if (!jwks) return sendJson(res, 404, { keys: [] });
        jwks.then(
          (set) => sendJson(res, 200, set, { 'Cache-Control': 'public, max-age=300' }),
          () => res.writeHead(500).end(),
        );
      });
    },
  );
};
