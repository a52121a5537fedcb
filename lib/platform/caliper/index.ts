/** The Caliper resource nodes: every documented Caliper operation beyond the seed's eight actions, grouped by area. */
import type { ResourceSpec } from '../../model/operation';
import { openBanking } from './open-banking';
import { smart } from './smart';
import { system } from './system';

export const caliperResources: readonly ResourceSpec[] = [system, openBanking, smart];
