import { Construct } from 'constructs';
import { requestRoutes } from '../../functions/requests/routes.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import type { HandlerFunction } from './handler-function.js';

type Grant = (data: DataTables, handler: HandlerFunction) => void;

/** What each request route may touch: least privilege, per Lambda. */
const ACCESS: Record<string, Grant> = {
  submitRequest: (data, handler) => {
    data.grantRequestsWrite(handler);
    data.grantReferenceDataRead(handler);
    data.grantAuditAppend(handler);
  },
  listRequests: (data, handler) => data.grantRequestsRead(handler),
  getRequest: (data, handler) => data.grantRequestsRead(handler),
  withdrawRequest: (data, handler) => {
    data.grantRequestsWrite(handler);
    data.grantAuditAppend(handler);
  },
  getRequestHistory: (data, handler) => {
    data.grantRequestsRead(handler);
    data.grantAuditRead(handler);
  },
};

/** Consultancy request intake: submit, find, track, withdraw. */
export class RequestsApi extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { api: ConsultancyHttpApi; data: DataTables; config: AppConfig },
  ) {
    super(scope, id);
    for (const route of requestRoutes) {
      const grant = ACCESS[route.operationId];
      if (!grant) throw new Error(`No access declared for route ${route.operationId}`);
      const handler = props.api.addRoute(this, route);
      handler.addEnvironment('FISCAL_YEAR_START_MONTH', String(props.config.fiscalYearStartMonth));
      grant(props.data, handler);
    }
  }
}
