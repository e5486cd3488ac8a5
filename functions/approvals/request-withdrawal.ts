import type { ConsultancyRequest } from '../requests/model.js';
import type { WithdrawalApprovals } from '../requests/withdrawal.js';
import { currentStepOf, withStep } from '../shared/approval-summary.js';
import { sendEmail } from '../shared/email.js';
import { getApprovals, putApproval } from './approval-store.js';
import { noLongerNeededEmail } from './emails.js';
import type { Approval } from './model.js';
import { stopApprovalWorkflow } from './workflow.js';

/** Voids a withdrawn request's pending step: its approvals (read consistently: only PENDING ones are voided). */
async function voidPendingStep(request: ConsultancyRequest, at: string) {
  const chain = request.approvalChain;
  const step = chain && currentStepOf(chain);
  if (!chain || step?.status !== 'PENDING') return undefined;
  const pending = (await getApprovals(step.approvalIds ?? [])).filter(
    (approval) => approval.status === 'PENDING',
  );
  const writes = pending.map((approval) => {
    const voided: Approval = { ...approval, status: 'VOIDED', updatedAt: at, version: approval.version + 1 };
    return putApproval(voided, approval);
  });
  return {
    approvalChain: withStep(chain, step.step, { status: 'VOIDED' }),
    writes,
    approvers: pending.map((approval) => approval.approver),
  };
}

/** What withdrawing a request does to its approval: void its pending step, stop its workflow, tell its approvers. */
export const withdrawalApprovals: WithdrawalApprovals = {
  voidPending: voidPendingStep,
  stopWorkflow: stopApprovalWorkflow,
  tellNoLongerNeeded: async (request, approvers) => {
    await Promise.all(approvers.map((approver) => sendEmail(noLongerNeededEmail(approver, request))));
  },
};
