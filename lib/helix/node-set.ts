/** The CorePro/Helix node set: the external-account resource node on a q2-corepro-config connection. */
import type { NodeSet } from '../q2-request';
import { externalAccount } from './operations';

export const helixNodeSet: NodeSet = {
  namespace: 'q2-corepro',
  category: 'Q2_CorePro',
  color: '#87A980',
  connectionType: 'q2-corepro-config',
  acceptsAccessToken: false,
  operations: [],
  resources: [externalAccount],
};
