#!/usr/bin/env node
/**
 * The `q2-simulator` command (and `npm run simulator` in a checkout): runs the Q2 simulator on 127.0.0.1:$Q2_SIM_PORT (default 8870) until
 * SIGINT/SIGTERM.
 */
import { startSimulator } from './index';
import { DEMO_CLIENT } from './platform';
import { HELIX_DEMO_CREDENTIALS } from './helix';
import { BILLER_DIRECT_DEMO_API_KEY } from './billerdirect-data';

async function main(): Promise<void> {
  const rawPort = process.env.Q2_SIM_PORT || '8870';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('Q2_SIM_PORT must be a port number (0-65535)');
  }
  const sim = await startSimulator({ port, host: '127.0.0.1' });
  console.log(`Q2 simulator listening on ${sim.url} (client_id=${DEMO_CLIENT.clientId} client_secret=${DEMO_CLIENT.clientSecret})`);
  console.log(
    `CorePro/Helix external accounts on ${sim.url}/externalAccount/ (HTTP Basic apiKey=${HELIX_DEMO_CREDENTIALS.apiKey} apiSecret=${HELIX_DEMO_CREDENTIALS.apiSecret})`,
  );
  console.log(`Biller Direct API on ${sim.url}/v1 (Authorization: Bearer ${BILLER_DIRECT_DEMO_API_KEY})`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(`Q2 simulator failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
