import type { RequestApprovalChainType } from '../shared/approval-summary.js';
import type { Contact } from '../shared/contacts.js';
import type { OutgoingEmail } from '../shared/email.js';
import { readableDateTime } from '../shared/readable.js';
import { amountText, approvalRequestEmail, decidedEarlierLines, emailOf } from './emails.js';
import type { Approval, ApprovalFollowUp } from './model.js';

/** The emails of reminders and escalations: the approval request again, saying why it comes again. */

const names = (people: Contact[]) => people.map((person) => person.name).join(' and ');

/** A reminder: the request again with a fresh link; the earlier links keep working until decided. */
export function reminderEmail(
  approval: Approval,
  link: string,
  chain: RequestApprovalChainType,
): OutgoingEmail {
  const followUp = approval.followUp as ApprovalFollowUp;
  const escalation =
    followUp.escalateTo.length > 0 && !followUp.escalatedAt
      ? ` If it is still undecided on ${readableDateTime(followUp.deadlineAt)}, it goes to ${names(followUp.escalateTo)} as well.`
      : '';
  const email = approvalRequestEmail(approval, link, {
    decidedEarlier: decidedEarlierLines(chain, approval.step.number),
    reassignedReason:
      `Reminder ${followUp.remindersSent} of ${followUp.maxReminders}: this has waited for your decision since ${readableDateTime(approval.requestedAt)}.` +
      ` The link of an earlier email still works too.${escalation}`,
  });
  return { ...email, subject: `Reminder: ${email.subject}` };
}

/** The escalation approver's ask: the step's approver did not decide by the deadline; either may decide now. */
export function escalationEmail(
  approval: Approval,
  link: string,
  chain: RequestApprovalChainType,
  escalatedFrom: Contact[],
): OutgoingEmail {
  const email = approvalRequestEmail(approval, link, {
    decidedEarlier: decidedEarlierLines(chain, approval.step.number),
    reassignedReason: `Escalated to you: ${names(escalatedFrom)} did not decide this step by its deadline. Either of you may decide it now; the first decision counts.`,
  });
  return { ...email, subject: `Escalated: ${email.subject}` };
}

/** Tells a step's approver that it escalated: their link still works, and whoever decides first decides. */
export function escalatedNoticeEmail(approver: Contact, approval: Approval, to: Contact[]): OutgoingEmail {
  const { subject } = approval;
  return emailOf([approver.email], `Escalated: ${subject.title}`, [
    `Dear ${approver.name},`,
    '',
    `The consultancy request "${subject.title}" (${amountText(subject.estimatedCost)}, ${subject.requestId}) has waited for your approval since ${readableDateTime(approval.requestedAt)}, past its deadline.` +
      ` It was escalated to ${names(to)}, who may now decide it too.`,
    '',
    'Your approval link still works: whoever decides first decides the step, and the other link stops working.',
  ]);
}
