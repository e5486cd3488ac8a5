import { referenceDataRoutes } from '../reference-data/routes.js';
import { requestRoutes } from '../requests/routes.js';
import type { RouteDefinition } from './route.js';
import { platformRoutes } from './routes.js';

/** Every route of the HTTP API, by capability. */
export const apiRoutes = {
  platform: platformRoutes,
  referenceData: referenceDataRoutes,
  requests: requestRoutes,
} satisfies Record<string, RouteDefinition[]>;

export const allRoutes: RouteDefinition[] = Object.values(apiRoutes).flat();
