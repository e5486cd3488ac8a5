import middy from '@middy/core';
import { requireRole } from '../shared/auth.js';
import { etagOf } from '../shared/concurrency.js';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { ApproverGroupPath } from './api-schemas.js';
import { putApproverGroup } from './approver-group-commands.js';
import { ApproverGroupBody } from './policy-checks.js';

/** Creates (201) or replaces (200, If-Match) an approver group. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    requireRole(caller, 'admin');
    const [{ name }, body] = validateBoth(
      () => validate(ApproverGroupPath, event.pathParameters),
      () => parseJsonBody(event, ApproverGroupBody),
    );
    const { group, created } = await putApproverGroup(caller, name, body, event.headers['if-match']);
    return json(created ? 201 : 200, group, {
      etag: etagOf(group),
      ...(created ? { location: `/approver-groups/${name}` } : {}),
    });
  });
