import middy from '@middy/core';
import { requireRole } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { listPendingApprovalsFor } from './approval-store.js';
import { ListApprovalsQuery, toApprovalResource } from './model.js';

/** GET /approvals?status=PENDING: the calling approver's open approvals, newest first. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    requireRole(caller, 'approver', 'admin');
    const { limit, cursor } = validate(ListApprovalsQuery, event.queryStringParameters ?? {});
    const page = await listPendingApprovalsFor(caller.email, { limit, cursor });
    return json(200, { ...page, items: page.items.map(toApprovalResource) });
  });
