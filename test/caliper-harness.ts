/**
 * The table-driven check of Caliper operations (issue 12): each case sends one message to a resource node (its
 * `operation` set as the case says) and asserts the one request the simulator received — method, path (as sent,
 * percent-encoding kept), query, headers, JSON body and the connection's bearer token — and what came out. A refusal
 * case asserts the message reached Catch naming the field, and that nothing was sent.
 */
import assert from 'node:assert/strict';
import type { RecordedRequest } from '../lib/simulator';
import { flowWith, load, send, type Msg, type Outcome, type SimContext } from './harness';

export interface WireCase {
  /** the operation id (the node's `operation` property) */
  operation: string;
  /** what the case shows, after the operation id */
  title: string;
  /** node properties besides the operation */
  node?: Record<string, unknown>;
  /** node credentials (sensitive params) */
  credentials?: Record<string, string>;
  config?: Record<string, unknown>;
  payload?: unknown;
  expect: {
    method: string;
    /** the path as sent, e.g. `/v2/ResetPassword/jane%20doe` */
    path: string;
    query?: Record<string, string>;
    /** headers that must be present with these values (names lower-case) */
    headers?: Record<string, string>;
    /** the JSON body; `undefined` asserts no body was sent */
    body?: unknown;
  };
  /** more checks on the output message (msg.payload is the response envelope) */
  check?: (out: Msg, call: RecordedRequest) => void;
}

export interface RefusalCase {
  operation: string;
  title: string;
  node?: Record<string, unknown>;
  config?: Record<string, unknown>;
  payload?: unknown;
  /** the error text must match (it names the field) */
  error: RegExp;
}

/** The error text of a message that reached Catch ('' when none did). */
export const errorText = (o: Outcome): string => (o.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';

/** The message at the output; fails when it went to Catch instead. */
export function output(o: Outcome): Msg {
  assert.equal(errorText(o), '', 'no Catch');
  assert.ok(o.out, 'reached the output');
  return o.out;
}

/** The message at Catch; fails when it reached the output. */
export function caught(o: Outcome): Msg {
  assert.equal(o.out, undefined, 'must not reach the output');
  assert.ok(o.caught, 'reached Catch');
  return o.caught;
}

const isToken = (r: RecordedRequest): boolean => /\/oauth2\/token$/.test(r.path);

/** The API requests the simulator received since the last clearRequests (token requests left out). */
export function apiCalls(ctx: SimContext): RecordedRequest[] {
  return ctx.sim.server.requests.filter((r) => !isToken(r));
}

async function run(
  ctx: SimContext,
  type: string,
  c: { operation: string; node?: Record<string, unknown>; credentials?: Record<string, string>; config?: Record<string, unknown>; payload?: unknown },
): Promise<Outcome> {
  await load(flowWith(ctx.sim.url, [{ id: 'n1', type, operation: c.operation, ...c.node }]), c.credentials ? { n1: c.credentials } : {});
  ctx.sim.server.clearRequests();
  const msg: Record<string, unknown> = { payload: c.payload ?? 'trigger' };
  if (c.config) msg.config = c.config;
  return send(msg);
}

/** One `it` per case, in the enclosing describe (which must call useSimulator(ctx)). */
export function wireCases(ctx: SimContext, type: string, cases: readonly WireCase[]): void {
  for (const c of cases) {
    it(`${c.operation}: ${c.title}`, async () => {
      const outcome = await run(ctx, type, c);
      const error = (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message;
      assert.equal(error, undefined, `reached Catch: ${error ?? ''}`);
      assert.ok(outcome.out, 'reached the output');
      const calls = apiCalls(ctx);
      assert.equal(calls.length, 1, calls.map((r) => `${r.method} ${r.path}`).join(', ') || 'no request');
      const [call] = calls;
      assert.equal(`${call.method} ${call.path}`, `${c.expect.method} ${c.expect.path}`);
      assert.deepEqual(call.query, c.expect.query ?? {}, 'query');
      for (const [name, value] of Object.entries(c.expect.headers ?? {})) assert.equal(call.headers[name], value, `header ${name}`);
      assert.match(call.headers.authorization ?? '', /^Bearer \S+$/, "the connection's bearer token");
      if (c.expect.body === undefined) assert.equal(call.rawBody, '', 'no body');
      else {
        assert.equal(call.headers['content-type'], 'application/json');
        assert.deepEqual(call.body, c.expect.body, 'body');
      }
      assert.equal(outcome.out.statusCode, 200);
      c.check?.(outcome.out, call);
    });
  }
}

/** One `it` per case: the message reaches Catch with an error naming the field, and nothing is sent. */
export function refusalCases(ctx: SimContext, type: string, cases: readonly RefusalCase[]): void {
  for (const c of cases) {
    it(`${c.operation}: ${c.title} → Catch naming the field, nothing sent`, async () => {
      const outcome = await run(ctx, type, c);
      assert.equal(outcome.out, undefined, 'must not reach the output');
      const error = (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
      assert.match(error, c.error);
      assert.deepEqual(
        apiCalls(ctx).map((r) => `${r.method} ${r.path}`),
        [],
        'nothing sent',
      );
    });
  }
}
