import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody } from '../shared/http.js';
import { CreateVendorBody } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toVendorResource } from './resources.js';
import { createVendor } from './vendor-commands.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const vendor = await createVendor(caller, parseJsonBody(event, CreateVendorBody));
    return json(201, toVendorResource(vendor), { location: `/vendors/${vendor.id}`, etag: etagOf(vendor) });
  });
