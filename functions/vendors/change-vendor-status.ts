import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { ChangeVendorStatusBody, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toVendorResource } from './resources.js';
import { changeVendorStatus } from './vendor-commands.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const { id } = validate(VendorIdPath, event.pathParameters);
    const change = parseJsonBody(event, ChangeVendorStatusBody);
    const vendor = await changeVendorStatus(caller, id, change, event.headers['if-match']);
    return json(200, toVendorResource(vendor), { etag: etagOf(vendor) });
  });
