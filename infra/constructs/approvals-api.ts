import { Construct } from 'constructs';
import { approvalRoutes } from '../../functions/approvals/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/**
 * Approvers: their pending list, decisions by API, and the emailed link's page. Each route's
 * access is on its definition: only the two decision routes may complete workflow tasks.
 */
export class ApprovalsApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, approvalRoutes, props);
  }
}
