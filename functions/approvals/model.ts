import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
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

export const DECISIONS = ['APPROVED', 'REJECTED'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface ApprovalDecision {
  outcome: Decision;
  comment?: string;
  decidedBy: Contact & { sub: string };
  decidedAt: string;
  method: 'EMAIL_LINK' | 'API';
  /** A delegate decided: the approver they stand in for. */
  onBehalfOf?: Contact;
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

/** Compares in constant time, so the hash cannot be guessed byte by byte from response times. */
export function secretMatches(approval: Pick<Approval, 'linkSecretHash'>, secret: string): boolean {
  const expected = Buffer.from(approval.linkSecretHash);
  const actual = Buffer.from(hashLinkSecret(secret));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export const COMMENT_MAX_LENGTH = 2_000;

/** A decision, from the page's form or the API's JSON: a comment is required to reject. */
export const DecisionBody = z
  .strictObject({
    decision: z.enum(DECISIONS, 'Must be APPROVED or REJECTED.'),
    comment: MultiLineText.max(COMMENT_MAX_LENGTH, `At most ${COMMENT_MAX_LENGTH} characters.`)
      .optional()
      .transform((comment) => (comment === '' ? undefined : comment)),
  })
  .refine((input) => input.decision !== 'REJECTED' || input.comment !== undefined, {
    path: ['comment'],
    message: 'A comment is required to reject.',
  })
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
    approver: ContactResource,
    reassignedFrom: ContactResource.optional(),
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
  return ApprovalResource.parse({
    ...approval,
    request: {
      ...subject,
      estimatedCost: formatMoney(subject.estimatedCost),
      requester: { name: subject.requester.name, email: subject.requester.email },
    },
    expiresAt: approval.linkExpiresAt,
  });
}
