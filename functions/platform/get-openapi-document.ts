import middy from '@middy/core';
import { requireAnyRole } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json } from '../shared/http.js';
import { buildOpenApiDocument } from './openapi-document.js';

// Built once per Lambda instance: the schemas do not change while it runs.
const document = buildOpenApiDocument();

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    requireAnyRole(callerOf(event));
    return json(200, document);
  });
