/**
 * The published artefact: `npm pack`, install the tarball into a fresh Node-RED user directory, start the
 * Node-RED runtime on it — the tested 4.x (devDependency) and the declared floor (node-red.version in
 * package.json, installed here) on this Node.js, and the latest Node-RED 5 on Node.js 22 (both from the npm
 * registry, cached between runs: see node22.ts) — and check that all node types load with no warnings, the
 * examples are listed for import, and a deployed flow really talks to the simulator.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HAND_WRITTEN_NODES, NODE_SETS } from '../lib/model/registry';
import { nodeSpecs } from '../lib/model/node-set';
import { startSimulator, type RunningSimulator } from '../lib/simulator';
import { deployFlows, type Runtime, startNodeRed, stopNodeRed as stop } from './node-red-process';
import { node22WithNodeRed5, type Node22NodeRed5, npm, Unavailable } from './node22';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  'node-red': { version: string; nodes: Record<string, string> };
};
const FLOOR = pkg['node-red'].version.replace(/^>=\s*/, '');
/** every type the pack registers: its connections (the `*-config` node sets) and every node described in lib/ */
const TYPES = [
  ...Object.keys(pkg['node-red'].nodes).filter((k) => k.endsWith('-config')),
  ...NODE_SETS.flatMap((set) => nodeSpecs(set).map((n) => n.type)),
  ...HAND_WRITTEN_NODES,
];
/** Node-RED's own start-up warnings, unrelated to any pack. */
const RUNTIME_BOILERPLATE = [/Projects disabled/, /Using unencrypted credentials/];
/** a warning of Node.js itself on stderr, e.g. `(node:123) ExperimentalWarning: …` or `(node:123) [DEP0040] DeprecationWarning: …` */
const PROCESS_WARNING = /^\(node:\d+\) (\[\w+\] )?\w*Warning: /;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  assert.equal(res.status, 200, `GET ${url}`);
  return (await res.json()) as T;
}

interface NodeSetInfo {
  module: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

function installedVersion(redJs: string): string {
  return (JSON.parse(fs.readFileSync(path.join(path.dirname(redJs), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `expected`: the Node-RED and Node.js versions the runtime must report at start-up */
async function checkRuntime(runtime: Runtime, sim: RunningSimulator, expected: { nodeRed: string; node: string }): Promise<void> {
  const reported = (component: string) => runtime.log.map((l) => new RegExp(`\\[info\\] ${component} +version: (\\S+)$`).exec(l)?.[1]).find(Boolean);
  // `-git`: Node-RED adds it when its package sits in a git checkout, as this project's devDependency does
  assert.equal(reported('Node-RED')?.replace(/-git$/, ''), `v${expected.nodeRed}`, 'the Node-RED version');
  assert.equal(reported('Node.js'), expected.node, 'the Node.js version');
  const sets = (await getJson<NodeSetInfo[]>(`${runtime.url}/nodes`)).filter((s) => s.module === pkg.name);
  assert.deepEqual(sets.flatMap((s) => s.types).sort(), [...TYPES].sort());
  for (const set of sets) {
    assert.equal(set.err, undefined, `${set.module}: ${set.err}`);
    assert.equal(set.enabled, true);
  }
  const warnings = runtime.log.filter((l) => (/\[(warn|error)\]/.test(l) && !RUNTIME_BOILERPLATE.some((re) => re.test(l))) || PROCESS_WARNING.test(l));
  assert.deepEqual(warnings, []);

  const modules = await getJson<string[]>(`${runtime.url}/library/examples/flows/`);
  assert.ok(modules.includes(pkg.name), `examples of ${pkg.name} are listed: ${JSON.stringify(modules)}`);
  // Import ▸ Examples lists the folders and files of examples/ by name (a folder as its name, a file as {fn} without .json)
  const listing = await getJson<Array<string | { fn: string }>>(`${runtime.url}/library/examples/flows/${pkg.name}`);
  const top = fs.readdirSync(path.join(root, 'examples'), { withFileTypes: true });
  assert.deepEqual(
    listing.map((e) => (typeof e === 'string' ? `${e}/` : e.fn)).sort(),
    top.map((e) => (e.isDirectory() ? `${e.name}/` : e.name.replace(/\.json$/, ''))).sort(),
    'the examples are listed by their names',
  );
  // a nested example, its path URL-encoded (the names have spaces): the file's flow, as published
  const nested = ['Q2 Platform', '01 Get Token'];
  const flow = await getJson<unknown[]>(`${runtime.url}/library/examples/flows/${pkg.name}/${nested.map(encodeURIComponent).join('/')}`);
  assert.deepEqual(flow, JSON.parse(fs.readFileSync(`${path.join(root, 'examples', ...nested)}.json`, 'utf8')), nested.join('/'));

  // deploy a flow with credentials, press its inject button, and see the request arrive at the simulator
  const flows = [
    { id: 'pk-tab', type: 'tab', label: 'package test' },
    {
      id: 'pk-conn',
      type: 'q2-platform-config',
      baseUrl: sim.url,
      apiVersion: 'v2',
      scope: 'CaliperAPI:All',
      timeout: 10,
      credentials: { clientId: 'demo-client', clientSecret: 'demo-secret' },
    },
    { id: 'pk-inject', z: 'pk-tab', type: 'inject', props: [{ p: 'payload' }], payload: '', payloadType: 'date', wires: [['pk-lookup']] },
    { id: 'pk-lookup', z: 'pk-tab', type: 'q2-delete-user', connection: 'pk-conn', userID: '3', wires: [[]] },
  ];
  await deployFlows(runtime, flows);
  sim.server.clearRequests();
  // the deploy answers before the new flow has started: press until the inject node is there
  const deadline = Date.now() + 10_000;
  let press = await fetch(`${runtime.url}/inject/pk-inject`, { method: 'POST' });
  while (press.status === 404 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    press = await fetch(`${runtime.url}/inject/pk-inject`, { method: 'POST' });
  }
  assert.equal(press.status, 200);
  while (!sim.server.requests.some((r) => r.path === '/v2/DeleteUser/3') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const call = sim.server.requests.find((r) => r.path === '/v2/DeleteUser/3');
  assert.ok(call, 'the deployed node called the simulator');
  assert.match(call.headers.authorization ?? '', /^Bearer /);
}

describe('package: npm pack installed into a fresh Node-RED user directory', function () {
  this.timeout(300_000);
  let work: string;
  let userDir: string;
  let sim: RunningSimulator;
  let runtime: Runtime | undefined;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'q2-pack-'));
    // dist/ is already built by `npm test`; --ignore-scripts keeps `prepare` from rebuilding it under running tests
    // (with the machine's npm: see npm() in node22.ts)
    const tarball = (await npm(['pack', '--ignore-scripts', '--pack-destination', work], root)).trim().split('\n').pop() ?? '';
    userDir = path.join(work, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-user', private: true }));
    await npm(['install', path.join(work, tarball), '--omit=dev'], userDir);
    sim = await startSimulator({ port: 0 });
  });
  afterEach(() => stop(runtime));
  after(async () => {
    await sim?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships what the loader needs and nothing of the tests', () => {
    const installed = path.join(userDir, 'node_modules', ...pkg.name.split('/'));
    for (const file of Object.values(pkg['node-red'].nodes)) {
      assert.ok(fs.existsSync(path.join(installed, file)), file);
      assert.ok(fs.existsSync(path.join(installed, file.replace(/\.js$/, '.html'))), `${file} editor`);
    }
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'nodes', 'locales', 'en-US', 'q2-platform.html')));
    for (const type of Object.keys(pkg['node-red'].nodes).filter((k) => k.endsWith('-config'))) {
      const editor = fs.readFileSync(path.join(installed, 'dist', 'nodes', `${type}.html`), 'utf8');
      assert.doesNotMatch(editor, /q2:connection-rows/, `${type}: the shared rows were written in`);
      assert.doesNotMatch(editor, /Q2_CONST_/, `${type}: the runtime constants were written in`);
      for (const key of ['allowedOrigins', 'timeout', 'maxInFlight', 'queueLength', 'queueWait', 'retryAttempts', 'stopGrace', 'tls', 'proxy'])
        assert.match(editor, new RegExp(`id="node-config-input-${key}"`), `${type}: ${key} row`);
    }
    assert.ok(fs.existsSync(path.join(installed, 'examples')));
    assert.equal(fs.existsSync(path.join(installed, 'dist', 'test')), false);
    // dev and build code need the dev dependencies: they stay out of the package
    assert.equal(fs.existsSync(path.join(installed, 'dist', 'lib', 'dev')), false, 'no dist/lib/dev');
    assert.equal(fs.existsSync(path.join(installed, 'dist', 'lib', 'build')), false, 'no dist/lib/build');
    assert.equal(fs.existsSync(path.join(installed, 'dist', 'bench')), false, 'no dist/bench');
    // the simulator is a command of its own
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'lib', 'simulator', 'cli.js')));
    assert.ok(fs.existsSync(path.join(userDir, 'node_modules', '.bin', 'q2-simulator')), 'the q2-simulator command is installed');
  });

  it('loads on the tested Node-RED 4 runtime', async () => {
    const redJs = require.resolve('node-red/red.js');
    runtime = await startNodeRed(redJs, userDir);
    await checkRuntime(runtime, sim, { nodeRed: installedVersion(redJs), node: process.version });
  });

  it(`loads on the declared floor, Node-RED ${FLOOR}`, async () => {
    const floorDir = path.join(work, 'floor');
    fs.mkdirSync(floorDir);
    fs.writeFileSync(path.join(floorDir, 'package.json'), JSON.stringify({ name: 'node-red-floor', private: true }));
    await npm(['install', `node-red@${FLOOR}`, '--omit=dev'], floorDir);
    const redJs = path.join(floorDir, 'node_modules', 'node-red', 'red.js');
    runtime = await startNodeRed(redJs, userDir);
    await checkRuntime(runtime, sim, { nodeRed: FLOOR, node: process.version });
  });

  it('loads on the latest Node-RED 5 under Node.js 22', async function () {
    // a first run downloads Node.js 22 (50 MB) and installs Node-RED 5; later runs find both cached
    this.timeout(600_000);
    let node22: Node22NodeRed5;
    try {
      node22 = await node22WithNodeRed5();
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err;
      if (process.env.CI) throw new Error(`Node.js 22 / Node-RED 5 could not be had, and under CI this leg must run: ${err.message}`, { cause: err });
      console.warn(`    (Node.js 22 / Node-RED 5 could not be had, so this leg is skipped: ${err.message})`);
      this.skip();
    }
    runtime = await startNodeRed(node22.redJs, userDir, { node: node22.node });
    await checkRuntime(runtime, sim, { nodeRed: node22.nodeRedVersion, node: node22.nodeVersion });
  });
});
