/**
 * Public entry of the Q2 simulator: startSimulator() wires a SimServer with the Q2 Platform module
 * and returns handles for tests, example flows and `npm start`.
 */
import { SimServer } from './server';
import { PlatformSim, type PlatformOptions } from './platform';

export * from './server';
export * from './platform';
export type * from './platform-data';

export interface StartSimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  platform?: PlatformOptions;
}

export interface RunningSimulator {
  server: SimServer;
  platform: PlatformSim;
  /** Base URL, e.g. http://127.0.0.1:12345 (use it as Base_Url). */
  url: string;
  stop(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimServer({ host: opts.host, port: opts.port });
  const platform = new PlatformSim(opts.platform);
  server.use(platform);
  const url = await server.start();
  return { server, platform, url, stop: () => server.stop() };
}
