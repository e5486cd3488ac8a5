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
import { AddReviewBody, type Review, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toReviewResource } from './resources.js';
import { addReview } from './review-commands.js';
import { vendorsTableName } from './vendor-queries.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const raw = parseJsonBody(event, z.unknown());
    const [{ id }, body] = validateBoth(
      () => validate(VendorIdPath, event.pathParameters),
      () => validate(AddReviewBody, raw),
    );
    const result = await createOnce(
      idempotencyClaimOf(event, caller, vendorsTableName, raw),
      async (alongside) => (await addReview(caller, id, body, alongside)).review,
      (review: Review) => ({
        statusCode: 201,
        body: toReviewResource(review),
        headers: { location: `/vendors/${id}/reviews` },
      }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
