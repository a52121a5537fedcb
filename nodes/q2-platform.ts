/** The eight Q2 Platform (Caliper) action nodes, all described in lib/platform/operations.ts. */
import type { NodeAPI } from 'node-red';
import { platformNodeSet } from '../lib/platform/node-set';
import { registerNodeSet } from '../lib/node-red/register';

export = function (RED: NodeAPI): void {
  registerNodeSet(RED, platformNodeSet);
};
