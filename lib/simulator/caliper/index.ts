/** The Caliper areas of the Platform simulator, one per resource node (lib/platform/caliper/). */
import type { CaliperAreaFactory } from './api';
import { accountsArea } from './accounts';
import { achArea } from './ach';
import { customersArea } from './customers';
import { logonsArea } from './logons';
import { messagingArea } from './messaging';
import { openBankingArea } from './open-banking';
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
  accountsArea,
  transfersArea,
  achArea,
  treasuryArea,
  messagingArea,
  openBankingArea,
  smartArea,
];
