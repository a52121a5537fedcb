/** The CorePro/Helix connection: HTTP Basic with the API key and secret (REFERENCE §3.1). */
import { Authorization, Connection } from '../connection';
import { Q2Error } from '../errors';
import type { HttpClientOptions } from '../http';
import { t } from '../i18n';
import { helixFamily } from './envelope';

export const HELIX_HOSTS = {
  'helix-sandbox': 'https://sandbox-api.helix.q2.com',
  'helix-production': 'https://api.helix.q2.com',
  'corepro-sandbox': 'https://sandbox-api.corepro.io',
  'corepro-production': 'https://api.corepro.io',
} as const;

export interface HelixConnectionOptions {
  baseUrl: string;
  apiKey?: string;
  apiSecret?: string;
  allowedOrigins: string[];
  http: HttpClientOptions;
}

export class HelixConnection extends Connection {
  private readonly header?: string;

  constructor(options: HelixConnectionOptions) {
    super({ family: helixFamily, baseUrl: options.baseUrl, extraOrigins: options.allowedOrigins, defaults: {}, http: options.http });
    if (options.apiKey && options.apiSecret) {
      this.header = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`, 'utf8').toString('base64')}`;
    }
  }

  async authorize(): Promise<Authorization> {
    if (!this.header) throw new Q2Error(t('errors.noApiKey'), { kind: 'config', status: t('status.noCredentials') });
    return { headers: { Authorization: this.header } };
  }
}
