/** The CorePro/Helix external-account node, described in lib/corepro/operations.ts. */
import type { NodeAPI } from 'node-red';
import { coreproNodeSet } from '../lib/corepro/node-set';
import { registerNodeSet } from '../lib/node-red/register';

export = function (RED: NodeAPI): void {
  registerNodeSet(RED, coreproNodeSet);
};
