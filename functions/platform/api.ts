import { approvalPolicyRoutes } from '../approval-policy/routes.js';
import { delegationRoutes } from '../approvals/delegation-routes.js';
import { approvalRoutes } from '../approvals/routes.js';
import { budgetRoutes } from '../budgets/routes.js';
import { exportRoutes } from '../exports/routes.js';
import { referenceDataRoutes } from '../reference-data/routes.js';
import { reportRoutes } from '../reports/routes.js';
import { requestRoutes } from '../requests/routes.js';
import { triageRoutes } from '../triage/routes.js';
import { vendorRoutes } from '../vendors/routes.js';
import type { RouteDefinition } from './route.js';
import { platformRoutes } from './routes.js';

/** Every route of the HTTP API; each capability's construct takes its own list. */
export const allRoutes: RouteDefinition[] = [
  ...platformRoutes,
  ...referenceDataRoutes,
  ...requestRoutes,
  ...approvalRoutes,
  ...delegationRoutes,
  ...budgetRoutes,
  ...exportRoutes,
  ...reportRoutes,
  ...vendorRoutes,
  ...approvalPolicyRoutes,
  ...triageRoutes,
];
