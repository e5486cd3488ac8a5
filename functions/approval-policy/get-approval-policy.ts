import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json } from '../shared/http.js';
import { assertMayReadApprovalPolicy } from './access.js';
import { currentApprovalPolicy } from './policy-store.js';

/** The policy in force, built-in version 0 until one is published; its ETag is its version. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadApprovalPolicy(callerOf(event));
    const policy = await currentApprovalPolicy();
    return json(200, policy, { etag: etagOf(policy) });
  });
