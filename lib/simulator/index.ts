/**
 * Public entry of the Q2 simulator: startSimulator() wires a SimServer with the CorePro/Helix and
 * Q2 Platform modules and returns handles for tests, example flows and `npm start`.
 */
import { SimServer } from './server';
import { PlatformSim, type PlatformOptions } from './platform';
import { HelixSim, type HelixOptions } from './helix';

export * from './server';
export * from './platform';
export type * from './platform-data';
export * from './helix';
export type * from './helix-data';
export { HELIX_BANK_NAMES, HELIX_BUSINESS_TYPES, HELIX_PERSONAL_TYPES, HELIX_SANDBOX_ROUTING } from './helix-data';

export interface StartSimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  platform?: PlatformOptions;
  helix?: HelixOptions;
}

export interface RunningSimulator {
  server: SimServer;
  platform: PlatformSim;
  /** CorePro/Helix external-account API (HTTP Basic, demo key example1/example1). */
  helix: HelixSim;
  /** Base URL, e.g. http://127.0.0.1:12345 (use it as Base_Url). */
  url: string;
  stop(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimServer({ host: opts.host, port: opts.port });
  const platform = new PlatformSim(opts.platform);
  const helix = new HelixSim(opts.helix);
  // Helix first: its notFound only claims /externalAccount/... paths, while Platform's claims any
  // /{x}/{PlatformOperation} path (e.g. GET /externalAccount/LookupUser would get a Platform 405).
  // Platform's routes `/:version/{Operation}` still match /externalAccount/{PlatformOperation} with
  // their own method and answer a 404 E1, which is harmless: no Helix operation has such a name.
  server.use(helix);
  server.use(platform);
  const url = await server.start();
  return { server, platform, helix, url, stop: () => server.stop() };
}
