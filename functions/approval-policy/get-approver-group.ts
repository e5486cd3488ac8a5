import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { NotFoundError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { assertMayReadApprovalPolicy } from './access.js';
import { ApproverGroupPath } from './api-schemas.js';
import { getApproverGroup } from './approver-group-store.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadApprovalPolicy(callerOf(event));
    const { name } = validate(ApproverGroupPath, event.pathParameters);
    const group = await getApproverGroup(name);
    if (!group) throw new NotFoundError(`No approver group ${name}.`);
    return json(200, group, { etag: etagOf(group) });
  });
