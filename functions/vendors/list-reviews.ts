import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { allInOrder } from '../shared/parallel.js';
import { PageQuery, VendorIdPath } from './model.js';
import { assertMayReadVendors } from './policy.js';
import { toReviewResource } from './resources.js';
import { getExistingVendor, listReviews } from './vendor-queries.js';

/** A vendor's performance reviews, newest first. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadVendors(callerOf(event));
    const { id } = validate(VendorIdPath, event.pathParameters);
    const page = validate(PageQuery, event.queryStringParameters ?? {});
    const [, reviews] = await allInOrder(getExistingVendor(id), listReviews(id, page));
    return json(200, { ...reviews, items: reviews.items.map(toReviewResource) });
  });
