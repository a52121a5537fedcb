/** The Caliper resource nodes: every documented Caliper operation beyond the seed's eight actions, grouped by area. */
import type { ResourceSpec } from '../../model/operation';
import { admin } from './admin';
import { roles } from './roles';
import { system } from './system';

export const caliperResources: readonly ResourceSpec[] = [system, roles, admin];
