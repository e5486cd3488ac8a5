import { NotifyRequesterTask } from '../../workflows/approval-contracts.js';
import type { ConsultancyRequest, RequestStatus } from '../requests/model.js';
import { getRequestById } from '../requests/request-queries.js';
import { currentStepOf } from '../shared/approval-summary.js';
import { sendEmail } from '../shared/email.js';
import { TaskInputError, taskHandler } from '../shared/task.js';
import { type OutcomeDetails, outcomeEmail, redirectedToTeamEmail } from './emails.js';

/** Where triage decided the request's fate (or paused it): the triager, not an approver, decided. */
const TRIAGE_DECIDED: readonly RequestStatus[] = ['NEEDS_INFO', 'REDIRECTED', 'DECLINED'];

/** Who decided and why: the triage decision, or the chain step that ended the request. */
function outcomeDetails(request: ConsultancyRequest): OutcomeDetails {
  const triage = request.triage;
  if (TRIAGE_DECIDED.includes(request.status) && triage) {
    return {
      ...(triage.decidedBy ? { decidedBy: triage.decidedBy } : {}),
      ...(triage.note ? { comment: triage.note } : {}),
      ...(triage.decidedAt ? { decidedAt: triage.decidedAt } : {}),
      triage,
    };
  }
  // The step that ended the chain: its decider, or (over budget) its approver is told too.
  const approval = request.approvalChain && currentStepOf(request.approvalChain);
  return {
    ...(approval?.decidedBy ? { decidedBy: approval.decidedBy } : {}),
    ...(approval?.decidedOnBehalfOf ? { onBehalfOf: approval.decidedOnBehalfOf } : {}),
    ...(approval?.comment ? { comment: approval.comment } : {}),
    ...(approval?.decidedAt ? { decidedAt: approval.decidedAt } : {}),
    ...(approval?.approvers[0] ? { approver: approval.decidedBy ?? approval.approvers[0] } : {}),
    ...(request.budgetRefusal ? { budgetRefusal: request.budgetRefusal } : {}),
  };
}

/**
 * Tells the requester how their request ended (or what triage asks of them), from the request
 * as settled; a redirection tells the internal team's owner as well.
 */
export async function notifyRequester(requestId: string): Promise<void> {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  const subject = { requestId: request.id, title: request.title, estimatedCost: request.estimatedCost };
  const toTeam = request.status === 'REDIRECTED' ? redirectedToTeamEmail(request) : undefined;
  await Promise.all([
    sendEmail(outcomeEmail(request.requester, subject, request.status, outcomeDetails(request))),
    ...(toTeam ? [sendEmail(toTeam)] : []),
  ]);
}

export const handler = taskHandler(NotifyRequesterTask, ({ requestId }) => notifyRequester(requestId));
