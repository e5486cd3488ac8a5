import { Construct } from 'constructs';
import { budgetRoutes } from '../../functions/budgets/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import type { HandlerFunction } from './handler-function.js';

type Grant = (handler: HandlerFunction, data: DataTables) => void;

/** What each budget route may touch: least privilege, per Lambda. */
const ACCESS: Record<string, Grant> = {
  setBudgetEnvelope: (handler, data) => {
    data.grantBudgetsWrite(handler);
    data.grantAuditAppend(handler);
  },
  getBudget: (handler, data) => data.grantBudgetsRead(handler),
  getBudgetHistory: (handler, data) => {
    data.grantBudgetsRead(handler);
    data.grantAuditRead(handler);
  },
  setBudgetAllocation: (handler, data) => {
    data.grantBudgetsWrite(handler);
    data.grantReferenceDataRead(handler);
    data.grantAuditAppend(handler);
  },
  transferBudget: (handler, data) => {
    data.grantBudgetsWrite(handler);
    data.grantReferenceDataRead(handler);
    data.grantAuditAppend(handler);
  },
  listBudgetLedger: (handler, data) => {
    data.grantBudgetsRead(handler);
    data.grantReferenceDataRead(handler);
  },
  recordActual: (handler, data) => {
    data.grantBudgetsWrite(handler);
    data.grantRequestsCheck(handler);
    data.grantVendorsRead(handler);
  },
};

/** The consultancy budget: envelope, allocations, transfers, the ledger and actuals. */
export class BudgetsApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
    super(scope, id);
    for (const route of budgetRoutes) {
      const grant = ACCESS[route.operationId];
      if (!grant) throw new Error(`No access declared for route ${route.operationId}`);
      grant(props.api.addRoute(this, route), props.data);
    }
  }
}
