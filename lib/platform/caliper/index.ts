/** The Caliper resource nodes: every documented Caliper operation beyond the seed's eight actions, grouped by area. */
import type { ResourceSpec } from '../../model/operation';
import { customers } from './customers';
import { system } from './system';
import { users } from './users';

export const caliperResources: readonly ResourceSpec[] = [system, users, customers];
