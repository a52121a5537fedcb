/** The Q2 Biller Direct node set: seven resource nodes on a q2-billerdirect-config connection (docs/api-notes.md §2). */
import { billerDirectFamily } from './envelope';
import type { NodeSet } from '../model/node-set';
import { billerDirectResources } from './operations';

export const billerDirectNodeSet: NodeSet = {
  namespace: 'q2-billerdirect',
  category: 'Q2_Biller_Direct',
  color: '#E2D96E',
  connectionType: 'q2-billerdirect-config',
  family: billerDirectFamily,
  operations: [],
  resources: billerDirectResources,
};
