import middy from '@middy/core';
import { currentApprovalPolicy } from '../approval-policy/policy-store.js';
import { startApprovalWorkflow } from '../approvals/workflow.js';
import { etagOf } from '../shared/concurrency.js';
import { requireEnv } from '../shared/config.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { assessRequest } from '../triage/assess-request.js';
import { RequestIdPath, ResubmitRequestBody, toResource } from './model.js';
import { type RestartAbovePercentRise, resubmitRequest } from './request-revision.js';
import type { StartApproval } from './request-submission.js';
import { DEFAULT_RESTART_ABOVE_PERCENT_RISE } from './send-back-rules.js';

const approvalWorkflowArn = requireEnv('APPROVAL_WORKFLOW_ARN');
const start: StartApproval = (requestId, round) =>
  startApprovalWorkflow(approvalWorkflowArn, requestId, round);
const restartAbovePercentRise: RestartAbovePercentRise = async () =>
  (await currentApprovalPolicy()).document.sendBack?.restartAbovePercentRise ??
  DEFAULT_RESTART_ABOVE_PERCENT_RISE;

/** POST /requests/{id}/resubmit: back to triage (after NEEDS_INFO) or to approval (after a send-back), with a fresh assessment. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    const { response } = parseJsonBody(event, ResubmitRequestBody);
    const request = await resubmitRequest(caller, id, response, event.headers['if-match'], {
      start,
      assess: assessRequest,
      restartAbovePercentRise,
    });
    return json(200, toResource(request), { etag: etagOf(request) });
  });
