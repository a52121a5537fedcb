/** The Caliper areas of the Platform simulator, one per resource node (lib/platform/caliper/). */
import type { CaliperAreaFactory } from './api';
import { messagingArea } from './messaging';
import { systemArea } from './system';
import { treasuryArea } from './treasury';

export type { CaliperApi, CaliperArea, CaliperAreaFactory, CaliperHandler, CaliperRoute } from './api';

export const CALIPER_AREAS: readonly CaliperAreaFactory[] = [systemArea, treasuryArea, messagingArea];
