import { Construct } from 'constructs';
import { budgetRoutes } from '../../functions/budgets/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/** The consultancy budget: envelope, allocations, transfers, the ledger and actuals. */
export class BudgetsApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, budgetRoutes, props);
  }
}
