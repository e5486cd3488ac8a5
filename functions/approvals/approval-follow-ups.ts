import { listAllBusinessFunctions } from '../reference-data/business-functions.js';
import { allows } from '../requests/lifecycle.js';
import type { ConsultancyRequest } from '../requests/model.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { type ApprovalChainStepType, stepOf, withStep } from '../shared/approval-summary.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { addBusinessDays } from '../shared/business-days.js';
import { requireEnv } from '../shared/config.js';
import { sameEmail } from '../shared/contacts.js';
import { ChangedMeanwhileError, transactOrChangedMeanwhile } from '../shared/db.js';
import { sendEmail } from '../shared/email.js';
import { newId } from '../shared/ids.js';
import { logger } from '../shared/logger.js';
import { everyPage } from '../shared/pagination.js';
import { getApproval, getApprovals, listDueApprovalIds, putApproval } from './approval-store.js';
import { followUpHolidaysFrom, withNextAction } from './follow-up.js';
import { escalatedNoticeEmail, escalationEmail, reminderEmail } from './follow-up-emails.js';
import { type Approval, type ApprovalFollowUp, hashLinkSecret, linkTokenOf, newLinkSecret } from './model.js';

const publicBaseUrl = requireEnv('PUBLIC_BASE_URL');

/** Who reminds and escalates: the scheduled job, in the audit trail. */
export const FOLLOW_UP_ACTOR = {
  sub: 'system:approval-follow-up',
  name: 'Approval reminders',
  email: '',
} as const;

/** Actions on one approval per run: a reminder and the escalation may fall due together. */
const ACTIONS_PER_APPROVAL = 3;

export interface FollowUpOutcome {
  /** The time the run took as "now". */
  at: string;
  reminded: string[];
  escalated: string[];
}

/** A pending approval and its request, when the approval's step is still the one waiting on it. */
async function stillWaiting(
  approval: Approval,
): Promise<{ request: ConsultancyRequest; step: ApprovalChainStepType } | undefined> {
  const request = await getRequestById(approval.requestId);
  const chain = request?.approvalChain;
  if (!request || !chain || request.status !== 'IN_APPROVAL') return undefined;
  const step = stepOf(chain, approval.step.number);
  return step.status === 'PENDING' && step.approvalIds?.includes(approval.id) ? { request, step } : undefined;
}

const linkOf = (approvalId: string, secret: string) =>
  `${publicBaseUrl}/approvals/${linkTokenOf(approvalId, secret)}`;

/**
 * A reminder: a fresh link (the earlier ones keep working), the count, the next reminder's time,
 * and the audit event, in one transaction conditional on the approval unchanged and PENDING; so
 * never after a decision, never twice for the same due time. Then the email.
 */
async function remind(
  approval: Approval,
  followUp: ApprovalFollowUp,
  now: Date,
  holidays: ReadonlySet<string>,
): Promise<boolean> {
  const waiting = await stillWaiting(approval);
  if (!waiting) return false;
  const at = now.toISOString();
  const secret = newLinkSecret();
  const sent = followUp.remindersSent + 1;
  const { nextReminderAt: _, ...rest } = followUp;
  const nextReminderAt =
    sent < followUp.maxReminders
      ? addBusinessDays(now, followUp.remindAfterBusinessDays, holidays).toISOString()
      : undefined;
  const after: Approval = {
    ...approval,
    reminderLinkSecretHashes: [...(approval.reminderLinkSecretHashes ?? []), hashLinkSecret(secret)],
    followUp: withNextAction({ ...rest, remindersSent: sent, ...(nextReminderAt ? { nextReminderAt } : {}) }),
    updatedAt: at,
    version: approval.version + 1,
  };
  const event = newAuditEvent(FOLLOW_UP_ACTOR, {
    entityType: 'REQUEST',
    entityId: approval.requestId,
    action: 'APPROVAL_REMINDED',
    at,
    before: { approvalId: approval.id, remindersSent: followUp.remindersSent, dueAt: followUp.nextActionAt },
    after: {
      approvalId: approval.id,
      step: approval.step.number,
      approver: approval.approver,
      remindersSent: sent,
      maxReminders: followUp.maxReminders,
      ...(nextReminderAt ? { nextReminderAt } : {}),
    },
  });
  await transactOrChangedMeanwhile(
    [putApproval(after, approval), appendAuditEvent(event)],
    `Approval ${approval.id}`,
  );
  const chain = waiting.request.approvalChain;
  if (chain) await sendEmail(reminderEmail(after, linkOf(after.id, secret), chain));
  return true;
}

/**
 * The escalation at the step's deadline: an approval for each escalation approver not already
 * asked, with the same task token (either decision completes the step; the first voids the
 * others), the chain's step naming them, the audit event, all in one transaction conditional on
 * the approval still PENDING and the request unchanged; every pending approval of the step (a
 * group's) records it, so none escalates it again. A step with nobody to add (its escalation
 * approvers are asked already) records that, with its audit event. Then the emails.
 */
async function escalate(
  approval: Approval,
  followUp: ApprovalFollowUp,
  now: Date,
): Promise<'ESCALATED' | 'RECORDED' | 'NOT_WAITING'> {
  const waiting = await stillWaiting(approval);
  if (!waiting || !allows(waiting.request.status, 'ESCALATE_APPROVAL')) return 'NOT_WAITING';
  const { request, step } = waiting;
  const chain = request.approvalChain as NonNullable<ConsultancyRequest['approvalChain']>;
  const at = now.toISOString();
  const added = step.escalatedAt
    ? []
    : followUp.escalateTo.filter(
        (person) => !step.approvers.some((asked) => sameEmail(asked.email, person.email)),
      );
  const siblings = await getApprovals((step.approvalIds ?? []).filter((id) => id !== approval.id));
  const escalatedAt = step.escalatedAt ?? at;
  const recorded = [approval, ...siblings]
    .filter((one) => one.status === 'PENDING' && one.followUp && !one.followUp.escalatedAt)
    .map((one) =>
      putApproval(
        {
          ...one,
          followUp: withNextAction({ ...(one.followUp as ApprovalFollowUp), escalatedAt }),
          updatedAt: at,
          version: one.version + 1,
        },
        one,
      ),
    );
  if (added.length === 0) {
    // Nobody to add (escalated already, or its escalation approvers decide it already): recorded.
    const event = newAuditEvent(FOLLOW_UP_ACTOR, {
      entityType: 'REQUEST',
      entityId: request.id,
      action: 'APPROVAL_ESCALATION_RECORDED',
      at,
      after: { step: step.step, approvalId: approval.id, escalatedAt },
      reason: step.escalatedAt
        ? 'The step was escalated already.'
        : 'Its escalation approvers are asked in the step already.',
    });
    await transactOrChangedMeanwhile([...recorded, appendAuditEvent(event)], `Approval ${approval.id}`);
    return 'RECORDED';
  }
  const asked = added.map((person) => {
    const secret = newLinkSecret();
    const escalation: Approval = {
      id: newId('approval', now.getTime()),
      requestId: approval.requestId,
      step: approval.step,
      ...(approval.group ? { group: approval.group } : {}),
      ...(approval.kind ? { kind: approval.kind } : {}),
      approver: person,
      escalatedFrom: approval.approver,
      status: 'PENDING',
      subject: approval.subject,
      taskToken: approval.taskToken,
      linkSecretHash: hashLinkSecret(secret),
      linkExpiresAt: approval.linkExpiresAt,
      requestedAt: at,
      updatedAt: at,
      version: 1,
    };
    return { escalation, link: linkOf(escalation.id, secret) };
  });
  const addedIds = asked.map(({ escalation }) => escalation.id);
  const after = transitionOf(
    request,
    'ESCALATE_APPROVAL',
    {
      approvalChain: withStep(chain, step.step, {
        approvers: [...step.approvers, ...added],
        approvalIds: [...(step.approvalIds ?? []), ...addedIds],
        escalatedAt: at,
        escalatedTo: added,
      }),
    },
    at,
  );
  const event = newAuditEvent(FOLLOW_UP_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'APPROVAL_ESCALATED',
    at,
    before: {
      step: step.step,
      approvers: step.approvers,
      approvalIds: step.approvalIds,
      version: request.version,
    },
    after: {
      step: step.step,
      approvalIds: addedIds,
      approvers: added,
      escalatedFrom: approval.approver,
      version: after.version,
    },
    reason: `Undecided ${followUp.deadlineBusinessDays} business days after it was asked (deadline ${followUp.deadlineAt}).`,
  });
  await applyRequestTransition(request, after, event, [
    ...recorded,
    ...asked.map(({ escalation }) => putApproval(escalation)),
  ]);
  const waitingOn = step.approvers;
  await Promise.all([
    ...asked.map(({ escalation, link }) => sendEmail(escalationEmail(escalation, link, chain, waitingOn))),
    ...waitingOn.map((approver) => sendEmail(escalatedNoticeEmail(approver, approval, added))),
  ]);
  return 'ESCALATED';
}

/**
 * Follows one approval up: whatever is due at `now` (the escalation first, then a reminder),
 * read again consistently before each action; an action that lost a race is read again.
 */
async function followUpApproval(
  id: string,
  now: Date,
  holidays: ReadonlySet<string>,
  outcome: FollowUpOutcome,
): Promise<void> {
  const at = now.toISOString();
  for (let action = 0; action < ACTIONS_PER_APPROVAL; action++) {
    const approval = await getApproval(id);
    const followUp = approval?.followUp;
    if (approval?.status !== 'PENDING' || !followUp?.nextActionAt || followUp.nextActionAt > at) return;
    const escalationDue =
      followUp.escalateTo.length > 0 && !followUp.escalatedAt && followUp.deadlineAt <= at;
    try {
      if (escalationDue) {
        const escalation = await escalate(approval, followUp, now);
        // Its step no longer waits on it (decided, withdrawn): nothing more is due on it.
        if (escalation === 'NOT_WAITING') return;
        if (escalation === 'ESCALATED') outcome.escalated.push(id);
      } else if (!(await remind(approval, followUp, now, holidays))) {
        return;
      } else {
        outcome.reminded.push(id);
      }
    } catch (error) {
      // A decision, a withdrawal or another run got there first: read it again.
      if (!(error instanceof ChangedMeanwhileError || error instanceof StaleRequestError)) throw error;
    }
  }
}

/**
 * The scheduled follow-up: every pending approval whose reminder or deadline is due at `now`,
 * found through the sparse index of due follow-ups, one Query per business function (or those
 * named), each approval followed up on its own.
 */
export async function runApprovalFollowUps(
  now: Date,
  businessFunctions?: string[],
): Promise<FollowUpOutcome> {
  const codes =
    businessFunctions ?? (await listAllBusinessFunctions()).map((businessFunction) => businessFunction.code);
  const outcome: FollowUpOutcome = { at: now.toISOString(), reminded: [], escalated: [] };
  const holidays = await followUpHolidaysFrom(now);
  const failed: string[] = [];
  for (const code of codes) {
    const due = await everyPage((page) => listDueApprovalIds(code, now, page));
    for (const id of due) {
      try {
        await followUpApproval(id, now, holidays, outcome);
      } catch (error) {
        // One approval's failure does not hold up the others; the run fails at the end, and is retried.
        logger.error('Approval follow-up failed', { approvalId: id, error });
        failed.push(id);
      }
    }
  }
  if (failed.length > 0)
    throw new Error(`Follow-up of ${failed.length} approvals failed: ${failed.join(', ')}`);
  return outcome;
}
