/** The Q2 Platform node set: its operations, its connection type, and how it shows in the palette. */
import { platformFamily } from './envelope';
import type { NodeSet } from '../model/node-set';
import { getToken } from './get-token';
import { platformOperations } from './operations';
import { caliperResources } from './caliper';
import { requestNode, sendRequest } from './request';

export const platformNodeSet: NodeSet = {
  namespace: 'q2-platform',
  category: 'Q2_Platform',
  color: '#3FADB5',
  connectionType: 'q2-platform-config',
  family: platformFamily,
  operations: [...platformOperations, requestNode],
  resources: caliperResources,
  executors: { token: getToken, request: sendRequest },
};
