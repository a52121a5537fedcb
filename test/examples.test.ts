/**
 * The flows in examples/ (Import ▸ Examples) and what `npm start` deploys from them.
 *  - Each file is an importable export: a JSON array of positioned nodes, the shared connection
 *    `q2-simulator-connection` pointed at the simulator's default address, and no credentials.
 *  - Each runs unchanged in the real Node-RED runtime against the simulator on its default port 8870: the only
 *    additions are a `tab` node (for the files' common `z`) and the connection's credentials. Every inject node is
 *    triggered; every Q2 node's output must reach the debug nodes wired to it, with a successful response, the
 *    simulator must have answered each Q2 node, and no Catch node may fire. No example demonstrates a failure on
 *    purpose (several fail when triggered a second time, as their comments say; here each runs once on fresh data).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { NodeInitializer } from 'node-red';
import { DEMO_CLIENT, startSimulator, type RecordedRequest, type RunningSimulator } from '../lib/simulator';
import { platformOperations } from '../lib/platform/operations';
import {
  buildDevFlows, EXAMPLE_CONNECTION_ID, exampleFiles, isConfigNode, readExample, readExamples, tabLabel,
  type Credentials, type Example, type FlowNode,
} from '../lib/dev/examples';
import { CONNECTION_CREDENTIALS, helper, NODES, type Msg } from './harness';

const SIM_PORT = 8870;
const SIM_URL = `http://127.0.0.1:${SIM_PORT}`;
const ACTION_TYPES = platformOperations.map((op) => op.type);
const PACK_TYPES = new Set(['q2-config', ...ACTION_TYPES]);
const SENSITIVE_KEYS = platformOperations.flatMap((op) => op.params.filter((p) => p.sensitive).map((p) => p.key));

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

/** `/{apiVersion}/DeleteCustomer/{customerID}` → a pattern for the recorded path. */
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

  const expected = flow.filter((n) => ACTION_TYPES.includes(n.type)).flatMap((n) => debugsWiredFrom(flow, n));
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
  for (const node of flow.filter((n) => ACTION_TYPES.includes(n.type))) {
    const debugs = debugsWiredFrom(flow, node);
    assert.ok(debugs.length > 0, `${label(node)} is wired to a debug node`);
    for (const debug of debugs) {
      const msgs = run.received.get(debug.id) ?? [];
      assert.ok(msgs.length > 0, `the output of ${label(node)} reached ${label(debug)}`);
      for (const msg of msgs) {
        assert.equal(msg.statusCode, 200, `${label(debug)}: msg.statusCode`);
        const payload = msg.payload as Record<string, unknown>;
        if (node.type === 'q2-get-token') assert.equal(typeof payload.access_token, 'string', `${label(debug)}: a token`);
        else assert.equal(payload.success, true, `${label(debug)}: success`);
      }
    }
    const op = platformOperations.find((o) => o.type === node.type);
    assert.ok(op);
    const pattern = pathPattern(op.path);
    assert.ok(
      run.requests.some((r) => r.method === op.method && pattern.test(r.path)),
      `the simulator answered ${op.method} ${op.path} for ${label(node)}`,
    );
  }
}

describe('examples', () => {
  const files = exampleFiles();

  it('there is one example per action node and the onboarding journey', () => {
    assert.ok(files.length >= ACTION_TYPES.length + 1, `found ${files.length} example files`);
    assert.ok(files.includes('onboarding-journey.json'), 'examples/onboarding-journey.json');
    const names = files.map((f) => path.posix.basename(f, '.json').replace(/^\d+-/, ''));
    for (const type of ACTION_TYPES) assert.ok(names.includes(type.replace(/^q2-/, '')), `an example named after ${type}`);
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
        return next.type === type || (!ACTION_TYPES.includes(next.type) && reaches(next, type, seen));
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

        const configs = byType(nodes, 'q2-config');
        assert.equal(configs.length, 1, 'one q2-config');
        const [conn] = configs;
        assert.equal(conn.id, EXAMPLE_CONNECTION_ID);
        assert.equal(conn.name, 'Q2 simulator');
        assert.equal(conn.baseUrl, SIM_URL);
        assert.equal(conn.apiVersion, 'v2');
        assert.equal(conn.timeout, 30);
        assert.equal(typeof conn.scope, 'string');
        assert.equal(conn.z, undefined, 'the connection is a global config node');
        for (const n of nodes) assert.equal(n.credentials, undefined, `${label(n)} carries no credentials`);

        const flowNodes = nodes.filter((n) => !isConfigNode(n) && n.type !== 'tab');
        assert.equal(new Set(flowNodes.map((n) => n.z)).size, 1, 'every flow node has the same z (or none)');
        for (const n of flowNodes) {
          assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `${label(n)} has a position`);
          for (const target of wiresOf(n).flat()) assert.ok(ids.includes(target), `${label(n)} is wired to an existing node`);
        }

        const actions = nodes.filter((n) => ACTION_TYPES.includes(n.type));
        assert.ok(actions.length > 0, 'the example has a Q2 action node');
        for (const n of actions) {
          assert.equal(n.connection, EXAMPLE_CONNECTION_ID, `${label(n)} uses the shared connection`);
          assert.ok(typeof n.name === 'string' && n.name !== '', `${label(n)} has a name`);
          for (const key of SENSITIVE_KEYS) assert.equal(n[key], undefined, `${label(n)}: ${key} is a credential, not a property`);
          assert.ok(debugsWiredFrom(nodes, n).length > 0, `${label(n)} is wired to a debug node`);
        }
        assert.ok(byType(nodes, 'inject').length > 0, 'an inject node');
        assert.ok(byType(nodes, 'comment').some((c) => typeof c.info === 'string' && c.info.includes('demo-secret')), 'a comment that explains it, with the demo credentials');
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
        const run = await runFlow(running(), flow, { [EXAMPLE_CONNECTION_ID]: CONNECTION_CREDENTIALS });
        checkRun(flow, run);
      });
    }

    it('the flows `npm start` deploys run together, every tab at once', async () => {
      const { flows, credentials } = buildDevFlows(readExamples(), { baseUrl: running().url, clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret });
      const run = await runFlow(running(), flows, credentials);
      checkRun(flows, run);
    });
  });

  describe('what `npm start` deploys', () => {
    const examples = readExamples();
    const options = { baseUrl: 'http://127.0.0.1:9999', clientId: 'id', clientSecret: 'secret' };

    it('one tab per example, labelled from its file name, holding that example', () => {
      const { flows } = buildDevFlows(examples, options);
      const tabs = byType(flows, 'tab');
      assert.deepEqual(tabs.map((t) => t.label), examples.map((e) => tabLabel(e.name)));
      assert.ok(tabs.map((t) => t.label).includes('Get Token'));
      examples.forEach((ex, i) => {
        const onTab = flows.filter((n) => n.z === tabs[i].id).map((n) => n.id).sort();
        const own = ex.nodes.filter((n) => !isConfigNode(n) && n.type !== 'tab').map((n) => n.id).sort();
        assert.deepEqual(onTab, own, ex.name);
      });
    });

    it('the shared connection once, pointed at the simulator, with the demo credentials', () => {
      const { flows, credentials } = buildDevFlows(examples, options);
      const configs = byType(flows, 'q2-config');
      assert.equal(configs.length, 1);
      assert.equal(configs[0].id, EXAMPLE_CONNECTION_ID);
      assert.equal(configs[0].baseUrl, options.baseUrl);
      assert.deepEqual(credentials, { [EXAMPLE_CONNECTION_ID]: { clientId: 'id', clientSecret: 'secret' } });
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
