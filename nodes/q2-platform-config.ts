/** `q2-platform-config`: the Q2 Platform (Caliper) connection — base URL, version, OAuth client credentials, token cache. */
import type { NodeAPI } from 'node-red';
import { ConnectionNodeDef, listOf, registerConnection } from '../lib/node-red/config-node';
import { PlatformConnection } from '../lib/platform/connection';
import { useRuntimeI18n } from '../lib/i18n';

interface Q2ConfigDef extends ConnectionNodeDef {
  baseUrl?: string;
  apiVersion?: string;
  tokenUrl?: string;
  scope?: string;
  grantType?: string;
  allowedOrigins?: string;
}

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-platform-config', RED._);
  registerConnection<Q2ConfigDef>(
    RED,
    'q2-platform-config',
    { clientId: { type: 'password' }, clientSecret: { type: 'password' } },
    (def, creds, http, reliability) =>
      new PlatformConnection({
        baseUrl: def.baseUrl ?? '',
        apiVersion: def.apiVersion || 'v2',
        tokenUrl: def.tokenUrl,
        scope: def.scope,
        grantType: def.grantType || 'client_credentials',
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        allowedOrigins: listOf(def.allowedOrigins),
        http,
        reliability,
      }),
  );
};
