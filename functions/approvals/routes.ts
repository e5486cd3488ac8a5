import * as z from 'zod';
import type { RouteAccess, RouteDefinition } from '../platform/route.js';
import { pageSchemaOf } from '../shared/pagination.js';
import { StateConflictProblem } from '../shared/problem.js';
import { MultiLineText } from '../shared/schemas.js';
import {
  ApprovalIdPath,
  ApprovalResource,
  COMMENT_MAX_LENGTH,
  DecisionBody,
  ListApprovalsQuery,
} from './model.js';

const tag = 'Approvals';

/**
 * Deciding writes the approval, the request it moves and its signed audit event, then completes
 * the waiting task: only the two decision routes may.
 */
const DECIDE: RouteAccess = { approvals: 'write', requests: 'write', audit: 'append', workflow: 'decide' };

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
    summary: 'Approve or reject, as the assigned approver',
    description:
      'The same rules and signed audit event as the emailed link. A comment is required to reject. Nobody decides their own request (refused and audited).',
    tag,
    pathParameters: ApprovalIdPath,
    body: DecisionBody,
    responses: {
      200: {
        description: 'The decided approval; the workflow moves the request on.',
        schema: ApprovalResource,
      },
      400: { description: 'Invalid decision, or a rejection without a comment.' },
      404: { description: 'No such approval.' },
      409: {
        description: 'Already decided (`approvalStatus`), or changed while deciding: read it again.',
        schema: StateConflictProblem,
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
    access: { approvals: 'read' },
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
      decision: z.enum(['APPROVED', 'REJECTED']),
      reviewed: z.literal('yes').describe('The "I have reviewed this request" tick.'),
      comment: MultiLineText.max(COMMENT_MAX_LENGTH).optional().describe('Required to reject.'),
    }),
    responses: {
      200: { description: 'The decision was recorded.' },
      400: { description: 'No decision, no review tick, or a rejection without a comment: the form again.' },
      403: { description: 'Posted from another site (Origin or Sec-Fetch-Site): nothing is decided.' },
      404: { description: 'A malformed, tampered, replaced or unknown link.' },
      409: { description: 'Already decided (a second post, another tab).' },
      410: { description: 'Expired, or the request was withdrawn.' },
    },
    access: {
      ...DECIDE,
      // The form refuses posts from any origin but the page's own.
      settings: ['publicBaseUrl'],
    },
  },
];
