import middy from '@middy/core';
import type * as z from 'zod';
import type { Caller } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { ListRequestsQuery, toResource } from './model.js';
import { listScopeFor } from './policy.js';
import { listRequestsMatching } from './request-queries.js';

/** Requests the caller may see, filtered, newest first. Requesters see their own business function. */
export async function listVisibleRequests(caller: Caller, query: z.output<typeof ListRequestsQuery>) {
  const { limit, cursor, ...filter } = query;
  const businessFunction = listScopeFor(caller, filter.businessFunction);
  const page = await listRequestsMatching({ ...filter, businessFunction }, { limit, cursor });
  return { ...page, items: page.items.map((request) => toResource(request)) };
}

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const query = validate(ListRequestsQuery, event.queryStringParameters ?? {});
    return json(200, await listVisibleRequests(caller, query));
  });
