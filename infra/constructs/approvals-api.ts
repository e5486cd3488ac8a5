import { Construct } from 'constructs';
import { approvalRoutes } from '../../functions/approvals/routes.js';
import type { ApprovalWorkflow } from '../../workflows/approval-workflow.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import { addRoutes } from './route-access.js';

/**
 * Approvers: their pending list, decisions by API, and the emailed link's page. Each route's
 * access is on its definition: only the two decision routes may complete workflow tasks.
 */
export class ApprovalsApi extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { api: ConsultancyHttpApi; data: DataTables; workflow: ApprovalWorkflow; config: AppConfig },
  ) {
    super(scope, id);
    addRoutes(this, props.api, approvalRoutes, props);
  }
}
