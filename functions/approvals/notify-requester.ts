import { NotifyRequesterTask } from '../../workflows/approval-contracts.js';
import { getRequestById } from '../requests/request-queries.js';
import { currentStepOf } from '../shared/approval-summary.js';
import { sendEmail } from '../shared/email.js';
import { TaskInputError, taskHandler } from '../shared/task.js';
import { outcomeEmail } from './emails.js';

/** Tells the requester how their request ended, from the request as settled (and its approver, when over budget). */
export async function notifyRequester(requestId: string): Promise<void> {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  // The step that ended the chain: its decider, or (over budget) its approver is told too.
  const approval = request.approvalChain && currentStepOf(request.approvalChain);
  const subject = { requestId: request.id, title: request.title, estimatedCost: request.estimatedCost };
  await sendEmail(
    outcomeEmail(request.requester, subject, request.status, {
      ...(approval?.decidedBy ? { decidedBy: approval.decidedBy } : {}),
      ...(approval?.comment ? { comment: approval.comment } : {}),
      ...(approval?.decidedAt ? { decidedAt: approval.decidedAt } : {}),
      ...(approval?.approvers[0] ? { approver: approval.decidedBy ?? approval.approvers[0] } : {}),
      ...(request.budgetRefusal ? { budgetRefusal: request.budgetRefusal } : {}),
    }),
  );
}

export const handler = taskHandler(NotifyRequesterTask, ({ requestId }) => notifyRequester(requestId));
