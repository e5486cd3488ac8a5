import { type Caller, type Role, requireRole } from '../shared/auth.js';

/** Who may read the policy, its versions and groups, and preview chains: those who run or decide approvals. */
export const POLICY_READERS: Role[] = ['admin', 'finance', 'approver'];

export function assertMayReadApprovalPolicy(caller: Caller): void {
  requireRole(caller, ...POLICY_READERS);
}
