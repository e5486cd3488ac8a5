import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, json } from '../shared/http.js';

/** Liveness of the API; the only route outside the JWT authorizer. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async () => json(200, { status: 'ok', service: 'techops-consultancy' }));
