/** The CorePro/Helix connection: HTTP Basic with the API key and secret (docs/api-notes.md §3.1). */
import { Authorization, Connection, Reliability } from '../connection/connection';
import { Q2Error } from '../errors';
import type { HttpClientOptions } from '../connection/http';
import { t } from '../i18n';
import { coreproFamily } from './envelope';

export const HELIX_HOSTS = {
  'helix-sandbox': 'https://sandbox-api.helix.q2.com',
  'helix-production': 'https://api.helix.q2.com',
  'corepro-sandbox': 'https://sandbox-api.corepro.io',
  'corepro-production': 'https://api.corepro.io',
} as const;

export interface CoreProConnectionOptions {
  baseUrl: string;
  apiKey?: string;
  apiSecret?: string;
  allowedOrigins: string[];
  http: HttpClientOptions;
  reliability?: Reliability;
}

export class CoreProConnection extends Connection {
  private readonly header?: string;
  private readonly basic?: string;

  constructor(private readonly options: CoreProConnectionOptions) {
    super({
      family: coreproFamily,
      baseUrl: options.baseUrl,
      extraOrigins: options.allowedOrigins,
      defaults: {},
      http: options.http,
      reliability: options.reliability,
    });
    if (options.apiKey && options.apiSecret) {
      this.basic = Buffer.from(`${options.apiKey}:${options.apiSecret}`, 'utf8').toString('base64');
      this.header = `Basic ${this.basic}`;
    }
  }

  override get missingCredentials(): boolean {
    return this.basic === undefined;
  }

  protected secretValues(): Array<string | undefined> {
    return [this.basic, this.options.apiSecret, this.options.apiKey];
  }

  authorize(): Promise<Authorization> {
    if (!this.header) return Promise.reject(new Q2Error(t('errors.noApiKey'), { kind: 'config', status: t('status.noCredentials') }));
    return Promise.resolve({ headers: { Authorization: this.header } });
  }
}
