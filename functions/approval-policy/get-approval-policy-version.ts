import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { NotFoundError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { assertMayReadApprovalPolicy } from './access.js';
import { PolicyVersionPath } from './api-schemas.js';
import { getPolicyVersion } from './policy-store.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadApprovalPolicy(callerOf(event));
    const { version } = validate(PolicyVersionPath, event.pathParameters);
    const policy = await getPolicyVersion(version);
    if (!policy) throw new NotFoundError(`No approval policy version ${version}.`);
    return json(200, policy, { etag: etagOf(policy) });
  });
