import { allows } from '../requests/lifecycle.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { stepOf, withStep } from '../shared/approval-summary.js';
import { newAuditEvent } from '../shared/audit-event.js';
import type { Caller } from '../shared/auth.js';
import { requireEnv } from '../shared/config.js';
import { sameEmail } from '../shared/contacts.js';
import { sendEmail } from '../shared/email.js';
import { newId } from '../shared/ids.js';
import { everyPage } from '../shared/pagination.js';
import { getApproval, listPendingApprovalsFor, putApproval } from './approval-store.js';
import type { Delegation } from './delegation-model.js';
import { approvalRequestEmail, decidedEarlierLines, delegatedAwayEmail } from './emails.js';
import { newFollowUp } from './follow-up.js';
import { type Approval, hashLinkSecret, linkTokenOf, newLinkSecret } from './model.js';

const publicBaseUrl = requireEnv('PUBLIC_BASE_URL');

/** How often a reassignment is tried again when its request changed meanwhile (a decision elsewhere in a group). */
const REASSIGN_ATTEMPTS = 3;

type Actor = Pick<Caller, 'sub' | 'name' | 'email'>;

/**
 * Moves one pending approval of the delegator to the delegate: the old approval VOIDED, a new
 * one for the delegate with the same task token (the workflow waits on, unaware), the request's
 * chain step naming the delegate, and the audit event, in one transaction conditional on the
 * approval still PENDING and the request unchanged. So of this and the delegator's decision
 * exactly one lands; when the decision did, nothing is moved. Returns whether it moved.
 */
async function reassignOne(
  approvalId: string,
  delegation: Delegation,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const { delegator, delegate } = delegation;
  for (let attempt = 1; attempt <= REASSIGN_ATTEMPTS; attempt++) {
    const approval = await getApproval(approvalId);
    if (approval?.status !== 'PENDING' || !sameEmail(approval.approver.email, delegator.email)) return false;
    // Never to the requester: their request stays with its approver (segregation of duties).
    if (sameEmail(approval.subject.requester.email, delegate.email)) return false;
    const request = await getRequestById(approval.requestId);
    const chain = request?.approvalChain;
    if (!request || !chain || !allows(request.status, 'REASSIGN_APPROVAL')) return false;
    const step = stepOf(chain, approval.step.number);
    if (step.status !== 'PENDING' || !step.approvalIds?.includes(approval.id)) return false;

    const at = now.toISOString();
    const voided: Approval = {
      ...approval,
      status: 'VOIDED',
      voidedReason: `${delegator.name} delegated their approvals to ${delegate.name}, who decides this now.`,
      updatedAt: at,
      version: approval.version + 1,
    };
    // A group step the delegate is asked in already: their own approval stands for both.
    const askedAlready = step.approvers.some((person) => sameEmail(person.email, delegate.email));
    const secret = newLinkSecret();
    // The delegate is asked afresh: their reminders and deadline count from now, their link is the only one.
    const { reminderLinkSecretHashes: _, followUp: delegatorsFollowUp, ...asked } = approval;
    const followUp =
      !askedAlready && delegatorsFollowUp
        ? await newFollowUp(delegatorsFollowUp, delegatorsFollowUp.escalateTo, now)
        : undefined;
    const moved: Approval | undefined = askedAlready
      ? undefined
      : {
          ...asked,
          ...(followUp ? { followUp } : {}),
          id: newId('approval', now.getTime()),
          approver: delegate,
          onBehalfOf: approval.approver,
          delegationId: delegation.id,
          linkSecretHash: hashLinkSecret(secret),
          requestedAt: at,
          updatedAt: at,
          version: 1,
        };
    const approvers = askedAlready
      ? step.approvers.filter((person) => !sameEmail(person.email, delegator.email))
      : step.approvers.map((person) => (sameEmail(person.email, delegator.email) ? delegate : person));
    const approvalIds = step.approvalIds.flatMap((id) =>
      id !== approval.id ? [id] : moved ? [moved.id] : [],
    );
    const reason = `Delegated by ${delegator.name} to ${delegate.name} (${delegation.id}): ${delegation.reason}`;
    const after = transitionOf(
      request,
      'REASSIGN_APPROVAL',
      {
        approvalChain: withStep(chain, step.step, {
          approvers,
          approvalIds,
          delegations: [
            ...(step.delegations ?? []),
            { from: approval.approver, to: delegate, delegationId: delegation.id, reason: delegation.reason },
          ],
        }),
      },
      at,
    );
    const event = newAuditEvent(actor, {
      entityType: 'REQUEST',
      entityId: request.id,
      action: 'APPROVAL_REASSIGNED',
      at,
      before: {
        approvalId: approval.id,
        approver: approval.approver,
        step: step.step,
        version: request.version,
      },
      after: {
        ...(moved ? { approvalId: moved.id } : {}),
        approver: delegate,
        onBehalfOf: approval.approver,
        delegationId: delegation.id,
        step: step.step,
        version: after.version,
      },
      reason,
    });
    try {
      await applyRequestTransition(request, after, event, [
        putApproval(voided, approval),
        ...(moved ? [putApproval(moved)] : []),
      ]);
    } catch (error) {
      if (error instanceof StaleRequestError) continue;
      throw error;
    }
    await Promise.all([
      sendEmail(delegatedAwayEmail(approval.approver, approval.subject, delegate)),
      ...(moved
        ? [
            sendEmail(
              approvalRequestEmail(moved, `${publicBaseUrl}/approvals/${linkTokenOf(moved.id, secret)}`, {
                decidedEarlier: decidedEarlierLines(chain, step.step),
                reassignedReason: `${reason}.`,
              }),
            ),
          ]
        : []),
    ]);
    return true;
  }
  return false;
}

/**
 * Moves every approval pending on the delegator to the delegate (a delegation that has started),
 * each with its request in a transaction of its own; returns how many moved. Found through the
 * sparse index of pending approvals, each read again consistently before it moves.
 */
export async function reassignPendingApprovals(
  delegation: Delegation,
  actor: Actor,
  now: Date,
): Promise<number> {
  const pending = await everyPage((page) => listPendingApprovalsFor(delegation.delegator.email, page));
  const moved = await Promise.all(
    pending.map((approval) => reassignOne(approval.id, delegation, actor, now)),
  );
  return moved.filter(Boolean).length;
}
