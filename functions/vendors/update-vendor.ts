import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { UpdateVendorBody, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toVendorResource } from './resources.js';
import { updateVendor } from './vendor-commands.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const { id } = validate(VendorIdPath, event.pathParameters);
    const patch = parseJsonBody(event, UpdateVendorBody);
    const vendor = await updateVendor(caller, id, patch, event.headers['if-match']);
    return json(200, toVendorResource(vendor), { etag: etagOf(vendor) });
  });
