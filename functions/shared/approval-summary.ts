import * as z from 'zod';

/**
 * What a request shows of its approval. Approvals write it and requests carry it, so it lives
 * here rather than in either capability: approvals builds on requests, never the other way.
 */

/** An approval step's life: waiting on its approver, then decided, expired or voided by a withdrawal. */
export const APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'VOIDED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

const Contact = z.object({ name: z.string(), email: z.string() });

/** What a request shows of its approval: whom it waits on, and later who decided what. */
export const RequestApprovalSummary = z.object({
  id: z.string(),
  approver: Contact,
  status: z.enum(APPROVAL_STATUSES),
  requestedAt: z.string(),
  reassignedFrom: Contact.optional().describe(
    "The business function's head, when they are the requester and may not decide their own request.",
  ),
  decidedAt: z.string().optional(),
  decidedBy: Contact.optional(),
  comment: z.string().optional(),
});
export type RequestApprovalSummaryType = z.infer<typeof RequestApprovalSummary>;
