/**
 * The simulator kit: what every route module is built from. Routes (route/routeFamily), the one failure
 * type (SimFailure/fail, rendered by each module's guard), body readers, auth helpers and a seeded store.
 */
export * from './route';
export * from './failure';
export * from './body';
export * from './auth';
export * from './store';
