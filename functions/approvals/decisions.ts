import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { stepOf, withStep } from '../shared/approval-summary.js';
import { recordAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, hasRole } from '../shared/auth.js';
import { normalizedEmail, sameEmail } from '../shared/contacts.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors.js';
import { getApproval, getApprovals, putApproval } from './approval-store.js';
import { approvalOfLink, assertStillOpen } from './links.js';
import type { Approval, ApprovalDecision, DecisionInput } from './model.js';
import { completeWorkflowTask } from './workflow.js';

/**
 * Deciding an approval, by emailed link or by API: the same rules and the same signed audit
 * event either way. The decision is recorded with a conditional write first (so of two racing
 * decisions exactly one wins), then handed to the waiting workflow task.
 */

type Decider = { sub: string; name: string; email: string };

/** How often a decision is tried again when only its request (not its approval) changed meanwhile. */
const DECISION_ATTEMPTS = 3;

async function decide(
  pending: Approval,
  decider: Decider,
  input: DecisionInput,
  method: ApprovalDecision['method'],
  now: Date,
): Promise<Approval> {
  let approval = pending;
  for (let attempt = 1; ; attempt++) {
    try {
      return await decideOnce(approval, decider, input, method, now);
    } catch (error) {
      if (!(error instanceof StaleRequestError) || attempt >= DECISION_ATTEMPTS) throw error;
      // Someone (a second click, a withdrawal, the timeout) got there first: say what happened.
      const current = await getApproval(approval.id);
      if (!current) throw error;
      assertStillOpen(current, now);
      if (current.version !== approval.version) {
        throw new ConflictError('The approval changed while you were deciding; open the link again.');
      }
      approval = current;
    }
  }
}

async function decideOnce(
  approval: Approval,
  decider: Decider,
  input: DecisionInput,
  method: ApprovalDecision['method'],
  now: Date,
): Promise<Approval> {
  const { decision: outcome, comment } = input;
  const at = now.toISOString();
  const decision: ApprovalDecision = {
    outcome,
    ...(comment ? { comment } : {}),
    decidedBy: decider,
    decidedAt: at,
    method,
    ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}),
  };
  const after: Approval = {
    ...approval,
    status: outcome,
    decision,
    updatedAt: at,
    version: approval.version + 1,
  };
  const event = newAuditEvent(decider, {
    entityType: 'REQUEST',
    entityId: approval.requestId,
    action: 'APPROVAL_DECIDED',
    at,
    before: { approvalId: approval.id, approvalStatus: approval.status, step: approval.step.number },
    after: { approvalId: approval.id, approvalStatus: outcome, step: approval.step.number },
    ...(comment ? { reason: comment } : {}),
    signature: {
      printedName: decider.name,
      email: decider.email,
      signedAt: at,
      meaning: outcome,
      ...(comment ? { comment } : {}),
      method,
      ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}),
    },
  });
  const request = await getRequestById(approval.requestId);
  if (!request?.approvalChain) throw new NotFoundError(`No request ${approval.requestId} in approval.`);
  const chain = request.approvalChain;
  const step = stepOf(chain, approval.step.number);
  // A group step: the first decision wins, and the other members' links stop working with it.
  const siblings = await getApprovals((step.approvalIds ?? []).filter((id) => id !== approval.id));
  const voidedSiblings = siblings
    .filter((sibling) => sibling.status === 'PENDING')
    .map((sibling) => ({
      before: sibling,
      after: {
        ...sibling,
        status: 'VOIDED' as const,
        voidedReason: `${decider.name} decided this step for the ${approval.group ?? 'approver'} group first (${outcome.toLowerCase()}).`,
        updatedAt: at,
        version: sibling.version + 1,
      },
    }));
  // The request moves with its approval (its chain, its version), in one transaction: a
  // withdrawal read before the decision is then stale, and one read after it sees the decision.
  const requestAfter = transitionOf(
    request,
    'RECORD_DECISION',
    {
      approvalChain: withStep(chain, step.step, {
        status: outcome,
        decidedAt: at,
        decidedBy: { name: decider.name, email: decider.email },
        ...(approval.onBehalfOf ? { decidedOnBehalfOf: approval.onBehalfOf } : {}),
        ...(comment ? { comment } : {}),
      }),
    },
    at,
  );
  await applyRequestTransition(request, requestAfter, event, [
    putApproval(after, approval),
    ...voidedSiblings.map((sibling) => putApproval(sibling.after, sibling.before)),
  ]);
  await completeWorkflowTask(approval.taskToken, { approvalId: approval.id, outcome });
  return after;
}

/** A decision posted from the emailed link's page: the link stands for its approver. */
export async function decideByLink(token: string, input: DecisionInput, now = new Date()): Promise<Approval> {
  const approval = await approvalOfLink(token, now);
  const approver = { sub: `email:${normalizedEmail(approval.approver.email)}`, ...approval.approver };
  if (sameEmail(approval.approver.email, approval.subject.requester.email)) {
    await refuseOwnRequest(approval, approver, 'EMAIL_LINK', now);
  }
  return decide(approval, approver, input, 'EMAIL_LINK', now);
}

/** A decision through the API: only the assigned approver, never the requester. */
export async function decideByApi(
  caller: Caller,
  approvalId: string,
  input: DecisionInput,
  now = new Date(),
): Promise<Approval> {
  if (!hasRole(caller, 'approver', 'admin')) {
    throw new ForbiddenError('Deciding approvals needs the approver (or admin) role.');
  }
  const approval = await getApproval(approvalId);
  if (!approval) throw new NotFoundError(`No approval ${approvalId}.`);
  const requester = approval.subject.requester;
  if (caller.sub === requester.sub || sameEmail(caller.email, requester.email)) {
    await refuseOwnRequest(approval, caller, 'API', now);
  }
  if (!sameEmail(caller.email, approval.approver.email)) {
    throw new ForbiddenError(`This approval is assigned to ${approval.approver.name}, not to you.`);
  }
  assertStillOpen(approval, now);
  return decide(approval, { sub: caller.sub, name: caller.name, email: caller.email }, input, 'API', now);
}

/** Segregation of duties: an attempt to decide one's own request is refused, and the attempt audited. */
async function refuseOwnRequest(
  approval: Approval,
  who: Decider,
  method: ApprovalDecision['method'],
  now: Date,
): Promise<never> {
  await recordAuditEvent(
    newAuditEvent(who, {
      entityType: 'REQUEST',
      entityId: approval.requestId,
      action: 'APPROVAL_DECISION_REFUSED',
      at: now.toISOString(),
      after: { approvalId: approval.id, method },
      reason: 'Segregation of duties: nobody decides their own request.',
    }),
  );
  throw new ForbiddenError(
    'You requested this yourself: segregation of duties means someone else must decide it.',
  );
}
