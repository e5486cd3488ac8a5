import middy from '@middy/core';
import { requireAnyRole } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { listBusinessFunctions } from './business-functions.js';

import { ListBusinessFunctionsQuery } from './routes.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    requireAnyRole(callerOf(event));
    const query = validate(ListBusinessFunctionsQuery, event.queryStringParameters ?? {});
    return json(200, await listBusinessFunctions(query));
  });
