import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { BusinessFunctionCode } from '../reference-data/schemas.js';
import type { ConsultancyRequest } from '../requests/model.js';
import { APPROVAL_STATUSES, type ApprovalStatus } from '../shared/approval-summary.js';
import type { Contact } from '../shared/contacts.js';
import { idPattern } from '../shared/ids.js';
import { formatMoney, type Money } from '../shared/money.js';
import { PaginationQuery } from '../shared/pagination.js';
import type { RequestTriageType } from '../shared/request-triage.js';
import { ContactResource, MultiLineText } from '../shared/schemas.js';
import type { TriageAssessmentType } from '../shared/triage-assessment.js';

/** The sparse index of pending approvals by approver's email (`pendingFor`), newest first. */
export const APPROVAL_PENDING_INDEX = 'byPendingApprover';

/**
 * The sparse index of pending approvals with a follow-up due (a reminder or the escalation), by
 * the request's business function (`dueIn`) and due time (`dueAt`): the follow-up job's Query.
 */
export const APPROVAL_DUE_INDEX = 'byFollowUpDue';

/** Reminders and the escalation of a pending approval, worked out when it was asked. */
export interface ApprovalFollowUp {
  remindAfterBusinessDays: number;
  maxReminders: number;
  deadlineBusinessDays: number;
  remindersSent: number;
  /** When the next reminder is due; absent once the last was sent. */
  nextReminderAt?: string;
  /** When the step escalates: its escalation approvers are added to it. */
  deadlineAt: string;
  /** Who the step escalates to; empty when nobody else is left (they approve it already). */
  escalateTo: Contact[];
  escalatedAt?: string;
  /** The next reminder or the deadline, whichever is first; absent when nothing is left to do. */
  nextActionAt?: string;
}

/** What the approver is asked to decide on: a snapshot taken when the approval is requested. */
export interface ApprovalSubject {
  requestId: string;
  title: string;
  businessFunction: string;
  businessFunctionName: string;
  category: string;
  description: string;
  justification: string;
  estimatedCost: Money;
  startDate: string;
  endDate: string;
  urgency: string;
  fiscalYear: string;
  preferredVendorId?: string;
  preferredVendorName?: string;
  requester: { sub: string; name: string; email: string };
  /** The triage assessment worked out at submission, as the approver should see it. */
  assessment?: TriageAssessmentType;
  /** How triage decided it: the triager's note and priority, or the auto-triage rule. */
  triage?: RequestTriageType;
}

/** The snapshot of a request an approver (or a triager) is shown. */
export function subjectOf(request: ConsultancyRequest, businessFunctionName: string): ApprovalSubject {
  return {
    requestId: request.id,
    title: request.title,
    businessFunction: request.businessFunction,
    businessFunctionName,
    category: request.category,
    description: request.description,
    justification: request.justification,
    estimatedCost: request.estimatedCost,
    startDate: request.startDate,
    endDate: request.endDate,
    urgency: request.urgency,
    fiscalYear: request.fiscalYear,
    ...(request.preferredVendorId ? { preferredVendorId: request.preferredVendorId } : {}),
    ...(request.preferredVendorName ? { preferredVendorName: request.preferredVendorName } : {}),
    requester: request.requester,
    ...(request.assessment ? { assessment: request.assessment } : {}),
    ...(request.triage?.outcome ? { triage: request.triage } : {}),
  };
}

/** How an approval can be decided: approved, rejected, or sent back to its requester for changes. */
export const DECISIONS = ['APPROVED', 'REJECTED', 'SENT_BACK'] as const;
export type Decision = (typeof DECISIONS)[number];

/** A decision in words: "approved", "rejected", "sent back". */
export const decisionWords = (outcome: Decision) => outcome.toLowerCase().replace('_', ' ');

export interface ApprovalDecision {
  outcome: Decision;
  comment?: string;
  /** A budget exception funded by a transfer: which, from where, how much. */
  funding?: { transferId: string; from: string; amount: Money };
  decidedBy: Contact & { sub: string };
  decidedAt: string;
  method: 'EMAIL_LINK' | 'API';
  /** A delegate decided: the approver they stand in for. */
  onBehalfOf?: Contact;
  /** Which call wrote it: a retried call recognizes its own landed write (never shown). */
  attemptId?: string;
}

export interface ApprovalStep {
  number: number;
  of: number;
  name: string;
}

/** One approver's part in a step of a request's approval chain, as stored. */
export interface Approval {
  id: string;
  requestId: string;
  /** Which step of the request's approval chain this is. */
  step: ApprovalStep;
  /** A group step: each member has their own approval, and the first decision wins. */
  group?: string;
  /** The over-budget exception step: decided by funding it by a transfer, or rejecting it. */
  kind?: 'BUDGET_EXCEPTION';
  approver: Contact;
  reassignedFrom?: Contact;
  /** Asked of a delegate: the approver whose delegation (`delegationId`) gave it to them. */
  onBehalfOf?: Contact;
  delegationId?: string;
  /** Why it was voided when that was not a withdrawal: another group member decided first. */
  voidedReason?: string;
  status: ApprovalStatus;
  subject: ApprovalSubject;
  /** The Step Functions task token: stays on the server, looked up by the approval. */
  taskToken: string;
  /** SHA-256 of the link's secret; the secret itself is only ever in the approver's email. */
  linkSecretHash: string;
  /** The reminders' fresh links: each works, as the first does, until the approval is decided. */
  reminderLinkSecretHashes?: string[];
  /** Reminders and escalation while it waits (absent: none, e.g. an escalation approver's own). */
  followUp?: ApprovalFollowUp;
  /** Added at the step's deadline: the approver whose undecided step escalated to this one. */
  escalatedFrom?: Contact;
  linkExpiresAt: string;
  decision?: ApprovalDecision;
  requestedAt: string;
  updatedAt: string;
  version: number;
}

// Link tokens: "<approval id>.<secret>", the secret 32 random bytes in base64url (43 characters).
const LINK_TOKEN = new RegExp(`^(${idPattern('approval').source.slice(1, -1)})\\.([A-Za-z0-9_-]{43})$`);

export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

export const hashLinkSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export const linkTokenOf = (approvalId: string, secret: string) => `${approvalId}.${secret}`;

/** The approval id and secret of a well-formed link token; undefined for anything else (truncated, mangled). */
export function parseLinkToken(token: string): { approvalId: string; secret: string } | undefined {
  const match = LINK_TOKEN.exec(token);
  return match ? { approvalId: match[1] as string, secret: match[2] as string } : undefined;
}

/**
 * Compares in constant time, so the hash cannot be guessed byte by byte from response times:
 * the first link's secret, or a reminder's.
 */
export function secretMatches(
  approval: Pick<Approval, 'linkSecretHash' | 'reminderLinkSecretHashes'>,
  secret: string,
): boolean {
  const actual = Buffer.from(hashLinkSecret(secret));
  const matches = (hash: string) => {
    const expected = Buffer.from(hash);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  };
  // Every hash compared, so the time does not tell which one matched.
  return [approval.linkSecretHash, ...(approval.reminderLinkSecretHashes ?? [])]
    .map(matches)
    .reduce((any, one) => any || one, false);
}

export const COMMENT_MAX_LENGTH = 2_000;

/**
 * What an approver may answer: approve, reject, or send back for changes (SENT_BACK as an
 * outcome); a budget exception step is funded by a transfer or rejected.
 */
export const DECISION_INPUTS = ['APPROVED', 'REJECTED', 'SEND_BACK', 'FUND_BY_TRANSFER'] as const;

/** A decision, from the page's form or the API's JSON: a comment is required to reject or send back. */
export const DecisionBody = z
  .strictObject({
    decision: z.enum(DECISION_INPUTS, 'Must be APPROVED, REJECTED, SEND_BACK or FUND_BY_TRANSFER.'),
    comment: MultiLineText.max(COMMENT_MAX_LENGTH, `At most ${COMMENT_MAX_LENGTH} characters.`)
      .optional()
      .transform((comment) => (comment === '' ? undefined : comment)),
    fundFrom: BusinessFunctionCode.optional().describe(
      'FUND_BY_TRANSFER (a budget exception step): the business function whose line of the same fiscal year gives the money.',
    ),
    amount: z
      .string()
      .regex(/^\d{1,12}(\.\d{1,4})?$/, 'Must be a decimal amount such as "2500.00".')
      .optional()
      .describe(
        "FUND_BY_TRANSFER: how much to transfer, in the budget's currency; at least the shortfall, which is the default.",
      ),
  })
  .refine((input) => input.decision !== 'REJECTED' || input.comment !== undefined, {
    path: ['comment'],
    message: 'A comment is required to reject.',
  })
  .refine((input) => input.decision !== 'SEND_BACK' || input.comment !== undefined, {
    path: ['comment'],
    message: 'A comment is required to send it back: say what should change.',
  })
  .refine((input) => input.decision !== 'FUND_BY_TRANSFER' || input.fundFrom !== undefined, {
    path: ['fundFrom'],
    message: 'Name the business function whose line funds the transfer.',
  })
  .refine(
    (input) =>
      input.decision === 'FUND_BY_TRANSFER' || (input.fundFrom === undefined && input.amount === undefined),
    { path: ['fundFrom'], message: 'fundFrom and amount go with FUND_BY_TRANSFER only.' },
  )
  .meta({ id: 'ApprovalDecision' });
export type DecisionInput = z.output<typeof DecisionBody>;

export const ApprovalIdPath = z.strictObject({
  approval: z.string().regex(idPattern('approval'), 'Must be an approval id such as "apr_01j...".'),
});

export const ListApprovalsQuery = z.strictObject({
  status: z.literal('PENDING', 'Only PENDING approvals are listed.').default('PENDING'),
  ...PaginationQuery,
});

export const ApprovalResource = z
  .object({
    id: z.string(),
    requestId: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    step: z
      .object({ number: z.number().int(), of: z.number().int(), name: z.string() })
      .describe("Which step of the request's approval chain this approval decides."),
    group: z
      .string()
      .optional()
      .describe('A group step: any one member decides it, the first decision wins.'),
    kind: z
      .enum(['BUDGET_EXCEPTION'])
      .optional()
      .describe(
        'BUDGET_EXCEPTION: the approved amount does not fit its line; decide FUND_BY_TRANSFER or REJECTED.',
      ),
    approver: ContactResource,
    reassignedFrom: ContactResource.optional(),
    escalatedFrom: ContactResource.optional().describe(
      "Added at the step's deadline: the approver whose undecided step escalated (either may decide; the first decision counts).",
    ),
    reminders: z
      .object({ sent: z.number().int(), max: z.number().int(), nextAt: z.string().optional() })
      .optional()
      .describe('Reminders emailed while it waits (each with a fresh link), and when the next is due.'),
    escalatesAt: z
      .string()
      .optional()
      .describe('When the step escalates if still undecided (its escalation approvers are added).'),
    escalatedAt: z.string().optional().describe('When the step escalated.'),
    onBehalfOf: ContactResource.optional().describe(
      'Asked of a delegate: the approver they decide for (their delegation is `delegationId`).',
    ),
    delegationId: z.string().optional(),
    request: z.object({
      title: z.string(),
      businessFunction: z.string(),
      businessFunctionName: z.string(),
      category: z.string(),
      estimatedCost: z.object({ amount: z.string(), currency: z.string() }),
      startDate: z.string(),
      endDate: z.string(),
      urgency: z.string(),
      preferredVendorId: z.string().optional(),
      preferredVendorName: z.string().optional(),
      requester: ContactResource,
      justification: z.string(),
    }),
    decision: z
      .object({
        outcome: z.enum(DECISIONS),
        comment: z.string().optional(),
        decidedBy: ContactResource,
        decidedAt: z.string(),
        onBehalfOf: ContactResource.optional().describe('Decided by a delegate on behalf of this approver.'),
        funding: z
          .object({
            transferId: z.string(),
            from: z.string(),
            amount: z.object({ amount: z.string(), currency: z.string() }),
          })
          .optional()
          .describe('A budget exception funded by a transfer.'),
      })
      .optional(),
    requestedAt: z.string(),
    expiresAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Approval' });

/** The wire form: never the task token or the link's hash. */
export function toApprovalResource(approval: Approval): z.infer<typeof ApprovalResource> {
  const { subject } = approval;
  const funding = approval.decision?.funding;
  return ApprovalResource.parse({
    ...approval,
    ...(approval.decision && funding
      ? { decision: { ...approval.decision, funding: { ...funding, amount: formatMoney(funding.amount) } } }
      : {}),
    request: {
      ...subject,
      estimatedCost: formatMoney(subject.estimatedCost),
      requester: { name: subject.requester.name, email: subject.requester.email },
    },
    expiresAt: approval.linkExpiresAt,
    ...(approval.followUp ? followUpResource(approval) : {}),
  });
}

function followUpResource(approval: Approval) {
  const followUp = approval.followUp as ApprovalFollowUp;
  const pending = approval.status === 'PENDING';
  // The next reminder while one is left (the deadline may come first); the deadline while it may escalate.
  const nextReminder =
    pending && followUp.remindersSent < followUp.maxReminders ? followUp.nextReminderAt : undefined;
  return {
    reminders: {
      sent: followUp.remindersSent,
      max: followUp.maxReminders,
      ...(nextReminder ? { nextAt: nextReminder } : {}),
    },
    ...(pending && followUp.escalateTo.length > 0 && !followUp.escalatedAt
      ? { escalatesAt: followUp.deadlineAt }
      : {}),
    ...(followUp.escalatedAt ? { escalatedAt: followUp.escalatedAt } : {}),
  };
}
