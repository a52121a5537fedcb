/** The Caliper areas of the Platform simulator, one per resource node (lib/platform/caliper/). */
import type { CaliperAreaFactory } from './api';
import { customersArea } from './customers';
import { systemArea } from './system';
import { usersArea } from './users';

export type { CaliperApi, CaliperArea, CaliperAreaFactory, CaliperHandler, CaliperRoute } from './api';

export const CALIPER_AREAS: readonly CaliperAreaFactory[] = [systemArea, usersArea, customersArea];
