import { NotifyRequesterTask } from '../../workflows/approval-contracts.js';
import { getRequestById } from '../requests/request-queries.js';
import { sendEmail } from '../shared/email.js';
import { TaskInputError, taskHandler } from '../shared/task.js';
import { outcomeEmail } from './emails.js';

/** Tells the requester how their request ended, from the request as settled. */
export async function notifyRequester(requestId: string): Promise<void> {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  const approval = request.approval;
  await sendEmail(
    outcomeEmail(
      request.requester,
      { requestId: request.id, title: request.title, estimatedCost: request.estimatedCost },
      request.status,
      {
        ...(approval?.decidedBy ? { decidedBy: approval.decidedBy } : {}),
        ...(approval?.comment ? { comment: approval.comment } : {}),
        ...(approval?.decidedAt ? { decidedAt: approval.decidedAt } : {}),
      },
    ),
  );
}

export const handler = taskHandler(NotifyRequesterTask, ({ requestId }) => notifyRequester(requestId));
