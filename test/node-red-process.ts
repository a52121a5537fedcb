/**
 * Node-RED as a separate process, the way users run it: `red.js` with its own user directory and settings file,
 * on a free port. Used by the package test and the two-instance webhook test.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const ROOT = path.resolve(__dirname, '..', '..');

/** A Node-RED user directory `dir` whose node_modules links to this checkout, as `npm start` loads the pack. */
export function userDirWithPack(dir: string): string {
  const { name } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string };
  const link = path.join(dir, 'node_modules', ...name.split('/'));
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(ROOT, link, 'junction');
  return dir;
}

export interface Runtime {
  url: string;
  log: string[];
  child: ChildProcess;
}

/**
 * Starts `red.js` on a free port and resolves once its flows have started. `settings` adds to the settings file
 * (JavaScript object members, e.g. `flowFile: 'flows.json'`); `env` adds to the process's environment; `node` is the
 * Node.js executable to run it with (this process's by default).
 */
export async function startNodeRed(
  redJs: string,
  userDir: string,
  options: { settings?: string; env?: Record<string, string>; node?: string } = {},
): Promise<Runtime> {
  const port = await freePort();
  const settings = path.join(userDir, `settings-${port}.js`);
  fs.writeFileSync(
    settings,
    `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows-${port}.json', credentialSecret: false, ${options.settings ?? ''} };\n`,
  );
  const child = spawn(options.node ?? process.execPath, [redJs, '--userDir', userDir, '--settings', settings], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const log: string[] = [];
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start:\n${log.join('\n')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log.push(...chunk.toString().split('\n').filter(Boolean));
      // both: Node-RED 5 may start the flows before its HTTP server listens
      if (log.some((l) => l.includes('Started flows')) && log.some((l) => l.includes('Server now running at'))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${code}:\n${log.join('\n')}`));
    });
  });
  return { url, log, child };
}

export function stopNodeRed(runtime: Runtime | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!runtime || runtime.child.exitCode !== null) return resolve();
    runtime.child.once('exit', () => resolve());
    runtime.child.kill('SIGINT');
  });
}

/** A full deploy through the admin API; resolves when Node-RED has accepted it. */
export async function deployFlows(runtime: Runtime, flows: unknown[]): Promise<void> {
  const res = await fetch(`${runtime.url}/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  if (![200, 204].includes(res.status)) throw new Error(`deploy answered ${res.status}: ${await res.text()}`);
}

export interface Collector<T> {
  url: string;
  /** every JSON body posted to it, in arrival order */
  items: T[];
  close(): Promise<void>;
}

/** An HTTP server that keeps every JSON body POSTed to it: where a flow's `http request` node reports what it emitted. */
export async function startCollector<T>(): Promise<Collector<T>> {
  const items: T[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      items.push(JSON.parse(body) as T);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/collect`,
    items,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
