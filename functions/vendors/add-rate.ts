import middy from '@middy/core';
import * as z from 'zod';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { createOnce, headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { AddRateBody, type Rate, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toRateResource } from './resources.js';
import { addRate } from './vendor-commands.js';
import { vendorsTableName } from './vendor-queries.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const raw = parseJsonBody(event, z.unknown());
    const [{ id }, body] = validateBoth(
      () => validate(VendorIdPath, event.pathParameters),
      () => validate(AddRateBody, raw),
    );
    const result = await createOnce(
      idempotencyClaimOf(event, caller, vendorsTableName, raw),
      (alongside) => addRate(caller, id, body, alongside),
      ({ role, ...rate }: Rate & { role: string }) => ({
        statusCode: 201,
        body: { role, ...toRateResource(rate) },
        headers: { location: `/vendors/${id}/rates` },
      }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
