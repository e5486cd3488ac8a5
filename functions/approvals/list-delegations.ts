import middy from '@middy/core';
import { requireRole } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { ListDelegationsQuery, toDelegationResource } from './delegation-model.js';
import { listDelegations } from './delegation-store.js';

/** GET /delegations: every delegation, newest first (admin). */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    requireRole(callerOf(event), 'admin');
    const page = await listDelegations(validate(ListDelegationsQuery, event.queryStringParameters ?? {}));
    const now = new Date();
    return json(200, {
      ...page,
      items: page.items.map((delegation) => toDelegationResource(delegation, now)),
    });
  });
