import { Construct } from 'constructs';
import { budgetRoutes } from '../../functions/budgets/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import { addRoutes } from './route-access.js';

/** The consultancy budget: envelope, allocations, transfers, the ledger and actuals. */
export class BudgetsApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
    super(scope, id);
    addRoutes(this, props.api, budgetRoutes, props);
  }
}
