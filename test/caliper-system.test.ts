/** Caliper area "system" (q2-platform-system): GetVersion, GetUsage (header params) and Cust (the method is a parameter). */
import assert from 'node:assert/strict';
import { refusalCases, wireCases } from './caliper-harness';
import { simulatorContext, useSimulator } from './harness';

const ctx = simulatorContext();
const TYPE = 'q2-platform-system';

describe('Caliper: Q2 System (q2-platform-system) against the simulator', () => {
  useSimulator(ctx);

  wireCases(ctx, TYPE, [
    {
      operation: 'GetVersion',
      title: 'GET /v2/GetVersion, no parameters',
      expect: { method: 'GET', path: '/v2/GetVersion' },
      check: (out) => assert.equal((out.payload as { data: { Result: string } }).data.Result, 'Success'),
    },
    {
      operation: 'GetUsage',
      title: 'the window in the from_date and to_date headers; the bare {GetUsage} body is the output',
      config: { from_date: '2026-01-01', to_date: '2026-01-31' },
      expect: { method: 'GET', path: '/v2/GetUsage', headers: { from_date: '2026-01-01', to_date: '2026-01-31' } },
      check: (out) => assert.ok(Array.isArray((out.payload as { GetUsage?: unknown }).GetUsage)),
    },
    {
      operation: 'Cust',
      title: 'GET by default, the extension name encoded in its segment, no body',
      node: { extensionName: 'Echo' },
      payload: { ignored: true },
      expect: { method: 'GET', path: '/v2/Cust/Echo' },
      check: (out) => assert.match((out.payload as { data: { response: string } }).data.response, /"method":"GET"/),
    },
    {
      operation: 'Cust',
      title: 'msg.config.method POST sends the data property as the JSON body',
      config: { extensionName: 'Echo', method: 'POST' },
      payload: { greeting: 'hello' },
      expect: { method: 'POST', path: '/v2/Cust/Echo', body: { greeting: 'hello' } },
    },
    {
      operation: 'Cust',
      title: 'DELETE sends no body, whatever the data property holds',
      config: { extensionName: 'Echo', method: 'DELETE' },
      payload: { not: 'sent' },
      expect: { method: 'DELETE', path: '/v2/Cust/Echo' },
    },
    {
      operation: 'Cust',
      title: 'PATCH from the node, with an array body',
      node: { extensionName: 'Echo', method: 'PATCH' },
      payload: [1, 2],
      expect: { method: 'PATCH', path: '/v2/Cust/Echo', body: [1, 2] },
    },
  ]);

  refusalCases(ctx, TYPE, [
    { operation: 'Cust', title: 'no extension name', error: /extensionName is required/ },
    {
      operation: 'Cust',
      title: 'a method that is not HTTP',
      config: { extensionName: 'Echo', method: 'TRACE' },
      error: /msg\.config\.method must be one of GET, POST, PUT, PATCH, DELETE/,
    },
    {
      operation: 'GetUsage',
      title: 'a header value with a line break',
      config: { from_date: '2026-01-01\r\nX-Evil: 1' },
      error: /from_date must not contain a line break/,
    },
  ]);

  it('Cust: an extension that fails answers success:false inside HTTP 200 → Catch; sent once', async () => {
    const { load, send, flowWith } = await import('./harness');
    await load(flowWith(ctx.sim.url, [{ id: 'n1', type: TYPE, operation: 'Cust', extensionName: 'Failing', method: 'POST' }]));
    ctx.sim.server.clearRequests();
    const outcome = await send({ payload: { a: 1 } });
    const error = (outcome.caught as { error?: { message?: string } } | undefined)?.error?.message ?? '';
    assert.match(error, /Extension returned an error/);
    assert.equal(ctx.sim.server.requests.filter((r) => r.path === '/v2/Cust/Failing').length, 1);
  });
});
