/**
 * No log line, node status, error message or Catch message contains the client secret, a token, an SSN or a
 * TaxID. Each scenario runs in the real Node-RED runtime against the simulator and records everything that
 * could leak: every Node-RED log call, every status/error/warn/log call of every node, every message a Catch
 * node receives, and console output; then searches it for every secret the scenario used and every token the
 * simulator issued.
 */
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../lib/simulator';
import { caughtTexts, flowWith, helper, load, send, show, spiedTexts, type Evidence, type FlowNode, type Msg, type Outcome } from './harness';

const CLIENT_ID = 'secrecy-client';
const CLIENT_SECRET = 'cs-Zq8v1Lr7Kx2Wn5Tb3Pm9';
const WRONG_MSG_SECRET = 'wrong-msg-secret-Hh4Jd6';
const WRONG_NODE_SECRET = 'wrong-node-secret-Yy7Uu1';
const SSN = '123456789';
const TAX_ID = '012345678';

type Console = Pick<typeof console, 'log' | 'info' | 'warn' | 'error' | 'debug'>;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

class Recorder {
  readonly tokens = new Set<string>();
  private caughtMessages: Msg[] = [];
  private consoleLines: string[] = [];
  private originalConsole?: Console;
  private restoreIssue?: () => void;

  /** Records every token the simulator issues (over HTTP or directly). */
  watchTokens(sim: RunningSimulator): void {
    const platform = sim.platform;
    const original = platform.issueToken;
    platform.issueToken = (...args: Parameters<typeof original>) => {
      const issued = original.apply(platform, args);
      this.tokens.add(issued.access_token);
      return issued;
    };
    this.restoreIssue = () => {
      platform.issueToken = original;
    };
  }

  captureConsole(): void {
    const saved: Console = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    this.originalConsole = saved;
    for (const method of CONSOLE_METHODS) {
      console[method] = (...args: unknown[]) => {
        this.consoleLines.push(args.map(show).join(' '));
      };
    }
  }

  /** Call after load(): listens to the Catch node's helper. */
  listenToCatch(): void {
    helper.getNode('caught').on('input', (msg: Msg) => {
      this.caughtMessages.push(msg);
    });
  }

  /** What was logged, shown and caught since the flow was loaded (the helper's spies live until unload). */
  evidence(): Evidence[] {
    return [...spiedTexts(), ...caughtTexts(this.caughtMessages), ...this.consoleLines.map((line, i) => ({ where: `console #${i}`, text: line }))];
  }

  get caught(): readonly Msg[] {
    return this.caughtMessages;
  }

  restore(): void {
    if (this.originalConsole) Object.assign(console, this.originalConsole);
    this.originalConsole = undefined;
    this.restoreIssue?.();
    this.restoreIssue = undefined;
  }
}

/** The secrets of a scenario, by label (the label, not the value, goes in a failure message). */
function secrets(recorder: Recorder): Array<[label: string, value: string]> {
  const list: Array<[string, string]> = [
    ['the client secret', CLIENT_SECRET],
    ['a wrong client secret from msg.config', WRONG_MSG_SECRET],
    ['a wrong client secret from the node', WRONG_NODE_SECRET],
    ['the SSN', SSN],
    ['the TaxID', TAX_ID],
  ];
  [...recorder.tokens].forEach((token, i) => list.push([`issued token #${i}`, token]));
  return list;
}

function assertNothingLeaks(recorder: Recorder, evidence: Evidence[]): void {
  const leaks: string[] = [];
  for (const [label, value] of secrets(recorder)) {
    for (const item of evidence) if (item.text.includes(value)) leaks.push(`${label} in ${item.where}`);
  }
  assert.deepEqual(leaks, [], 'secrets leaked');
}

/** The evidence is real: these texts were seen (so the search above did look at something). */
function assertSeen(evidence: Evidence[], ...expected: Array<string | RegExp>): void {
  const all = evidence.map((e) => e.text).join('\n');
  for (const e of expected) {
    if (typeof e === 'string') assert.ok(all.includes(e), `expected to see ${JSON.stringify(e)}`);
    else assert.match(all, e);
  }
}

function caught(outcome: Outcome): Msg & { error: { message: string } } {
  assert.equal(outcome.out, undefined, 'expected a failure');
  assert.ok(outcome.caught?.error);
  return outcome.caught as Msg & { error: { message: string } };
}

function output(outcome: Outcome): Msg {
  assert.equal(outcome.caught, undefined, outcome.caught?.error?.message);
  assert.ok(outcome.out);
  return outcome.out;
}

describe('secrecy (Node-RED): no secret, token, SSN or TaxID in logs, statuses, errors or Catch messages', () => {
  let sim: RunningSimulator;
  let recorder: Recorder;

  before(async () => {
    sim = await startSimulator({ port: 0, platform: { clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] } });
    await new Promise<void>((resolve) => helper.startServer(() => resolve()));
  });
  after(async () => {
    await sim.stop();
    await new Promise<void>((resolve) => helper.stopServer(() => resolve()));
  });
  beforeEach(() => {
    sim.server.reset();
    recorder = new Recorder();
    recorder.watchTokens(sim);
    recorder.captureConsole();
  });
  afterEach(async () => {
    recorder.restore();
    await helper.unload();
  });

  async function loadFlow(
    nodes: FlowNode[],
    credentials: Record<string, Record<string, string>> = {},
    connection: Record<string, unknown> = {},
  ): Promise<void> {
    await load(flowWith(sim.url, nodes, connection), { conn: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, ...credentials });
    recorder.listenToCatch();
  }

  it('successes: the connection’s token, Get Token with msg.config credentials, lookups by SSN and TaxID', async () => {
    await loadFlow(
      [
        { id: 'n1', type: 'q2-get-token', wires: [['n2']] },
        { id: 'n2', type: 'q2-lookup-customer', includePhone: true },
        { id: 'n3', type: 'q2-lookup-user', includeAuthToken: true },
        { id: 'n4', type: 'q2-get-token' },
      ],
      { n3: { ssn: SSN } },
    );
    const viaGetToken = output(await send({ config: { taxID: TAX_ID } }, 'n1'));
    const byNodeSsn = output(await send({}, 'n3'));
    const byMsgSsn = output(await send({ config: { ssn: SSN } }, 'n3'));
    const ownCredentials = output(await send({ config: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'CaliperAPI:LookupUser' } }, 'n4'));

    assert.ok(recorder.tokens.has((viaGetToken.config as { accessToken: string }).accessToken), 'the chain used a token the simulator issued');
    assert.ok(recorder.tokens.has((ownCredentials.payload as { access_token: string }).access_token));
    assert.equal(recorder.tokens.size, 2);
    for (const out of [viaGetToken, byNodeSsn, byMsgSsn]) assert.equal(out.statusCode, 200);

    const evidence = recorder.evidence();
    assertSeen(evidence, 'HTTP 200', '1 in flight');
    assertNothingLeaks(recorder, evidence);
  });

  it('validation errors with an SSN, a TaxID and a token in msg.config', async () => {
    await loadFlow([
      { id: 'n1', type: 'q2-lookup-user' },
      { id: 'n2', type: 'q2-lookup-customer' },
      { id: 'n3', type: 'q2-delete-user' },
    ]);
    const token = sim.platform.issueToken(CLIENT_ID).access_token;
    const failures = [
      caught(await send({ config: { ssn: Number(SSN), accessToken: token } }, 'n1')),
      caught(await send({ config: { ssn: SSN, apiVersion: 'v9', accessToken: token } }, 'n1')),
      caught(await send({ config: { taxID: { value: TAX_ID }, accessToken: token } }, 'n2')),
      caught(await send({ config: { taxID: TAX_ID, baseUrl: 'ftp://example.com' } }, 'n2')),
      caught(await send({ config: { userID: 'abc', accessToken: token, client_secret: CLIENT_SECRET } }, 'n3')),
      caught(await send({ config: 'not an object' }, 'n1')),
    ];
    assert.equal(sim.server.requests.length, 0, 'invalid input sends nothing');
    for (const failure of failures) {
      const config = failure.config;
      if (config !== null && typeof config === 'object') {
        for (const key of ['ssn', 'taxID', 'accessToken', 'client_secret']) assert.ok(!(key in config), `msg.config.${key} is removed before Catch`);
      }
    }

    const evidence = recorder.evidence();
    assertSeen(evidence, 'msg.config.ssn', 'msg.config.taxID', 'msg.config.apiVersion', 'msg.config.userID', 'invalid input');
    assertNothingLeaks(recorder, evidence);
  });

  it('HTTP failures after Get Token, with the SSN and TaxID in the request', async () => {
    await loadFlow(
      [
        { id: 'n1', type: 'q2-get-token', wires: [['n2']] },
        { id: 'n2', type: 'q2-lookup-customer' },
        { id: 'n3', type: 'q2-lookup-user' },
      ],
      { n3: { ssn: SSN } },
    );
    sim.server.injectFault({
      path: '/v2/LookupCustomer',
      status: 500,
      body: { data: {}, success: false, errors: [{ code: 500, message: 'Internal' }], requestid: 'req-s-500', status: 500 },
    });
    const afterToken = caught(await send({ config: { taxID: TAX_ID } }, 'n1'));
    assert.equal(afterToken.statusCode, 500);

    sim.server.injectFault({
      path: '/v2/LookupUser',
      status: 400,
      body: { data: {}, success: false, errors: [{ code: 400, message: 'Invalid SSN' }], requestid: 'req-s-400', status: 400 },
    });
    caught(await send({}, 'n3'));
    sim.server.injectFault({ path: '/v2/LookupUser', malformed: true });
    caught(await send({ config: { ssn: SSN } }, 'n3'));
    sim.platform.expireAllTokens();
    sim.server.injectFault({
      path: '/v2/LookupUser',
      status: 401,
      times: 2,
      body: { data: {}, success: false, errors: [{ code: 401, message: 'Unauthorized' }], requestid: 'req-s-401', status: 401 },
    });
    caught(await send({}, 'n3'));
    assert.ok(recorder.tokens.size >= 2);

    const evidence = recorder.evidence();
    assertSeen(evidence, 'req-s-500', 'req-s-400', 'req-s-401', 'the response is not JSON', 'HTTP 401');
    assertNothingLeaks(recorder, evidence);
  });

  it('Get Token failing with 401 invalid_client, for a msg.config secret, a node secret and the connection’s', async () => {
    await loadFlow(
      [
        { id: 'n1', type: 'q2-get-token' },
        { id: 'n2', type: 'q2-get-token', scope: 'CaliperAPI:LookupUser' },
        { id: 'n3', type: 'q2-lookup-user' },
      ],
      { n2: { client_secret: WRONG_NODE_SECRET }, n3: { ssn: SSN } },
    );
    const fromMsg = caught(await send({ config: { client_secret: WRONG_MSG_SECRET, keep: 'this' } }, 'n1'));
    assert.equal(fromMsg.statusCode, 401);
    assert.deepEqual(fromMsg.config, { keep: 'this' });
    caught(await send({}, 'n2'));

    sim.server.injectFault({ path: '/v2/oauth2/token', status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    const connectionToken = caught(await send({}, 'n3'));
    assert.match(connectionToken.error.message, /Lookup User: could not get a token: HTTP 401/);

    const tokenRequests = sim.server.requestsTo('/v2/oauth2/token');
    assert.deepEqual(
      tokenRequests.map((r) => (r.body as { client_secret: string }).client_secret),
      [WRONG_MSG_SECRET, WRONG_NODE_SECRET, CLIENT_SECRET],
      'the scenario really sent each secret',
    );

    const evidence = recorder.evidence();
    assertSeen(evidence, 'Client authentication failed', 'token failed');
    assertNothingLeaks(recorder, evidence);
  });

  it('a timeout with an SSN and a token in msg.config', async () => {
    await loadFlow([{ id: 'n1', type: 'q2-lookup-user' }], {}, { timeout: 1, retryAttempts: 1 });
    const token = sim.platform.issueToken(CLIENT_ID).access_token;
    sim.server.injectFault({ path: '/v2/LookupUser', delayMs: 2000, status: 504 });
    const failure = caught(await send({ config: { ssn: SSN, accessToken: token } }));
    assert.equal(failure.statusCode, undefined);
    assert.deepEqual(sim.server.requestsTo('/v2/LookupUser')[0]?.body, { SSN });

    const evidence = recorder.evidence();
    assertSeen(evidence, /Lookup User: .*timeout/);
    assertNothingLeaks(recorder, evidence);
  });

  it('a server that echoes the SSN and the bearer token: the error text and status are redacted', async () => {
    await loadFlow([{ id: 'n1', type: 'q2-lookup-user' }]);
    output(await send({ config: { ssn: '222334444' } })); // the connection's token is now known
    const token = [...recorder.tokens][0];
    const echo = `SSN ${SSN} does not match; Bearer ${token} rejected`;
    sim.server.injectFault({
      path: '/v2/LookupUser',
      status: 400,
      body: { data: {}, success: false, errors: [{ code: 400, message: echo }], requestid: 'req-echo', status: 400 },
    });
    const failure = caught(await send({ config: { ssn: SSN } }));

    assert.ok(!failure.error.message.includes(SSN), 'the SSN is masked in the error');
    assert.ok(!failure.error.message.includes(token), 'the token is removed from the error');
    assert.match(failure.error.message, /\*{5}6789/);
    // msg.payload is the response body by design (it is what the server said): only the texts are checked here
    const texts = recorder.evidence().map((e) => ({ ...e, text: e.text.split(echo).join('<server body>') }));
    assertSeen(texts, 'req-echo');
    assertNothingLeaks(recorder, texts);
  });

  it('Get Token, then an action that fails without a response body: the token does not reach Catch', async () => {
    await loadFlow([
      { id: 'n1', type: 'q2-get-token', wires: [['n2']] },
      { id: 'n2', type: 'q2-delete-user' },
    ]);
    // Get Token succeeds (msg.payload = token response, msg.config.accessToken = token); Delete User rejects the id
    const failure = caught(await send({ config: { userID: 'abc' } }, 'n1'));
    assert.match(failure.error.message, /Delete User: msg\.config\.userID/);
    assert.deepEqual(failure.config, { userID: 'abc' }, 'msg.config.accessToken is removed before Catch');
    assert.equal(recorder.tokens.size, 1);
    assertNothingLeaks(recorder, recorder.evidence());
  });
});
