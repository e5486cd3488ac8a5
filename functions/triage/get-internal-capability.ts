import middy from '@middy/core';
import { requireAnyRole } from '../shared/auth.js';
import { etagOf } from '../shared/concurrency.js';
import { NotFoundError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { getInternalCapability } from './internal-capability-store.js';
import { InternalCapabilityPath } from './model.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    requireAnyRole(callerOf(event));
    const { id } = validate(InternalCapabilityPath, event.pathParameters);
    const capability = await getInternalCapability(id);
    if (!capability) throw new NotFoundError(`No internal capability ${id}.`);
    return json(200, capability, { etag: etagOf(capability) });
  });
