/**
 * The flows in examples/ (Import ▸ Examples) and what `npm start` deploys from them, for every node set the pack
 * describes (NODE_SETS: Q2 Platform, CorePro/Helix, …).
 *  - Each file is an importable export: a JSON array of positioned nodes, for each node set it uses the set's
 *    shared connection (EXAMPLE_CONNECTIONS: `q2-simulator-connection`, `corepro-simulator-connection`) pointed at
 *    the simulator's default address, and no credentials.
 *  - Each runs unchanged in the real Node-RED runtime against the simulator on its default port 8870: the only
 *    additions are a `tab` node (for the files' common `z`) and the connections' demo credentials. Every inject node
 *    is triggered; every Q2 node's output must reach the debug nodes wired to it, with a successful response, the
 *    simulator must have answered each Q2 node's request, and no Catch node may fire. No example demonstrates a
 *    failure on purpose (several fail when triggered a second time, as their comments say; here each runs once on
 *    fresh data).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { NodeInitializer } from 'node-red';
import { NODE_SETS } from '../lib/build/editor';
import type { NamedRequest } from '../lib/operation';
import { nodeParams, nodeSpecs, type NodeSet, type NodeSpec } from '../lib/q2-request';
import { startSimulator, type RecordedRequest, type RunningSimulator } from '../lib/simulator';
import {
  buildDevFlows, CONNECTION_TYPES, EXAMPLE_CONNECTION_ID, EXAMPLE_CONNECTIONS, exampleConnection, exampleFiles, isConfigNode, nodeSetOf,
  readExample, readExamples, tabLabel, type Credentials, type Example, type ExampleConnection, type FlowNode,
} from '../lib/dev/examples';
import { helper, NODES, type Msg } from './harness';

const SIM_PORT = 8870;
const SIM_URL = `http://127.0.0.1:${SIM_PORT}`;
/** Every operation and resource node of every node set. */
const SPECS = new Map<string, NodeSpec>(NODE_SETS.flatMap((set) => nodeSpecs(set).map((spec): [string, NodeSpec] => [spec.type, spec])));
const Q2_TYPES = [...SPECS.keys()];
const PACK_TYPES = new Set([...CONNECTION_TYPES, ...Q2_TYPES]);
const SENSITIVE_KEYS = [...new Set([...SPECS.values()].flatMap((spec) => nodeParams(spec).filter((p) => p.sensitive).map((p) => p.key)))];

/** What a successful response of each node set looks like at a debug node (msg.statusCode is 200 for all). */
const SUCCESS: Record<string, (payload: Record<string, unknown>, node: FlowNode, where: string) => void> = {
  'q2-platform': (payload, node, where) => {
    if (node.type === 'q2-get-token') assert.equal(typeof payload.access_token, 'string', `${where}: a token`);
    else assert.equal(payload.success, true, `${where}: success`);
  },
  'q2-corepro': (payload, _node, where) => {
    assert.deepEqual(payload.errors, [], `${where}: no Helix errors`);
    assert.equal(payload.status, 200, `${where}: envelope status`);
    assert.equal(typeof payload.requestId, 'string', `${where}: requestId`);
  },
};

function setOf(node: FlowNode): NodeSet {
  const set = nodeSetOf(node.type);
  assert.ok(set, `${node.type} belongs to a node set`);
  return set;
}

function connectionFor(set: NodeSet): ExampleConnection {
  const conn = exampleConnection(set.connectionType);
  assert.ok(conn, `an example connection for ${set.connectionType}`);
  return conn;
}

/** The request a Q2 node makes: its only one, or (a resource node) the one its `operation` property names. */
function requestOf(node: FlowNode): NamedRequest {
  const spec = SPECS.get(node.type);
  assert.ok(spec, `${node.type} is a Q2 node`);
  const op = spec.selectable ? spec.operations.find((o) => o.name === node.operation) : spec.operations[0];
  assert.ok(op, `${label(node)}: the operation ${JSON.stringify(node.operation)} is one of ${spec.operations.map((o) => o.name).join(', ')}`);
  return op;
}

/** The demo credentials for every pack connection in `nodes`, by config node id. */
function demoCredentials(nodes: readonly FlowNode[]): Credentials {
  const credentials: Credentials = {};
  for (const n of nodes) {
    const conn = isConfigNode(n) ? exampleConnection(n.type) : undefined;
    if (conn) credentials[n.id] = { ...conn.credentials };
  }
  return credentials;
}

/** The core node types the examples may use, from the Node-RED the tests run. */
const nodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve('node-red/package.json'))] }));
function coreNode(file: string): NodeInitializer {
  const mod: unknown = require(path.join(nodesDir, 'core', file));
  if (typeof mod !== 'function') throw new Error(`core node ${file} is not a node module`);
  return mod as NodeInitializer;
}
const CORE_NODES: Record<string, NodeInitializer> = {
  inject: coreNode('common/20-inject.js'),
  debug: coreNode('common/21-debug.js'),
  catch: coreNode('common/25-catch.js'),
  comment: coreNode('common/90-comment.js'),
  function: coreNode('function/10-function.js'),
  switch: coreNode('function/10-switch.js'),
  change: coreNode('function/15-change.js'),
};

type Wires = string[][];

function wiresOf(node: FlowNode): Wires {
  return Array.isArray(node.wires) ? (node.wires as unknown[]).map((port) => (Array.isArray(port) ? port.filter((id): id is string => typeof id === 'string') : [])) : [];
}

function byType(nodes: readonly FlowNode[], type: string): FlowNode[] {
  return nodes.filter((n) => n.type === type);
}

function label(node: FlowNode): string {
  return `${node.type} "${typeof node.name === 'string' && node.name ? node.name : node.id}"`;
}

/** The example as the test helper loads it: a tab for the files' common `z` (or `z` on every flow node). */
function runnable(nodes: readonly FlowNode[]): FlowNode[] {
  const copy = JSON.parse(JSON.stringify(nodes)) as FlowNode[];
  const zs = new Set(copy.filter((n) => !isConfigNode(n) && n.type !== 'tab').map((n) => n.z));
  assert.ok(zs.size <= 1, 'the flow nodes of an example share one z (or have none)');
  const [z] = [...zs];
  if (copy.some((n) => n.type === 'tab')) return copy;
  const tab = typeof z === 'string' ? z : 'example-tab';
  for (const n of copy) if (!isConfigNode(n)) n.z = tab;
  return [{ id: tab, type: 'tab', label: 'example' }, ...copy];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (condition()) return true;
    await delay(25);
  }
  return condition();
}

/** `/{apiVersion}/DeleteCustomer/{customerID}` → a pattern for the recorded path (a placeholder is one segment). */
function pathPattern(template: string): RegExp {
  const source = template.split(/\{(\w+)\}/).map((part, i) => (i % 2 ? (part === 'apiVersion' ? 'v[12]' : '[^/]+') : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${source.join('')}$`);
}

interface Run {
  /** messages each debug node received (copied when they arrived) */
  received: Map<string, Msg[]>;
  caught: Msg[];
  requests: RecordedRequest[];
}

/**
 * Loads `flow` with the pack's and the core nodes, triggers every inject node, and waits until every debug node
 * wired to a Q2 node has a message (or a Catch node fired, or 10 s passed), then a little longer for late errors.
 */
async function runFlow(sim: RunningSimulator, flow: FlowNode[], credentials: Credentials): Promise<Run> {
  const types = new Set(flow.map((n) => n.type));
  const unknown = [...types].filter((t) => t !== 'tab' && !PACK_TYPES.has(t) && !CORE_NODES[t]);
  assert.deepEqual(unknown, [], 'node types the test does not load');
  const modules = [...NODES, ...Object.entries(CORE_NODES).filter(([t]) => types.has(t)).map(([, m]) => m)];
  if (byType(flow, 'catch').length <= 1) {
    await helper.load(modules, flow, credentials);
  } else {
    // helper.load registers the catch node type once per catch node ("catch already registered"), so a flow with
    // several (one per tab) is loaded with one catch node and then deployed the way the editor deploys:
    // runtime setFlows, with each node's credentials on the node.
    const [tab] = byType(flow, 'tab');
    await helper.load(modules, [tab, { id: 'preload-catch', type: 'catch', z: tab.id, scope: null, uncaught: false, wires: [] }], {});
    await helper.setFlows(flow.map((n) => (credentials[n.id] ? { ...n, credentials: credentials[n.id] } : n)), 'full');
  }

  const received = new Map<string, Msg[]>();
  for (const debug of byType(flow, 'debug')) {
    const list: Msg[] = [];
    received.set(debug.id, list);
    helper.getNode(debug.id).on('input', (msg: Msg) => list.push(JSON.parse(JSON.stringify(msg)) as Msg));
  }
  const caught: Msg[] = [];
  for (const c of byType(flow, 'catch')) helper.getNode(c.id).on('input', (msg: Msg) => caught.push(msg));

  const expected = flow.filter((n) => SPECS.has(n.type)).flatMap((n) => debugsWiredFrom(flow, n));
  const injects = byType(flow, 'inject');
  assert.ok(injects.length > 0, 'the flow has an inject node');
  for (const inject of injects) helper.getNode(inject.id).receive({});
  await waitFor(() => caught.length > 0 || expected.every((d) => (received.get(d.id)?.length ?? 0) > 0), 10_000);
  await delay(300);
  return { received, caught, requests: [...sim.server.requests] };
}

function debugsWiredFrom(flow: readonly FlowNode[], node: FlowNode): FlowNode[] {
  const targets = new Set(wiresOf(node).flat());
  return flow.filter((n) => n.type === 'debug' && targets.has(n.id));
}

/** The assertions of a run: no Catch, every Q2 node's output at its debug nodes, the simulator asked. */
function checkRun(flow: readonly FlowNode[], run: Run): void {
  assert.deepEqual(
    run.caught.map((m) => `${m.error?.source?.type ?? '?'}: ${m.error?.message ?? '?'}`),
    [],
    'no Catch node may fire',
  );
  for (const node of flow.filter((n) => SPECS.has(n.type))) {
    const success = SUCCESS[setOf(node).namespace];
    assert.ok(success, `a success check for the node set ${setOf(node).namespace}`);
    const debugs = debugsWiredFrom(flow, node);
    assert.ok(debugs.length > 0, `${label(node)} is wired to a debug node`);
    for (const debug of debugs) {
      const msgs = run.received.get(debug.id) ?? [];
      assert.ok(msgs.length > 0, `the output of ${label(node)} reached ${label(debug)}`);
      for (const msg of msgs) {
        assert.equal(msg.statusCode, 200, `${label(debug)}: msg.statusCode`);
        success(msg.payload as Record<string, unknown>, node, label(debug));
      }
    }
    const op = requestOf(node);
    const pattern = pathPattern(op.path);
    assert.ok(
      run.requests.some((r) => r.method === op.method && pattern.test(r.path)),
      `the simulator answered ${op.method} ${op.path} for ${label(node)}`,
    );
  }
}

describe('examples', () => {
  const files = exampleFiles();

  it('every node set has an example connection (fixed id, name, demo credentials) and a success check here', () => {
    for (const set of NODE_SETS) {
      const conn = exampleConnection(set.connectionType);
      assert.ok(conn, `EXAMPLE_CONNECTIONS has ${set.connectionType}`);
      assert.ok(conn.id && conn.name && Object.keys(conn.credentials).length > 0, set.connectionType);
      assert.ok(SUCCESS[set.namespace], `SUCCESS has ${set.namespace}`);
    }
    const ids = EXAMPLE_CONNECTIONS.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'the connection ids differ');
    assert.equal(exampleConnection('q2-config')?.id, EXAMPLE_CONNECTION_ID);
    assert.deepEqual(exampleConnection('q2-corepro-config'), {
      type: 'q2-corepro-config',
      id: 'corepro-simulator-connection',
      name: 'CorePro simulator',
      credentials: { apiKey: 'example1', apiSecret: 'example1' },
    });
  });

  it('there is one example per action node, one folder per node set with examples, and the onboarding journey', () => {
    assert.ok(files.includes('onboarding-journey.json'), 'examples/onboarding-journey.json');
    const names = files.map((f) => path.posix.basename(f, '.json').replace(/^\d+-/, ''));
    for (const spec of SPECS.values()) {
      if (!spec.selectable) assert.ok(names.includes(spec.type.replace(/^q2-/, '')), `an example named after ${spec.type}`);
    }
    for (const file of files.filter((f) => f.includes('/'))) {
      const folder = file.split('/')[0];
      const sets = new Set(readExample(file).nodes.filter((n) => SPECS.has(n.type)).map((n) => setOf(n).namespace));
      assert.deepEqual([...sets], [`q2-${folder}`], `${file}: the nodes of the folder's node set only`);
    }
  });

  it('the CorePro examples: the micro-deposit journey, list and archive, create with a tag then get by tag', () => {
    const ops = (file: string): string[] => readExample(file).nodes.filter((n) => n.type === 'q2-corepro-external-account').map((n) => String(n.operation));
    assert.deepEqual(ops('corepro/01-micro-deposit-journey.json'), ['initiate', 'verify', 'get']);
    assert.deepEqual(ops('corepro/02-list-and-archive.json'), ['list', 'archive', 'list']);
    assert.deepEqual(ops('corepro/03-create-with-tag.json'), ['create', 'getByTag']);
    const journey = JSON.stringify(readExample('corepro/01-micro-deposit-journey.json').nodes);
    assert.ok(journey.includes('0.18') && journey.includes('0.28'), 'the journey verifies with the sandbox amounts 0.18 and 0.28');
    const tagged = readExample('corepro/03-create-with-tag.json').nodes;
    assert.ok(tagged.some((n) => n.type === 'function' && typeof n.func === 'string' && n.func.includes('Date.now()')), 'a fresh tag on every run');
  });

  it('every node type of the pack appears in at least one example', () => {
    const used = new Set(files.flatMap((f) => readExample(f).nodes.map((n) => n.type)));
    const missing = [...PACK_TYPES].filter((t) => !used.has(t));
    assert.deepEqual(missing, []);
  });

  it('the onboarding journey goes Get Token → Lookup Customer → Enrollment → Add External Account', () => {
    const { nodes } = readExample('onboarding-journey.json');
    const chain = ['q2-get-token', 'q2-lookup-customer', 'q2-enrollment', 'q2-add-external-account'];
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const reaches = (from: FlowNode, type: string, seen = new Set<string>()): boolean =>
      wiresOf(from).flat().some((id) => {
        const next = byId.get(id);
        if (!next || seen.has(id)) return false;
        seen.add(id);
        return next.type === type || (!SPECS.has(next.type) && reaches(next, type, seen));
      });
    for (let i = 0; i + 1 < chain.length; i++) {
      const [from] = byType(nodes, chain[i]);
      assert.ok(from, `the journey has a ${chain[i]} node`);
      assert.ok(reaches(from, chain[i + 1]), `${chain[i]} leads to ${chain[i + 1]}`);
    }
  });

  describe('each file is an importable flow', () => {
    for (const file of files) {
      it(file, () => {
        const { nodes } = readExample(file);
        const ids = nodes.map((n) => n.id);
        assert.equal(new Set(ids).size, ids.length, 'node ids are unique');

        const q2Nodes = nodes.filter((n) => SPECS.has(n.type));
        assert.ok(q2Nodes.length > 0, 'the example has a Q2 node');
        const used = [...new Set(q2Nodes.map((n) => setOf(n)))].map(connectionFor);
        const connections = nodes.filter((n) => CONNECTION_TYPES.includes(n.type));
        assert.deepEqual(connections.map((n) => n.type).sort(), used.map((c) => c.type).sort(), 'one connection per node set used, and no other');
        for (const expected of used) {
          const [conn] = byType(nodes, expected.type);
          assert.equal(conn.id, expected.id, `${expected.type}: the shared id`);
          assert.equal(conn.name, expected.name);
          assert.equal(conn.baseUrl, SIM_URL);
          assert.equal(conn.timeout, 30);
          assert.equal(conn.z, undefined, 'the connection is a global config node');
          if (conn.type === 'q2-config') {
            assert.equal(conn.apiVersion, 'v2');
            assert.equal(typeof conn.scope, 'string');
          }
        }
        for (const n of nodes) assert.equal(n.credentials, undefined, `${label(n)} carries no credentials`);

        const flowNodes = nodes.filter((n) => !isConfigNode(n) && n.type !== 'tab');
        assert.equal(new Set(flowNodes.map((n) => n.z)).size, 1, 'every flow node has the same z (or none)');
        for (const n of flowNodes) {
          assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `${label(n)} has a position`);
          for (const target of wiresOf(n).flat()) assert.ok(ids.includes(target), `${label(n)} is wired to an existing node`);
        }

        for (const n of q2Nodes) {
          assert.equal(n.connection, connectionFor(setOf(n)).id, `${label(n)} uses the shared connection`);
          assert.ok(typeof n.name === 'string' && n.name !== '', `${label(n)} has a name`);
          for (const key of SENSITIVE_KEYS) assert.equal(n[key], undefined, `${label(n)}: ${key} is a credential, not a property`);
          assert.ok(debugsWiredFrom(nodes, n).length > 0, `${label(n)} is wired to a debug node`);
          requestOf(n);
        }
        assert.ok(byType(nodes, 'inject').length > 0, 'an inject node');
        const secrets = used.flatMap((c) => Object.values(c.credentials));
        assert.ok(
          byType(nodes, 'comment').some((c) => typeof c.info === 'string' && secrets.every((secret) => (c.info as string).includes(secret))),
          `a comment that explains it, with the demo credentials (${secrets.join(', ')})`,
        );
        const catches = byType(nodes, 'catch');
        assert.ok(catches.length > 0, 'a Catch node');
        for (const c of catches) assert.ok(debugsWiredFrom(nodes, c).length > 0, `${label(c)} is wired to a debug node`);
      });
    }
  });

  describe('each runs unchanged against the simulator', () => {
    let sim: RunningSimulator | undefined;
    before(async () => {
      try {
        sim = await startSimulator({ host: '127.0.0.1', port: SIM_PORT });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(
          code === 'EADDRINUSE'
            ? `port ${SIM_PORT} is in use (is \`npm start\` or \`npm run simulator\` running?); the examples point at ${SIM_URL}, so this test needs that port`
            : `the simulator did not start on port ${SIM_PORT}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      await new Promise<void>((resolve) => helper.startServer(() => resolve()));
    });
    after(async () => {
      await sim?.stop();
      await new Promise<void>((resolve) => helper.stopServer(() => resolve()));
    });
    beforeEach(() => sim?.server.reset());
    afterEach(async () => {
      await helper.unload();
    });
    const running = (): RunningSimulator => {
      if (!sim) throw new Error('simulator not started');
      return sim;
    };

    for (const file of files) {
      it(file, async () => {
        const flow = runnable(readExample(file).nodes);
        const run = await runFlow(running(), flow, demoCredentials(flow));
        checkRun(flow, run);
      });
    }

    // what the CorePro examples leave behind in the simulator, beyond successful responses
    const effects: Record<string, (sim: RunningSimulator, run: Run) => void> = {
      'corepro/01-micro-deposit-journey.json': (sim, run) => {
        const initiated = sim.helix.state.accounts.filter((r) => r.account.customerId === 1002);
        assert.equal(initiated.length, 1);
        assert.equal(initiated[0].account.status, 'Verified', 'verified with 0.18 and 0.28');
        const verify = run.requests.find((r) => r.path === '/externalAccount/verify');
        assert.deepEqual(verify?.body, { amount1: 0.18, amount2: 0.28, customerId: 1002, externalAccountId: initiated[0].account.externalAccountId });
      },
      'corepro/02-list-and-archive.json': (sim, run) => {
        assert.equal(sim.helix.account(3001)?.status, 'Archived');
        assert.deepEqual(run.requests.map((r) => `${r.method} ${r.path}`), ['GET /externalAccount/list/1001', 'POST /externalAccount/archive', 'GET /externalAccount/list/1001']);
      },
      'corepro/03-create-with-tag.json': (sim, run) => {
        const create = run.requests.find((r) => r.path === '/externalAccount/create');
        const tag = (create?.body as { tag?: unknown } | undefined)?.tag;
        assert.ok(typeof tag === 'string' && /^demo-\d+$/.test(tag), `a fresh tag: ${String(tag)}`);
        assert.ok(run.requests.some((r) => r.method === 'GET' && r.path === `/externalAccount/getByTag/1002/${tag}`), 'get by that tag');
        assert.equal(sim.helix.state.accounts.find((r) => r.account.tag === tag)?.account.status, 'Verified');
      },
    };

    it('the CorePro examples change the simulator as their comments say; create-with-tag runs twice', async () => {
      for (const [file, check] of Object.entries(effects)) {
        running().server.reset();
        const flow = runnable(readExample(file).nodes);
        const run = await runFlow(running(), flow, demoCredentials(flow));
        checkRun(flow, run);
        check(running(), run);
        await helper.unload();
      }
      running().server.reset();
      const flow = runnable(readExample('corepro/03-create-with-tag.json').nodes);
      const first = await runFlow(running(), flow, demoCredentials(flow));
      checkRun(flow, first);
      await helper.unload();
      await delay(5);
      running().server.clearRequests();
      const second = await runFlow(running(), flow, demoCredentials(flow));
      checkRun(flow, second);
      assert.equal(running().helix.state.accounts.filter((r) => r.account.customerId === 1002).length, 2, 'a second account, with another tag');
    });

    it('the flows `npm start` deploys run together, every tab at once', async () => {
      const { flows, credentials } = buildDevFlows(readExamples(), { baseUrl: running().url });
      const run = await runFlow(running(), flows, credentials);
      checkRun(flows, run);
    });
  });

  describe('what `npm start` deploys', () => {
    const examples = readExamples();
    const options = {
      baseUrl: 'http://127.0.0.1:9999',
      credentials: { 'q2-config': { clientId: 'id', clientSecret: 'secret' }, 'q2-corepro-config': { apiKey: 'key', apiSecret: 'key-secret' } },
    };

    it('one tab per example, labelled from its file name, holding that example', () => {
      const { flows } = buildDevFlows(examples, options);
      const tabs = byType(flows, 'tab');
      assert.deepEqual(tabs.map((t) => t.label), examples.map((e) => tabLabel(e.name)));
      assert.ok(tabs.map((t) => t.label).includes('Get Token'));
      assert.ok(tabs.map((t) => t.label).includes('Micro Deposit Journey'));
      examples.forEach((ex, i) => {
        const onTab = flows.filter((n) => n.z === tabs[i].id).map((n) => n.id).sort();
        const own = ex.nodes.filter((n) => !isConfigNode(n) && n.type !== 'tab').map((n) => n.id).sort();
        assert.deepEqual(onTab, own, ex.name);
      });
    });

    it('each node set’s shared connection once, pointed at the simulator, with the given credentials', () => {
      const { flows, credentials } = buildDevFlows(examples, options);
      for (const set of NODE_SETS) {
        const configs = byType(flows, set.connectionType);
        assert.equal(configs.length, 1, `one ${set.connectionType}`);
        assert.equal(configs[0].id, connectionFor(set).id);
        assert.equal(configs[0].baseUrl, options.baseUrl);
      }
      assert.deepEqual(credentials, {
        'q2-simulator-connection': { clientId: 'id', clientSecret: 'secret' },
        'corepro-simulator-connection': { apiKey: 'key', apiSecret: 'key-secret' },
      });
    });

    it('by default, the simulator’s demo credentials (flows_cred.json of `npm start`)', () => {
      const { credentials } = buildDevFlows(examples, { baseUrl: options.baseUrl });
      assert.deepEqual(credentials, {
        'q2-simulator-connection': { clientId: 'demo-client', clientSecret: 'demo-secret' },
        'corepro-simulator-connection': { apiKey: 'example1', apiSecret: 'example1' },
      });
    });

    it('node ids stay unique when two examples use the same ids, and the wires follow', () => {
      const [first] = examples;
      const copy: Example = { name: `copy/${first.name}`, nodes: first.nodes };
      const { flows } = buildDevFlows([first, copy], options);
      const ids = flows.map((n) => n.id);
      assert.equal(new Set(ids).size, ids.length, 'unique ids');
      const [, copyTab] = byType(flows, 'tab');
      const copied = flows.filter((n) => n.z === copyTab.id);
      assert.equal(copied.length, first.nodes.filter((n) => !isConfigNode(n)).length);
      const onCopy = new Set(copied.map((n) => n.id));
      for (const n of copied) for (const target of wiresOf(n).flat()) assert.ok(onCopy.has(target), `${label(n)} stays wired within its tab`);
      assert.deepEqual(buildDevFlows([first, copy], options), { flows, credentials: buildDevFlows([first], options).credentials }, 'the same on every run');
    });

    it('refuses two different config nodes with the same id', () => {
      const [first] = examples;
      const other: Example = { name: 'other.json', nodes: first.nodes.map((n) => (n.type === 'q2-config' ? { ...n, scope: 'different' } : n)) };
      assert.throws(() => buildDevFlows([first, other], options), /define the config node q2-simulator-connection differently/);
    });
  });
});
