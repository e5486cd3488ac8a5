import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody } from '../shared/http.js';
import { createDelegation } from './delegation-commands.js';
import { DelegationBody, toDelegationResource } from './delegation-model.js';
import { reassignPendingApprovals } from './delegation-reassignment.js';

/** PUT /me/delegations: the caller's delegation to a delegate (201), or the same one again (200). */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const body = parseJsonBody(event, DelegationBody);
    const now = new Date();
    const { delegation, created, reassignedApprovals } = await createDelegation(
      caller,
      body,
      reassignPendingApprovals,
      now,
    );
    return json(created ? 201 : 200, toDelegationResource(delegation, now, reassignedApprovals));
  });
