import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { AddReviewBody, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toReviewResource } from './resources.js';
import { addReview } from './review-commands.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const { id } = validate(VendorIdPath, event.pathParameters);
    const { review } = await addReview(caller, id, parseJsonBody(event, AddReviewBody));
    return json(201, toReviewResource(review), { location: `/vendors/${id}/reviews` });
  });
