/**
 * Caliper area "system" (CALIPER §4 A): GetVersion, GetUsage (its window in the `from_date`/`to_date` headers, a
 * bare `{GetUsage: […]}` body on success) and the custom SDK extension passthrough `Cust/{extensionName}` for every
 * method. The simulator knows two extensions: `Echo` answers `{response}` describing what it received (method, query
 * keys, body keys — never values), and `Failing` answers `success: false` ("Extension returned an error").
 */
import type { CaliperApi, CaliperArea } from './api';

const DATE = /^\d{4}-\d{2}-\d{2}/;

export function systemArea(api: CaliperApi): CaliperArea {
  let calls = 0;
  return {
    reset: () => {
      calls = 0;
    },
    routes: [
      {
        method: 'GET',
        path: '/GetVersion',
        handler: () =>
          api.ok({
            HqVersion: '4.6.0.7001',
            HqAssemblyVersion: '4.6.0.7001',
            DbApiAssemblyVersion: '4.6.0.7001',
            ServerDateTime: new Date().toISOString(),
            Result: 'Success',
          }),
      },
      {
        method: 'GET',
        path: '/GetUsage',
        handler: (req) => {
          for (const name of ['from_date', 'to_date']) {
            const value = req.headers[name];
            if (value !== undefined && !DATE.test(value)) api.invalid(`${name} must be a date (YYYY-MM-DD)`);
          }
          calls += 1;
          const window = { FromDate: req.headers.from_date ?? null, ToDate: req.headers.to_date ?? null };
          // not enveloped on success (CALIPER §3.5)
          return { status: 200, body: { GetUsage: [{ API_Stage: [{ ...window, CallsMade: calls, CallsRemaining: 10_000 - calls }] }] } };
        },
      },
      ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => ({
        method,
        path: '/Cust/:extensionName',
        handler: (req: Parameters<CaliperArea['routes'][number]['handler']>[0], params: Record<string, string>) => {
          const name = decodeURIComponent(params.extensionName);
          if (name === 'Failing') return api.okFailure({}, [{ code: 500, message: 'Extension returned an error' }]);
          if (name !== 'Echo') return api.fail(404, 'Extension Not Found');
          const body = method === 'GET' || method === 'DELETE' ? {} : Array.isArray(req.body) ? { items: req.body.length } : api.body(req);
          const received = { method, query: Object.keys(req.query).sort(), body: Object.keys(body).sort() };
          return api.ok({ response: JSON.stringify(received) });
        },
      })),
    ],
  };
}
