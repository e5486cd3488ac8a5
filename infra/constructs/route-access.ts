import type { Construct } from 'constructs';
import type { RouteAccess, RouteDefinition } from '../../functions/platform/route.js';
import type { ApprovalWorkflow } from '../../workflows/approval-workflow.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import type { EmailSender } from './email-sender.js';
import type { HandlerFunction } from './handler-function.js';

/** What grants route access, as far as the capability has it: a route asking for more fails the synth. */
export interface AccessProviders {
  data?: DataTables;
  config?: AppConfig;
  workflow?: ApprovalWorkflow;
  email?: EmailSender;
  /** The exports capability's grants (bucket, export jobs), by level: environment and IAM together. */
  exports?: { grant(handler: HandlerFunction, level: NonNullable<RouteAccess['exports']>): void };
}

type Grants<K extends keyof RouteAccess> = Record<
  NonNullable<RouteAccess[K]> & string,
  (data: DataTables, handler: HandlerFunction) => void
>;

const TABLE_GRANTS: {
  [K in 'requests' | 'approvals' | 'budgets' | 'vendors' | 'referenceData' | 'audit']: Grants<K>;
} = {
  requests: {
    read: (data, handler) => data.grantRequestsRead(handler),
    check: (data, handler) => data.grantRequestsCheck(handler),
    write: (data, handler) => data.grantRequestsWrite(handler),
  },
  approvals: {
    read: (data, handler) => data.grantApprovalsRead(handler),
    write: (data, handler) => data.grantApprovalsWrite(handler),
  },
  budgets: {
    read: (data, handler) => data.grantBudgetsRead(handler),
    write: (data, handler) => data.grantBudgetsWrite(handler),
  },
  vendors: {
    read: (data, handler) => data.grantVendorsRead(handler),
    write: (data, handler) => data.grantVendorsWrite(handler),
  },
  referenceData: {
    read: (data, handler) => data.grantReferenceDataRead(handler),
    write: (data, handler) => data.grantReferenceDataWrite(handler),
  },
  audit: {
    read: (data, handler) => data.grantAuditRead(handler),
    append: (data, handler) => data.grantAuditAppend(handler),
  },
};

const SETTINGS: Record<
  NonNullable<RouteAccess['settings']>[number],
  [variable: string, value: (config: AppConfig) => string]
> = {
  fiscalYearStartMonth: ['FISCAL_YEAR_START_MONTH', (config) => String(config.fiscalYearStartMonth)],
  publicBaseUrl: ['PUBLIC_BASE_URL', (config) => config.publicBaseUrl],
};

function required<T>(provider: T | undefined, what: string, route: RouteDefinition): T {
  if (provider === undefined)
    throw new Error(`Route ${route.operationId} needs ${what}, which is not provided`);
  return provider;
}

/** Grants a route's Lambda exactly the access its definition declares. */
export function grantRouteAccess(
  handler: HandlerFunction,
  route: RouteDefinition,
  providers: AccessProviders,
): void {
  const { access } = route;
  for (const table of Object.keys(TABLE_GRANTS) as (keyof typeof TABLE_GRANTS)[]) {
    const level = access[table];
    if (level === undefined) continue;
    (TABLE_GRANTS[table] as Record<string, (data: DataTables, handler: HandlerFunction) => void>)[level]!(
      required(providers.data, 'the data tables', route),
      handler,
    );
  }
  if (access.workflow) {
    const workflow = required(providers.workflow, 'the approval workflow', route);
    if (access.workflow === 'start') workflow.grantStart(handler);
    if (access.workflow === 'stop') workflow.grantStop(handler);
    if (access.workflow === 'decide') workflow.grantDecide(handler);
  }
  if (access.email) required(providers.email, 'the email sender', route).grantSend(handler);
  if (access.exports)
    required(providers.exports, 'the exports capability', route).grant(handler, access.exports);
  for (const setting of access.settings ?? []) {
    const [variable, value] = SETTINGS[setting];
    handler.addEnvironment(variable, value(required(providers.config, 'the app config', route)));
  }
}

/** What a capability's API construct is given: the HTTP API, and what grants its routes' access. */
export type CapabilityApiProps = { api: ConsultancyHttpApi } & AccessProviders;

/** Each route's Lambda and API route, with the access its definition declares. */
export function addRoutes(
  scope: Construct,
  api: ConsultancyHttpApi,
  routes: RouteDefinition[],
  providers: AccessProviders,
): void {
  for (const route of routes) grantRouteAccess(api.addRoute(scope, route), route, providers);
}
