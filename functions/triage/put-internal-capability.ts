import middy from '@middy/core';
import { requireRole } from '../shared/auth.js';
import { etagOf } from '../shared/concurrency.js';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { putInternalCapability } from './internal-capability-commands.js';
import { InternalCapabilityBody, InternalCapabilityPath } from './model.js';

/** Creates (201) or replaces (200, If-Match) an internal capability. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    requireRole(caller, 'admin');
    const [{ id }, body] = validateBoth(
      () => validate(InternalCapabilityPath, event.pathParameters),
      () => parseJsonBody(event, InternalCapabilityBody),
    );
    const { capability, created } = await putInternalCapability(caller, id, body, event.headers['if-match']);
    return json(created ? 201 : 200, capability, {
      etag: etagOf(capability),
      ...(created ? { location: `/internal-capabilities/${id}` } : {}),
    });
  });
