/** The Caliper resource nodes: every documented Caliper operation beyond the seed's eight actions, grouped by area. */
import type { ResourceSpec } from '../../model/operation';
import { accounts } from './accounts';
import { system } from './system';
import { transfers } from './transfers';

export const caliperResources: readonly ResourceSpec[] = [system, accounts, transfers];
