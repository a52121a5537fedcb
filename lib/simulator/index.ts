/**
 * Public entry of the Q2 simulator: startSimulator() wires a SimServer with the CorePro/Helix,
 * Q2 Platform and Biller Direct modules and returns handles for tests, example flows and `npm start`.
 */
import { SimServer } from './server';
import { PlatformSim, type PlatformOptions } from './platform';
import { HelixSim, type HelixOptions } from './helix';
import { BillerDirectSim, type BillerDirectOptions } from './billerdirect';
import { BillerDirectWebhooks, type WebhookOptions } from './billerdirect-webhooks';

export * from './server';
export * from './platform';
export type * from './platform-data';
export * from './helix';
export type * from './helix-data';
export { HELIX_BANK_NAMES, HELIX_BUSINESS_TYPES, HELIX_PERSONAL_TYPES, HELIX_SANDBOX_ROUTING } from './helix-data';
export * from './billerdirect';
export * from './billerdirect-webhooks';
export type * from './billerdirect-data';
export {
  BD_CATEGORIES,
  BD_HOLD_MESSAGES,
  BILLER_DIRECT_COMPANY_IDS,
  BILLER_DIRECT_DEMO_API_KEY,
  BILLER_DIRECT_PARTNER_ID,
  BILLER_DIRECT_SEED_IDS,
  BILLER_DIRECT_SUCCESS_CARD,
} from './billerdirect-data';

export interface StartSimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  platform?: PlatformOptions;
  helix?: HelixOptions;
  billerDirect?: BillerDirectOptions;
  /** Webhooks for the Biller Direct events (target URL, signing, JWE, bearer); also settable later. */
  billerDirectWebhooks?: WebhookOptions;
}

export interface RunningSimulator {
  server: SimServer;
  platform: PlatformSim;
  /** CorePro/Helix external-account API (HTTP Basic, demo key example1/example1). */
  helix: HelixSim;
  /** Biller Direct API under `{url}/v1` (Bearer API key, demo key `sandbox-api-key`). */
  billerDirect: BillerDirectSim;
  /** Posts every Biller Direct event to a configured URL (control: /__sim/billerdirect/webhooks). */
  webhooks: BillerDirectWebhooks;
  /** Base URL, e.g. http://127.0.0.1:12345 (use it as Base_Url). */
  url: string;
  stop(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimServer({ host: opts.host, port: opts.port });
  const platform = new PlatformSim(opts.platform);
  const helix = new HelixSim(opts.helix);
  const billerDirect = new BillerDirectSim(opts.billerDirect);
  const webhooks = new BillerDirectWebhooks(billerDirect, opts.billerDirectWebhooks);
  // Helix first: its notFound only claims /externalAccount/... paths, while Platform's claims any
  // /{x}/{PlatformOperation} path (e.g. GET /externalAccount/LookupUser would get a Platform 405).
  // Platform's routes `/:version/{Operation}` still match /externalAccount/{PlatformOperation} with
  // their own method and answer a 404 E1, which is harmless: no Helix operation has such a name.
  // Biller Direct last: its routes all start with /v1/{auth|bill|company|payment|client|swap|partner}
  // (no Platform operation or Helix path has that shape) and its notFound only claims those prefixes,
  // so Platform still answers /v1/{PlatformOperation} and /v2/oauth2/token.
  server.use(helix);
  server.use(platform);
  server.use(billerDirect);
  // Only control routes (/__sim/billerdirect/webhooks...); reset() restores its options and empties its delivery log.
  server.use(webhooks);
  const url = await server.start();
  const stop = async (): Promise<void> => {
    await webhooks.close();
    await server.stop();
  };
  return { server, platform, helix, billerDirect, webhooks, url, stop };
}
