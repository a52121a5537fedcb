/** The Biller Direct resource nodes (auth, bill, company, payment, client, swap, partner), described in lib/billerdirect/operations.ts. */
import type { NodeAPI } from 'node-red';
import { billerDirectNodeSet } from '../lib/billerdirect/node-set';
import { registerNodeSet } from '../lib/node-red/register';
import { useRuntimeI18n } from '../lib/i18n';

export = function (RED: NodeAPI): void {
  useRuntimeI18n('q2-billerdirect', RED._);
  registerNodeSet(RED, billerDirectNodeSet);
};
