/**
 * The Node-RED side of the benchmark: the real runtime through node-red-node-test-helper (as test/harness.ts
 * sets it up), this pack's nodes, the core nodes a user would need without the pack, and the flows of variants
 * (a) pack and (b) function + http request.
 */
import helper from 'node-red-node-test-helper';
import path from 'node:path';
import type { Node, NodeInitializer } from 'node-red';
import { DEMO_CLIENT } from '../lib/simulator';
import q2Config = require('../nodes/q2-platform-config');
import q2Platform = require('../nodes/q2-platform');

helper.init(require.resolve('node-red'));

export { helper };

/** The SSN of a seeded simulator user (LookupUser answers 200 with one user). */
export const SEEDED_SSN = '123456789';
export const SCOPE = 'CaliperAPI:All';

const coreNodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve('node-red/package.json'))] }));
function coreNode(file: string): NodeInitializer {
  const mod: unknown = require(path.join(coreNodesDir, 'core', file));
  if (typeof mod !== 'function') throw new Error(`core node ${file} is not a node module`);
  return mod as NodeInitializer;
}

/** This pack's Q2 Platform nodes (connection + actions). */
export const PACK_NODES: NodeInitializer[] = [q2Config, q2Platform];
/** The core nodes of the "without the pack" flow (the helper loads `catch` itself). */
export const CORE_NODES: NodeInitializer[] = [coreNode('function/10-function.js'), coreNode('network/21-httprequest.js')];

export type FlowNode = Record<string, unknown> & { id: string; type: string };
export type Credentials = Record<string, Record<string, string>>;

export interface BenchFlow {
  nodes: NodeInitializer[];
  flow: FlowNode[];
  credentials: Credentials;
  /** the node each message is handed to */
  entry: string;
}

/**
 * Flow nodes get x/y as the editor gives them: without, the runtime files a node under its tab's config nodes
 * (and takes any property whose value is another such node's id for a config reference).
 */
let position = 0;
function at(node: FlowNode): FlowNode {
  position += 1;
  return { x: 100 + 200 * (position % 4), y: 60 * position, ...node };
}

/** Output collector `out`, a Catch on the whole tab into `caught`. */
function collectors(): FlowNode[] {
  return [
    at({ id: 'out', z: 'tab', type: 'helper', wires: [] }),
    at({ id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] }),
    at({ id: 'caught', z: 'tab', type: 'helper', wires: [] }),
  ];
}

/** (a) q2-lookup-user on a q2-platform-config connection with the simulator's demo client. */
export function packFlow(url: string): BenchFlow {
  return {
    nodes: PACK_NODES,
    flow: [
      { id: 'tab', type: 'tab' },
      { id: 'conn', type: 'q2-platform-config', baseUrl: url, apiVersion: 'v2', scope: SCOPE },
      at({ id: 'n1', z: 'tab', type: 'q2-lookup-user', connection: 'conn', wires: [['out']] }),
      ...collectors(),
    ],
    credentials: { conn: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret }, n1: { ssn: SEEDED_SSN } },
    entry: 'n1',
  };
}

function functionNode(id: string, code: string, wires: string[]): FlowNode {
  return at({
    id,
    z: 'tab',
    type: 'function',
    name: `bench ${id}`,
    func: code,
    outputs: 1,
    timeout: 0,
    noerr: 0,
    initialize: '',
    finalize: '',
    libs: [],
    wires: [wires],
  });
}

function httpRequestNode(id: string, keepAlive: boolean, wires: string[]): FlowNode {
  // the editor's defaults, except: method from msg.method ("- set by msg.method -") and a parsed JSON object as
  // the result (what the pack gives); `persist` is "Enable connection keep-alive"
  return at({
    id,
    z: 'tab',
    type: 'http request',
    name: `bench ${id}`,
    method: 'use',
    ret: 'obj',
    paytoqs: 'ignore',
    url: '',
    tls: '',
    persist: keepAlive,
    proxy: '',
    insecureHTTPParser: false,
    authType: '',
    senderr: false,
    headers: [],
    wires: [wires],
  });
}

/**
 * (b) The same lookup built from core nodes: a function node puts the token from flow context into
 * msg.headers.Authorization and sets msg.method/url/payload, then an http request node. The token is fetched
 * once, before the run, by a second chain (`tokfn` → `tokreq` → `tokstore` → `tokdone`) into flow context.
 */
export function coreFlow(url: string, keepAlive: boolean): BenchFlow {
  const tokenBody = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: DEMO_CLIENT.clientId,
    client_secret: DEMO_CLIENT.clientSecret,
    scope: SCOPE,
  }).toString();
  const fetchToken = [
    `msg.method = 'POST';`,
    `msg.url = ${JSON.stringify(`${url}/v2/oauth2/token`)};`,
    `msg.headers = { 'Content-Type': 'application/x-www-form-urlencoded' };`,
    `msg.payload = ${JSON.stringify(tokenBody)};`,
    `return msg;`,
  ].join('\n');
  const storeToken = [
    `if (msg.statusCode === 200 && msg.payload && typeof msg.payload.access_token === 'string') {`,
    `    flow.set('q2token', msg.payload.access_token);`,
    `}`,
    `return msg;`,
  ].join('\n');
  const lookup = [
    `msg.method = 'POST';`,
    `msg.url = ${JSON.stringify(`${url}/v2/LookupUser`)};`,
    `msg.headers = { 'Authorization': 'Bearer ' + flow.get('q2token'), 'Content-Type': 'application/json' };`,
    `msg.payload = { SSN: ${JSON.stringify(SEEDED_SSN)} };`,
    `return msg;`,
  ].join('\n');
  return {
    nodes: CORE_NODES,
    flow: [
      { id: 'tab', type: 'tab' },
      functionNode('tokfn', fetchToken, ['tokreq']),
      httpRequestNode('tokreq', keepAlive, ['tokstore']),
      functionNode('tokstore', storeToken, ['tokdone']),
      at({ id: 'tokdone', z: 'tab', type: 'helper', wires: [] }),
      functionNode('fn', lookup, ['req']),
      httpRequestNode('req', keepAlive, ['out']),
      ...collectors(),
    ],
    credentials: {},
    entry: 'fn',
  };
}

/** The fields of a message as the benchmark reads them at `out`, `caught` and `tokdone`. */
export interface BenchMsg {
  benchRun?: unknown;
  benchSeq?: unknown;
  statusCode?: unknown;
  payload?: unknown;
  error?: { message?: unknown };
}

type Listener = (msg: BenchMsg) => void;

/** Registers `listener` for messages arriving at helper node `id`; returns the function that removes it. */
export function listen(id: string, listener: Listener): () => void {
  const node: Node = helper.getNode(id);
  const handler = (msg: object): void => listener(msg as BenchMsg);
  node.on('input', handler);
  return () => {
    node.removeListener('input', handler);
  };
}

/** Hands `msg` to node `id` as if a wire had delivered it. */
export function inject(id: string, msg: Record<string, unknown>): void {
  helper.getNode(id).receive(msg);
}

interface HelperInternals {
  _sandbox?: { restore(): void };
}

/** What the runtime's Node has beyond the public typings: its wires, and the method that (re)sets `send`. */
interface RuntimeNode {
  wires?: string[][];
  updateWires?(wires: string[][]): void;
}

/**
 * Loads a flow. Unless `keepSpies`, it then removes the sinon spies the test helper puts on Node.prototype's
 * send/status/error/warn/log (and on the log): they record every call with its arguments (the messages) and a
 * stack trace and emit an event per call, which would slow every Node-RED variant and make the heap grow with
 * each message. A wired node keeps its own copy of `send` (taken from the prototype when the flow started), so
 * each node's wires are set again to pick up the real one.
 */
export async function loadFlow(bench: BenchFlow, keepSpies: boolean): Promise<void> {
  await helper.load(bench.nodes, bench.flow, bench.credentials);
  if (keepSpies) return;
  (helper as unknown as HelperInternals)._sandbox?.restore();
  for (const { id } of bench.flow) {
    const node = helper.getNode(id) as unknown as RuntimeNode | null;
    if (node?.wires && typeof node.updateWires === 'function') node.updateWires(node.wires);
  }
}

export function startServer(): Promise<void> {
  return new Promise<void>((resolve) => helper.startServer(() => resolve()));
}

export function stopServer(): Promise<void> {
  return new Promise<void>((resolve) => helper.stopServer(() => resolve()));
}

/** Fetches the token of a core flow (b) once, into flow context; rejects unless it was stored. */
export function fetchCoreToken(timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stopDone();
      stopCaught();
      reject(new Error('the token request of the core flow did not complete'));
    }, timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      stopDone();
      stopCaught();
      if (err) reject(err);
      else resolve();
    };
    const stopDone = listen('tokdone', (msg) => {
      const token = (msg.payload as { access_token?: unknown } | undefined)?.access_token;
      finish(msg.statusCode === 200 && typeof token === 'string' ? undefined : new Error(`token request answered ${String(msg.statusCode)}`));
    });
    const stopCaught = listen('caught', (msg) => finish(new Error(`token request failed: ${String(msg.error?.message)}`)));
    inject('tokfn', {});
  });
}
