/** `q2-corepro-config`: the CorePro/Helix connection — base URL (with presets) and the API key and secret (HTTP Basic). */
import type { NodeAPI } from 'node-red';
import { ConnectionNodeDef, listOf, registerConnection } from '../lib/node-red/config-node';
import { HELIX_HOSTS, CoreProConnection } from '../lib/corepro/connection';
import { useRuntimeI18n } from '../lib/i18n';

interface CoreProConfigDef extends ConnectionNodeDef {
  baseUrl?: string;
  allowedOrigins?: string;
}

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-corepro-config', RED._);
  registerConnection<CoreProConfigDef>(
    RED,
    'q2-corepro-config',
    { apiKey: { type: 'password' }, apiSecret: { type: 'password' } },
    (def, creds, http, reliability) =>
      new CoreProConnection({
        baseUrl: def.baseUrl || HELIX_HOSTS['helix-sandbox'],
        apiKey: creds.apiKey,
        apiSecret: creds.apiSecret,
        allowedOrigins: listOf(def.allowedOrigins),
        http,
        reliability,
      }),
  );
};
