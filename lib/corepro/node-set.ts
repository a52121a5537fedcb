/** The CorePro/Helix node set: the external-account resource node on a q2-corepro-config connection. */
import { coreproFamily } from './envelope';
import type { NodeSet } from '../model/node-set';
import { externalAccount } from './operations';

export const coreproNodeSet: NodeSet = {
  namespace: 'q2-corepro',
  category: 'Q2_CorePro',
  color: '#87A980',
  connectionType: 'q2-corepro-config',
  family: coreproFamily,
  operations: [],
  resources: [externalAccount],
};
