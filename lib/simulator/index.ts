/**
 * Public entry of the Q2 simulator: startSimulator() wires a SimServer with the CorePro/Helix,
 * Q2 Platform and Biller Direct modules and returns handles for tests, example flows and `npm start`.
 */
import { SimServer } from './server';
import { PlatformSim, type PlatformOptions } from './platform';
import { HelixSim, type HelixOptions } from './helix';
import { BillerDirectSim, type BillerDirectOptions } from './billerdirect';

export * from './server';
export * from './platform';
export type * from './platform-data';
export * from './helix';
export type * from './helix-data';
export { HELIX_BANK_NAMES, HELIX_BUSINESS_TYPES, HELIX_PERSONAL_TYPES, HELIX_SANDBOX_ROUTING } from './helix-data';
export * from './billerdirect';
export type * from './billerdirect-data';
export {
  BD_CATEGORIES, BD_HOLD_MESSAGES, BILLER_DIRECT_COMPANY_IDS, BILLER_DIRECT_DEMO_API_KEY, BILLER_DIRECT_PARTNER_ID,
  BILLER_DIRECT_SEED_IDS, BILLER_DIRECT_SUCCESS_CARD,
} from './billerdirect-data';

export interface StartSimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  platform?: PlatformOptions;
  helix?: HelixOptions;
  billerDirect?: BillerDirectOptions;
}

export interface RunningSimulator {
  server: SimServer;
  platform: PlatformSim;
  /** CorePro/Helix external-account API (HTTP Basic, demo key example1/example1). */
  helix: HelixSim;
  /** Biller Direct API under `{url}/v1` (Bearer API key, demo key `sandbox-api-key`). */
  billerDirect: BillerDirectSim;
  /** Base URL, e.g. http://127.0.0.1:12345 (use it as Base_Url). */
  url: string;
  stop(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimServer({ host: opts.host, port: opts.port });
  const platform = new PlatformSim(opts.platform);
  const helix = new HelixSim(opts.helix);
  const billerDirect = new BillerDirectSim(opts.billerDirect);
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
  const url = await server.start();
  return { server, platform, helix, billerDirect, url, stop: () => server.stop() };
}
