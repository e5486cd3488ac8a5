import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { RequestIdPath, toResource } from './model.js';
import { getRequestVisibleTo } from './request-queries.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    const request = await getRequestVisibleTo(caller, id);
    return json(200, toResource(request), { etag: etagOf(request) });
  });
