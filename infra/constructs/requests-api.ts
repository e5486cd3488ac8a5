import { Construct } from 'constructs';
import { requestRoutes } from '../../functions/requests/routes.js';
import type { ApprovalWorkflow } from '../../workflows/approval-workflow.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import { addRoutes } from './route-access.js';

/** Consultancy request intake: submit, find, track, withdraw. Each route's access is on its definition. */
export class RequestsApi extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { api: ConsultancyHttpApi; data: DataTables; config: AppConfig; workflow: ApprovalWorkflow },
  ) {
    super(scope, id);
    addRoutes(this, props.api, requestRoutes, props);
  }
}
