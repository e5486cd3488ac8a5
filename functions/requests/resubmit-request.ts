import middy from '@middy/core';
import { startApprovalWorkflow } from '../approvals/workflow.js';
import { etagOf } from '../shared/concurrency.js';
import { requireEnv } from '../shared/config.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { assessRequest } from '../triage/assess-request.js';
import { RequestIdPath, ResubmitRequestBody, toResource } from './model.js';
import { resubmitRequest } from './request-revision.js';
import type { StartApproval } from './request-submission.js';

const approvalWorkflowArn = requireEnv('APPROVAL_WORKFLOW_ARN');
const start: StartApproval = (requestId, round) =>
  startApprovalWorkflow(approvalWorkflowArn, requestId, round);

/** POST /requests/{id}/resubmit: back to triage, with a fresh assessment. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    const { response } = parseJsonBody(event, ResubmitRequestBody);
    const request = await resubmitRequest(caller, id, response, event.headers['if-match'], {
      start,
      assess: assessRequest,
    });
    return json(200, toResource(request), { etag: etagOf(request) });
  });
