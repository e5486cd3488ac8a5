import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { ListVendorsQuery } from './model.js';
import { assertMayReadVendors } from './policy.js';
import { listVendorSummaries } from './vendor-queries.js';

/** Vendors by display name, filtered by status, capability and name prefix. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadVendors(callerOf(event));
    const { limit, cursor, ...filter } = validate(ListVendorsQuery, event.queryStringParameters ?? {});
    return json(200, await listVendorSummaries(filter, { limit, cursor }));
  });
