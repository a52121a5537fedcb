/** The Biller Direct resource nodes (auth, bill, company, payment, client, swap, partner), described in lib/billerdirect/operations.ts. */
import type { NodeAPI } from 'node-red';
import { billerDirectNodeSet } from '../lib/billerdirect/node-set';
import { registerNodeSet } from '../lib/node-red/register';

export = function (RED: NodeAPI): void {
  registerNodeSet(RED, billerDirectNodeSet);
};
