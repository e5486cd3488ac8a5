import middy from '@middy/core';
import { withdrawalApprovals } from '../approvals/request-withdrawal.js';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { RequestIdPath, toResource, WithdrawRequestBody } from './model.js';
import { withdrawRequest } from './withdrawal.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    const { reason } = parseJsonBody(event, WithdrawRequestBody);
    const request = await withdrawRequest(caller, id, reason, event.headers['if-match'], withdrawalApprovals);
    return json(200, toResource(request), { etag: etagOf(request) });
  });
