import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { endDelegation } from './delegation-commands.js';
import { DelegationIdPath, toDelegationResource } from './delegation-model.js';

/** POST /me/delegations/{id}/end: ends the delegation now (its delegator, or an admin). */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(DelegationIdPath, event.pathParameters);
    const now = new Date();
    return json(200, toDelegationResource(await endDelegation(caller, id, now), now));
  });
