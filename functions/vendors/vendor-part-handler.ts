import middy from '@middy/core';
import * as z from 'zod';
import type { Caller } from '../shared/auth.js';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { type Alongside, createOnce, headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { vendorsTableName } from './vendor-queries.js';

/**
 * The handler of a POST that adds a part to a vendor (a contract, a rate, a review): the same
 * edge for each (vendor writers only, path and body validated together, Idempotency-Key), so
 * each part's handler names only its body, its command and its answer.
 */
export function vendorPartHandler<Body, Created>(part: {
  body: z.ZodType<Body>;
  add: (caller: Caller, vendorId: string, body: Body, alongside: Alongside<Created>) => Promise<Created>;
  /** The created part as the caller sees it, and the collection it was added to. */
  respond: (vendorId: string, created: Created) => { body: unknown; location: string };
}) {
  return middy<ApiEvent>()
    .use(apiMiddlewares())
    .handler(async (event) => {
      const caller = callerOf(event);
      assertMayWriteVendors(caller);
      const raw = parseJsonBody(event, z.unknown());
      const [{ id }, body] = validateBoth(
        () => validate(VendorIdPath, event.pathParameters),
        () => validate(part.body, raw),
      );
      const result = await createOnce(
        idempotencyClaimOf(event, caller, vendorsTableName, raw),
        (alongside) => part.add(caller, id, body, alongside),
        (created: Created) => {
          const { body: answer, location } = part.respond(id, created);
          return { statusCode: 201, body: answer, headers: { location } };
        },
      );
      return json(result.statusCode, result.body, headersOf(result));
    });
}
