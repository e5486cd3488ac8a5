import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody } from '../shared/http.js';
import { assertMayReadApprovalPolicy } from './access.js';
import { PreviewChainInput } from './api-schemas.js';
import { previewApprovalChain } from './preview.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayReadApprovalPolicy(caller);
    const body = parseJsonBody(event, PreviewChainInput);
    return json(200, await previewApprovalChain(caller, body));
  });
