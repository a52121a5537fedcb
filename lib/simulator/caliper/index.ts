/** The Caliper areas of the Platform simulator, one per resource node (lib/platform/caliper/). */
import type { CaliperAreaFactory } from './api';
import { accountsArea } from './accounts';
import { achArea } from './ach';
import { adminArea } from './admin';
import { customersArea } from './customers';
import { logonsArea } from './logons';
import { messagingArea } from './messaging';
import { openBankingArea } from './open-banking';
import { rolesArea } from './roles';
import { smartArea } from './smart';
import { systemArea } from './system';
import { transfersArea } from './transfers';
import { treasuryArea } from './treasury';
import { usersArea } from './users';

export type { CaliperApi, CaliperArea, CaliperAreaFactory, CaliperHandler, CaliperRoute } from './api';

export const CALIPER_AREAS: readonly CaliperAreaFactory[] = [
  systemArea,
  usersArea,
  customersArea,
  logonsArea,
  rolesArea,
  adminArea,
  accountsArea,
  transfersArea,
  achArea,
  treasuryArea,
  messagingArea,
  openBankingArea,
  smartArea,
];
