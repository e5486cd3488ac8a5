import type { ConsultancyRequest } from '../requests/model.js';
import type { WithdrawalApprovals } from '../requests/withdrawal.js';
import { getApproval, putApproval } from './approval-store.js';
import { type Approval, summaryOf } from './model.js';
import { stopApprovalWorkflow } from './workflow.js';

/** Voids a withdrawn request's pending approval (read consistently: only a PENDING one is voided). */
async function voidPendingApproval(request: ConsultancyRequest, at: string) {
  const pending = request.approval?.status === 'PENDING' ? await getApproval(request.approval.id) : undefined;
  if (pending?.status !== 'PENDING') return undefined;
  const voided: Approval = { ...pending, status: 'VOIDED', updatedAt: at, version: pending.version + 1 };
  return { summary: summaryOf(voided), write: putApproval(voided, pending) };
}

/** What withdrawing a request does to its approval: void it, stop its workflow. */
export const withdrawalApprovals: WithdrawalApprovals = {
  voidPending: voidPendingApproval,
  stopWorkflow: stopApprovalWorkflow,
};
