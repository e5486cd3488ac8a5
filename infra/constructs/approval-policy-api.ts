import { Construct } from 'constructs';
import { approvalPolicyRoutes } from '../../functions/approval-policy/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/** The approval policy (versions, preview) and approver groups: reference data that admins change. */
export class ApprovalPolicyApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, approvalPolicyRoutes, props);
  }
}
