import middy from '@middy/core';
import { requireAnyRole } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { listInternalCapabilities } from './internal-capability-store.js';
import { ListInternalCapabilitiesQuery } from './model.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    requireAnyRole(callerOf(event));
    const query = validate(ListInternalCapabilitiesQuery, event.queryStringParameters ?? {});
    return json(200, await listInternalCapabilities(query));
  });
