/** The Caliper resource nodes: every documented Caliper operation beyond the seed's eight actions, grouped by area. */
import type { ResourceSpec } from '../../model/operation';
import { accounts } from './accounts';
import { ach } from './ach';
import { admin } from './admin';
import { customers } from './customers';
import { logons } from './logons';
import { messaging } from './messaging';
import { openBanking } from './open-banking';
import { roles } from './roles';
import { smart } from './smart';
import { system } from './system';
import { transfers } from './transfers';
import { treasury } from './treasury';
import { users } from './users';

/** In palette order: the platform, people and access, accounts and money, messaging, partners. */
export const caliperResources: readonly ResourceSpec[] = [
  system,
  users,
  customers,
  logons,
  roles,
  admin,
  accounts,
  transfers,
  ach,
  treasury,
  messaging,
  openBanking,
  smart,
];
