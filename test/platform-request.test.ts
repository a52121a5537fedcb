/**
 * The generic Q2 Request node (q2-platform-request, issue 12 item 3): any method and path under the connection's base
 * URL and version, query and headers from JSON objects, the body from the data property, the connection's managed
 * token and origin rules; a GET is retried like a read, a write never; paths that would leave the API and headers the
 * connection owns are refused naming the field, nothing sent.
 */
import assert from 'node:assert/strict';
import { apiCalls, refusalCases, wireCases } from './caliper-harness';
import { flowWith, load, send, simulatorContext, useSimulator } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-request';

describe('Q2 Request (q2-platform-request): any Caliper call through the connection', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: '',
      title: 'GET by default: the path after the version, the query object, extra headers; no body',
      node: { path: '/GetAccountList', query: '{"user_id": 2, "account_types": "Deposit"}', queryType: 'json' },
      config: { headers: { 'X-Trace-Id': 'trace-1' } },
      expect: { method: 'GET', path: '/v2/GetAccountList', query: { user_id: '2', account_types: 'Deposit' }, headers: { 'x-trace-id': 'trace-1' } },
      check: (out) => assert.equal((out.payload as { success: boolean }).success, true),
    },
    {
      operation: '',
      title: 'msg.config.method POST with the data property as the body (a documented operation without a node of its own)',
      config: { method: 'POST', path: '/Cust/Echo' },
      payload: { greeting: 'hello' },
      expect: { method: 'POST', path: '/v2/Cust/Echo', body: { greeting: 'hello' } },
    },
    {
      operation: '',
      title: 'DELETE sends a body only when the data property holds one',
      config: { method: 'DELETE', path: '/Cust/Echo' },
      expect: { method: 'DELETE', path: '/v2/Cust/Echo' },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: '', title: 'no path', error: /path is required/ },
    { operation: '', title: 'a path with ..', config: { path: '/ACH/../../oauth2/token' }, error: /msg\.config\.path must be a path after the version/ },
    { operation: '', title: 'a percent-encoded ..', config: { path: '/x/%2e%2E/y' }, error: /msg\.config\.path must be a path after the version/ },
    { operation: '', title: 'a query inside the path', config: { path: '/GetVersion?x=1' }, error: /msg\.config\.path must be a path/ },
    {
      operation: '',
      title: 'an Authorization header',
      config: { path: '/GetVersion', headers: { authorization: 'Bearer other' } },
      error: /the headers may not set authorization/,
    },
    {
      operation: '',
      title: 'a header value with a line break',
      config: { path: '/GetVersion', headers: { 'X-A': 'a\r\nX-B: b' } },
      error: /msg\.config\.headers must be an object of header names/,
    },
    { operation: '', title: 'a query that is not an object', config: { path: '/GetVersion', query: 'a=1' }, error: /msg\.config\.query must be an object/ },
    {
      operation: '',
      title: 'another origin without a token of its own',
      config: { path: '/GetVersion', baseUrl: 'https://elsewhere.example.com' },
      error: /origin/,
    },
  ]);

  for (const [method, expected] of [
    ['GET', 2],
    ['POST', 1],
  ] as const) {
    it(`a 503 on a ${method}: ${expected === 2 ? 'retried (a read)' : 'never retried (a write)'}`, async () => {
      await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, path: '/GetVersion', method }]));
      ctx.sim.server.clearRequests();
      ctx.sim.server.injectFault({ path: '/v2/GetVersion', status: 503, body: {} });
      await send({ payload: {} });
      assert.equal(apiCalls(ctx).length, expected);
    });
  }
});
