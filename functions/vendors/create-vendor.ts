import middy from '@middy/core';
import * as z from 'zod';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { createOnce, headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { CreateVendorBody, type Vendor } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toVendorResource } from './resources.js';
import { createVendor } from './vendor-commands.js';
import { vendorsTableName } from './vendor-queries.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const raw = parseJsonBody(event, z.unknown());
    const body = validate(CreateVendorBody, raw);
    const result = await createOnce(
      idempotencyClaimOf(event, caller, vendorsTableName, raw),
      (alongside) => createVendor(caller, body, alongside),
      (vendor: Vendor) => ({
        statusCode: 201,
        body: toVendorResource(vendor),
        headers: { location: `/vendors/${vendor.id}`, etag: etagOf(vendor) },
      }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
