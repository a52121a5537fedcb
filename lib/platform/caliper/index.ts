/** The Caliper resource nodes: every documented Caliper operation beyond the seed's eight actions, grouped by area. */
import type { ResourceSpec } from '../../model/operation';
import { system } from './system';
import { logons } from './logons';

export const caliperResources: readonly ResourceSpec[] = [system, logons];
