/** The eight Q2 Platform (Caliper) action nodes, all described in lib/platform/operations.ts. */
import type { NodeAPI } from 'node-red';
import { platformNodeSet } from '../lib/platform/node-set';
import { registerNodeSet } from '../lib/node-red/register';
import { useRuntimeI18n } from '../lib/i18n';

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-platform', RED._);
  registerNodeSet(RED, platformNodeSet);
};
