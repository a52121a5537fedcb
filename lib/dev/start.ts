/**
 * `npm start`: the Q2 simulator on 127.0.0.1:$Q2_SIM_PORT (default 8870) and Node-RED (the devDependency)
 * on 127.0.0.1:$PORT (default 1880) with this pack loaded from the project, using the user directory
 * `.node-red/`, and every example deployed on its own tab, every connection (of every node set) pointed at the
 * simulator with its demo credentials (Q2 Platform client, CorePro/Helix API key, Biller Direct API key; the Biller
 * Direct connection's base URL is the simulator's plus `/v1`). settings.js, flows.json and
 * flows_cred.json are written again on every start. Ctrl-C (SIGINT) or SIGTERM stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { NODE_SETS } from '../model/registry';
import { startSimulator, type RunningSimulator } from '../simulator';
import { buildDevFlows, EXAMPLE_CONNECTIONS, exampleBaseUrl, PROJECT_ROOT, readExamples } from './examples';

const HOST = '127.0.0.1';
const USER_DIR = path.join(PROJECT_ROOT, '.node-red');
const READY_TIMEOUT_MS = 120_000;

function portFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable} must be a port number (1-65535), not "${raw}"`);
  return port;
}

function packageName(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name?: unknown };
  if (typeof pkg.name !== 'string' || pkg.name === '') throw new Error('package.json has no name');
  return pkg.name;
}

/** Resolves when nothing listens on host:port, rejects with a clear message otherwise. */
function ensureFree(port: number, what: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} (${what}) is already in use; stop what uses it or set ${variable} to another port`
            : `cannot use port ${port} (${what}): ${err.message}`,
        ),
      );
    });
    probe.listen(port, HOST, () => probe.close(() => resolve()));
  });
}

function settingsFile(uiPort: number): string {
  return `// Written by \`npm start\` (lib/dev/start.ts) on every start: edit that file, not this one.
module.exports = {
    uiHost: ${JSON.stringify(HOST)},
    uiPort: ${uiPort},
    flowFile: 'flows.json',
    flowFilePretty: true,
    // the demo's credentials (the simulator's demo client and API key) are kept in clear in flows_cred.json
    credentialSecret: false,
    telemetry: { enabled: false },
    editorTheme: { projects: { enabled: false }, tours: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
};
`;
}

/** `.node-red/node_modules/<package>` → the project, so Node-RED loads the pack (nodes and examples) from here. */
function linkPack(name: string): void {
  const link = path.join(USER_DIR, 'node_modules', ...name.split('/'));
  fs.mkdirSync(path.dirname(link), { recursive: true });
  let current: string | undefined;
  try {
    current = fs.realpathSync(link);
  } catch {
    current = undefined;
  }
  if (current === fs.realpathSync(PROJECT_ROOT)) return;
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(PROJECT_ROOT, link, 'junction');
}

function prepareUserDir(simUrl: string, uiPort: number): number {
  fs.mkdirSync(USER_DIR, { recursive: true });
  fs.writeFileSync(path.join(USER_DIR, 'settings.js'), settingsFile(uiPort));
  linkPack(packageName());
  const examples = readExamples();
  const { flows, credentials } = buildDevFlows(examples, { baseUrl: simUrl });
  fs.writeFileSync(path.join(USER_DIR, 'flows.json'), `${JSON.stringify(flows, null, 4)}\n`);
  fs.writeFileSync(path.join(USER_DIR, 'flows_cred.json'), `${JSON.stringify(credentials, null, 4)}\n`);
  return examples.length;
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Resolves when GET {editor}/flows answers 200; rejects when Node-RED exits first or takes too long. */
function waitForEditor(editorUrl: string, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let done = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      finish(new Error(`Node-RED stopped before the editor answered (${signal ?? `exit code ${code}`}); see its log above`));
    };
    function finish(err?: Error): void {
      if (done) return;
      done = true;
      child.removeListener('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.once('exit', onExit);
    const poll = (): void => {
      if (done) return;
      answers(`${editorUrl}/flows`).then(
        (ok) => {
          if (ok) finish();
          else if (Date.now() - started > READY_TIMEOUT_MS)
            finish(new Error(`the Node-RED editor did not answer at ${editorUrl} within ${READY_TIMEOUT_MS / 1000} s`));
          else setTimeout(poll, 300);
        },
        () => setTimeout(poll, 300),
      );
    };
    poll();
  });
}

/** Asks Node-RED to stop (it stops its flows first); kills it when it takes longer than 10 s. */
function stopNodeRed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const simPort = portFrom('Q2_SIM_PORT', 8870);
  const uiPort = portFrom('PORT', 1880);
  const missing = NODE_SETS.map((set) => `${set.namespace}.html`).filter((file) => !fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'nodes', file)));
  if (missing.length) {
    throw new Error(`the pack is not built (no dist/nodes/${missing.join(', ')}): run \`npm install\` (or \`npm run build\`) first`);
  }
  await ensureFree(uiPort, 'Node-RED editor', 'PORT');
  await ensureFree(simPort, 'Q2 simulator', 'Q2_SIM_PORT');

  const sim: RunningSimulator = await startSimulator({ host: HOST, port: simPort });
  const tabs = prepareUserDir(sim.url, uiPort);
  const editorUrl = `http://${HOST}:${uiPort}`;

  const child = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', USER_DIR], { cwd: PROJECT_ROOT, stdio: 'inherit' });

  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([stopNodeRed(child), sim.stop()]).then(() => process.exit(code));
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));

  try {
    await waitForEditor(editorUrl, child);
  } catch (err) {
    console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
    stop(1);
    return;
  }
  child.once('exit', (code) => {
    if (stopping) return;
    console.error(`npm start: Node-RED exited (code ${code}); stopping the simulator`);
    stop(code || 1);
  });
  // Biller Direct events go to the event-router example's BD Webhook (signed with the simulator's partner key)
  const eventsUrl = `${editorUrl}/q2/events`;
  sim.webhooks.configure({ url: eventsUrl });
  const logins = EXAMPLE_CONNECTIONS.map((c) => `    ${c.name}: ${exampleBaseUrl(c.type, sim.url)}  ${Object.values(c.credentials).join(' / ')}`).join('\n');
  console.log(
    `\n  Node-RED editor: ${editorUrl}  (${tabs} example tabs deployed)\n` +
      `  Q2 simulator:    ${sim.url}\n${logins}\n` +
      `  Biller Direct events are posted to ${eventsUrl}\n` +
      `  Press Ctrl-C to stop both.\n`,
  );
}

main().catch((err: unknown) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
