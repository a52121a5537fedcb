/** The CorePro/Helix external-account node, described in lib/corepro/operations.ts. */
import type { NodeAPI } from 'node-red';
import { coreproNodeSet } from '../lib/corepro/node-set';
import { registerNodeSet } from '../lib/node-red/register';
import { useRuntimeI18n } from '../lib/i18n';

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-corepro', RED._);
  registerNodeSet(RED, coreproNodeSet);
};
