/**
 * The flows in examples/ (Import ▸ Examples) and what `npm start` deploys from them, for every node set the pack
 * describes (NODE_SETS: Q2 Platform, CorePro/Helix, …).
 *  - Each file is an importable export: a JSON array of positioned nodes, for each node set it uses the set's
 *    shared connection (EXAMPLE_CONNECTIONS: `q2-simulator-connection`, `corepro-simulator-connection`,
 *    `billerdirect-simulator-connection`) pointed at the simulator's default address (plus `/v1` for Biller Direct),
 *    and no credentials.
 *  - Each runs unchanged in the real Node-RED runtime against the simulator: the only changes are those `npm start`
 *    makes — a `tab` node (for the files' common `z`), the connections' demo credentials, and the connections' base
 *    URL moved from the simulator's default address (8870, which the files name) to the test's simulator on a free
 *    port, so that the tests run beside `npm start`. Every inject node
 *    is triggered; every Q2 node's output must reach the debug nodes wired to it, with a successful response, the
 *    simulator must have answered each Q2 node's request, and no Catch node may fire. No example demonstrates a
 *    failure on purpose (several fail when triggered a second time, as their comments say; here each runs once on
 *    fresh data).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { readWords, word } from '../lib/build/editor';
import { CONNECTION_TYPES, HAND_WRITTEN_NODES, NODE_SETS, nodeSetOf } from '../lib/model/registry';
import type { NamedRequest } from '../lib/model/operation';
import { nodeParams, nodeSpecs, type NodeSet, type NodeSpec } from '../lib/model/node-set';
import { startSimulator, type RecordedRequest, type RunningSimulator } from '../lib/simulator';
import {
  buildDevFlows,
  EXAMPLE_CONNECTION_ID,
  EXAMPLE_CONNECTIONS,
  exampleBaseUrl,
  exampleConnection,
  exampleFiles,
  isConfigNode,
  readExample,
  readExamples,
  tabLabel,
  type Credentials,
  type Example,
  type ExampleConnection,
  type FlowNode,
} from '../lib/dev/examples';
import { CORE_NODES, helper, NODES, type Msg } from './harness';

/** The example folders (as Import ▸ Examples lists them), each with the node set whose nodes it holds. */
const FOLDERS: Record<string, string> = {
  'Q2 Platform': 'q2-platform',
  'Biller Direct': 'q2-billerdirect',
  'Biller Direct events': 'q2-billerdirect',
  'CorePro external accounts': 'q2-corepro',
};
/** The simulator's default address, which the example files point at (`npm start` and `npm run simulator` use it). */
const SIM_URL = 'http://127.0.0.1:8870';
/** Every operation and resource node of every node set. */
const SPECS = new Map<string, NodeSpec>(NODE_SETS.flatMap((set) => nodeSpecs(set).map((spec): [string, NodeSpec] => [spec.type, spec])));
const Q2_TYPES = [...SPECS.keys()];
/** The hand-written nodes (no NodeSpec: q2-billerdirect-webhook, q2-billerdirect-sso-link) and the connection type each may use. */
const HAND_WRITTEN_CONNECTION: Record<string, string> = {
  'q2-billerdirect-webhook': 'q2-billerdirect-config',
  'q2-billerdirect-sso-link': 'q2-billerdirect-config',
};
const isHandWritten = (node: FlowNode): boolean => HAND_WRITTEN_NODES.includes(node.type);
const PACK_TYPES = new Set([...CONNECTION_TYPES, ...Q2_TYPES, ...HAND_WRITTEN_NODES]);
const SENSITIVE_KEYS = [
  ...new Set(
    [...SPECS.values()].flatMap((spec) =>
      nodeParams(spec)
        .filter((p) => p.sensitive)
        .map((p) => p.key),
    ),
  ),
];

/** What a successful response of each node set looks like at a debug node (msg.statusCode is 200 for all). */
const SUCCESS: Record<string, (payload: Record<string, unknown>, node: FlowNode, where: string) => void> = {
  'q2-platform': (payload, node, where) => {
    if (node.type === 'q2-get-token') assert.equal(typeof payload.access_token, 'string', `${where}: a token`);
    // GetUsage's success body is not enveloped (CALIPER §3.5)
    else if (Array.isArray(payload.GetUsage)) assert.ok(payload.GetUsage.length > 0, `${where}: usage`);
    else assert.equal(payload.success, true, `${where}: success`);
  },
  'q2-corepro': (payload, _node, where) => {
    assert.deepEqual(payload.errors, [], `${where}: no Helix errors`);
    assert.equal(payload.status, 200, `${where}: envelope status`);
    assert.equal(typeof payload.requestId, 'string', `${where}: requestId`);
  },
  // Biller Direct answers plain objects ({clientId}, {data: […]}, {success: true}, a bill, a JWK …)
  'q2-billerdirect': (payload, _node, where) => {
    assert.ok(payload !== null && typeof payload === 'object' && !Array.isArray(payload), `${where}: an object`);
    assert.ok(Object.keys(payload).length > 0, `${where}: not empty`);
    assert.ok(payload.success !== false && payload.success !== 'false', `${where}: no success false`);
  },
};

function setOf(node: FlowNode): NodeSet {
  const set = isHandWritten(node) ? NODE_SETS.find((s) => s.connectionType === HAND_WRITTEN_CONNECTION[node.type]) : nodeSetOf(node.type);
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

type Wires = string[][];

function wiresOf(node: FlowNode): Wires {
  return Array.isArray(node.wires)
    ? (node.wires as unknown[]).map((port) => (Array.isArray(port) ? port.filter((id): id is string => typeof id === 'string') : []))
    : [];
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

/** Listens on 127.0.0.1:`port`, or resolves undefined when it is already taken (by `npm start`, say). */
function occupy(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
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
  const source = template
    .split(/\{(\w+)\}/)
    .map((part, i) => (i % 2 ? (part === 'apiVersion' ? 'v[12]' : '[^/]+') : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
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
async function runFlow(sim: RunningSimulator, given: FlowNode[], credentials: Credentials): Promise<Run> {
  // as `npm start` does: the connections point at the simulator that runs (here on a free port)
  const flow = given.map((n) => (CONNECTION_TYPES.includes(n.type) ? { ...n, baseUrl: exampleBaseUrl(n.type, sim.url) } : n));
  const types = new Set(flow.map((n) => n.type));
  const unknown = [...types].filter((t) => t !== 'tab' && !PACK_TYPES.has(t) && !CORE_NODES[t]);
  assert.deepEqual(unknown, [], 'node types the test does not load');
  const modules = [
    ...NODES,
    ...Object.entries(CORE_NODES)
      .filter(([t]) => types.has(t))
      .map(([, m]) => m),
  ];
  if (byType(flow, 'catch').length <= 1) {
    await helper.load(modules, flow, credentials);
  } else {
    // helper.load registers the catch node type once per catch node ("catch already registered"), so a flow with
    // several (one per tab) is loaded with one catch node and then deployed the way the editor deploys:
    // runtime setFlows, with each node's credentials on the node.
    const [tab] = byType(flow, 'tab');
    await helper.load(modules, [tab, { id: 'preload-catch', type: 'catch', z: tab.id, scope: null, uncaught: false, wires: [] }], {});
    await helper.setFlows(
      flow.map((n) => (credentials[n.id] ? { ...n, credentials: credentials[n.id] } : n)),
      'full',
    );
  }

  const received = new Map<string, Msg[]>();
  for (const debug of byType(flow, 'debug')) {
    const list: Msg[] = [];
    received.set(debug.id, list);
    helper.getNode(debug.id).on('input', (msg: Msg) => list.push(JSON.parse(JSON.stringify(msg)) as Msg));
  }
  const caught: Msg[] = [];
  for (const c of byType(flow, 'catch')) helper.getNode(c.id).on('input', (msg: Msg) => caught.push(msg));

  const expected = triggeredNodes(flow).flatMap((n) => debugsWiredFrom(flow, n));
  const injects = byType(flow, 'inject');
  assert.ok(injects.length > 0 || byType(flow, 'q2-billerdirect-webhook').length > 0, 'the flow has an inject node (or is fed by a webhook)');
  for (const inject of injects) helper.getNode(inject.id).receive({});
  await waitFor(() => caught.length > 0 || expected.every((d) => (received.get(d.id)?.length ?? 0) > 0), 10_000);
  await delay(300);
  return { received, caught, requests: [...sim.server.requests] };
}

/**
 * The Q2 nodes (and SSO link nodes) an inject node leads to. Nodes fed only by a q2-billerdirect-webhook run when the
 * simulator posts an event; test/webhook.test.ts runs those flows with the simulator's emitter.
 */
function triggeredNodes(flow: readonly FlowNode[]): FlowNode[] {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const reached = new Set<string>();
  const queue = byType(flow, 'inject').map((n) => n.id);
  while (queue.length) {
    const id = queue.shift() as string;
    for (const next of wiresOf(byId.get(id) as FlowNode).flat())
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
  }
  return flow.filter((n) => reached.has(n.id) && (SPECS.has(n.type) || n.type === 'q2-billerdirect-sso-link'));
}

/** The node is wired, directly or through non-Q2 nodes (switch, function, …), to a debug node. */
function reachesDebug(flow: readonly FlowNode[], node: FlowNode, seen = new Set<string>()): boolean {
  const byId = new Map(flow.map((n) => [n.id, n]));
  return wiresOf(node)
    .flat()
    .some((id) => {
      const next = byId.get(id);
      if (!next || seen.has(id)) return false;
      seen.add(id);
      return next.type === 'debug' || (!PACK_TYPES.has(next.type) && reachesDebug(flow, next, seen));
    });
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
  for (const node of triggeredNodes(flow).filter((n) => n.type === 'q2-billerdirect-sso-link')) {
    const msgs = debugsWiredFrom(flow, node).flatMap((d) => run.received.get(d.id) ?? []);
    assert.ok(msgs.length > 0, `the output of ${label(node)} reached a debug node`);
    for (const msg of msgs) assert.match(String(msg.payload), /^https:\/\/[^/]+\/\?token=/, `${label(node)}: a link`);
  }
  for (const node of triggeredNodes(flow).filter((n) => SPECS.has(n.type))) {
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
    // a passthrough (Cust) sends the method its node chose
    const chosen = op.methodParam ? node[op.methodParam] : undefined;
    const methodOf = (request: typeof op): string => (typeof chosen === 'string' && chosen ? chosen : request.method);
    // the path follows the connection's base URL: the simulator's address, plus `/v1` for Biller Direct; the generic
    // Q2 Request node's path is its setting
    const ownPath = op.executor === 'request' && typeof node.path === 'string' ? node.path : '';
    const fullPath = `${connectionFor(setOf(node)).basePath ?? ''}${op.path}${ownPath}`;
    const pattern = pathPattern(fullPath);
    assert.ok(
      run.requests.some((r) => r.method === methodOf(op) && pattern.test(r.path)),
      `the simulator answered ${methodOf(op)} ${fullPath} for ${label(node)}`,
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
    assert.equal(exampleConnection('q2-platform-config')?.id, EXAMPLE_CONNECTION_ID);
    assert.deepEqual(exampleConnection('q2-corepro-config'), {
      type: 'q2-corepro-config',
      id: 'corepro-simulator-connection',
      name: 'CorePro simulator',
      credentials: { apiKey: 'example1', apiSecret: 'example1' },
    });
    assert.deepEqual(exampleConnection('q2-billerdirect-config'), {
      type: 'q2-billerdirect-config',
      id: 'billerdirect-simulator-connection',
      name: 'Biller Direct simulator',
      credentials: { apiKey: 'sandbox-api-key' },
      basePath: '/v1',
    });
    assert.equal(exampleBaseUrl('q2-billerdirect-config', `${SIM_URL}/`), `${SIM_URL}/v1`);
    assert.equal(exampleBaseUrl('q2-platform-config', SIM_URL), SIM_URL);
  });

  it('the names read well in Import ▸ Examples: sentence case, a two-digit order prefix in a folder, nothing awkward in a path', () => {
    for (const file of files) {
      const parts = file.replace(/\.json$/, '').split('/');
      const base = parts.pop() as string;
      for (const part of [...parts, base]) {
        assert.match(part, /^(\d{2} )?[A-Z0-9][^/\\:*?"'<>|`]*$/, `${file}: "${part}" starts with a capital or digit, has no / \\ : * ? " ' < > | \``);
        assert.equal(part, part.trim(), `${file}: no leading or trailing space`);
        assert.doesNotMatch(part, /\s{2}/, `${file}: single spaces`);
      }
      if (parts.length) assert.match(base, /^\d{2} \S/, `${file}: a two-digit prefix orders it in its folder`);
      assert.ok(parts.length <= 1, `${file}: one folder level at most`);
    }
    for (const folder of new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]))) {
      const prefixes = files.filter((f) => f.startsWith(`${folder}/`)).map((f) => f.slice(folder.length + 1, folder.length + 3));
      assert.deepEqual(
        prefixes,
        prefixes.map((_, i) => String(i + 1).padStart(2, '0')),
        `${folder}: numbered 01, 02, … in order`,
      );
    }
  });

  it('there is one example per action node (named after its palette label), one folder per node set with examples, and the onboarding journey', () => {
    assert.ok(files.includes('Onboarding journey.json'), 'examples/Onboarding journey.json');
    const names = files.map((f) => tabLabel(f));
    for (const set of NODE_SETS) {
      const words = readWords(set.namespace);
      for (const spec of nodeSpecs(set).filter((s) => !s.selectable)) {
        const paletteLabel = word(words, `${spec.type}.paletteLabel`);
        assert.ok(paletteLabel && names.includes(paletteLabel), `an example named after ${spec.type} (${paletteLabel})`);
      }
    }
    const folders = new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
    assert.deepEqual([...folders].sort(), Object.keys(FOLDERS).sort(), 'the example folders');
    for (const file of files.filter((f) => f.includes('/'))) {
      const folder = file.split('/')[0];
      const sets = new Set(
        readExample(file)
          .nodes.filter((n) => SPECS.has(n.type) || isHandWritten(n))
          .map((n) => setOf(n).namespace),
      );
      assert.deepEqual([...sets], [FOLDERS[folder]], `${file}: the nodes of the folder's node set only`);
    }
  });

  it('the CorePro examples: the micro-deposit journey, list and archive, create with a tag then get by tag', () => {
    const ops = (file: string): string[] =>
      readExample(file)
        .nodes.filter((n) => n.type === 'q2-corepro-external-account')
        .map((n) => String(n.operation));
    assert.deepEqual(ops('CorePro external accounts/01 Micro-deposit journey.json'), ['initiate', 'verify', 'get']);
    assert.deepEqual(ops('CorePro external accounts/02 List and archive.json'), ['list', 'archive', 'list']);
    assert.deepEqual(ops('CorePro external accounts/03 Create with tag.json'), ['create', 'getByTag']);
    const journey = JSON.stringify(readExample('CorePro external accounts/01 Micro-deposit journey.json').nodes);
    assert.ok(journey.includes('0.18') && journey.includes('0.28'), 'the journey verifies with the sandbox amounts 0.18 and 0.28');
    const tagged = readExample('CorePro external accounts/03 Create with tag.json').nodes;
    assert.ok(
      tagged.some((n) => n.type === 'function' && typeof n.func === 'string' && n.func.includes('Date.now()')),
      'a fresh tag on every run',
    );
  });

  it('the Biller Direct examples: one per resource node, the bill-pay and card-swap journeys, fresh ids on every click', () => {
    const bdFiles = files.filter((f) => f.startsWith('Biller Direct/'));
    for (const spec of nodeSpecs(NODE_SETS.find((set) => set.connectionType === 'q2-billerdirect-config') as NodeSet)) {
      // `q2-billerdirect-bill` → `Biller Direct/04 Bills.json`, `q2-billerdirect-auth` → `Biller Direct/03 Auth.json`
      const resource = spec.type.replace(/^q2-billerdirect-/, '');
      const file = bdFiles.find((f) => new RegExp(`^Biller Direct/\\d{2} ${resource}s?\\.json$`, 'i').test(f));
      assert.ok(file, `an example for ${spec.type}`);
      assert.ok(
        readExample(file).nodes.some((n) => n.type === spec.type),
        `${file} uses ${spec.type}`,
      );
    }
    const chains: Record<string, string[]> = {
      'Biller Direct/01 Bill-pay journey.json': [
        'q2-billerdirect-client create',
        'q2-billerdirect-payment add',
        'q2-billerdirect-auth create',
        'q2-billerdirect-bill list',
        'q2-billerdirect-payment settings',
        'q2-billerdirect-payment schedule',
        'q2-billerdirect-payment cancel',
      ],
      'Biller Direct/02 Card-swap journey.json': [
        'q2-billerdirect-client create',
        'q2-billerdirect-payment add',
        'q2-billerdirect-auth create',
        'q2-billerdirect-swap create',
        'q2-billerdirect-swap list',
      ],
    };
    for (const [file, chain] of Object.entries(chains)) {
      const { nodes } = readExample(file);
      const byId = new Map(nodes.map((n) => [n.id, n]));
      const step = (n: FlowNode): string => `${n.type} ${String(n.operation)}`;
      assert.deepEqual(nodes.filter((n) => SPECS.has(n.type)).map(step), chain, `${file}: the steps`);
      /** the next Q2 nodes downstream of `from` (through function, change, … nodes) */
      const next = (from: FlowNode, seen = new Set<string>()): FlowNode[] =>
        wiresOf(from)
          .flat()
          .flatMap((id) => {
            const n = byId.get(id);
            if (!n || seen.has(id)) return [];
            seen.add(id);
            return SPECS.has(n.type) ? [n] : next(n, seen);
          });
      const q2 = nodes.filter((n) => SPECS.has(n.type));
      for (let i = 0; i + 1 < q2.length; i++) assert.deepEqual(next(q2[i]).map(step), [chain[i + 1]], `${file}: ${chain[i]} leads to ${chain[i + 1]}`);
      const text = JSON.stringify(nodes);
      assert.ok(text.includes('4111111111111111'), `${file}: the sandbox card`);
      assert.ok(
        nodes.some((n) => n.type === 'function' && typeof n.func === 'string' && n.func.includes('Date.now()')),
        `${file}: a fresh identifier on every click`,
      );
      for (const n of nodes.filter((x) => x.type === 'function')) assert.ok(!String(n.func).includes('apiKey'), 'no API key in a body');
    }
    const billPay = JSON.stringify(readExample('Biller Direct/01 Bill-pay journey.json').nodes);
    for (const part of ['64a000000000000000000001', "balance: '42.50'", 'dueDate: dueDate', "status: 'upcoming'", "recurring: 'disabled'", 'payDate']) {
      assert.ok(billPay.includes(part), `the bill-pay journey: ${part}`);
    }
    assert.ok(JSON.stringify(readExample('Biller Direct/02 Card-swap journey.json').nodes).includes("items: ['swap']"), 'the swap journey: items ["swap"]');
  });

  it('every node type of the pack appears in at least one example', () => {
    const used = new Set(files.flatMap((f) => readExample(f).nodes.map((n) => n.type)));
    const missing = [...PACK_TYPES].filter((t) => !used.has(t));
    assert.deepEqual(missing, []);
  });

  it('the onboarding journey goes Get Token → Lookup Customer → Enrollment → Add External Account', () => {
    const { nodes } = readExample('Onboarding journey.json');
    const chain = ['q2-get-token', 'q2-lookup-customer', 'q2-enrollment', 'q2-add-external-account'];
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const reaches = (from: FlowNode, type: string, seen = new Set<string>()): boolean =>
      wiresOf(from)
        .flat()
        .some((id) => {
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
        const handWritten = nodes.filter(isHandWritten);
        assert.ok(q2Nodes.length + handWritten.length > 0, 'the example has a Q2 node');
        const withConnection = [...q2Nodes, ...handWritten.filter((n) => typeof n.connection === 'string' && n.connection !== '')];
        const used = [...new Set(withConnection.map((n) => setOf(n)))].map(connectionFor);
        const connections = nodes.filter((n) => CONNECTION_TYPES.includes(n.type));
        assert.deepEqual(connections.map((n) => n.type).sort(), used.map((c) => c.type).sort(), 'one connection per node set used, and no other');
        for (const expected of used) {
          const [conn] = byType(nodes, expected.type);
          assert.equal(conn.id, expected.id, `${expected.type}: the shared id`);
          assert.equal(conn.name, expected.name);
          assert.equal(conn.baseUrl, `${SIM_URL}${expected.basePath ?? ''}`);
          assert.equal(conn.timeout, 30);
          assert.equal(conn.z, undefined, 'the connection is a global config node');
          if (conn.type === 'q2-platform-config') {
            assert.equal(conn.apiVersion, 'v2');
            assert.equal(typeof conn.scope, 'string');
          }
          if (conn.type === 'q2-billerdirect-config') assert.equal(conn.environment, 'custom', 'Biller Direct: the custom base URL');
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
        for (const n of handWritten) {
          assert.ok(typeof n.name === 'string' && n.name !== '', `${label(n)} has a name`);
          if (withConnection.includes(n)) assert.equal(n.connection, connectionFor(setOf(n)).id, `${label(n)} uses the shared connection`);
          assert.ok(reachesDebug(nodes, n), `${label(n)} leads to a debug node`);
        }
        assert.ok(byType(nodes, 'inject').length > 0 || byType(nodes, 'q2-billerdirect-webhook').length > 0, 'an inject node (or a webhook)');
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
    let defaultPorts: net.Server[] = [];
    before(async () => {
      // the ports `npm start` uses are taken while the examples run (by a running `npm start`, or else here), so
      // this shows the tests need none of them
      defaultPorts = (await Promise.all([8870, 1880].map(occupy))).filter((server): server is net.Server => server !== undefined);
      sim = await startSimulator({ host: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => helper.startServer(() => resolve()));
    });
    after(async () => {
      for (const server of defaultPorts) await new Promise((resolve) => server.close(resolve));
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
      'CorePro external accounts/01 Micro-deposit journey.json': (sim, run) => {
        const initiated = sim.helix.state.accounts.filter((r) => r.account.customerId === 1002);
        assert.equal(initiated.length, 1);
        assert.equal(initiated[0].account.status, 'Verified', 'verified with 0.18 and 0.28');
        const verify = run.requests.find((r) => r.path === '/externalAccount/verify');
        assert.deepEqual(verify?.body, { amount1: 0.18, amount2: 0.28, customerId: 1002, externalAccountId: initiated[0].account.externalAccountId });
      },
      'CorePro external accounts/02 List and archive.json': (sim, run) => {
        assert.equal(sim.helix.account(3001)?.status, 'Archived');
        assert.deepEqual(
          run.requests.map((r) => `${r.method} ${r.path}`),
          ['GET /externalAccount/list/1001', 'POST /externalAccount/archive', 'GET /externalAccount/list/1001'],
        );
      },
      'CorePro external accounts/03 Create with tag.json': (sim, run) => {
        const create = run.requests.find((r) => r.path === '/externalAccount/create');
        const tag = (create?.body as { tag?: unknown } | undefined)?.tag;
        assert.ok(typeof tag === 'string' && /^demo-\d+$/.test(tag), `a fresh tag: ${String(tag)}`);
        assert.ok(
          run.requests.some((r) => r.method === 'GET' && r.path === `/externalAccount/getByTag/1002/${tag}`),
          'get by that tag',
        );
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
      const flow = runnable(readExample('CorePro external accounts/03 Create with tag.json').nodes);
      const first = await runFlow(running(), flow, demoCredentials(flow));
      checkRun(flow, first);
      await helper.unload();
      await delay(5);
      running().server.clearRequests();
      const second = await runFlow(running(), flow, demoCredentials(flow));
      checkRun(flow, second);
      assert.equal(running().helix.state.accounts.filter((r) => r.account.customerId === 1002).length, 2, 'a second account, with another tag');
    });

    it('the Biller Direct examples change the simulator as their comments say; the journeys run twice', async () => {
      const bd = running().billerDirect;
      const SEED_CLIENT = '64b000000000000000000001';
      const clientsNamed = (pattern: RegExp) => bd.state.clients.filter((c) => pattern.test(c.identifier));
      const checks: Record<string, (run: Run) => void> = {
        'Biller Direct/01 Bill-pay journey.json': (run) => {
          const [client] = clientsNamed(/^billpay-\d+$/);
          assert.ok(client, 'a new client');
          const methods = bd.state.paymentMethods.filter((m) => m.clientId === client._id);
          assert.deepEqual(
            methods.map((m) => [m.method.type, m.method.card?.number, m.method.status, m.method.default]),
            [['card', 'XXXX1111', 'verified', true]],
          );
          const auths = bd.state.auths.filter((a) => a.clientId === client._id);
          assert.deepEqual(
            auths.map((a) => [a.companyId, a.status, a.items]),
            [['64a000000000000000000001', 'verified', ['bill']]],
          );
          const bills = bd.state.bills.filter((b) => b.clientId === client._id);
          assert.equal(bills.length, 1);
          const [bill] = bills;
          assert.deepEqual(
            [bill.status, bill.balanceCents, bill.settings.recurring, bill.scheduled],
            ['upcoming', 4250, 'disabled', undefined],
            'scheduled, then cancelled',
          );
          const events = bd.events.filter((e) => e.payload.resource.id === bill._id).map((e) => e.type);
          assert.ok(events.includes('bill.payment.scheduled') && events.includes('bill.payment.cancelled'), events.join(', '));
          const schedule = run.requests.find((r) => r.path === '/v1/payment/schedule');
          const body = schedule?.body as { billId?: string; payDate?: string } | undefined;
          assert.equal(body?.billId, bill._id);
          const days = (Date.parse(String(body?.payDate)) - Date.now()) / 86_400_000;
          assert.ok(days > 2.9 && days < 3.1, `payDate three days ahead: ${String(body?.payDate)}`);
        },
        'Biller Direct/02 Card-swap journey.json': () => {
          const [client] = clientsNamed(/^swap-\d+$/);
          assert.ok(client, 'a new client');
          const [card] = bd.state.paymentMethods.filter((m) => m.clientId === client._id);
          const swaps = bd.state.swaps.filter((x) => x.clientId === client._id);
          assert.deepEqual(
            swaps.map((x) => [x.companyId, x.paymentMethodId, x.status]),
            [['64a000000000000000000005', card.method._id, 'completed']],
          );
          assert.deepEqual(
            bd.state.auths.filter((a) => a.clientId === client._id).map((a) => a.items),
            [['swap']],
          );
        },
        'Biller Direct/03 Auth.json': () => {
          const mine = bd.state.auths.filter((a) => a.clientId === SEED_CLIENT);
          assert.deepEqual(
            mine.map((a) => [a.companyId, a.status]),
            [
              ['64a000000000000000000001', 'verified'],
              ['64a000000000000000000004', 'verified'],
            ],
            'the hold auth deleted, the MFA auth verified',
          );
        },
        'Biller Direct/06 Payments.json': (run) => {
          assert.deepEqual(
            bd.state.paymentMethods.filter((m) => m.clientId === SEED_CLIENT).map((m) => m.method._id),
            ['64b000000000000000000101'],
            'the card and the bank account added, then deleted',
          );
          assert.equal(run.requests.filter((r) => r.method === 'DELETE').length, 2);
        },
        'Biller Direct/07 Client.json': () => {
          const [client] = clientsNamed(/^client-\d+$/);
          assert.ok(client);
          assert.ok(
            bd.state.tokens.filter((t) => t.clientId === client._id).every((t) => t.revoked),
            'its token revoked',
          );
          const [synced] = clientsNamed(/^sync-\d+$/);
          assert.deepEqual(
            bd.state.paymentMethods.filter((m) => m.clientId === synced?._id).map((m) => m.method.identifier),
            ['grace-visa'],
          );
        },
        'Biller Direct/08 Swap.json': () => {
          assert.deepEqual(
            bd.state.swaps.filter((x) => x.clientId === SEED_CLIENT).map((x) => [x.companyId, x.paymentMethodId, x.status]),
            [['64a00000000000000000000e', '64b000000000000000000101', 'completed']],
          );
        },
      };
      for (const [file, check] of Object.entries(checks)) {
        running().server.reset();
        const flow = runnable(readExample(file).nodes);
        const run = await runFlow(running(), flow, demoCredentials(flow));
        checkRun(flow, run);
        check(run);
        await helper.unload();
      }
      // a second click on each journey works on fresh data of its own
      for (const [file, pattern] of [
        ['Biller Direct/01 Bill-pay journey.json', /^billpay-\d+$/],
        ['Biller Direct/02 Card-swap journey.json', /^swap-\d+$/],
      ] as const) {
        running().server.reset();
        const flow = runnable(readExample(file).nodes);
        checkRun(flow, await runFlow(running(), flow, demoCredentials(flow)));
        await helper.unload();
        await delay(5);
        running().server.clearRequests();
        checkRun(flow, await runFlow(running(), flow, demoCredentials(flow)));
        await helper.unload();
        assert.equal(clientsNamed(pattern).length, 2, `${file}: a second client`);
      }
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
      credentials: {
        'q2-platform-config': { clientId: 'id', clientSecret: 'secret' },
        'q2-corepro-config': { apiKey: 'key', apiSecret: 'key-secret' },
        'q2-billerdirect-config': { apiKey: 'bd-key' },
      },
    };

    it('one tab per example, labelled from its file name, holding that example', () => {
      const { flows } = buildDevFlows(examples, options);
      const tabs = byType(flows, 'tab');
      assert.deepEqual(
        tabs.map((t) => t.label),
        examples.map((e) => tabLabel(e.name)),
      );
      assert.ok(tabs.map((t) => t.label).includes('Get Token'));
      assert.ok(tabs.map((t) => t.label).includes('Micro-deposit journey'));
      assert.ok(tabs.map((t) => t.label).includes('Onboarding journey'));
      assert.equal(tabs.find((t) => t.label === 'Get Token')?.id, 'tab-q2-platform-01-get-token', 'a tab id made from the path');
      examples.forEach((ex, i) => {
        const onTab = flows
          .filter((n) => n.z === tabs[i].id)
          .map((n) => n.id)
          .sort();
        const own = ex.nodes
          .filter((n) => !isConfigNode(n) && n.type !== 'tab')
          .map((n) => n.id)
          .sort();
        assert.deepEqual(onTab, own, ex.name);
      });
    });

    it('each node set’s shared connection once, pointed at the simulator, with the given credentials', () => {
      const { flows, credentials } = buildDevFlows(examples, options);
      for (const set of NODE_SETS) {
        const configs = byType(flows, set.connectionType);
        assert.equal(configs.length, 1, `one ${set.connectionType}`);
        assert.equal(configs[0].id, connectionFor(set).id);
        assert.equal(configs[0].baseUrl, set.connectionType === 'q2-billerdirect-config' ? `${options.baseUrl}/v1` : options.baseUrl);
      }
      assert.deepEqual(credentials, {
        'q2-simulator-connection': { clientId: 'id', clientSecret: 'secret' },
        'corepro-simulator-connection': { apiKey: 'key', apiSecret: 'key-secret' },
        'billerdirect-simulator-connection': { apiKey: 'bd-key' },
      });
    });

    it('by default, the simulator’s demo credentials (flows_cred.json of `npm start`)', () => {
      const { credentials } = buildDevFlows(examples, { baseUrl: options.baseUrl });
      assert.deepEqual(credentials, {
        'q2-simulator-connection': { clientId: 'demo-client', clientSecret: 'demo-secret' },
        'corepro-simulator-connection': { apiKey: 'example1', apiSecret: 'example1' },
        'billerdirect-simulator-connection': { apiKey: 'sandbox-api-key' },
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
      const other: Example = { name: 'other.json', nodes: first.nodes.map((n) => (n.type === 'q2-platform-config' ? { ...n, scope: 'different' } : n)) };
      assert.throws(() => buildDevFlows([first, other], options), /define the config node q2-simulator-connection differently/);
    });
  });
});
