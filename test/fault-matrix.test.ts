/**
 * The fault matrix: every simulator fault against a READ and a WRITE of every API family (Q2 Platform, Biller
 * Direct, CorePro/Helix), in the real Node-RED runtime over loopback. Each row of FAULTS is one fault with the
 * single outcome the README's "What is retried, and what never is" table documents, for a read and for a write:
 * the output or Catch (exactly once), the error text, msg.statusCode, how many requests the simulator saw at the
 * operation's path, msg.q2.attempts, msg.q2.sent, the node's last status (green dot or red ring), and for the Q2
 * Platform how many token requests were made. The `it`s are generated per family × kind × row.
 *
 * Connections keep it fast: `timeout: 1`, `retryAttempts: 3`, `retryDelay: 0.05`, `retryMaxDelay: 10`.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { NodeStatus } from 'node-red';
import type { SinonSpy } from 'sinon';
import type { FaultSpec, RunningSimulator } from '../lib/simulator';
import { bdFlowWith, coreproFlowWith, flowWith, helper, load, loadBillerDirect, loadCorePro, show, useSimulator, type FlowNode, type Msg } from './harness';

type Kind = 'read' | 'write';
type FamilyId = 'platform' | 'billerdirect' | 'helix';

/** One node under test (id `n1`) and the request it makes. */
interface Operation {
  node: Record<string, unknown> & { type: string };
  credentials?: Record<string, string>;
  method: string;
  path: string;
  /** a fresh input message */
  msg(): Record<string, unknown>;
}

interface Family {
  id: FamilyId;
  title: string;
  flow(url: string, nodes: FlowNode[], connectionExtra: Record<string, unknown>): FlowNode[];
  load(flow: FlowNode[], credentials: Record<string, Record<string, string>>): Promise<void>;
  /** connection settings that send the operation to `closedUrl` (a port nothing listens on) */
  refusedConnection(closedUrl: string, simUrl: string): Record<string, unknown>;
  ops: Record<Kind, Operation>;
}

const TOKEN_PATH = '/v2/oauth2/token';
const MB = 1024 * 1024;
/** `{"data":"` + `","success":true}` around the padding of a `bodyBytes` body. */
const BODY_BYTES_FRAME = 26;
/** How long to keep listening after the first arrival, to see that no second one follows. */
const SETTLE_MS = 120;

const FAMILIES: readonly Family[] = [
  {
    id: 'platform',
    title: 'Q2 Platform',
    flow: flowWith,
    load,
    // the token still comes from the simulator, so that the API request itself meets the closed port
    refusedConnection: (closedUrl, simUrl) => ({ baseUrl: closedUrl, tokenUrl: `${simUrl}${TOKEN_PATH}` }),
    ops: {
      read: {
        node: { type: 'q2-lookup-user' },
        credentials: { ssn: '123456789' },
        method: 'POST',
        path: '/v2/LookupUser',
        msg: () => ({ payload: 'fault-matrix' }),
      },
      write: { node: { type: 'q2-delete-user', userID: '3' }, method: 'DELETE', path: '/v2/DeleteUser/3', msg: () => ({ payload: 'fault-matrix' }) },
    },
  },
  {
    id: 'billerdirect',
    title: 'Biller Direct',
    flow: bdFlowWith,
    load: loadBillerDirect,
    refusedConnection: (closedUrl) => ({ baseUrl: `${closedUrl}/v1` }),
    ops: {
      read: {
        node: { type: 'q2-billerdirect-company', operation: 'categories' },
        method: 'GET',
        path: '/v1/company/categories',
        msg: () => ({ payload: 'fault-matrix' }),
      },
      write: {
        node: { type: 'q2-billerdirect-client', operation: 'create' },
        method: 'POST',
        path: '/v1/client',
        msg: () => ({ payload: { identifier: `fuzz-${Math.random().toString(36).slice(2, 10)}` } }),
      },
    },
  },
  {
    id: 'helix',
    title: 'CorePro/Helix',
    flow: coreproFlowWith,
    load: loadCorePro,
    refusedConnection: (closedUrl) => ({ baseUrl: closedUrl }),
    ops: {
      read: {
        node: { type: 'q2-corepro-external-account', operation: 'list', customerId: '1001' },
        method: 'GET',
        path: '/externalAccount/list/1001',
        msg: () => ({ payload: 'fault-matrix' }),
      },
      write: {
        node: { type: 'q2-corepro-external-account', operation: 'archive', customerId: '1001', externalAccountId: '3001' },
        method: 'POST',
        path: '/externalAccount/archive',
        msg: () => ({ payload: 'fault-matrix' }),
      },
    },
  },
];

/** The one documented outcome of a row for one kind of request. */
interface Expect {
  ends: 'out' | 'catch';
  /** requests the simulator saw at the operation's path */
  requests: number;
  /** msg.q2.attempts (default: `requests`) */
  attempts?: number;
  /** the error text (after the node's label) */
  text?: RegExp;
  /** msg.statusCode (default 200 at the output) */
  statusCode?: number;
  /** the red ring's text */
  ring?: string;
  /** msg.q2.sent at Catch, when the row documents it */
  sent?: boolean;
  /** token requests in the whole test (Q2 Platform only; default 1) */
  tokens?: number;
  /** the second request came at least this long after the first (by the simulator's recorded `at`) */
  minGapMs?: number;
  /** further checks of the message and the simulator */
  check?(msg: Msg, input: Record<string, unknown>, sim: RunningSimulator): void;
}

type PerFamily = Expect | ((family: FamilyId) => Expect);

interface Row {
  name: string;
  /** the fault at the operation's path and method (none for the refused connection) */
  fault?: Omit<FaultSpec, 'path' | 'method'>;
  /** the connection points at a closed port */
  refused?: boolean;
  connection?: Record<string, unknown>;
  read: PerFamily;
  write: PerFamily;
}

/** A JSON error body every family reads as a failure (HTTP ≥ 400). */
const errorBody = (status: number): Record<string, unknown> => ({ errors: [{ code: status, message: `injected ${status}` }], success: false, status });
const statusFault = (status: number, extra: Omit<FaultSpec, 'path' | 'method'> = {}): Omit<FaultSpec, 'path' | 'method'> => ({
  status,
  body: errorBody(status),
  ...extra,
});

const out = (requests: number, extra: Partial<Expect> = {}): Expect => ({ ends: 'out', requests, ...extra });
const httpError = (status: number, requests: number, extra: Partial<Expect> = {}): Expect => ({
  ends: 'catch',
  requests,
  text: new RegExp(`HTTP ${status}\\b`),
  statusCode: status,
  ring: `HTTP ${status}`,
  ...extra,
});
const notJson = (status: number): Expect => ({
  ends: 'catch',
  requests: 1,
  text: new RegExp(`the response is not JSON \\(HTTP ${status}, requestid `),
  statusCode: status,
  ring: 'bad response',
});

function tooLarge(): Expect {
  return {
    ends: 'catch',
    requests: 1,
    text: /response too large: HTTP 200 with a body over the connection's limit of 1 MB/,
    statusCode: 200,
    ring: 'response too large',
    check: bodyDropped,
  };
}

const TIMEOUT_TEXT = /no response within the connection's timeout of 1 s/;
const networkError = (requests: number, extra: Partial<Expect> = {}): Expect => ({
  ends: 'catch',
  requests,
  text: /network error \(\w+\)/,
  ring: 'network error',
  sent: true,
  ...extra,
});

/** The padded 10 MB body reached the output, parsed. */
function bigBodyArrived(bytes: number): (msg: Msg) => void {
  return (msg) => {
    const payload = msg.payload as { data?: unknown; success?: unknown };
    assert.equal(typeof payload.data, 'string', 'the padded body was parsed as JSON');
    assert.equal((payload.data as string).length, bytes - BODY_BYTES_FRAME, 'all of the body arrived');
    assert.equal(payload.success, true);
  };
}

/** The body over the limit was dropped: msg.payload at Catch is the (masked) input, not the server's body. */
function bodyDropped(msg: Msg, input: Record<string, unknown>): void {
  assert.ok(show(msg.payload).length < 1024, `msg.payload at Catch is small, not the big body (${show(msg.payload).slice(0, 80)}…)`);
  assert.deepEqual(msg.payload, input.payload, 'msg.payload at Catch is the input');
}

/**
 * A write whose fate is unknown (it may have reached the server): the README's table says "the error says it
 * may have been processed" for a timeout.
 */
function saysMayHaveBeenProcessed(msg: Msg): void {
  assert.match(msg.error?.message ?? '', /may have been processed/, 'README "What is retried": a write\'s timeout error says it may have been processed');
}

const FAULTS: readonly Row[] = [
  { name: 'HTTP 500 with a JSON envelope', fault: statusFault(500), read: httpError(500, 1), write: httpError(500, 1) },
  { name: 'HTTP 502 once', fault: statusFault(502), read: out(2), write: httpError(502, 1) },
  { name: 'HTTP 502 on every try', fault: statusFault(502, { times: 3 }), read: httpError(502, 3), write: httpError(502, 1) },
  { name: 'HTTP 503 without Retry-After, once', fault: statusFault(503), read: out(2), write: httpError(503, 1) },
  { name: 'HTTP 503 without Retry-After, on every try', fault: statusFault(503, { times: 3 }), read: httpError(503, 3), write: httpError(503, 1) },
  { name: 'HTTP 503 with Retry-After: 1', fault: statusFault(503, { retryAfter: 1 }), read: out(2, { minGapMs: 900 }), write: httpError(503, 1) },
  {
    name: 'HTTP 503 with Retry-After: 60 (longer than retryMaxDelay)',
    fault: statusFault(503, { retryAfter: 60 }),
    read: httpError(503, 1),
    write: httpError(503, 1),
  },
  { name: 'HTTP 504 once', fault: statusFault(504), read: out(2), write: httpError(504, 1) },
  { name: 'HTTP 504 on every try', fault: statusFault(504, { times: 3 }), read: httpError(504, 3), write: httpError(504, 1) },
  { name: 'HTTP 429 with Retry-After: 1, once', fault: statusFault(429, { retryAfter: 1 }), read: out(2, { minGapMs: 900 }), write: out(2, { minGapMs: 900 }) },
  { name: 'HTTP 429 on every try', fault: statusFault(429, { times: 3 }), read: httpError(429, 3), write: httpError(429, 3) },
  {
    // Q2 Platform renews its OAuth token and sends again; Biller Direct and Helix have a fixed key, and their
    // README sections say "A 401 (wrong key) is not retried".
    name: 'HTTP 401 once, then success',
    fault: statusFault(401),
    read: (family) => (family === 'platform' ? out(2, { tokens: 2 }) : httpError(401, 1)),
    write: (family) => (family === 'platform' ? out(2, { tokens: 2 }) : httpError(401, 1)),
  },
  {
    name: 'a server that never answers',
    fault: { hang: true, times: 3 },
    read: { ends: 'catch', requests: 3, text: TIMEOUT_TEXT, ring: 'timeout', sent: true },
    write: { ends: 'catch', requests: 1, text: TIMEOUT_TEXT, ring: 'timeout', sent: true, check: saysMayHaveBeenProcessed },
  },
  { name: 'a connection reset mid-request', fault: { reset: true }, read: out(2), write: networkError(1) },
  { name: 'a truncated body', fault: { truncate: true }, read: out(2), write: networkError(1) },
  { name: 'an HTML error page with HTTP 200', fault: { html: true }, read: notJson(200), write: notJson(200) },
  { name: 'an HTML error page with HTTP 500', fault: { html: true, status: 500 }, read: notJson(500), write: notJson(500) },
  { name: 'an HTML error page with HTTP 502, once', fault: { html: true, status: 502 }, read: out(2), write: notJson(502) },
  {
    name: 'a 10 MB body (under the 16 MB default)',
    fault: { bodyBytes: 10 * MB },
    connection: { timeout: 10 },
    read: out(1, { check: bigBodyArrived(10 * MB) }),
    write: out(1, { check: bigBodyArrived(10 * MB) }),
  },
  {
    name: 'a body over the connection limit (maxResponseMB 1, a 2 MB body)',
    fault: { bodyBytes: 2 * MB },
    connection: { maxResponseMB: 1, timeout: 10 },
    read: tooLarge(),
    write: tooLarge(),
  },
  {
    name: 'connection refused (nothing listens on the port)',
    refused: true,
    read: networkError(0, { attempts: 3, text: /network error \(ECONNREFUSED\)/, sent: false }),
    write: networkError(0, { attempts: 3, text: /network error \(ECONNREFUSED\)/, sent: false }),
  },
];

// ---- running one row ----------------------------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Arrivals {
  out: Msg[];
  caught: Msg[];
}

/** Sends `msg` to n1, waits for the first arrival at the output or Catch, then a little more for a second one. */
async function sendAndSettle(msg: Record<string, unknown>, timeoutMs = 15_000): Promise<Arrivals> {
  const seen: Arrivals = { out: [], caught: [] };
  const outNode = helper.getNode('out');
  const caughtNode = helper.getNode('caught');
  let arrived!: () => void;
  const first = new Promise<void>((resolve) => (arrived = resolve));
  const onOut = (m: Msg): void => {
    seen.out.push(m);
    arrived();
  };
  const onCaught = (m: Msg): void => {
    seen.caught.push(m);
    arrived();
  };
  outNode.on('input', onOut);
  caughtNode.on('input', onCaught);
  let timer: NodeJS.Timeout | undefined;
  try {
    helper.getNode('n1').receive(msg);
    await Promise.race([
      first,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the message reached neither the output nor Catch')), timeoutMs))),
    ]);
    await sleep(SETTLE_MS);
  } finally {
    clearTimeout(timer);
    outNode.removeListener('input', onOut);
    caughtNode.removeListener('input', onCaught);
  }
  return seen;
}

/** The last status node `id` showed. */
function lastStatus(id: string): NodeStatus | undefined {
  const node = helper.getNode(id);
  const spy = (node as unknown as { status: SinonSpy<[NodeStatus], void> }).status;
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node)
    .map((call) => call.args[0])
    .at(-1);
}

/** A loopback URL nothing listens on: a server on port 0, closed again. */
async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return `http://127.0.0.1:${port}`;
}

function assertOutcome(arrivals: Arrivals, expect: Expect, input: Record<string, unknown>, sim: RunningSimulator, op: Operation, family: Family): void {
  const requests = sim.server.requestsTo(op.path).filter((r) => r.method === op.method);
  const seenText = `out ${arrivals.out.length}, Catch [${arrivals.caught.map((m) => m.error?.message ?? '?').join(' | ')}]`;
  assert.equal(arrivals.out.length + arrivals.caught.length, 1, `the message ends exactly once (${seenText})`);
  const msg = expect.ends === 'out' ? arrivals.out[0] : arrivals.caught[0];
  assert.ok(msg, `expected the ${expect.ends === 'out' ? 'output' : 'Catch'}, got ${seenText}`);

  assert.equal(requests.length, expect.requests, `requests at ${op.method} ${op.path}: ${requests.map((r) => r.faulted ?? 'normal').join(', ')}`);
  if (msg.q2?.attempts !== undefined) assert.equal(msg.q2.attempts, expect.attempts ?? expect.requests, 'msg.q2.attempts');
  if (expect.ends === 'catch') {
    assert.ok(msg.q2, 'msg.q2 at Catch');
    assert.equal(msg.q2.attempts, expect.attempts ?? expect.requests, 'msg.q2.attempts at Catch');
  }
  if (family.id === 'platform') assert.equal(sim.server.requestsTo(TOKEN_PATH).length, expect.tokens ?? 1, 'token requests');
  if (expect.minGapMs !== undefined) {
    assert.ok(requests.length >= 2, 'a second request');
    const gap = requests[1].at - requests[0].at;
    assert.ok(gap >= expect.minGapMs, `the second request came ${gap} ms after the first, not after Retry-After`);
  }

  const status = lastStatus('n1');
  if (expect.ends === 'out') {
    assert.equal(msg.statusCode, expect.statusCode ?? 200);
    assert.deepEqual(status && { fill: status.fill, shape: status.shape, text: status.text }, {
      fill: 'green',
      shape: 'dot',
      text: `HTTP ${expect.statusCode ?? 200}`,
    });
    expect.check?.(msg, input, sim);
    return;
  }
  assert.equal(msg.error?.source?.id, 'n1', 'the error comes from the node under test');
  assert.equal(status?.fill, 'red', 'a red ring');
  assert.equal(status?.shape, 'ring', 'a red ring');
  if (expect.ring) assert.equal(status?.text, expect.ring);
  if (expect.sent !== undefined) assert.equal(msg.q2?.sent, expect.sent, 'msg.q2.sent');
  expect.check?.(msg, input, sim);
  // last, so that a wrong text does not hide the checks above
  if (expect.text) assert.match(msg.error?.message ?? '', expect.text);
  if (expect.statusCode !== undefined) assert.equal(msg.statusCode, expect.statusCode, 'msg.statusCode at Catch');
}

describe('fault matrix: every fault × read and write × every API family (Node-RED)', function () {
  this.timeout(30_000);
  const ctx = useSimulator();
  let closedUrl = '';

  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  before(async () => {
    process.on('unhandledRejection', onRejection);
    closedUrl = await closedPortUrl();
  });
  after(() => process.off('unhandledRejection', onRejection));
  afterEach(() => assert.deepEqual(rejections.map(show), [], 'an unhandled promise rejection escaped'));

  for (const family of FAMILIES) {
    describe(family.title, () => {
      for (const kind of ['read', 'write'] as const) {
        const op = family.ops[kind];
        describe(`${kind}: ${op.method} ${op.path} (${op.node.type})`, () => {
          for (const row of FAULTS) {
            const spec = row[kind];
            const expect = typeof spec === 'function' ? spec(family.id) : spec;
            const outcome = expect.ends === 'out' ? `output after ${expect.requests}` : `Catch after ${expect.requests}`;
            it(`${row.name} → ${outcome} request(s)`, async () => {
              const { sim } = ctx;
              const connection = {
                timeout: 1,
                retryAttempts: 3,
                retryDelay: 0.05,
                retryMaxDelay: 10,
                ...row.connection,
                ...(row.refused ? family.refusedConnection(closedUrl, sim.url) : {}),
              };
              await family.load(family.flow(sim.url, [{ id: 'n1', ...op.node }], connection), op.credentials ? { n1: op.credentials } : {});
              if (row.fault) sim.server.injectFault({ path: op.path, method: op.method, ...row.fault });
              const input = op.msg();
              const arrivals = await sendAndSettle(structuredClone(input));
              assertOutcome(arrivals, expect, input, sim, op, family);
            });
          }
        });
      }
    });
  }
});
