import middy from '@middy/core';
import { requireRole } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { ListDelegationsQuery, toDelegationResource } from './delegation-model.js';
import { listDelegationsOf } from './delegation-store.js';

/** GET /me/delegations: the caller's delegations, as delegator and as delegate, newest first. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    requireRole(caller, 'approver', 'admin');
    const page = await listDelegationsOf(
      caller.email,
      validate(ListDelegationsQuery, event.queryStringParameters ?? {}),
    );
    const now = new Date();
    return json(200, {
      ...page,
      items: page.items.map((delegation) => toDelegationResource(delegation, now)),
    });
  });
