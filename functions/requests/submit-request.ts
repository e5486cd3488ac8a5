import middy from '@middy/core';
import * as z from 'zod';
import { startApprovalWorkflow } from '../approvals/workflow.js';
import { controlSubmission } from '../budgets/submission-control.js';
import { requireEnv } from '../shared/config.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody } from '../shared/http.js';
import { headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { assessRequest } from '../triage/assess-request.js';
import { requestsTableName } from './request-queries.js';
import { type StartApproval, submitRequest } from './request-submission.js';

const approvalWorkflowArn = requireEnv('APPROVAL_WORKFLOW_ARN');
const startApproval: StartApproval = (requestId, round) =>
  startApprovalWorkflow(approvalWorkflowArn, requestId, round);

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const raw = parseJsonBody(event, z.unknown());
    const claim = idempotencyClaimOf(event, caller, requestsTableName, raw);
    const result = await submitRequest(
      caller,
      raw,
      claim,
      startApproval,
      assessRequest,
      new Date(),
      controlSubmission,
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
