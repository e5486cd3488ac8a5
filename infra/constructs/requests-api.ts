import { Construct } from 'constructs';
import { requestRoutes } from '../../functions/requests/routes.js';
import type { ApprovalWorkflow } from '../../workflows/approval-workflow.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import type { HandlerFunction } from './handler-function.js';

type Deps = { data: DataTables; config: AppConfig; workflow: ApprovalWorkflow };
type Grant = (handler: HandlerFunction, deps: Deps) => void;

/** What each request route may touch and must know: least privilege, per Lambda. */
const ACCESS: Record<string, Grant> = {
  submitRequest: (handler, { data, config, workflow }) => {
    handler.addEnvironment('FISCAL_YEAR_START_MONTH', String(config.fiscalYearStartMonth));
    data.grantRequestsWrite(handler);
    data.grantReferenceDataRead(handler);
    // The preferred vendor must exist and be engageable.
    data.grantVendorsRead(handler);
    data.grantAuditAppend(handler);
    workflow.grantStart(handler);
  },
  listRequests: (handler, { data }) => data.grantRequestsRead(handler),
  getRequest: (handler, { data }) => data.grantRequestsRead(handler),
  withdrawRequest: (handler, { data, workflow }) => {
    data.grantRequestsWrite(handler);
    data.grantAuditAppend(handler);
    // Withdrawal voids the pending approval and stops the workflow, or releases an approved
    // request's commitment.
    data.grantApprovalsWrite(handler);
    data.grantBudgetsWrite(handler);
    workflow.grantStop(handler);
  },
  getRequestHistory: (handler, { data }) => {
    data.grantRequestsRead(handler);
    data.grantAuditRead(handler);
  },
};

/** Consultancy request intake: submit, find, track, withdraw. */
export class RequestsApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi } & Deps) {
    super(scope, id);
    for (const route of requestRoutes) {
      const grant = ACCESS[route.operationId];
      if (!grant) throw new Error(`No access declared for route ${route.operationId}`);
      grant(props.api.addRoute(this, route), props);
    }
  }
}
