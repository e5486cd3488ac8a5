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
import { AddContractBody, type Contract, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toContractResource } from './resources.js';
import { addContract } from './vendor-commands.js';
import { vendorsTableName } from './vendor-queries.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const raw = parseJsonBody(event, z.unknown());
    const [{ id }, body] = validateBoth(
      () => validate(VendorIdPath, event.pathParameters),
      () => validate(AddContractBody, raw),
    );
    const result = await createOnce(
      idempotencyClaimOf(event, caller, vendorsTableName, raw),
      (alongside) => addContract(caller, id, body, alongside),
      (contract: Contract) => ({
        statusCode: 201,
        body: toContractResource(contract),
        headers: { location: `/vendors/${id}` },
      }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
