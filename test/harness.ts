/**
 * Shared test set-up: the real Node-RED runtime (node-red-node-test-helper) with this pack's nodes, the
 * project's simulator on a free loopback port, and a small flow around the node under test:
 * node → helper "out", and a Catch node → helper "caught". The connection (id `conn`) is a Q2 Platform
 * `q2-config` (flowWith/load) or a CorePro/Helix `q2-corepro-config` (coreproFlowWith/loadCorePro).
 */
import helper from 'node-red-node-test-helper';
import type { NodeMessage } from 'node-red';
import { startSimulator, type RunningSimulator, DEMO_CLIENT, HELIX_DEMO_CREDENTIALS } from '../lib/simulator';
import q2Config = require('../nodes/q2-config');
import q2Platform = require('../nodes/q2-platform');
import q2CoreProConfig = require('../nodes/q2-corepro-config');
import q2CorePro = require('../nodes/q2-corepro');

helper.init(require.resolve('node-red'));

export { helper };
export const NODES = [q2Config, q2Platform, q2CoreProConfig, q2CorePro];
export const CONNECTION_CREDENTIALS = { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret };
/** The simulator's Helix demo key (HTTP Basic), as the credentials of a q2-corepro-config. */
export const COREPRO_CREDENTIALS = { apiKey: HELIX_DEMO_CREDENTIALS.apiKey, apiSecret: HELIX_DEMO_CREDENTIALS.apiSecret };

export type Msg = NodeMessage & {
  config?: unknown;
  statusCode?: number;
  q2?: { requestId?: string; logRefId?: string; durationMs?: number; [k: string]: unknown };
  error?: { message: string; source?: { id: string; type: string } };
  [key: string]: unknown;
};

export interface Outcome {
  out?: Msg;
  caught?: Msg;
}

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export function connectionNode(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'conn', type: 'q2-config', baseUrl: url, apiVersion: 'v2', scope: 'CaliperAPI:All', timeout: 5, ...extra };
}

/** A CorePro/Helix connection (`q2-corepro-config`, id `conn`) pointed at `url`. */
export function coreproConnectionNode(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'conn', type: 'q2-corepro-config', name: 'Helix simulator', baseUrl: url, timeout: 5, ...extra };
}

/** The nodes under test on the connection `connection` (id `conn`), plus out/catch helpers, on one tab. */
export function flowOn(connection: FlowNode, nodes: FlowNode[]): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    connection,
    ...nodes.map((n) => ({ z: 'tab', connection: 'conn', wires: [['out']], ...n })),
    { id: 'out', z: 'tab', type: 'helper', wires: [] },
    { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'tab', type: 'helper', wires: [] },
  ];
}

/** A CorePro/Helix flow: the node(s) under test (e.g. id `n1`) on a q2-corepro-config connection, out and caught. */
export function coreproFlowWith(url: string, nodes: FlowNode[], connectionExtra: Record<string, unknown> = {}): FlowNode[] {
  return flowOn(coreproConnectionNode(url, connectionExtra), nodes);
}

/** Loads a CorePro/Helix flow; the connection `conn` gets the demo key unless `credentials.conn` replaces it. */
export async function loadCorePro(flow: FlowNode[], credentials: Record<string, Record<string, string>> = {}): Promise<void> {
  await helper.load(NODES, flow, { conn: COREPRO_CREDENTIALS, ...credentials });
}

/** One node under test with id `n1`, plus out/catch helpers. Extra nodes join the same tab. */
export function flowWith(url: string, nodes: FlowNode[], connectionExtra: Record<string, unknown> = {}): FlowNode[] {
  return flowOn(connectionNode(url, connectionExtra), nodes);
}

export async function load(flow: FlowNode[], credentials: Record<string, Record<string, string>> = {}): Promise<void> {
  await helper.load(NODES, flow, { conn: CONNECTION_CREDENTIALS, ...credentials });
}

/** Resolves with the first message that reaches "out" or "caught". */
export function nextOutcome(timeoutMs = 8000): Promise<Outcome> {
  const out = helper.getNode('out');
  const caught = helper.getNode('caught');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('no message reached out or caught'));
    }, timeoutMs);
    const onOut = (msg: Msg) => {
      cleanup();
      resolve({ out: msg });
    };
    const onCaught = (msg: Msg) => {
      cleanup();
      resolve({ caught: msg });
    };
    function cleanup() {
      clearTimeout(timer);
      out.removeListener('input', onOut);
      caught.removeListener('input', onCaught);
    }
    out.on('input', onOut);
    caught.on('input', onCaught);
  });
}

/** Sends `msg` to node `id` and waits for its outcome. */
export async function send(msg: Record<string, unknown>, id = 'n1'): Promise<Outcome> {
  const outcome = nextOutcome();
  helper.getNode(id).receive(msg as NodeMessage);
  return outcome;
}

/** Collects `count` outcomes (in arrival order). */
export function collect(count: number, timeoutMs = 15000): Promise<Outcome[]> {
  const out = helper.getNode('out');
  const caught = helper.getNode('caught');
  const results: Outcome[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`only ${results.length} of ${count} messages arrived`));
    }, timeoutMs);
    const push = (o: Outcome) => {
      results.push(o);
      if (results.length === count) {
        cleanup();
        resolve(results);
      }
    };
    const onOut = (msg: Msg) => push({ out: msg });
    const onCaught = (msg: Msg) => push({ caught: msg });
    function cleanup() {
      clearTimeout(timer);
      out.removeListener('input', onOut);
      caught.removeListener('input', onCaught);
    }
    out.on('input', onOut);
    caught.on('input', onCaught);
  });
}

export interface SimContext {
  readonly sim: RunningSimulator;
  /** set by useSimulator's hooks */
  holder: { sim?: RunningSimulator };
}

/** A handle to the simulator that useSimulator() starts (for helpers defined outside a describe). */
export function simulatorContext(): SimContext {
  const holder: { sim?: RunningSimulator } = {};
  return {
    holder,
    get sim(): RunningSimulator {
      if (!holder.sim) throw new Error('simulator not started');
      return holder.sim;
    },
  };
}

/**
 * Starts the simulator and the test helper's server for the enclosing describe, resets the simulator before
 * each test and unloads the flow after it. Call it inside a describe, never at a file's top level (mocha
 * would make its hooks apply to every file).
 */
export function useSimulator(ctx: SimContext = simulatorContext()): SimContext {
  before(async () => {
    ctx.holder.sim = await startSimulator({ port: 0 });
    await new Promise<void>((resolve) => helper.startServer(() => resolve()));
  });
  after(async () => {
    await ctx.holder.sim?.stop();
    await new Promise<void>((resolve) => helper.stopServer(() => resolve()));
  });
  beforeEach(() => ctx.holder.sim?.server.reset());
  afterEach(async () => {
    await helper.unload();
  });
  return ctx;
}
