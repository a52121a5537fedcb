/** The Caliper resource nodes: every documented Caliper operation beyond the seed's eight actions, grouped by area. */
import type { ResourceSpec } from '../../model/operation';
import { messaging } from './messaging';
import { system } from './system';
import { treasury } from './treasury';

export const caliperResources: readonly ResourceSpec[] = [system, treasury, messaging];
