import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { VendorIdPath } from './model.js';
import { assertMayReadVendors } from './policy.js';
import { toContractResource, toVendorResource } from './resources.js';
import { getExistingVendor, listContracts } from './vendor-queries.js';

/** One vendor with its review averages and every contract (soonest expiry first). */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadVendors(callerOf(event));
    const { id } = validate(VendorIdPath, event.pathParameters);
    const [vendor, contracts] = await Promise.all([getExistingVendor(id), listContracts(id)]);
    const sorted = contracts
      .map(toContractResource)
      .sort((a, b) => a.expiryDate.localeCompare(b.expiryDate) || a.id.localeCompare(b.id));
    return json(200, toVendorResource(vendor, sorted), { etag: etagOf(vendor) });
  });
