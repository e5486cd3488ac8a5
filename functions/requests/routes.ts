import * as z from 'zod';
import { BudgetRefusalProblem } from '../budgets/errors.js';
import type { RouteDefinition } from '../platform/route.js';
import { AuditEventResource } from '../shared/audit-event.js';
import { idempotencyKeyHeader, idempotencyKeyReused } from '../shared/idempotency.js';
import { pageSchemaOf } from '../shared/pagination.js';
import { StateConflictProblem } from '../shared/problem.js';
import {
  EditRequestBody,
  ListRequestsQuery,
  RequestHistoryQuery,
  RequestIdPath,
  RequestResource,
  ResubmitRequestBody,
  SubmitRequestBody,
  WithdrawRequestBody,
} from './model.js';

const tag = 'Requests';

/** Why a change or resubmission of a sent-back request is refused (PATCH and resubmit alike). */
const REVISION_REFUSALS = {
  403: { description: 'Not its requester, or not your business function.' },
  404: { description: 'No such request.' },
  409: {
    description: 'The request is not in NEEDS_INFO or CHANGES_REQUESTED (already resubmitted, say).',
    schema: StateConflictProblem,
  },
  412: { description: 'The request changed since the ETag sent in If-Match.' },
} as const;

export const requestRoutes: RouteDefinition[] = [
  {
    operationId: 'submitRequest',
    method: 'POST',
    path: '/requests',
    entry: 'functions/requests/submit-request.ts',
    summary: 'Submit a consultancy support request',
    description:
      "Role requester, for the caller's own business function (admin: any). The fiscal year is derived from startDate.",
    tag,
    headers: idempotencyKeyHeader,
    body: SubmitRequestBody,
    responses: {
      201: {
        description: 'The stored request, status SUBMITTED, with its triage assessment.',
        schema: RequestResource,
        headers: ['Location', 'ETag'],
      },
      400: { description: 'Invalid body: every invalid field is listed in `errors`.' },
      409: {
        description:
          "The fiscal year's budget control at submission is STOP and the request does not fit its line (available less the pipeline), with the line's figures. For a request spanning fiscal years each year's part is checked under its year's control, a year without a budget envelope under the start year's: the refusal names the year.",
        schema: BudgetRefusalProblem,
      },
      ...idempotencyKeyReused,
    },
    access: {
      requests: 'write',
      // Business functions (and the internal capabilities of the assessment).
      referenceData: 'read',
      // The preferred vendor must exist and be engageable; its fit is assessed.
      vendors: 'read',
      // The assessment's headroom on the request's budget line.
      budgets: 'read',
      audit: 'append',
      workflow: 'start',
      settings: ['fiscalYearStartMonth'],
    },
  },
  {
    operationId: 'listRequests',
    method: 'GET',
    path: '/requests',
    entry: 'functions/requests/list-requests.ts',
    summary: 'List requests, newest first',
    description: "Requesters see their own business function's requests; finance and admin see all.",
    tag,
    query: ListRequestsQuery,
    responses: {
      200: { description: 'A page of requests.', schema: pageSchemaOf(RequestResource) },
      400: { description: 'Invalid filter, limit or cursor.' },
    },
    access: { requests: 'read' },
  },
  {
    operationId: 'getRequest',
    method: 'GET',
    path: '/requests/{id}',
    entry: 'functions/requests/get-request.ts',
    summary: 'Get one request',
    tag,
    pathParameters: RequestIdPath,
    responses: {
      200: {
        description: 'The request; its ETag is its version.',
        schema: RequestResource,
        headers: ['ETag'],
      },
      404: { description: 'No such request.' },
    },
    access: { requests: 'read' },
  },
  {
    operationId: 'withdrawRequest',
    method: 'POST',
    path: '/requests/{id}/withdraw',
    entry: 'functions/requests/withdraw-request.ts',
    summary: 'Withdraw a request that is not yet decided',
    description:
      'By its requester (or an admin). Send If-Match with the ETag to guard against concurrent changes.',
    tag,
    pathParameters: RequestIdPath,
    headers: { 'If-Match': { schema: z.string(), description: 'The ETag the change is based on.' } },
    body: WithdrawRequestBody,
    responses: {
      200: { description: 'The withdrawn request.', schema: RequestResource, headers: ['ETag'] },
      400: { description: 'Invalid body.' },
      404: { description: 'No such request.' },
      409: {
        description:
          'The request is already decided or withdrawn (`currentStatus`), or its approver has just decided it (`approvalStatus`).',
        schema: StateConflictProblem,
      },
      412: { description: 'The request changed since the ETag sent in If-Match.' },
    },
    access: {
      requests: 'write',
      audit: 'append',
      // Withdrawal voids the pending approval and stops the workflow, or releases an approved
      // request's commitment.
      approvals: 'write',
      budgets: 'write',
      workflow: 'stop',
      // The approvers whose links it voided are told they are no longer needed.
      email: 'send',
    },
  },
  {
    operationId: 'editRequest',
    method: 'PATCH',
    path: '/requests/{id}',
    entry: 'functions/requests/edit-request.ts',
    summary: 'Change a request sent back for information or for changes',
    description:
      'By its requester (or an admin), only in NEEDS_INFO (triage asks for information) or CHANGES_REQUESTED (an approver sent it back). JSON merge patch of the submitted fields, validated as a submission; each changed field is recorded in the history as before and after. A patch that changes nothing writes nothing.',
    tag,
    pathParameters: RequestIdPath,
    headers: {
      'If-Match': { schema: z.string(), description: 'Required: the ETag of the request you read.' },
    },
    body: EditRequestBody,
    responses: {
      200: { description: 'The changed request.', schema: RequestResource, headers: ['ETag'] },
      400: {
        description: 'The changed request would be invalid: every invalid field is listed in `errors`.',
      },
      ...REVISION_REFUSALS,
      428: { description: 'If-Match is missing.' },
    },
    access: {
      requests: 'write',
      // The same validation as a submission: the business function, the preferred vendor.
      referenceData: 'read',
      vendors: 'read',
      audit: 'append',
      settings: ['fiscalYearStartMonth'],
    },
  },
  {
    operationId: 'resubmitRequest',
    method: 'POST',
    path: '/requests/{id}/resubmit',
    entry: 'functions/requests/resubmit-request.ts',
    summary: 'Resubmit a request sent back for information or for changes',
    description:
      "By its requester (or an admin). In NEEDS_INFO: the request is SUBMITTED again with a fresh triage assessment and the next triage round, and the triagers are asked again; its response answers the triager's questions. In CHANGES_REQUESTED (an approver sent it back): SUBMITTED again with a fresh assessment, triage's acceptance stands, and approval goes on from the step that sent it back (`sendBacks[].continuedFromStep`), or restarts from step 1 when the estimated cost rose by more than the approval policy's `sendBack.restartAbovePercentRise` (default 10%) or the preferred vendor, category or business function changed (`sendBacks[].restartedBecause`; the earlier chain is kept in `supersededChains`).",
    tag,
    pathParameters: RequestIdPath,
    headers: { 'If-Match': { schema: z.string(), description: 'The ETag the resubmission is based on.' } },
    body: ResubmitRequestBody,
    responses: {
      200: {
        description: 'The resubmitted request (SUBMITTED).',
        schema: RequestResource,
        headers: ['ETag'],
      },
      400: { description: 'Invalid body.' },
      ...REVISION_REFUSALS,
      503: { description: 'Resubmitted, but triage could not be started yet; it starts within minutes.' },
    },
    access: {
      requests: 'write',
      // The fresh assessment reads what the submission's does.
      referenceData: 'read',
      vendors: 'read',
      budgets: 'read',
      audit: 'append',
      workflow: 'start',
    },
  },
  {
    operationId: 'getRequestHistory',
    method: 'GET',
    path: '/requests/{id}/history',
    entry: 'functions/requests/get-request-history.ts',
    summary: "The request's audit trail, oldest first",
    tag,
    pathParameters: RequestIdPath,
    query: RequestHistoryQuery,
    responses: {
      200: { description: 'A page of audit events.', schema: pageSchemaOf(AuditEventResource) },
      404: { description: 'No such request.' },
    },
    access: { requests: 'read', audit: 'read' },
  },
];
