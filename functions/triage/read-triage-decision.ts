import { ReadTriageDecisionTask } from '../../workflows/approval-contracts.js';
import { applyTaskTransition } from '../approvals/task-transitions.js';
import type { RequestStatus } from '../requests/model.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { TaskInputError, taskHandler } from '../shared/task.js';

/** Where a triage decision leaves a request that is not accepted: the requester hears of it. */
const TOLD: readonly RequestStatus[] = ['NEEDS_INFO', 'REDIRECTED', 'DECLINED'];

/**
 * After the triage wait ends (a decision, or the timeout): read where triage left the request.
 * The decision landed on the request before its answer reached the wait, so a decision that
 * raced the timeout still counts. Still IN_TRIAGE means nobody decided in time: EXPIRED.
 */
export async function readTriageDecision(
  requestId: string,
  now = new Date(),
): Promise<{ accepted: boolean; notify: boolean }> {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  if (request.status === 'IN_APPROVAL') return { accepted: true, notify: false };
  if (TOLD.includes(request.status)) return { accepted: false, notify: true };
  if (request.status !== 'IN_TRIAGE') return { accepted: false, notify: false };

  const at = now.toISOString();
  const { triageTaskToken: _expired, ...waiting } = request;
  const after = transitionOf(waiting, 'EXPIRE', {}, at);
  const event = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'REQUEST_EXPIRED',
    at,
    before: { status: request.status, version: request.version },
    after: { status: after.status, version: after.version },
    reason: 'No triager decided the request in time.',
  });
  await applyTaskTransition(request, after, event);
  return { accepted: false, notify: true };
}

export const handler = taskHandler(ReadTriageDecisionTask, ({ requestId }) => readTriageDecision(requestId));
