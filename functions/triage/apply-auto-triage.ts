import { ApplyAutoTriageTask } from '../../workflows/approval-contracts.js';
import { currentApprovalPolicy } from '../approval-policy/policy-store.js';
import { factsOfRequest } from '../approval-policy/request-facts.js';
import { ConcurrentChangeError, RequestClosedError } from '../approvals/errors.js';
import { applyTaskTransition } from '../approvals/task-transitions.js';
import { allows } from '../requests/lifecycle.js';
import { type ConsultancyRequest, submissionRoundOf } from '../requests/model.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { taskHandler } from '../shared/task.js';
import { autoTriageMatch } from './auto-triage.js';

/**
 * Triage's first step: when an auto-triage rule of the approval policy in force matches the
 * request (and its assessment raised no flag), accept it without a person: IN_APPROVAL, the
 * rule and why on the request and in its history. Otherwise a triager is asked; but a request
 * resubmitted after an approver's send-back keeps triage's earlier acceptance. A request an
 * earlier execution already moved on is taken as it stands.
 */
export async function applyAutoTriage(
  requestId: string,
  now = new Date(),
): Promise<{ accepted: boolean; notify: boolean }> {
  const request = await getRequestById(requestId);
  if (!request) throw new ConcurrentChangeError(`Request ${requestId} is not readable yet.`);
  if (request.status === 'IN_APPROVAL') return { accepted: true, notify: false };
  if (request.status === 'IN_TRIAGE') return { accepted: false, notify: false };
  if (!allows(request.status, 'ACCEPT')) throw new RequestClosedError(request);
  if (request.triage?.outcome === 'ACCEPT' && request.sendBacks?.at(-1)?.resubmittedAt) {
    await acceptAgainAfterSendBack(request, now);
    return { accepted: true, notify: false };
  }

  const policy = await currentApprovalPolicy();
  const match = autoTriageMatch(
    policy.document.autoTriage,
    await factsOfRequest(request),
    request.assessment,
  );
  if (!match) return { accepted: false, notify: false };
  const at = now.toISOString();
  const after = transitionOf(
    request,
    'ACCEPT',
    {
      triage: {
        round: request.triage?.round ?? 1,
        outcome: 'ACCEPT',
        decidedAt: at,
        autoRule: match.rule,
        why: match.why,
      },
    },
    at,
  );
  const event = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'REQUEST_ACCEPTED',
    at,
    before: { status: request.status, version: request.version },
    after: {
      status: after.status,
      version: after.version,
      outcome: 'ACCEPT',
      autoRule: match.rule,
      policyVersion: policy.version,
    },
    reason: `Accepted by the auto-triage rule "${match.rule}": ${match.why.join('; ')}.`,
  });
  await applyTaskTransition(request, after, event);
  return { accepted: true, notify: false };
}

/**
 * Resubmitted after an approver sent it back: triage accepted it before, and its acceptance
 * stands; approval goes on (from the step that sent it back, or from step 1).
 */
async function acceptAgainAfterSendBack(request: ConsultancyRequest, now: Date): Promise<void> {
  const at = now.toISOString();
  const after = transitionOf(request, 'ACCEPT', {}, at);
  const event = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    // Not a triage decision (triage decided once, in its round): approval resumes.
    action: 'REQUEST_RETURNED_TO_APPROVAL',
    at,
    before: { status: request.status, version: request.version },
    after: { status: after.status, version: after.version, round: submissionRoundOf(request) },
    reason: `Resubmitted after an approver sent it back: triage accepted it in round ${request.triage?.round ?? 1}, and that stands.`,
  });
  await applyTaskTransition(request, after, event);
}

export const handler = taskHandler(ApplyAutoTriageTask, ({ requestId }) => applyAutoTriage(requestId));
