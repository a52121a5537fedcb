/** The CorePro/Helix external-account node, described in lib/helix/operations.ts. */
import type { NodeAPI } from 'node-red';
import { helixNodeSet } from '../lib/helix/node-set';
import { registerNodeSet } from '../lib/q2-request';

export = function (RED: NodeAPI): void {
  registerNodeSet(RED, helixNodeSet);
};
