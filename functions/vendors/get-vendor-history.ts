import middy from '@middy/core';
import { listAuditEventsOfEntity } from '../shared/audit.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { allInOrder } from '../shared/parallel.js';
import { PageQuery, VendorIdPath } from './model.js';
import { assertMayReadVendors } from './policy.js';
import { getExistingVendor } from './vendor-queries.js';

/** The vendor's audit trail (fields, status, contracts, rates, reviews), oldest first. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadVendors(callerOf(event));
    const { id } = validate(VendorIdPath, event.pathParameters);
    const page = validate(PageQuery, event.queryStringParameters ?? {});
    // Both reads at once; an unknown vendor answers 404 rather than an empty trail.
    const [, events] = await allInOrder(getExistingVendor(id), listAuditEventsOfEntity('VENDOR', id, page));
    return json(200, events);
  });
