/** The Q2 Platform node set: its operations, its connection type, and how it shows in the palette. */
import type { NodeSet } from '../q2-request';
import { getToken } from './get-token';
import { platformOperations } from './operations';

export const platformNodeSet: NodeSet = {
  namespace: 'q2-platform',
  category: 'Q2_Platform',
  color: '#3FADB5',
  connectionType: 'q2-config',
  acceptsAccessToken: true,
  operations: platformOperations,
  executors: { token: getToken },
};
