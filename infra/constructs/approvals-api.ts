import { Construct } from 'constructs';
import { approvalRoutes } from '../../functions/approvals/routes.js';
import type { ApprovalWorkflow } from '../../workflows/approval-workflow.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import type { HandlerFunction } from './handler-function.js';

type Grant = (handler: HandlerFunction, deps: { data: DataTables; workflow: ApprovalWorkflow }) => void;

/**
 * Deciding writes the approval, the request it moves and its signed audit event, then completes
 * the waiting task.
 */
const decide: Grant = (handler, { data, workflow }) => {
  data.grantApprovalsWrite(handler);
  data.grantRequestsWrite(handler);
  data.grantAuditAppend(handler);
  workflow.grantDecide(handler);
};

/** Least privilege per route: only the two decision handlers may complete workflow tasks. */
const ACCESS: Record<string, Grant> = {
  listApprovals: (handler, { data }) => data.grantApprovalsRead(handler),
  decideApproval: decide,
  showApprovalPage: (handler, { data }) => data.grantApprovalsRead(handler),
  submitApprovalForm: decide,
};

/** Approvers: their pending list, decisions by API, and the emailed link's page. */
export class ApprovalsApi extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { api: ConsultancyHttpApi; data: DataTables; workflow: ApprovalWorkflow; config: AppConfig },
  ) {
    super(scope, id);
    for (const route of approvalRoutes) {
      const grant = ACCESS[route.operationId];
      if (!grant) throw new Error(`No access declared for route ${route.operationId}`);
      const handler = props.api.addRoute(this, route);
      grant(handler, props);
      // The form refuses posts from any origin but the page's own.
      if (route.operationId === 'submitApprovalForm') {
        handler.addEnvironment('PUBLIC_BASE_URL', props.config.publicBaseUrl);
      }
    }
  }
}
