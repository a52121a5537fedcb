/**
 * Shared test set-up: the real Node-RED runtime (node-red-node-test-helper) with this pack's nodes, the
 * project's simulator on a free loopback port, and a small flow around the node under test:
 * node → helper "out", and a Catch node → helper "caught". The connection (id `conn`) is a Q2 Platform
 * `q2-platform-config` (flowWith/load), a CorePro/Helix `q2-corepro-config` (coreproFlowWith/loadCorePro) or a Biller Direct
 * `q2-billerdirect-config` (bdFlowWith/loadBillerDirect).
 */
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import path from 'node:path';
import { inspect } from 'node:util';
import type { NodeInitializer, NodeMessage, NodeStatus } from 'node-red';
import type { SinonSpy } from 'sinon';
import { t } from '../lib/i18n';
import { startSimulator, type RecordedRequest, type RunningSimulator, BILLER_DIRECT_DEMO_API_KEY, DEMO_CLIENT, HELIX_DEMO_CREDENTIALS } from '../lib/simulator';
import q2Config = require('../nodes/q2-platform-config');
import q2Platform = require('../nodes/q2-platform');
import q2CoreProConfig = require('../nodes/q2-corepro-config');
import q2CorePro = require('../nodes/q2-corepro');
import q2BdConfig = require('../nodes/q2-billerdirect-config');
import q2BillerDirect = require('../nodes/q2-billerdirect');
import q2BdWebhook = require('../nodes/q2-billerdirect-webhook');
import q2BdSsoLink = require('../nodes/q2-billerdirect-sso-link');

helper.init(require.resolve('node-red'));

/** The core node types example flows use, from the Node-RED the tests run. */
const coreNodesDir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(require.resolve('node-red/package.json'))] }));
function coreNode(file: string): NodeInitializer {
  const mod: unknown = require(path.join(coreNodesDir, 'core', file));
  if (typeof mod !== 'function') throw new Error(`core node ${file} is not a node module`);
  return mod as NodeInitializer;
}
export const CORE_NODES: Record<string, NodeInitializer> = {
  inject: coreNode('common/20-inject.js'),
  debug: coreNode('common/21-debug.js'),
  catch: coreNode('common/25-catch.js'),
  comment: coreNode('common/90-comment.js'),
  function: coreNode('function/10-function.js'),
  switch: coreNode('function/10-switch.js'),
  change: coreNode('function/15-change.js'),
};

export { helper };
export const NODES = [q2Config, q2Platform, q2CoreProConfig, q2CorePro, q2BdConfig, q2BillerDirect, q2BdWebhook, q2BdSsoLink];
export const CONNECTION_CREDENTIALS = { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret };
/** The simulator's Helix demo key (HTTP Basic), as the credentials of a q2-corepro-config. */
export const COREPRO_CREDENTIALS = { apiKey: HELIX_DEMO_CREDENTIALS.apiKey, apiSecret: HELIX_DEMO_CREDENTIALS.apiSecret };
/** The simulator's Biller Direct demo API key (Bearer), as the credentials of a q2-billerdirect-config. */
export const BILLER_DIRECT_CREDENTIALS: Record<string, string> = { apiKey: BILLER_DIRECT_DEMO_API_KEY };

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
  return { id: 'conn', type: 'q2-platform-config', baseUrl: url, apiVersion: 'v2', scope: 'CaliperAPI:All', timeout: 5, ...extra };
}

/** A CorePro/Helix connection (`q2-corepro-config`, id `conn`) pointed at `url`. */
export function coreproConnectionNode(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'conn', type: 'q2-corepro-config', name: 'Helix simulator', baseUrl: url, timeout: 5, ...extra };
}

/** A Biller Direct connection (`q2-billerdirect-config`, id `conn`, environment custom) pointed at the simulator's `{url}/v1`. */
export function bdConnectionNode(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'conn', type: 'q2-billerdirect-config', name: 'Biller Direct simulator', environment: 'custom', baseUrl: `${url}/v1`, timeout: 5, ...extra };
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

/** A Biller Direct flow: the node(s) under test (e.g. id `n1`) on a q2-billerdirect-config connection, out and caught. */
export function bdFlowWith(url: string, nodes: FlowNode[], connectionExtra: Record<string, unknown> = {}): FlowNode[] {
  return flowOn(bdConnectionNode(url, connectionExtra), nodes);
}

/** Loads a Biller Direct flow; the connection `conn` gets the demo API key unless `credentials.conn` replaces it. */
export async function loadBillerDirect(flow: FlowNode[], credentials: Record<string, Record<string, string>> = {}): Promise<void> {
  await helper.load(NODES, flow, { conn: BILLER_DIRECT_CREDENTIALS, ...credentials });
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

/** A node type's palette label (error texts start with it), from the pack's locale catalogues. */
export function paletteLabel(type: string): string {
  for (const namespace of ['q2-platform', 'q2-billerdirect', 'q2-corepro', type]) {
    const key = `${namespace}:${type}.paletteLabel`;
    const label = t(key);
    if (label !== key) return label;
  }
  throw new Error(`no palette label for ${type}`);
}

// ---- Biller Direct: shared assertions and set-up calls ---------------------------------------------------------

/** The palette labels of the Biller Direct nodes (error texts start with them). */
export const BD_LABELS: Readonly<Record<string, string>> = {
  'q2-billerdirect-auth': 'BD Auth',
  'q2-billerdirect-bill': 'BD Bill',
  'q2-billerdirect-company': 'BD Company',
  'q2-billerdirect-payment': 'BD Payment',
  'q2-billerdirect-client': 'BD Client',
  'q2-billerdirect-swap': 'BD Swap',
  'q2-billerdirect-partner': 'BD Partner',
};

/** The one request the simulator saw, with the demo API key as bearer, JSON Accept, no query and no signature. */
export function bdOnlyCall(sim: RunningSimulator): RecordedRequest {
  assert.equal(sim.server.requests.length, 1, sim.server.requests.map((r) => `${r.method} ${r.path}`).join(', '));
  const [call] = sim.server.requests;
  assert.equal(call.headers.authorization, `Bearer ${BILLER_DIRECT_DEMO_API_KEY}`);
  assert.equal(call.headers.accept, 'application/json');
  assert.equal(call.headers.signature, undefined, 'no Signature without a signing key');
  assert.deepEqual(call.query, {});
  return call;
}

/** Method, path and body of a request; without `body`, no body and no Content-Type. */
export function bdAssertRequest(call: RecordedRequest, method: string, path: string, body?: Record<string, unknown>): void {
  assert.equal(`${call.method} ${call.path}`, `${method} ${path}`);
  if (body === undefined) {
    assert.equal(call.rawBody, '', 'no body');
    assert.equal(call.headers['content-type'], undefined, 'no Content-Type without a body');
  } else {
    assert.equal(call.headers['content-type'], 'application/json');
    assert.deepEqual(call.body, body, 'the body as sent');
  }
}

/** A request id as the simulator's Biller Direct module sends it (a UUID in the `request-id` header). */
export const BD_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The message reached the output (HTTP 200, msg.q2.requestId from the `request-id` header): returns it and msg.payload. */
export function bdSuccess<T = Record<string, unknown>>(outcome: Outcome): { out: Msg; payload: T } {
  if (outcome.caught) throw new Error(`expected the output, got Catch: ${outcome.caught.error?.message ?? '?'}`);
  const { out } = outcome;
  if (!out) throw new Error('the message reached neither the output nor Catch');
  if (out.statusCode !== 200) throw new Error(`msg.statusCode is ${String(out.statusCode)}, not 200`);
  if (typeof out.q2?.requestId !== 'string' || !BD_REQUEST_ID.test(out.q2.requestId)) throw new Error(`msg.q2.requestId is ${String(out.q2?.requestId)}`);
  return { out, payload: out.payload as T };
}

/** The message reached Catch (and not the output) with an error that starts with the node's label. */
export function bdFailure(outcome: Outcome, label: string): { caught: Msg; text: string } {
  if (outcome.out) throw new Error(`expected Catch, but the message reached the output (msg.statusCode ${String(outcome.out.statusCode)})`);
  const { caught } = outcome;
  if (!caught?.error) throw new Error('the message did not reach Catch with an error');
  const text = caught.error.message;
  if (!text.startsWith(`${label}: `)) throw new Error(`the error does not start with "${label}: ": "${text}"`);
  return { caught, text };
}

/** Calls the simulator's Biller Direct API directly with the demo key (test set-up); throws on a non-2xx answer. */
export async function bdApi<T = Record<string, unknown>>(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${BILLER_DIRECT_DEMO_API_KEY}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.url}/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`set-up ${method} ${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** A date `days` from today (UTC) as the test companies' `dueDate` input: mm/dd/yyyy. */
export function bdDueDate(days: number): string {
  const d = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/** A text a user or an operator could see, and where it was seen (for the secrecy checks). */
export interface Evidence {
  where: string;
  text: string;
}

export function show(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: null, breakLength: Infinity });
}

/**
 * Everything Node-RED logged and every node's status/error/warn/log call since the flow was loaded. With
 * `firstArgOnly`, only what is logged or shown: node.error()'s second argument, the message for Catch, is left
 * to the caller's own Catch checks.
 */
export function spiedTexts(options: { firstArgOnly?: boolean } = {}): Evidence[] {
  const found: Evidence[] = [];
  for (const [i, call] of helper.log().getCalls().entries()) found.push({ where: `Node-RED log #${i}`, text: show(call.args) });
  // the helper spies on Node.prototype, so any node's spy records the calls of every node
  const anyNode = helper.getNode('out') as unknown as Record<'status' | 'error' | 'warn' | 'log', SinonSpy>;
  for (const method of ['status', 'error', 'warn', 'log'] as const) {
    for (const [i, call] of anyNode[method].getCalls().entries()) {
      const who = (call.thisValue as { id?: string } | undefined)?.id ?? '?';
      const args = options.firstArgOnly ? call.args.slice(0, 1) : call.args;
      found.push({ where: `node ${who}.${method}() #${i}`, text: show(args) });
      for (const arg of args) if (arg instanceof Error) found.push({ where: `node ${who}.${method}() #${i} message`, text: arg.message });
    }
  }
  return found;
}

/** Whole messages that reached Catch, as JSON and as inspected. */
export function caughtTexts(caught: readonly Msg[]): Evidence[] {
  return caught.flatMap((msg, i) => [
    { where: `Catch message #${i}`, text: JSON.stringify(msg) },
    { where: `Catch message #${i} (inspected)`, text: show(msg) },
  ]);
}

/** The status calls node `id` made, in order (the test helper spies on every node's status()). */
export function statusesOf(id: string): NodeStatus[] {
  const node = helper.getNode(id);
  const spy = node.status as unknown as SinonSpy<[NodeStatus], void>;
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node)
    .map((call) => call.args[0]);
}
