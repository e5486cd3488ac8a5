import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { decideByApi } from './decisions.js';
import { ApprovalIdPath, DecisionBody, toApprovalResource } from './model.js';

/** POST /approvals/{approvalId}/decision: the assigned approver decides with their token instead of a link. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { approval: approvalId } = validate(ApprovalIdPath, event.pathParameters);
    const body = parseJsonBody(event, DecisionBody);
    return json(200, toApprovalResource(await decideByApi(caller, approvalId, body)));
  });
