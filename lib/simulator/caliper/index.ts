/** The Caliper areas of the Platform simulator, one per resource node (lib/platform/caliper/). */
import type { CaliperAreaFactory } from './api';
import { accountsArea } from './accounts';
import { systemArea } from './system';
import { transfersArea } from './transfers';

export type { CaliperApi, CaliperArea, CaliperAreaFactory, CaliperHandler, CaliperRoute } from './api';

export const CALIPER_AREAS: readonly CaliperAreaFactory[] = [systemArea, accountsArea, transfersArea];
