import { Construct } from 'constructs';
import { delegationRoutes } from '../../functions/approvals/delegation-routes.js';
import { approvalRoutes } from '../../functions/approvals/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/**
 * Approvers: their pending list, decisions by API, and the emailed link's page. Each route's
 * access is on its definition: only the two decision routes may complete workflow tasks.
 * Delegations too: they route approvers' steps, and one that starts moves pending approvals.
 */
export class ApprovalsApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, approvalRoutes, props);
    addRoutes(this, props.api, delegationRoutes, props);
  }
}
