import * as z from 'zod';
import { BudgetRefusalProblem } from '../budgets/errors.js';
import type { RouteAccess, RouteDefinition } from '../platform/route.js';
import { pageSchemaOf } from '../shared/pagination.js';
import { StateConflictProblem } from '../shared/problem.js';
import { MultiLineText } from '../shared/schemas.js';
import {
  ApprovalIdPath,
  ApprovalResource,
  COMMENT_MAX_LENGTH,
  DECISION_INPUTS,
  DecisionBody,
  ListApprovalsQuery,
} from './model.js';

const tag = 'Approvals';

/**
 * Deciding writes the approval, the request it moves and its signed audit event, then completes
 * the waiting task: only the two decision routes may.
 */
const DECIDE: RouteAccess = {
  approvals: 'write',
  requests: 'write',
  audit: 'append',
  workflow: 'decide',
  // A budget exception's transfer and commitment land with the decision.
  budgets: 'write',
};

/** A decision's 409: decided already, or (funding a budget exception) the source line's figures. */
const DecisionConflictProblem = BudgetRefusalProblem.extend({
  currentStatus: StateConflictProblem.shape.currentStatus,
  allowedTransitions: StateConflictProblem.shape.allowedTransitions,
  approvalStatus: StateConflictProblem.shape.approvalStatus,
}).meta({ id: 'DecisionConflictProblem' });

// API Gateway allows one variable name per path level, so every /approvals/{...} route says
// {approval}: an approval id on the API routes, an emailed link token on the page routes.
const LinkTokenPath = z.strictObject({
  approval: z.string().describe('The link token from the approval email (the approval id and a secret).'),
});

const linkPagePurpose =
  "The approver's emailed link: its unguessable, single-use, expiring token authenticates instead of a JWT.";

export const approvalRoutes: RouteDefinition[] = [
  {
    operationId: 'listApprovals',
    method: 'GET',
    path: '/approvals',
    entry: 'functions/approvals/list-approvals.ts',
    summary: "The calling approver's pending approvals, newest first",
    description: 'Role approver (or admin). Matched by the email claim of the token.',
    tag,
    query: ListApprovalsQuery,
    responses: {
      200: { description: 'A page of pending approvals.', schema: pageSchemaOf(ApprovalResource) },
      400: { description: 'Invalid status, limit or cursor.' },
    },
    access: { approvals: 'read' },
  },
  {
    operationId: 'decideApproval',
    method: 'POST',
    path: '/approvals/{approval}/decision',
    entry: 'functions/approvals/decide-approval.ts',
    summary: 'Approve, reject or send back, as the assigned approver',
    description:
      "The same rules and signed audit event as the emailed link. A comment is required to reject or send back. SEND_BACK returns the request to its requester for changes (CHANGES_REQUESTED, the comment emailed to them); their resubmission goes on from this step, or restarts the chain when the amount rose beyond the policy's threshold or the vendor, category or business function changed. Nobody decides their own request (refused and audited).",
    tag,
    pathParameters: ApprovalIdPath,
    body: DecisionBody,
    responses: {
      200: {
        description: 'The decided approval; the workflow moves the request on.',
        schema: ApprovalResource,
      },
      400: {
        description:
          "Invalid decision, a rejection or send-back without a comment; SEND_BACK on a budget exception step; FUND_BY_TRANSFER on a step that is not a budget exception (or APPROVED on one), without `fundFrom`, from the request's own business function, or below the shortfall.",
      },
      404: { description: 'No such approval.' },
      409: {
        description:
          'Already decided (`approvalStatus`), or changed while deciding: read it again. FUND_BY_TRANSFER: the source line has less available than the transfer (its figures); nothing changed and the approval stays pending, so another source can be chosen.',
        schema: DecisionConflictProblem,
      },
      410: {
        description: 'Expired, or voided by a withdrawal (`approvalStatus`).',
        schema: StateConflictProblem,
      },
    },
    access: DECIDE,
  },
  {
    operationId: 'showApprovalPage',
    method: 'GET',
    path: '/approvals/{approval}',
    entry: 'functions/approvals/show-approval-page.ts',
    summary: "The approver's page: request summary and the decision form (decides nothing)",
    tag,
    public: linkPagePurpose,
    produces: 'text/html',
    pathParameters: LinkTokenPath,
    responses: {
      200: { description: 'The page with Approve and Reject.' },
      404: { description: 'A malformed, tampered, replaced or unknown link.' },
      409: { description: 'Already decided.' },
      410: { description: 'Expired, or the request was withdrawn.' },
    },
    // A budget exception's page shows its line and the lines that could fund it.
    access: { approvals: 'read', budgets: 'read' },
  },
  {
    operationId: 'submitApprovalForm',
    method: 'POST',
    path: '/approvals/{approval}',
    entry: 'functions/approvals/submit-approval-form.ts',
    summary: 'Records the decision posted from the page',
    tag,
    public: linkPagePurpose,
    produces: 'text/html',
    pathParameters: LinkTokenPath,
    formBody: z.object({
      decision: z
        .enum(DECISION_INPUTS)
        .describe(
          'APPROVED, REJECTED or SEND_BACK; FUND_BY_TRANSFER or REJECTED on a budget exception step.',
        ),
      fundFrom: z
        .string()
        .optional()
        .describe('FUND_BY_TRANSFER: the business function that gives the money.'),
      amount: z.string().optional().describe('FUND_BY_TRANSFER: at least the shortfall (the default).'),
      reviewed: z.literal('yes').describe('The "I have reviewed this request" tick.'),
      comment: MultiLineText.max(COMMENT_MAX_LENGTH).optional().describe('Required to reject or send back.'),
    }),
    responses: {
      200: { description: 'The decision was recorded.' },
      400: {
        description:
          'No decision, no review tick, a rejection or send-back without a comment, or a budget exception without a source or below the shortfall: the form again.',
      },
      403: { description: 'Posted from another site (Origin or Sec-Fetch-Site): nothing is decided.' },
      404: { description: 'A malformed, tampered, replaced or unknown link.' },
      409: {
        description:
          'Already decided (a second post, another tab); or a budget exception whose source line lacks the amount (the form again, still pending).',
      },
      410: { description: 'Expired, or the request was withdrawn.' },
    },
    access: {
      ...DECIDE,
      // The form refuses posts from any origin but the page's own.
      settings: ['publicBaseUrl'],
    },
  },
];
