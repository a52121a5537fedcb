/** Caliper: the HQ version, the API usage and the custom SDK extension passthrough (CALIPER §4 A). */
import type { ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';

export const system: ResourceSpec = {
  type: 'q2-platform-system',
  icon: 'font-awesome/fa-server',
  operations: [
    caliper('GetVersion', 'GET', '/GetVersion', []),
    caliper('GetUsage', 'GET', '/GetUsage', [
      { key: 'from_date', in: 'header', type: 'string' },
      { key: 'to_date', in: 'header', type: 'string' },
    ]),
    caliper(
      'Cust',
      'GET',
      '/Cust/{extensionName}',
      [
        req({ key: 'extensionName', in: 'path', type: 'string' }),
        { key: 'method', in: 'setting', type: 'enum', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], default: 'GET' },
      ],
      // the body the extension expects, for POST, PUT and PATCH (none is documented: any JSON object or array)
      { methodParam: 'method', body: payloadBody({ anyOf: [{ type: 'object' }, { type: 'array' }] }, true) },
    ),
  ],
};
