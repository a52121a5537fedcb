/** The Q2 Biller Direct node set: seven resource nodes on a q2-bd-config connection (docs/api-notes.md §2). */
import type { NodeSet } from '../q2-request';
import { billerDirectResources } from './operations';

export const billerDirectNodeSet: NodeSet = {
  namespace: 'q2-billerdirect',
  category: 'Q2_Biller_Direct',
  color: '#E2D96E',
  connectionType: 'q2-bd-config',
  acceptsAccessToken: false,
  operations: [],
  resources: billerDirectResources,
};
